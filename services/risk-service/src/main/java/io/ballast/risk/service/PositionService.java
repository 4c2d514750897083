package io.ballast.risk.service;

import io.ballast.risk.domain.ApiException;
import io.ballast.risk.domain.Instrument;
import io.ballast.risk.domain.TenantId;
import io.ballast.risk.messaging.OutboxWriter;
import io.ballast.risk.repository.InstrumentRepository;
import io.ballast.risk.repository.PositionRepository;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Positions of an account, one per instrument. */
@ApplicationScoped
public class PositionService {

    /**
     * A position with its instrument's symbol.
     *
     * @param instrument instrument symbol
     * @param quantity   signed quantity in contracts
     * @param entryPrice average entry price
     * @param updatedAt  last change (UTC), null right after a write in the same request
     */
    public record SymbolPosition(String instrument, BigDecimal quantity, BigDecimal entryPrice,
            OffsetDateTime updatedAt) {
    }

    /** Title of the 409 problem refusing a write to positions of an expired instrument (position or snapshot). */
    public static final String INSTRUMENT_EXPIRED = "Instrument Expired";

    private final PositionRepository positions;
    private final InstrumentRepository instruments;
    private final AccountService accounts;
    private final OutboxWriter outbox;

    /** Wires collaborators. */
    public PositionService(PositionRepository positions, InstrumentRepository instruments, AccountService accounts,
            OutboxWriter outbox) {
        this.positions = positions;
        this.instruments = instruments;
        this.accounts = accounts;
        this.outbox = outbox;
    }

    private Uni<Instrument> requireInstrument(TenantId tenant, String symbol) {
        return instruments.findBySymbol(tenant, symbol).onItem().ifNull().failWith(() -> ApiException.notFound(
                "instrument", symbol));
    }

    /**
     * The instrument, required not to have expired: positions in an expired future or option are frozen until the
     * settlement job settles and closes them (409 {@code Instrument Expired}).
     */
    private Uni<Instrument> requireLive(TenantId tenant, String symbol) {
        return requireInstrument(tenant, symbol).invoke(i -> {
            if (i.expiredAt(OffsetDateTime.now(java.time.ZoneOffset.UTC))) {
                throw new ApiException(409, INSTRUMENT_EXPIRED, "instrument " + symbol + " expired at " + i.expiry
                        + ": its positions are settled and closed by the settlement job, not changed",
                        List.of(io.ballast.risk.domain.FieldError.of("instrument", "expired")));
            }
        });
    }

    /** Sets the account's position in an instrument (replacing any previous one); 409 once it has expired. */
    @WithTransaction
    public Uni<SymbolPosition> put(TenantId tenant, UUID accountId, String symbol, BigDecimal quantity,
            BigDecimal entryPrice) {
        return accounts.requireActive(tenant, accountId)
                .flatMap(a -> requireLive(tenant, symbol))
                .flatMap(i -> positions.upsert(tenant, accountId, i.id, quantity, entryPrice)
                        .call(() -> outbox.record(tenant, "account", accountId, "PositionChanged",
                                Map.of("accountId", accountId, "instrument", symbol,
                                        "quantity", quantity.toPlainString(),
                                        "entryPrice", entryPrice.toPlainString()))))
                .map(x -> new SymbolPosition(symbol, quantity, entryPrice, null));
    }

    /** Removes the account's position in an instrument; 404 when there is none, 409 once it has expired. */
    @WithTransaction
    public Uni<Void> remove(TenantId tenant, UUID accountId, String symbol) {
        return accounts.requireActive(tenant, accountId)
                .flatMap(a -> requireLive(tenant, symbol))
                .flatMap(i -> positions.remove(tenant, accountId, i.id))
                .flatMap(removed -> removed
                        ? outbox.record(tenant, "account", accountId, "PositionClosed",
                                Map.of("accountId", accountId, "instrument", symbol))
                        : Uni.createFrom().failure(ApiException.notFound("position", symbol)));
    }

    /** The account's positions; 404 when the account is unknown. */
    public Uni<List<SymbolPosition>> list(TenantId tenant, UUID accountId) {
        return accounts.get(tenant, accountId)
                .flatMap(a -> instruments.listFor(tenant))
                .flatMap(all -> positions.forAccount(tenant, accountId).map(rows -> {
                    Map<UUID, String> symbols = new HashMap<>();
                    all.forEach(x -> symbols.put(x.id, x.symbol));
                    return rows.stream().map(p -> new SymbolPosition(symbols.get(p.id.instrumentId()), p.quantity,
                            p.entryPrice, p.updatedAt)).toList();
                }));
    }

}
