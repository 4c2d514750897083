package io.ballast.risk.market;

import io.ballast.risk.common.TimeOrderedIds;
import io.ballast.risk.domain.Asset;
import io.ballast.risk.domain.MarketPrice;
import io.ballast.risk.domain.TenantId;
import io.ballast.risk.market.OracleGuard.Index;
import io.ballast.risk.market.OracleGuard.SourceTick;
import io.ballast.risk.market.OracleGuard.Verdict;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Predicate;

/**
 * Applies a platform tick to the oracles of the tenants it concerns, in one transaction: per tenant, the guard
 * accepts or rejects it; an accepted tick becomes the source's latest tick and, when the index it makes moves, a new
 * {@code market_price} row (source {@code oracle}) that the trigger carries into {@code market_price_latest}.
 */
@ApplicationScoped
public class OracleService {

    /**
     * What a tick did to one tenant's oracle.
     *
     * @param tenant     the tenant
     * @param underlying the asset symbol
     * @param assetId    the asset id
     * @param verdict    accepted, or rejected with the reason
     * @param index      the index after the tick (when accepted and a configured source is fresh), or null
     * @param price      the new price row in force when the index moved, or null
     */
    public record TenantOutcome(TenantId tenant, String underlying, UUID assetId, Verdict verdict, Index index,
            MarketPrice price) {
    }

    /**
     * What a tick did overall.
     *
     * @param tick      the tick
     * @param global    the tenant-independent verdict; when rejected, no tenant was looked at
     * @param outcomes  one per tenant whose oracle uses the tick's source for the underlying (and that this
     *                  instance owns)
     */
    public record TickOutcome(Tick tick, Verdict global, List<TenantOutcome> outcomes) {
    }

    private final OracleBatchStore batches;
    /** The configuration of an underlying without a stored one (immutable; built once, not per batch). */
    private final OracleConfig defaults;
    private final OracleGuard guard;
    /**
     * Ticks rejected as a jump, per tenant, asset and source ({@code tenant|asset|source}): a later tick of another
     * source at the same level confirms them. Held in memory by the owner; lost on restart or rebalance, after which
     * a real jump needs two new ticks of two sources.
     */
    private final Map<String, SourceTick> jumpCandidates = new java.util.concurrent.ConcurrentHashMap<>();

    /** Wires collaborators. */
    public OracleService(OracleBatchStore batches, OracleSettings settings) {
        this.batches = batches;
        this.guard = new OracleGuard(settings.futureTolerance());
        this.defaults = OracleConfig.defaults(settings.defaultSources());
    }

    /** @return the guard with this service's settings */
    public OracleGuard guard() {
        return guard;
    }

    /** @return the default configuration of an underlying without a stored one */
    public OracleConfig defaultConfig() {
        return defaults;
    }

    /**
     * What a batch of ticks did: per tick, its verdicts; per tenant and asset whose index moved, the one new price
     * row in force after the whole batch (intermediate index levels of the batch are conflated: the live loop and
     * the price history see the batch's last level, the level a consumer one batch behind would act on).
     *
     * A replay's outcome holds the moves of each of its steps, in order ({@link #steps}).
     *
     * @param ticks per tick, in the order given
     * @param steps per step (a live batch is one; a replay's are its polls, conflated over a span of receipt), per
     *              tenant and asset whose index moved, the outcome carrying the new price row
     */
    public record BatchOutcome(List<TickOutcome> ticks, List<List<TenantOutcome>> steps) {

        /** A batch's outcome: its moves are one step. */
        static BatchOutcome ofBatch(List<TickOutcome> ticks, List<TenantOutcome> moves) {
            return new BatchOutcome(ticks, moves.isEmpty() ? List.of() : List.of(moves));
        }

        /** @return every move, step after step */
        public List<TenantOutcome> moves() {
            return steps.size() == 1 ? steps.get(0) : steps.stream().flatMap(List::stream).toList();
        }
    }

    /**
     * Applies ticks, in order, to every tenant that has their underlying, is ACTIVE and is owned here, in ONE
     * transaction: the oracle state of the concerned assets is read once (configuration, latest tick per source,
     * price in force), every tick is guarded in memory against the state the ticks before it left, and the end
     * state is written once (latest tick per source that moved, one price row per asset whose index moved).
     * A thousand ticks of two underlyings cost two statements in two round trips ({@link OracleBatchStore}), not a
     * thousand transactions. Platform work: every tenant's oracle state of those underlyings is read.
     *
     * @param ticks the parsed ticks, in the order received
     * @param owned which tenants this instance owns
     * @param now   this clock
     * @return per tick what happened, and the index moves
     */
    public Uni<BatchOutcome> applyAll(List<Tick> ticks, Predicate<UUID> owned, Instant now) {
        return apply(ticks, i -> now, owned, null);
    }

    /**
     * Replays ticks to the tenants a takeover gained, in ONE transaction, as the live path would have applied them had
     * it owned those tenants: each tick is guarded with the clock of its receipt against the state the ticks before it
     * left, and the moves are conflated per step: the polls the ticks came in, those received within
     * {@code conflation} of a step's first taken together (one move per asset and step, its last level, as a live
     * batch's, or a busy live book's, are), not per transaction. Each is its own price row (created at its tick's
     * receipt) and its own move of the book. Ticks the previous owner already applied are refused as out of order in
     * memory; only the moves of the ticks nobody applied are written and answered. A takeover's replay of the last
     * minutes' ticks (up to {@code RecentTicks.MAX}) thus costs one transaction per chunk instead of one per tick, and
     * one move of the book per step instead of one per tick.
     *
     * @param ticks      the ticks as received, in order
     * @param owned      the tenants to replay to
     * @param conflation the span of receipt a step takes at most (zero: a step per poll)
     * @return per tick what happened; {@link BatchOutcome#steps()} has per step one entry per asset whose index
     *         moved, in order, its price row's {@code createdAt} the receipt of the tick that moved it last
     */
    Uni<BatchOutcome> replay(List<RecentTicks.Received> ticks, Predicate<UUID> owned, java.time.Duration conflation) {
        boolean[] starts = new boolean[ticks.size()];
        Instant stepStart = ticks.isEmpty() ? null : ticks.get(0).receivedAt();
        for (int i = 1; i < ticks.size(); i++) {
            RecentTicks.Received r = ticks.get(i);
            if (r.poll() != ticks.get(i - 1).poll() && !r.receivedAt().isBefore(stepStart.plus(conflation))) {
                starts[i] = true;
                stepStart = r.receivedAt();
            }
        }
        return apply(ticks.stream().map(RecentTicks.Received::tick).toList(), i -> ticks.get(i).receivedAt(), owned,
                i -> starts[i]);
    }

    private Uni<BatchOutcome> apply(List<Tick> ticks, java.util.function.IntFunction<Instant> clock,
            Predicate<UUID> owned, java.util.function.IntPredicate startsStep) {
        List<Verdict> globals = new ArrayList<>(ticks.size());
        java.util.Set<String> symbols = new java.util.TreeSet<>();
        for (int i = 0; i < ticks.size(); i++) {
            Tick t = ticks.get(i);
            Verdict v = guard.checkTick(t, clock.apply(i));
            globals.add(v);
            if (v.accepted()) {
                symbols.add(t.underlying());
            }
        }
        if (symbols.isEmpty()) {
            List<TickOutcome> out = new ArrayList<>();
            for (int i = 0; i < ticks.size(); i++) {
                out.add(new TickOutcome(ticks.get(i), globals.get(i), List.of()));
            }
            return Uni.createFrom().item(BatchOutcome.ofBatch(out, List.of()));
        }
        // one transaction of two round trips: the read, then the write the guard decides on in memory
        return batches.readThenWrite(symbols, all -> {
            // the configuration, latest tick per source and price in force of every asset concerned
            Map<UUID, AssetState> states = new java.util.LinkedHashMap<>();
            for (OracleBatchStore.BatchState b : all) {
                if (!owned.test(b.asset().tenantId)) {
                    continue;
                }
                AssetState st = new AssetState(b.asset(), b.config() == null ? defaultConfig() : b.config());
                st.latest.putAll(b.latest());
                if (b.priceUsd() != null) {
                    st.level = new Level(b.priceUsd(), b.annualVol(), b.observedAt());
                }
                states.put(b.asset().id, st);
            }
            List<TickOutcome> out = new ArrayList<>();
            // a replay: the moves of each step, one per asset (its last), in order of the steps
            List<List<Move>> steps = new ArrayList<>();
            Map<UUID, Move> stepMoves = new java.util.LinkedHashMap<>();
            for (int i = 0; i < ticks.size(); i++) {
                if (startsStep != null && startsStep.test(i) && !stepMoves.isEmpty()) {
                    steps.add(List.copyOf(stepMoves.values()));
                    stepMoves.clear();
                }
                Tick tick = ticks.get(i);
                if (!globals.get(i).accepted()) {
                    out.add(new TickOutcome(tick, globals.get(i), List.of()));
                    continue;
                }
                Instant now = clock.apply(i);
                List<TenantOutcome> perTenant = new ArrayList<>();
                for (AssetState st : states.values()) {
                    if (st.asset.symbol.equals(tick.underlying())
                            && st.config.sources().contains(tick.source())) {
                        Index before = st.pending;
                        perTenant.add(applyToTenant(tick, st, now));
                        if (startsStep != null && st.pending != before) {
                            stepMoves.put(st.asset.id, new Move(st, st.level, st.pending, now));
                        }
                    }
                }
                out.add(new TickOutcome(tick, globals.get(i), perTenant));
            }
            if (!stepMoves.isEmpty()) {
                steps.add(List.copyOf(stepMoves.values()));
            }
            Instant last = clock.apply(ticks.size() - 1);
            return startsStep != null ? write(states.values(), steps, last, out)
                    : write(states.values(), last, out);
        });
    }

    /** One index move of a replay: the asset, the level it moved to, the index that made it, that tick's receipt. */
    private record Move(AssetState state, Level level, Index index, Instant receivedAt) {
    }

    /** The price in force of an asset as the batch moves it: level, vol and observation time. */
    private record Level(BigDecimal priceUsd, BigDecimal annualVol, Instant observedAt) {
    }

    /** One tenant asset's oracle state while a batch is applied in memory. */
    private static final class AssetState {
        final Asset asset;
        final OracleConfig config;
        final Map<String, SourceTick> latest = new HashMap<>();
        /** Sources whose latest tick the batch moved (to upsert at the end). */
        final java.util.Set<String> moved = new java.util.HashSet<>();
        Level level;
        /** The index the batch moved the price to, or null when it did not move. */
        Index pending;

        AssetState(Asset asset, OracleConfig config) {
            this.asset = asset;
            this.config = config;
        }
    }

    private TenantOutcome applyToTenant(Tick tick, AssetState st, Instant now) {
        Asset asset = st.asset;
        TenantId tenant = TenantId.of(asset.tenantId);
        BigDecimal current = st.level == null ? null : st.level.priceUsd();
        String prefix = asset.tenantId + "|" + asset.id + "|";
        List<SourceTick> candidates = new ArrayList<>();
        jumpCandidates.forEach((k, t) -> {
            if (k.startsWith(prefix)) {
                candidates.add(t);
            }
        });
        Verdict v = guard.checkForTenant(tick, st.config, st.latest, candidates, current, now);
        SourceTick mine = new SourceTick(tick.source(), tick.priceUsd(), tick.annualVol(), tick.sourceTime());
        if (!v.accepted()) {
            if ("jump".equals(v.reason())) {
                jumpCandidates.put(prefix + tick.source(), mine);
            }
            return new TenantOutcome(tenant, asset.symbol, asset.id, v, null, null);
        }
        jumpCandidates.remove(prefix + tick.source());
        st.latest.put(tick.source(), mine);
        st.moved.add(tick.source());
        SourceTick confirming = v.confirmedBy();
        if (confirming != null && jumpCandidates.remove(prefix + confirming.source(), confirming)) {
            // the candidate that confirmed this jump is accepted with it
            st.latest.put(confirming.source(), confirming);
            st.moved.add(confirming.source());
        }
        Optional<Index> index = guard.index(st.config, st.latest.values(), now);
        if (index.isPresent() && moves(st.level, index.get())) {
            Index i = index.get();
            BigDecimal vol = i.annualVol() != null ? i.annualVol() : st.level == null ? null : st.level.annualVol();
            st.level = new Level(i.priceUsd(), vol, i.observedAt());
            st.pending = i;
        }
        return new TenantOutcome(tenant, asset.symbol, asset.id, v, index.orElse(null), null);
    }

    /** A batch's end state to write: each moved source's latest tick, one price row per asset whose index moved. */
    private static OracleBatchStore.BatchWrite<BatchOutcome> write(Collection<AssetState> states, Instant now,
            List<TickOutcome> out) {
        OffsetDateTime receivedAt = OffsetDateTime.ofInstant(now, ZoneOffset.UTC);
        List<TenantOutcome> moves = new ArrayList<>();
        // one statement for the whole batch, whatever its tenants, assets and sources
        List<OracleBatchStore.SourceTickWrite> ticks = latestTicks(states);
        List<MarketPrice> rows = new ArrayList<>();
        for (AssetState st : states) {
            if (st.pending != null) {
                MarketPrice row = priceRow(st.asset, st.level, now);
                rows.add(row);
                moves.add(new TenantOutcome(TenantId.of(st.asset.tenantId), st.asset.symbol, st.asset.id,
                        Verdict.ACCEPTED, st.pending, row));
            }
        }
        return new OracleBatchStore.BatchWrite<>(ticks, rows, receivedAt, BatchOutcome.ofBatch(out, moves));
    }

    /**
     * A replay's end state to write: each moved source's latest tick, and one price row per index move, in order
     * (created at its tick's receipt); the outcome keeps the moves per step.
     */
    private static OracleBatchStore.BatchWrite<BatchOutcome> write(Collection<AssetState> states,
            List<List<Move>> steps, Instant last, List<TickOutcome> out) {
        List<OracleBatchStore.SourceTickWrite> ticks = latestTicks(states);
        List<MarketPrice> rows = new ArrayList<>();
        List<List<TenantOutcome>> moves = new ArrayList<>(steps.size());
        for (List<Move> moved : steps) {
            List<TenantOutcome> step = new ArrayList<>(moved.size());
            for (Move m : moved) {
                MarketPrice row = priceRow(m.state().asset, m.level(), m.receivedAt());
                rows.add(row);
                step.add(new TenantOutcome(TenantId.of(m.state().asset.tenantId), m.state().asset.symbol,
                        m.state().asset.id, Verdict.ACCEPTED, m.index(), row));
            }
            moves.add(List.copyOf(step));
        }
        return new OracleBatchStore.BatchWrite<>(ticks, rows, OffsetDateTime.ofInstant(last, ZoneOffset.UTC),
                new BatchOutcome(out, List.copyOf(moves)));
    }

    /** Each moved source's latest tick, one per tenant, asset and source. */
    private static List<OracleBatchStore.SourceTickWrite> latestTicks(Collection<AssetState> states) {
        List<OracleBatchStore.SourceTickWrite> ticks = new ArrayList<>();
        for (AssetState st : states) {
            for (String source : new java.util.TreeSet<>(st.moved)) {
                SourceTick t = st.latest.get(source);
                ticks.add(new OracleBatchStore.SourceTickWrite(st.asset.tenantId, st.asset.id,
                        new Tick(t.source(), st.asset.symbol, t.priceUsd(), t.annualVol(), t.sourceTime())));
            }
        }
        return ticks;
    }

    /** A new {@code market_price} row of the oracle at a level. */
    private static MarketPrice priceRow(Asset asset, Level level, Instant receivedAt) {
        MarketPrice row = new MarketPrice();
        row.id = TimeOrderedIds.next();
        row.tenantId = asset.tenantId;
        row.assetId = asset.id;
        row.indexPriceUsd = level.priceUsd();
        row.annualVol = level.annualVol();
        row.observedAt = OffsetDateTime.ofInstant(level.observedAt(), ZoneOffset.UTC);
        row.createdAt = OffsetDateTime.ofInstant(receivedAt, ZoneOffset.UTC);
        row.source = "oracle";
        return row;
    }

    /** Whether the index would move the price in force: a new level or vol, at a time not before it. */
    private static boolean moves(Level inForce, Index index) {
        if (inForce == null) {
            return true;
        }
        if (index.observedAt().isBefore(inForce.observedAt())) {
            return false;
        }
        boolean sameVol = index.annualVol() == null || inForce.annualVol() != null
                && inForce.annualVol().compareTo(index.annualVol()) == 0;
        return inForce.priceUsd().compareTo(index.priceUsd()) != 0 || !sameVol
                || index.observedAt().isAfter(inForce.observedAt());
    }
}
