package io.ballast.risk.rest;

import io.ballast.risk.domain.ApiException;
import io.ballast.risk.domain.FieldError;
import io.ballast.risk.paging.Cursor;
import io.ballast.risk.paging.Page;
import io.ballast.risk.rest.ApiModels.AccountChange;
import io.ballast.risk.rest.ApiModels.AccountView;
import io.ballast.risk.rest.ApiModels.CollateralMovement;
import io.ballast.risk.rest.ApiModels.LedgerEntryView;
import io.ballast.risk.rest.ApiModels.NewAccount;
import io.ballast.risk.rest.ApiModels.PositionChange;
import io.ballast.risk.security.Roles;
import io.ballast.risk.security.TenantAccess;
import io.ballast.risk.service.AccountService;
import io.ballast.risk.service.IdempotencyService;
import io.ballast.risk.service.LedgerService;
import io.ballast.risk.service.PositionService;
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
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.PATCH;
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
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestResponse;

/** Accounts of the caller's tenant, their collateral ledger, balances and positions. */
@Path("/api/v1/accounts")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "accounts", description = "Accounts, collateral ledger, balances, positions")
public class AccountResource {


    private final AccountService accounts;
    private final LedgerService ledger;
    private final PositionService positions;
    private final IdempotencyService idempotency;
    private final TenantAccess access;
    private final SecurityIdentity identity;

    /** Wires collaborators. */
    public AccountResource(AccountService accounts, LedgerService ledger, PositionService positions,
            IdempotencyService idempotency, TenantAccess access, SecurityIdentity identity) {
        this.accounts = accounts;
        this.ledger = ledger;
        this.positions = positions;
        this.idempotency = idempotency;
        this.access = access;
        this.identity = identity;
    }

    /** Opens an account. */
    @POST
    @RolesAllowed({Roles.TENANT_ADMIN, Roles.INTEGRATOR})
    @Operation(summary = "Open an account (tenant-admin, integrator)")
    public Uni<Response> create(@HeaderParam("Idempotency-Key") String key, @Valid @NotNull NewAccount body,
            @Context UriInfo uri) {
        return access.require(identity).flatMap(t -> idempotency.execute(t, key, "POST", uri.getPath(), body, 201,
                () -> accounts.create(t, body.externalId(), body.marginMode()).map(AccountView::of)))
                .map(Responses::of);
    }

    /**
     * A page of accounts: after the cursor {@code after} (the id of the last account of the previous page; an index
     * seek, however deep) or from {@code offset}.
     */
    @GET
    @RolesAllowed({Roles.TENANT_ADMIN, Roles.INTEGRATOR, Roles.RISK_COMMITTEE, Roles.VIEWER})
    @Operation(summary = "List accounts, oldest first; page with after=<id of the last account> "
            + "(tenant-admin, integrator, risk-committee, viewer)")
    public Uni<RestResponse<List<AccountView>>> list(@QueryParam("offset") @DefaultValue("0") @Min(0) int offset,
            @Valid @BeanParam PageQuery page, @Context UriInfo uri) {
        return Uni.createFrom().item(() -> page.lastId(offset)).flatMap(after -> access.require(identity)
                        .flatMap(t -> after == null ? accounts.page(t, offset, page.limit + 1)
                                : accounts.pageAfter(t, after, page.limit + 1)))
                .map(rows -> Pages.ofIds(Page.of(rows, page.limit, a -> Cursor.of(a.id)).map(AccountView::of), uri));
    }

    /** One account. */
    @GET
    @Path("{id}")
    @RolesAllowed({Roles.TENANT_ADMIN, Roles.INTEGRATOR, Roles.RISK_COMMITTEE, Roles.VIEWER})
    @Operation(summary = "Get an account (tenant-admin, integrator, risk-committee, viewer)")
    public Uni<AccountView> get(@PathParam("id") UUID id) {
        return access.require(identity).flatMap(t -> accounts.get(t, id)).map(AccountView::of);
    }

    /** Changes margin mode or status. */
    @PATCH
    @Path("{id}")
    @RolesAllowed({Roles.TENANT_ADMIN, Roles.INTEGRATOR})
    @Operation(summary = "Change an account's margin mode or status (tenant-admin, integrator)")
    public Uni<Response> update(@PathParam("id") UUID id, @HeaderParam("Idempotency-Key") String key,
            @Valid @NotNull AccountChange body, @Context UriInfo uri) {
        if (body.marginMode() == null && body.status() == null) {
            return Uni.createFrom().failure(ApiException.badRequest("nothing to change",
                    List.of(FieldError.of("marginMode", "give marginMode and/or status"))));
        }
        return access.require(identity).flatMap(t -> idempotency.execute(t, key, "PATCH", uri.getPath(), body, 200,
                () -> accounts.update(t, id, body.marginMode(), body.status()).map(AccountView::of)))
                .map(Responses::of);
    }

    /**
     * Deposits collateral. A deposit with an {@code externalRef} already booked answers that entry again (same
     * content) or 409 (different content).
     */
    @POST
    @Path("{id}/deposits")
    @RolesAllowed({Roles.TENANT_ADMIN, Roles.INTEGRATOR})
    @APIResponse(responseCode = "201", description = "the booked entry; for an externalRef already booked with the "
            + "same content, the entry booked then",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = LedgerEntryView.class)))
    @APIResponse(responseCode = "409", description = "the account is not ACTIVE, or the externalRef was already "
            + "used for a different deposit or withdrawal; nothing changed",
            content = @Content(mediaType = "application/problem+json", schema = @Schema(ref = "Problem")))
    @APIResponse(responseCode = "422", description = "neither externalRef nor an Idempotency-Key: a blind retry "
            + "could book it twice; nothing changed (the two fields named in errors)",
            content = @Content(mediaType = "application/problem+json", schema = @Schema(ref = "Problem")))
    @Operation(summary = "Deposit collateral, identified by externalRef or an Idempotency-Key (one is required); "
            + "a retry with the same externalRef answers the booked entry (tenant-admin, integrator)")
    public Uni<Response> deposit(@PathParam("id") UUID id, @HeaderParam("Idempotency-Key") String key,
            @Valid @NotNull CollateralMovement body, @Context UriInfo uri) {
        return access.require(identity).invoke(t -> identified(key, body))
                .flatMap(t -> idempotency.execute(t, key, "POST", uri.getPath(), body, 201,
                        () -> ledger.deposit(t, id, body.asset(), body.amount(), body.reference(), body.externalRef())
                                .map(LedgerEntryView::of)))
                .map(Responses::of);
    }

    /**
     * Withdraws collateral; refused (409) if it would overdraw, or leave the cross pool's equity below its initial
     * margin (with the figures). An {@code externalRef} already booked answers that entry again (same content) or
     * 409 (different content).
     */
    @POST
    @Path("{id}/withdrawals")
    @RolesAllowed({Roles.TENANT_ADMIN, Roles.INTEGRATOR})
    @APIResponse(responseCode = "201", description = "the booked entry; for an externalRef already booked with the "
            + "same content, the entry booked then",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = LedgerEntryView.class)))
    @APIResponse(responseCode = "409",
            description = "Insufficient Balance (the balance does not cover it), Insufficient Margin (the cross pool "
            + "would end below its initial margin; the figures in margin), the account is not ACTIVE, or the "
            + "externalRef was already used for a different deposit or withdrawal; nothing changed",
            content = @Content(mediaType = "application/problem+json", schema = @Schema(ref = "Problem")))
    @APIResponse(responseCode = "422", description = "neither externalRef nor an Idempotency-Key: a blind retry "
            + "could book it twice; nothing changed (the two fields named in errors)",
            content = @Content(mediaType = "application/problem+json", schema = @Schema(ref = "Problem")))
    @Operation(summary = "Withdraw collateral, identified by externalRef or an Idempotency-Key (one is required); "
            + "409 if it would overdraw or leave the cross pool below its initial margin (tenant-admin, integrator)")
    public Uni<Response> withdraw(@PathParam("id") UUID id, @HeaderParam("Idempotency-Key") String key,
            @Valid @NotNull CollateralMovement body, @Context UriInfo uri) {
        return access.require(identity).invoke(t -> identified(key, body))
                .flatMap(t -> idempotency.execute(t, key, "POST", uri.getPath(), body, 201,
                        () -> ledger.withdraw(t, id, body.asset(), body.amount(), body.reference(), body.externalRef())
                                .map(LedgerEntryView::of)))
                .map(Responses::of);
    }

    /**
     * A deposit or withdrawal must be identified, so that a blind retry cannot book it twice: by its
     * {@code externalRef} (unique per tenant) or by an {@code Idempotency-Key}; 422 naming both otherwise.
     */
    private static void identified(String key, CollateralMovement body) {
        if ((key == null || key.isBlank()) && body.externalRef() == null) {
            throw ApiException.unprocessable("a deposit or withdrawal needs externalRef or an Idempotency-Key",
                    List.of(FieldError.of("externalRef", "give the movement's id in your system (for example the "
                                    + "transaction hash), unique per tenant"),
                            FieldError.of("Idempotency-Key", "or send this header, so that a retry is applied once")));
        }
    }

    /** Balances per asset. */
    @GET
    @Path("{id}/balances")
    @RolesAllowed({Roles.TENANT_ADMIN, Roles.INTEGRATOR, Roles.RISK_COMMITTEE, Roles.VIEWER})
    @Operation(summary = "Collateral balances per asset (tenant-admin, integrator, risk-committee, viewer)")
    public Uni<RestResponse<List<LedgerService.SymbolBalance>>> balances(@PathParam("id") UUID id,
            @Valid @BeanParam PageQuery page, @Context UriInfo uri) {
        return access.require(identity).flatMap(t -> ledger.balances(t, id))
                .map(all -> Pages.of(page.slice(all, LedgerService.SymbolBalance::symbol), uri));
    }

    /** The ledger, oldest first: after the cursor {@code after} (the id of the last entry) or from {@code offset}. */
    @GET
    @Path("{id}/ledger")
    @RolesAllowed({Roles.TENANT_ADMIN, Roles.INTEGRATOR, Roles.RISK_COMMITTEE, Roles.VIEWER})
    @Operation(summary = "Collateral ledger entries, oldest first; page with after=<id of the last entry> "
            + "(tenant-admin, integrator, risk-committee, viewer)")
    public Uni<RestResponse<List<LedgerEntryView>>> entries(@PathParam("id") UUID id,
            @QueryParam("offset") @DefaultValue("0") @Min(0) int offset, @Valid @BeanParam PageQuery page,
            @Context UriInfo uri) {
        return Uni.createFrom().item(() -> page.lastId(offset)).flatMap(after -> access.require(identity)
                        .flatMap(t -> ledger.entries(t, id, after, offset, page.limit + 1)))
                .map(rows -> Pages.ofIds(Page.of(rows, page.limit, e -> Cursor.of(e.entry().id))
                        .map(LedgerEntryView::of), uri));
    }

    /** Positions. */
    @GET
    @Path("{id}/positions")
    @RolesAllowed({Roles.TENANT_ADMIN, Roles.INTEGRATOR, Roles.RISK_COMMITTEE, Roles.VIEWER})
    @Operation(summary = "Open positions (tenant-admin, integrator, risk-committee, viewer)")
    public Uni<RestResponse<List<PositionService.SymbolPosition>>> positions(@PathParam("id") UUID id,
            @Valid @BeanParam PageQuery page, @Context UriInfo uri) {
        return access.require(identity).flatMap(t -> positions.list(t, id))
                .map(all -> Pages.of(page.slice(all, PositionService.SymbolPosition::instrument), uri));
    }

    /** Sets the position in one instrument. */
    @PUT
    @Path("{id}/positions/{instrument}")
    @RolesAllowed({Roles.TENANT_ADMIN, Roles.INTEGRATOR})
    @Operation(summary = "Set the position in an instrument (tenant-admin, integrator)")
    public Uni<Response> putPosition(@PathParam("id") UUID id, @PathParam("instrument") String instrument,
            @HeaderParam("Idempotency-Key") String key, @Valid @NotNull PositionChange body, @Context UriInfo uri) {
        if (body.quantity().signum() == 0) {
            return Uni.createFrom().failure(ApiException.badRequest("zero quantity",
                    List.of(FieldError.of("quantity", "must not be zero (DELETE the position to close it)"))));
        }
        return access.require(identity).flatMap(t -> idempotency.execute(t, key, "PUT", uri.getPath(), body, 200,
                () -> positions.put(t, id, instrument, body.quantity(), body.entryPrice()))).map(Responses::of);
    }

    /** Closes the position in one instrument. */
    @DELETE
    @Path("{id}/positions/{instrument}")
    @RolesAllowed({Roles.TENANT_ADMIN, Roles.INTEGRATOR})
    @Operation(summary = "Close (remove) the position in an instrument (tenant-admin, integrator)")
    public Uni<Response> deletePosition(@PathParam("id") UUID id, @PathParam("instrument") String instrument) {
        return access.require(identity).flatMap(t -> positions.remove(t, id, instrument))
                .map(x -> Response.noContent().build());
    }

}
