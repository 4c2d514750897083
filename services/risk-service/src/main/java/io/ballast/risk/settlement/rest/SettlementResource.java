package io.ballast.risk.settlement.rest;

import io.ballast.risk.domain.ApiException;
import io.ballast.risk.security.Roles;
import io.ballast.risk.security.TenantAccess;
import io.ballast.risk.service.InstrumentService;
import io.ballast.risk.settlement.domain.InstrumentSettlement;
import io.ballast.risk.settlement.domain.SettlementEntry;
import io.ballast.risk.settlement.service.SettlementService;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The settlement of an expired instrument of the caller's tenant (docs/margin.md "Expiry and settlement"). */
@Path("/api/v1/instruments/{id}/settlement")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "instruments", description = "Instruments and their risk parameters")
public class SettlementResource {

    /**
     * One settled position.
     *
     * @param accountId          the account
     * @param isolated           whether it was held in an isolated pool
     * @param quantity           signed contracts
     * @param entryPrice         entry price, USD per unit
     * @param settlementValueUsd value of one unit at the settlement price (future: the price; option: the payoff)
     * @param amount             the position's P&amp;L, settlement-asset units, signed
     * @param booked             what the pool's balance received (positive) or paid (negative)
     * @param shortfall          what the pool's balance could not pay, &gt;= 0
     */
    public record EntryView(UUID accountId, boolean isolated, BigDecimal quantity, BigDecimal entryPrice,
            BigDecimal settlementValueUsd, BigDecimal amount, BigDecimal booked, BigDecimal shortfall) {
        static EntryView of(SettlementEntry e) {
            return new EntryView(e.accountId, e.isolated, e.quantity, e.entryPrice, e.settlementValueUsd, e.amount,
                    e.booked, e.shortfall);
        }
    }

    /**
     * A settlement.
     *
     * @param instrumentId       the instrument
     * @param method             INDEX (the index at expiry) or TWAP (its time-weighted average over the window)
     * @param twapMinutes        the window, minutes (0 for INDEX)
     * @param settlementPriceUsd the settlement price, USD per unit of underlying
     * @param observations       index observations used
     * @param expiry             the instrument's expiry
     * @param settledAt          when it was booked
     * @param entries            one per settled position, by account
     */
    public record SettlementView(UUID instrumentId, String method, int twapMinutes, BigDecimal settlementPriceUsd,
            int observations, OffsetDateTime expiry, OffsetDateTime settledAt, List<EntryView> entries) {
        static SettlementView of(InstrumentSettlement s, List<SettlementEntry> entries) {
            return new SettlementView(s.id.instrumentId(), s.twapMinutes == 0 ? "INDEX" : "TWAP", s.twapMinutes,
                    s.settlementPriceUsd, s.observations, s.expiry, s.settledAt,
                    entries.stream().map(EntryView::of).toList());
        }
    }

    private final SettlementService settlements;
    private final InstrumentService instruments;
    private final TenantAccess access;
    private final SecurityIdentity identity;

    /** Wires collaborators. */
    public SettlementResource(SettlementService settlements, InstrumentService instruments, TenantAccess access,
            SecurityIdentity identity) {
        this.settlements = settlements;
        this.instruments = instruments;
        this.access = access;
        this.identity = identity;
    }

    /** The settlement of an instrument; 404 when the instrument is unknown or not settled. */
    @GET
    @RolesAllowed({Roles.TENANT_ADMIN, Roles.INTEGRATOR, Roles.RISK_COMMITTEE, Roles.VIEWER})
    @Operation(summary = "The settlement of an expired instrument: price, method and the entry of each position "
            + "(tenant-admin, integrator, risk-committee, viewer); 404 until it is settled")
    public Uni<SettlementView> get(@PathParam("id") UUID id) {
        return access.require(identity).flatMap(t -> instruments.get(t, id).flatMap(i -> settlements.settlement(t, id))
                .onItem().ifNull().failWith(() -> ApiException.notFound("settlement of instrument", id))
                .flatMap(s -> settlements.entries(t, id).map(es -> SettlementView.of(s, es))));
    }
}
