package io.ballast.risk.settlement.service;

import io.ballast.risk.collateral.domain.IsolatedBalance;
import io.ballast.risk.collateral.repository.IsolatedBalanceRepository;
import io.ballast.risk.domain.Account;
import io.ballast.risk.domain.Asset;
import io.ballast.risk.domain.Instrument;
import io.ballast.risk.domain.LedgerEntry;
import io.ballast.risk.domain.LedgerEntryKind;
import io.ballast.risk.domain.MarginMode;
import io.ballast.risk.domain.MarketPrice;
import io.ballast.risk.domain.Position;
import io.ballast.risk.domain.TenantId;
import io.ballast.risk.governance.domain.RiskSettings;
import io.ballast.risk.governance.domain.SettingsScope;
import io.ballast.risk.governance.repository.RiskSettingsRepository;
import io.ballast.risk.messaging.OutboxWriter;
import io.ballast.risk.repository.AssetRepository;
import io.ballast.risk.repository.InstrumentRepository;
import io.ballast.risk.repository.LedgerRepository;
import io.ballast.risk.service.LedgerService;
import io.ballast.risk.service.MarginInputs;
import io.ballast.risk.settlement.domain.InstrumentSettlement;
import io.ballast.risk.settlement.domain.SettlementEntry;
import io.ballast.risk.settlement.domain.SettlementRule;
import io.ballast.risk.settlement.repository.SettlementRepository;
import io.ballast.risk.tenancy.rls.CrossTenant;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

/**
 * Expiry settlement of dated futures and options (docs/margin.md "Expiry and settlement"). One instrument settles in
 * one transaction: the instrument row is locked ({@code for no key update skip locked}: a concurrent run skips it)
 * and its settlement row checked (a settled instrument is never booked again); the settlement price is made from the
 * stored index observations by the tenant's method in force at expiry (risk setting {@code settlementTwapMinutes} of
 * the underlying, else the tenant's); each holder's account is locked; each position's P&amp;L is booked to the
 * pool that held it as a SETTLEMENT ledger entry (a loss at most the pool's balance of the settlement asset, the
 * rest recorded as shortfall); the positions are deleted; the isolated pools of the instrument are released into
 * the cross pool (TRANSFER entries); and the events are written to the outbox: {@code PositionSettled} per account
 * (the change event the live book refreshes the account on) and {@code InstrumentSettled} once.
 */
@ApplicationScoped
public class SettlementService {

    /** How one run of {@link #settle} ended. */
    public enum Status {
        /** Booked now. */
        SETTLED,
        /** Settled before (nothing booked). */
        ALREADY_SETTLED,
        /** Not expired, unknown, or being settled by another run (nothing booked). */
        SKIPPED,
        /** No index observation at or before expiry yet (nothing booked; retried at the next run). */
        NO_PRICE
    }

    /**
     * The outcome of one settlement attempt.
     *
     * @param status             what happened
     * @param instrumentId       the instrument
     * @param settlementPriceUsd the settlement price (SETTLED, ALREADY_SETTLED), else null
     * @param positions          positions settled (SETTLED, ALREADY_SETTLED), else 0
     */
    public record Outcome(Status status, UUID instrumentId, BigDecimal settlementPriceUsd, int positions) {
    }

    /** One settled position, with the balances its release moved (filled by {@link #release}). */
    private record Settled(Account account, Position position, SettlementEntry entry,
            List<Map<String, Object>> released) {
    }

    private final SettlementRepository settlements;
    private final InstrumentRepository instruments;
    private final AssetRepository assets;
    private final LedgerRepository ledger;
    private final IsolatedBalanceRepository isolated;
    private final RiskSettingsRepository settings;
    private final OutboxWriter outbox;

    /** Wires collaborators. */
    public SettlementService(SettlementRepository settlements, InstrumentRepository instruments,
            AssetRepository assets, LedgerRepository ledger, IsolatedBalanceRepository isolated,
            RiskSettingsRepository settings, OutboxWriter outbox) {
        this.settlements = settlements;
        this.instruments = instruments;
        this.assets = assets;
        this.ledger = ledger;
        this.isolated = isolated;
        this.settings = settings;
        this.outbox = outbox;
    }

    /**
     * Instruments due for settlement across tenants: expired at or before {@code cutoff}, holding positions, not
     * settled.
     *
     * @param cutoff latest expiry considered
     * @param limit  at most this many
     * @return (tenant, instrument) pairs, earliest expiry first
     */
    @WithTransaction
    @CrossTenant("the settlement job finds expired, unsettled instruments of every tenant")
    public Uni<List<SettlementRepository.Due>> due(Instant cutoff, int limit) {
        return settlements.due(cutoff.atOffset(ZoneOffset.UTC), limit);
    }

    /**
     * Settles one instrument of a tenant if it has expired at {@code now} and is not settled yet; idempotent.
     *
     * @param tenant       the tenant
     * @param instrumentId the instrument
     * @param now          the current time
     * @return what happened
     */
    @WithTransaction
    public Uni<Outcome> settle(TenantId tenant, UUID instrumentId, Instant now) {
        return settlements.lockExpired(tenant, instrumentId, now.atOffset(ZoneOffset.UTC)).flatMap(locked -> {
            if (!locked) {
                return Uni.createFrom().item(new Outcome(Status.SKIPPED, instrumentId, null, 0));
            }
            return settlements.settlement(tenant, instrumentId).flatMap(done -> {
                if (done != null) {
                    return Uni.createFrom().item(new Outcome(Status.ALREADY_SETTLED, instrumentId,
                            done.settlementPriceUsd, done.positions));
                }
                return instruments.find(tenant, instrumentId).flatMap(i -> settlementPrice(tenant, i)
                        .flatMap(p -> p == null ? Uni.createFrom().item(new Outcome(Status.NO_PRICE, instrumentId,
                                null, 0)) : book(tenant, i, p)));
            });
        });
    }

    /** The settlement record of an instrument, or null when it is not settled. */
    @WithTransaction
    public Uni<InstrumentSettlement> settlement(TenantId tenant, UUID instrumentId) {
        return settlements.settlement(tenant, instrumentId);
    }

    /** The entries of an instrument's settlement, by account. */
    @WithTransaction
    public Uni<List<SettlementEntry>> entries(TenantId tenant, UUID instrumentId) {
        return settlements.entries(tenant, instrumentId);
    }

    private record PriceUsed(int twapMinutes, SettlementRule.Price price) {
    }

    /** The method in force at expiry (the underlying's settings, else the tenant's) applied to the observations. */
    private Uni<PriceUsed> settlementPrice(TenantId tenant, Instrument i) {
        return settings.effectiveAt(tenant, SettingsScope.ASSET, i.underlyingId, i.expiry)
                .flatMap(s -> s != null ? Uni.createFrom().item(s)
                        : settings.effectiveAt(tenant, SettingsScope.TENANT, tenant.value(), i.expiry))
                .flatMap(s -> {
                    int minutes = s == null ? RiskSettings.DEFAULT_SETTLEMENT_TWAP_MINUTES : s.settlementTwapMinutes;
                    OffsetDateTime start = i.expiry.minus(Duration.ofMinutes(minutes));
                    return settlements.observations(tenant, i.underlyingId, start, i.expiry).map(rows -> {
                        SettlementRule.Observation inForce = null;
                        List<SettlementRule.Observation> inWindow = new ArrayList<>();
                        for (MarketPrice r : rows) {
                            var o = new SettlementRule.Observation(r.observedAt.toInstant(), r.indexPriceUsd);
                            if (r.observedAt.isAfter(start)) {
                                inWindow.add(o);
                            } else {
                                inForce = o;
                            }
                        }
                        SettlementRule.Price p = SettlementRule.price(i.expiry.toInstant(), minutes, inForce,
                                inWindow);
                        return p == null ? null : new PriceUsed(minutes, p);
                    });
                });
    }

    private Uni<Outcome> book(TenantId tenant, Instrument i, PriceUsed p) {
        BigDecimal value = SettlementRule.value(i.kind, i.optionType, i.strike, p.price().priceUsd());
        return assets.find(tenant, i.settlementId).flatMap(asset -> settlements.lockHolders(tenant, i.id)
                .flatMap(holders -> settlements.positions(tenant, i.id).flatMap(positions -> {
                    Map<UUID, Account> byId = new LinkedHashMap<>();
                    holders.forEach(a -> byId.put(a.id, a));
                    InstrumentSettlement s = new InstrumentSettlement();
                    s.id = new InstrumentSettlement.Key(tenant.value(), i.id);
                    s.twapMinutes = p.twapMinutes();
                    s.settlementPriceUsd = p.price().priceUsd();
                    s.observations = p.price().observations();
                    s.positions = positions.size();
                    s.expiry = i.expiry;
                    s.settledAt = OffsetDateTime.now(ZoneOffset.UTC);
                    return settlements.persistSettlement(s)
                            .flatMap(x -> sequentially(positions, pos -> settleOne(tenant, i, asset,
                                    byId.get(pos.id.accountId()), pos, value)))
                            .call(done -> settlements.deletePositions(tenant, i.id))
                            .flatMap(done -> sequentially(done, d -> release(tenant, i, d)))
                            .call(done -> sequentially(done, d -> outbox.record(tenant, "account", d.account().id,
                                    "PositionSettled", positionEvent(i, asset, s, d)).replaceWith(d)))
                            .call(done -> outbox.record(tenant, "instrument", i.id, "InstrumentSettled",
                                    instrumentEvent(i, asset, s, done)))
                            .map(done -> new Outcome(Status.SETTLED, i.id, s.settlementPriceUsd, done.size()));
                })));
    }

    /** Books one position's P&amp;L into the pool that holds it; writes its settlement entry. */
    private Uni<Settled> settleOne(TenantId tenant, Instrument i, Asset asset, Account account, Position pos,
            BigDecimal value) {
        BigDecimal amount = SettlementRule.amount(pos.quantity, i.contractSize, pos.entryPrice, value);
        UUID pool = account.marginMode == MarginMode.ISOLATED ? i.id : null;
        Uni<BigDecimal[]> moved; // {booked (signed), balance after}
        if (amount.signum() > 0) {
            moved = (pool == null ? ledger.credit(tenant, account.id, asset.id, amount)
                    : isolated.credit(tenant, account.id, pool, asset.id, amount))
                    .map(after -> new BigDecimal[] {amount, after});
        } else if (amount.signum() < 0) {
            moved = settlements.debitUpTo(tenant, account.id, pool, asset.id, amount.negate())
                    .map(r -> new BigDecimal[] {r[0].negate(), r[1]});
        } else {
            moved = Uni.createFrom().item(new BigDecimal[] {BigDecimal.ZERO, BigDecimal.ZERO});
        }
        return moved.flatMap(m -> {
            SettlementEntry e = new SettlementEntry();
            e.id = UUID.randomUUID();
            e.tenantId = tenant.value();
            e.instrumentId = i.id;
            e.accountId = account.id;
            e.assetId = asset.id;
            e.isolated = pool != null;
            e.quantity = pos.quantity;
            e.entryPrice = pos.entryPrice;
            e.settlementValueUsd = value;
            e.amount = amount;
            e.booked = m[0];
            e.shortfall = m[0].subtract(amount);
            e.createdAt = OffsetDateTime.now(ZoneOffset.UTC);
            Uni<Void> entry = Uni.createFrom().voidItem();
            if (m[0].signum() != 0) {
                LedgerEntry l = LedgerService.entry(tenant, account.id, pool, asset, LedgerEntryKind.SETTLEMENT, m[0],
                        m[1], "settlement " + i.symbol);
                e.ledgerEntryId = l.id;
                entry = ledger.persist(l).replaceWithVoid();
            }
            return entry.flatMap(x -> settlements.persist(e)).map(x -> new Settled(account, pos, e,
                    new ArrayList<>()));
        });
    }

    /** Moves every balance of the instrument's isolated pool of an ISOLATED account into its cross pool. */
    private Uni<Settled> release(TenantId tenant, Instrument i, Settled d) {
        if (d.account().marginMode != MarginMode.ISOLATED) {
            return Uni.createFrom().item(d);
        }
        return isolated.of(tenant, d.account().id).flatMap(all -> {
            List<IsolatedBalance> pool = all.stream().filter(b -> b.id.instrumentId().equals(i.id)
                    && b.amount.signum() > 0).toList();
            return sequentially(pool, b -> assets.find(tenant, b.id.assetId()).flatMap(asset -> settlements
                    .debitUpTo(tenant, d.account().id, i.id, asset.id, b.amount).flatMap(out -> ledger.credit(tenant,
                            d.account().id, asset.id, out[0]).flatMap(crossAfter -> {
                                String ref = "settlement " + i.symbol + ": isolated pool released";
                                LedgerEntry fromPool = LedgerService.entry(tenant, d.account().id, i.id, asset,
                                        LedgerEntryKind.TRANSFER, out[0].negate(), out[1], ref);
                                LedgerEntry toCross = LedgerService.entry(tenant, d.account().id, null, asset,
                                        LedgerEntryKind.TRANSFER, out[0], crossAfter, ref);
                                Map<String, Object> r = new LinkedHashMap<>();
                                r.put("asset", asset.symbol);
                                r.put("amount", out[0].toPlainString());
                                r.put("crossBalanceAfter", crossAfter.toPlainString());
                                return ledger.persist(fromPool).flatMap(y -> ledger.persist(toCross)).replaceWith(r);
                            })))).invoke(d.released()::addAll).replaceWith(d);
        });
    }

    private static Map<String, Object> positionEvent(Instrument i, Asset asset, InstrumentSettlement s, Settled d) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("accountId", d.account().id);
        e.put("instrument", i.symbol);
        e.put("pool", d.entry().isolated ? MarginInputs.isolatedPool(i.symbol) : MarginInputs.CROSS_POOL);
        e.put("quantity", d.position().quantity.toPlainString());
        e.put("entryPrice", d.position().entryPrice.toPlainString());
        e.put("settlementPriceUsd", s.settlementPriceUsd.toPlainString());
        e.put("settlementValueUsd", d.entry().settlementValueUsd.toPlainString());
        e.put("asset", asset.symbol);
        e.put("amount", d.entry().amount.toPlainString());
        e.put("booked", d.entry().booked.toPlainString());
        e.put("shortfall", d.entry().shortfall.toPlainString());
        e.put("released", d.released());
        return e;
    }

    private static Map<String, Object> instrumentEvent(Instrument i, Asset asset, InstrumentSettlement s,
            List<Settled> done) {
        BigDecimal total = BigDecimal.ZERO;
        BigDecimal shortfall = BigDecimal.ZERO;
        for (Settled d : done) {
            total = total.add(d.entry().amount);
            shortfall = shortfall.add(d.entry().shortfall);
        }
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("instrumentId", i.id);
        e.put("instrument", i.symbol);
        e.put("kind", i.kind.name());
        e.put("expiry", i.expiry.toInstant().toString());
        e.put("method", s.twapMinutes == 0 ? "INDEX" : "TWAP");
        e.put("twapMinutes", s.twapMinutes);
        e.put("settlementPriceUsd", s.settlementPriceUsd.toPlainString());
        e.put("observations", s.observations);
        e.put("positions", done.size());
        e.put("asset", asset.symbol);
        e.put("totalAmount", total.toPlainString());
        e.put("totalShortfall", shortfall.toPlainString());
        return e;
    }

    /** Runs {@code f} on each item in order, one after the other (one session: never concurrently). */
    private static <T, R> Uni<List<R>> sequentially(List<T> items, Function<T, Uni<R>> f) {
        if (items.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        return Multi.createFrom().iterable(items).onItem().transformToUniAndConcatenate(x -> f.apply(x)).collect()
                .asList();
    }
}
