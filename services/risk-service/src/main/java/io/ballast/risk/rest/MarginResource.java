package io.ballast.risk.rest;

import io.ballast.risk.domain.ApiException;
import io.ballast.risk.domain.FieldError;
import io.ballast.risk.rest.MarginViews.MarginView;
import io.ballast.risk.rest.MarginViews.WhatIfInput;
import io.ballast.risk.rest.MarginViews.PreTradeCheckView;
import io.ballast.risk.rest.MarginViews.WhatIfView;
import io.ballast.risk.security.Roles;
import io.ballast.risk.security.TenantAccess;
import io.ballast.risk.service.MarginService;
import io.ballast.risk.service.MarginService.WhatIfTrade;
import io.ballast.risk.service.MarginService.WhatIfTransfer;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Margin of one account (with breakdown) and what-if. Reads only. */
@Path("/api/v1/accounts/{id}/margin")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "margin", description = "Account margin, what-if, tenant summary")
public class MarginResource {

    private final MarginService margin;
    private final TenantAccess access;
    private final SecurityIdentity identity;

    /** Wires collaborators. */
    public MarginResource(MarginService margin, TenantAccess access, SecurityIdentity identity) {
        this.margin = margin;
        this.access = access;
        this.identity = identity;
    }

    /** An account's margin now. */
    @GET
    @RolesAllowed({Roles.TENANT_ADMIN, Roles.INTEGRATOR, Roles.RISK_COMMITTEE, Roles.VIEWER})
    @Operation(summary = "Margin of an account with its breakdown; 409 when prices or parameters are missing "
            + "(tenant-admin, integrator, risk-committee, viewer)")
    public Uni<MarginView> margin(@PathParam("id") UUID id, @QueryParam("from") String from) {
        if (from != null && !from.equals("database")) {
            return Uni.createFrom().failure(ApiException.badRequest("invalid query", List.of(FieldError.of("from",
                    "only 'database' is accepted (answer from PostgreSQL even when a hot book is held)"))));
        }
        return access.require(identity).flatMap(t -> margin.margin(t, id, from == null)).map(MarginView::of);
    }

    /**
     * Margin before and after hypothetical trades and transfers; changes nothing. {@code liquidationPrices=false}
     * leaves out the liquidation-price search (about 95 % of the engine's work on a 10-position account) for
     * pre-trade checks that need only the requirements.
     */
    @POST
    @Path("what-if")
    @RolesAllowed({Roles.TENANT_ADMIN, Roles.INTEGRATOR})
    @Operation(summary = "Margin before and after hypothetical trades and transfers; changes nothing; "
            + "liquidationPrices=false answers without liquidation prices, faster (tenant-admin, integrator)")
    public Uni<WhatIfView> whatIf(@PathParam("id") UUID id, @QueryParam("liquidationPrices") String liquidationPrices,
            @Valid @NotNull WhatIfInput body) {
        List<FieldError> errors = new ArrayList<>();
        if (liquidationPrices != null && !liquidationPrices.equals("true") && !liquidationPrices.equals("false")) {
            errors.add(FieldError.of("liquidationPrices", "true or false"));
        }
        return changes(id, body, errors, !"false".equals(liquidationPrices)).map(WhatIfView::of);
    }

    /**
     * The pre-trade check a matching engine makes before it accepts an order: the what-if's verdict and headline
     * figures before and after, without breakdown, pools, prices or liquidation prices (about a tenth of the
     * what-if's answer, and none of its liquidation-price search). Same body, same rules, same numbers.
     */
    @POST
    @Path("pre-trade-check")
    @RolesAllowed({Roles.TENANT_ADMIN, Roles.INTEGRATOR})
    @Operation(summary = "Pre-trade check: the what-if's verdict and headline figures before and after, without "
            + "breakdown or liquidation prices; changes nothing (tenant-admin, integrator)")
    public Uni<PreTradeCheckView> preTradeCheck(@PathParam("id") UUID id, @Valid @NotNull WhatIfInput body) {
        return changes(id, body, new ArrayList<>(), false).map(PreTradeCheckView::of);
    }

    /** Validates a what-if body (adding to {@code errors}) and runs it. */
    private Uni<MarginService.WhatIf> changes(UUID id, WhatIfInput body, List<FieldError> errors,
            boolean withLiquidationPrices) {
        List<WhatIfTrade> trades = new ArrayList<>();
        List<WhatIfTransfer> transfers = new ArrayList<>();
        List<MarginViews.TradeInput> ts = body.trades() == null ? List.of() : body.trades();
        List<MarginViews.TransferInput> tr = body.transfers() == null ? List.of() : body.transfers();
        for (int i = 0; i < ts.size(); i++) {
            if (ts.get(i).quantity().signum() == 0) {
                errors.add(new FieldError(i, "trades[" + i + "].quantity", "must not be zero"));
            }
            trades.add(new WhatIfTrade(ts.get(i).instrument(), ts.get(i).quantity(), ts.get(i).price()));
        }
        for (int i = 0; i < tr.size(); i++) {
            if (tr.get(i).amount().signum() == 0) {
                errors.add(new FieldError(i, "transfers[" + i + "].amount", "must not be zero"));
            }
            transfers.add(new WhatIfTransfer(tr.get(i).asset(), tr.get(i).amount()));
        }
        if (trades.isEmpty() && transfers.isEmpty()) {
            errors.add(FieldError.of("trades", "give at least one trade or transfer"));
        }
        if (!errors.isEmpty()) {
            return Uni.createFrom().failure(ApiException.badRequest("invalid what-if", errors));
        }
        return access.require(identity).flatMap(t -> margin.whatIf(t, id, trades, transfers,
                withLiquidationPrices));
    }
}
