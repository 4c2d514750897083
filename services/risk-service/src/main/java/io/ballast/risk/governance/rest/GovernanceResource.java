package io.ballast.risk.governance.rest;

import io.ballast.risk.domain.ApiException;
import io.ballast.risk.domain.FieldError;
import io.ballast.risk.domain.TenantId;
import io.ballast.risk.governance.domain.Actor;
import io.ballast.risk.governance.domain.AuditAction;
import io.ballast.risk.governance.domain.ProposalStatus;
import io.ballast.risk.governance.repository.AuditRepository;
import io.ballast.risk.governance.rest.GovernanceViews.CommentInput;
import io.ballast.risk.governance.rest.GovernanceViews.FreezeInput;
import io.ballast.risk.governance.rest.GovernanceViews.InForceView;
import io.ballast.risk.governance.rest.GovernanceViews.PolicyChangeView;
import io.ballast.risk.governance.rest.GovernanceViews.PolicyInput;
import io.ballast.risk.governance.rest.GovernanceViews.PolicyView;
import io.ballast.risk.governance.rest.GovernanceViews.ProposalInput;
import io.ballast.risk.governance.rest.GovernanceViews.ProposalView;
import io.ballast.risk.governance.rest.GovernanceViews.VersionView;
import io.ballast.risk.governance.service.AuditTrail;
import io.ballast.risk.governance.service.GovernanceService;
import io.ballast.risk.repository.AssetRepository;
import io.ballast.risk.rest.PageQuery;
import io.ballast.risk.rest.Pages;
import io.ballast.risk.security.Roles;
import io.ballast.risk.security.TenantAccess;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.net.URI;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestResponse;

/**
 * Risk governance of the caller's tenant (docs/governance.md): policy, proposals and votes, veto, freeze, parameters
 * in force and their history, and the audit trail. The tenant comes from the token only; another tenant's proposal
 * is a 404.
 */
@Path("/api/v1/governance")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "governance", description = "Policy, proposals, approvals, timelock, veto, freeze, audit")
public class GovernanceResource {

    /** Most rows one audit export answers. */
    public static final int MAX_EXPORT_ROWS = 10_000;

    private final GovernanceService governance;
    private final AuditTrail audit;
    private final AssetRepository assets;
    private final TenantAccess access;
    private final SecurityIdentity identity;

    /** Wires collaborators. */
    public GovernanceResource(GovernanceService governance, AuditTrail audit, AssetRepository assets,
            TenantAccess access, SecurityIdentity identity) {
        this.governance = governance;
        this.audit = audit;
        this.assets = assets;
        this.access = access;
        this.identity = identity;
    }

    /** The policy in force. */
    @GET
    @Path("policy")
    @RolesAllowed({Roles.TENANT_ADMIN, Roles.RISK_COMMITTEE, Roles.VIEWER})
    @Operation(summary = "The governance policy (tenant-admin, risk-committee, viewer)")
    public Uni<PolicyView> policy() {
        return access.require(identity).flatMap(governance::policy).map(PolicyView::of);
    }

    /** Changes the policy; fewer approvals required becomes a proposal. */
    @PUT
    @Path("policy")
    @RolesAllowed(Roles.TENANT_ADMIN)
    @Operation(summary = "Change the policy (tenant-admin); lowering approvalsRequired becomes a committee proposal")
    public Uni<PolicyChangeView> changePolicy(@Valid @NotNull PolicyInput body) {
        return access.require(identity).flatMap(t -> governance.changePolicy(t, Actor.of(identity),
                        new GovernanceService.PolicyChange(body.approvalsRequired(), body.proposalTtl(),
                                body.timelock(), body.reason())))
                .map(r -> new PolicyChangeView(PolicyView.of(r.policy()),
                        r.proposal() == null ? null : ProposalView.of(r.proposal(), null)));
    }

    /** Proposals, newest first. */
    @GET
    @Path("proposals")
    @RolesAllowed({Roles.TENANT_ADMIN, Roles.RISK_COMMITTEE, Roles.VIEWER})
    @Operation(summary = "List proposals (tenant-admin, risk-committee, viewer); filters status, asset; paging")
    public Uni<RestResponse<List<ProposalView>>> proposals(@QueryParam("status") ProposalStatus status,
            @QueryParam("asset") String asset, @QueryParam("offset") @DefaultValue("0") @Min(0) int offset,
            @Valid @BeanParam PageQuery page, @Context UriInfo uri) {
        return access.require(identity).flatMap(t -> assetId(t, asset)
                        .flatMap(a -> governance.list(t, status, a, page.cursor(2, offset), offset, page.limit)))
                .map(p -> Pages.of(p.map(x -> ProposalView.of(x, null)), uri));
    }

    /** One proposal with its evidence and votes. */
    @GET
    @Path("proposals/{id}")
    @RolesAllowed({Roles.TENANT_ADMIN, Roles.RISK_COMMITTEE, Roles.VIEWER})
    @Operation(summary = "A proposal with its evidence and votes (tenant-admin, risk-committee, viewer)")
    public Uni<ProposalView> proposal(@PathParam("id") UUID id) {
        return access.require(identity).flatMap(t -> governance.detail(t, id))
                .map(d -> ProposalView.of(d.proposal(), d.votes()));
    }

    /** A manual proposal. */
    @POST
    @Path("proposals")
    @RolesAllowed({Roles.TENANT_ADMIN, Roles.RISK_COMMITTEE})
    @Operation(summary = "Propose a parameter change or a preset, crypto or emir (tenant-admin, risk-committee); "
            + "evidence is computed")
    public Uni<Response> propose(@Valid @NotNull ProposalInput body, @Context UriInfo uri) {
        return access.require(identity).flatMap(t -> assetId(t, body.asset())
                        .flatMap(a -> governance.propose(t, Actor.of(identity), a, body.chosenPreset(),
                                body.numericChanges(), body.reason()))
                        .flatMap(p -> governance.detail(t, p.id)))
                .map(d -> Response.created(URI.create(uri.getPath() + "/" + d.proposal().id))
                        .entity(ProposalView.of(d.proposal(), d.votes())).build());
    }

    /** A committee member approves. */
    @POST
    @Path("proposals/{id}/approve")
    @RolesAllowed(Roles.RISK_COMMITTEE)
    @Operation(summary = "Approve (risk-committee; not the proposer; once per member; not after expiry)")
    public Uni<ProposalView> approve(@PathParam("id") UUID id, @Valid @NotNull CommentInput body) {
        return access.require(identity).flatMap(t -> governance.approve(t, Actor.of(identity), id, body.comment()))
                .map(p -> ProposalView.of(p, null));
    }

    /** A committee member rejects. */
    @POST
    @Path("proposals/{id}/reject")
    @RolesAllowed(Roles.RISK_COMMITTEE)
    @Operation(summary = "Reject (risk-committee; not the proposer; closes the proposal)")
    public Uni<ProposalView> reject(@PathParam("id") UUID id, @Valid @NotNull CommentInput body) {
        return access.require(identity).flatMap(t -> governance.reject(t, Actor.of(identity), id, body.comment()))
                .map(p -> ProposalView.of(p, null));
    }

    /** A tenant-admin vetoes during the timelock. */
    @POST
    @Path("proposals/{id}/veto")
    @RolesAllowed(Roles.TENANT_ADMIN)
    @Operation(summary = "Veto an approved proposal during its timelock (tenant-admin)")
    public Uni<ProposalView> veto(@PathParam("id") UUID id, @Valid @NotNull CommentInput body) {
        return access.require(identity).flatMap(t -> governance.veto(t, Actor.of(identity), id, body.comment()))
                .map(p -> ProposalView.of(p, null));
    }

    /** Freezes automatic adjustments. */
    @POST
    @Path("freeze")
    @RolesAllowed(Roles.TENANT_ADMIN)
    @Operation(summary = "Freeze automatic adjustments (tenant-admin); 409 when already frozen")
    public Uni<PolicyView> freeze(@Valid @NotNull FreezeInput body) {
        return access.require(identity).flatMap(t -> governance.setFrozen(t, Actor.of(identity), true,
                body.reason())).map(PolicyView::of);
    }

    /** Lifts the freeze. */
    @DELETE
    @Path("freeze")
    @RolesAllowed(Roles.TENANT_ADMIN)
    @Operation(summary = "Lift the freeze (tenant-admin); 409 when not frozen")
    public Uni<PolicyView> unfreeze(@QueryParam("reason") String reason) {
        return access.require(identity).flatMap(t -> governance.setFrozen(t, Actor.of(identity), false,
                reason)).map(PolicyView::of);
    }

    /** The parameters in force for an asset, or tenant-wide settings. */
    @GET
    @Path("parameters")
    @RolesAllowed({Roles.TENANT_ADMIN, Roles.INTEGRATOR, Roles.RISK_COMMITTEE, Roles.VIEWER})
    @Operation(summary = "Parameters and settings in force (?asset=SYMBOL; tenant-wide without it)")
    public Uni<InForceView> inForce(@QueryParam("asset") String asset) {
        return access.require(identity).flatMap(t -> assetId(t, asset).flatMap(a -> governance.inForce(t, a)))
                .map(InForceView::of);
    }

    /** Every version of an asset's parameters and of the settings that apply to it, oldest first. */
    @GET
    @Path("parameters/history")
    @RolesAllowed({Roles.TENANT_ADMIN, Roles.INTEGRATOR, Roles.RISK_COMMITTEE, Roles.VIEWER})
    @Operation(summary = "Version history of parameters and settings (?asset=SYMBOL)")
    public Uni<RestResponse<List<VersionView>>> history(@QueryParam("asset") String asset,
            @Valid @BeanParam PageQuery page, @Context UriInfo uri) {
        return access.require(identity).flatMap(t -> assetId(t, asset).flatMap(a -> governance.history(t, a)))
                .map(h -> {
                    List<VersionView> out = new ArrayList<>();
                    h.parameters().forEach(p -> out.add(VersionView.of(p)));
                    h.settings().forEach(s -> out.add(VersionView.of(s)));
                    return Pages.of(page.slice(out, v -> v.kind() + '/' + v.scope() + '/'
                            + String.format("%010d", v.version())), uri);
                });
    }

    /** The audit trail with filters. */
    @GET
    @Path("audit")
    @RolesAllowed({Roles.TENANT_ADMIN, Roles.RISK_COMMITTEE})
    @Operation(summary = "Audit trail (tenant-admin, risk-committee); filters action, actor (token subject or "
            + "name), asset, from, to")
    public Uni<RestResponse<List<AuditTrail.Entry>>> audit(@QueryParam("action") AuditAction action,
            @QueryParam("actor") String actor, @QueryParam("asset") String asset, @QueryParam("from") String from,
            @QueryParam("to") String to, @QueryParam("offset") @DefaultValue("0") @Min(0) int offset,
            @Valid @BeanParam PageQuery page, @Context UriInfo uri) {
        return access.require(identity).flatMap(t -> filter(t, action, actor, asset, from, to)
                .flatMap(f -> audit.page(t, f, page.cursor(1, offset), offset, page.limit)))
                .map(p -> Pages.of(p, uri));
    }

    /** The audit trail as a CSV or JSON download (at most {@link #MAX_EXPORT_ROWS} rows per call). */
    @GET
    @Path("audit/export")
    @Produces({"text/csv", MediaType.APPLICATION_JSON})
    @RolesAllowed({Roles.TENANT_ADMIN, Roles.RISK_COMMITTEE})
    @Operation(summary = "Export the audit trail as CSV or JSON (?format=csv|json; same filters; offset paging)")
    public Uni<Response> export(@QueryParam("format") @DefaultValue("csv") String format,
            @QueryParam("action") AuditAction action, @QueryParam("actor") String actor,
            @QueryParam("asset") String asset, @QueryParam("from") String from, @QueryParam("to") String to,
            @QueryParam("offset") @DefaultValue("0") @Min(0) int offset) {
        if (!format.equals("csv") && !format.equals("json")) {
            return Uni.createFrom().failure(ApiException.badRequest("unknown format",
                    List.of(FieldError.of("format", "csv or json"))));
        }
        return access.require(identity).flatMap(t -> filter(t, action, actor, asset, from, to)
                        .flatMap(f -> audit.query(t, f, offset, MAX_EXPORT_ROWS)))
                .map(rows -> format.equals("csv")
                        ? Response.ok(AuditTrail.csv(rows), "text/csv")
                                .header("Content-Disposition", "attachment; filename=\"audit.csv\"").build()
                        : Response.ok(audit.toJson(rows), MediaType.APPLICATION_JSON)
                                .header("Content-Disposition", "attachment; filename=\"audit.json\"").build());
    }

    private Uni<AuditRepository.Filter> filter(TenantId t, AuditAction action, String actor, String asset,
            String from, String to) {
        OffsetDateTime f;
        OffsetDateTime u;
        try {
            f = from == null || from.isBlank() ? null : OffsetDateTime.parse(from);
            u = to == null || to.isBlank() ? null : OffsetDateTime.parse(to);
        } catch (DateTimeParseException e) {
            return Uni.createFrom().failure(ApiException.badRequest("invalid time",
                    List.of(FieldError.of("from/to", "ISO-8601 date-time with offset expected"))));
        }
        return assetId(t, asset).map(a -> new AuditRepository.Filter(action, actor, a, f, u));
    }

    /** The id of the tenant's asset with this symbol (404 when unknown), or null for no symbol. */
    Uni<UUID> assetId(TenantId t, String symbol) {
        if (symbol == null || symbol.isBlank()) {
            return Uni.createFrom().nullItem();
        }
        return assets.findBySymbol(t, symbol).onItem().ifNull().failWith(() -> ApiException.notFound("asset",
                symbol)).map(a -> a.id);
    }
}
