package io.ballast.risk.live;

import io.ballast.margin.MarginInputException;
import io.ballast.margin.engine.MarginEngine;
import io.ballast.margin.market.MarketSnapshot;
import io.ballast.margin.measure.MarginResult;
import io.ballast.margin.measure.PoolMargin;
import io.ballast.risk.collateral.domain.IsolatedBalance;
import io.ballast.risk.domain.Account;
import io.ballast.risk.domain.ApiException;
import io.ballast.risk.domain.Asset;
import io.ballast.risk.domain.Balance;
import io.ballast.risk.domain.Instrument;
import io.ballast.risk.domain.MarketPrice;
import io.ballast.risk.domain.RiskParameter;
import io.ballast.risk.domain.TenantId;
import io.ballast.risk.market.OracleHealth;
import io.ballast.risk.governance.domain.RiskSettings;
import io.ballast.risk.market.curve.MarketCurves;
import io.ballast.risk.service.MarginInputs;
import io.ballast.risk.service.MarginService;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.IntStream;

/**
 * The hot margin book of one tenant: its accounts, balances, positions, reference data, parameters in force and
 * prices, in memory, with each account's published margin state. Built from PostgreSQL when this instance takes the
 * tenant over, kept current from the tenant's change events and the oracle's ticks.
 *
 * <p>{@link #onPrice} and {@link #refreshAccount} re-evaluate only the accounts exposed to the change and return the
 * state transitions to publish; the in-memory state moves at once (optimistically): when the transaction that
 * stores a transition fails, the owner rebuilds the book from the database. Every method is {@code synchronized}:
 * one tick, one event or one read at a time per tenant; callers run it on a worker thread.
 */
public final class TenantBook {

    /**
     * The published state of an account.
     *
     * @param status the status
     * @param seq    its sequence number (0: nothing stored yet)
     * @param held   whether the LIQUIDATABLE alert was held
     */
    public record State(MarginStatus status, long seq, boolean held) {
        static final State NONE = new State(MarginStatus.HEALTHY, 0, false);
    }

    /**
     * One state change to store and publish.
     *
     * @param accountId   the account
     * @param previous    the state before (seq = the expected stored seq)
     * @param next        the state after (seq = previous seq + 1)
     * @param eventType   MARGIN_CALL, LIQUIDATABLE, EARLY_WARNING or RECOVERED
     * @param equityUsd   the equity that made it, USD
     * @param initialMarginUsd     the initial margin, USD
     * @param maintenanceMarginUsd the maintenance margin, USD
     * @param payload     the event payload (docs/events/margin-event.schema.json)
     */
    public record Transition(UUID accountId, State previous, State next, String eventType, double equityUsd,
            double initialMarginUsd, double maintenanceMarginUsd, Map<String, Object> payload) {
    }

    /**
     * What caused an evaluation, for the event's latency fields.
     *
     * @param tickSourceTime the tick's source time, or null (a ledger change)
     * @param tickReceivedAt when this instance received the tick, or null
     * @param cause          {@code tick}, {@code ledger}, {@code rebuild}
     */
    public record Cause(Instant tickSourceTime, Instant tickReceivedAt, String cause) {
    }

    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(TenantBook.class);
    /** Accounts left to the per-account engine in one evaluation from which they are assessed in parallel. */
    private static final int PARALLEL_ASSESS_MIN = 8;

    private final TenantId tenant;
    private final LiveSettings settings;
    private final List<Asset> assets;
    private final List<Instrument> instruments;
    /**
     * The parameter versions and settings in force in the book, replaced as a whole by {@link #reparameterize} (read
     * without the lock by {@link #loaded}).
     */
    private volatile Params params;

    /** Risk parameters and settings in force, and the parameter version they make. */
    private record Params(List<RiskParameter> parameters, List<RiskSettings> settings, String version) {
        static Params of(List<RiskParameter> parameters, List<RiskSettings> settings) {
            return new Params(List.copyOf(parameters), List.copyOf(settings), versionOf(parameters));
        }
    }
    private final Map<UUID, MarketPrice> prices = new HashMap<>();
    private final Map<String, OracleHealth> health = new HashMap<>();
    private final Map<UUID, Account> accounts = new LinkedHashMap<>();
    private final Map<UUID, List<Balance>> balances = new HashMap<>();
    private final Map<UUID, List<io.ballast.risk.domain.Position>> positions = new HashMap<>();
    private final Map<UUID, List<IsolatedBalance>> isolated = new HashMap<>();
    private final Map<UUID, State> states = new HashMap<>();
    /**
     * The states of the bulk book's accounts by their number there (null: none yet), kept with {@link #states}
     * ({@link #putState}): a tick's screen over 100,000 re-valued accounts reads them by number, not by a map lookup
     * each (which was as costly as re-valuing them).
     */
    private State[] stateByNumber = new State[0];
    private final Map<String, Set<UUID>> exposed = new HashMap<>();
    private final Map<UUID, String> symbolOfAsset = new HashMap<>();
    private final Map<UUID, UUID> underlyingOfInstrument = new HashMap<>();
    /**
     * One account's rows as last stored in the book, immutable: read without the book's lock, so that a margin or
     * what-if request never waits behind a tick being applied.
     */
    private record Rows(Account account, List<Balance> balances, List<io.ballast.risk.domain.Position> positions,
            List<IsolatedBalance> isolated) {
    }

    private final Map<UUID, Rows> readable = new java.util.concurrent.ConcurrentHashMap<>();
    /** The open accounts whose rows name an asset or instrument the book does not have ({@link #publishRows}). */
    private final Set<UUID> namingUnknown = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /** The prices in force, replaced (never mutated) after each change: read without the lock. */
    private volatile List<MarketPrice> pricesRead = List.of();
    private long appliedEventId;
    /** The snapshot the rows were read in (null when unknown). */
    private ReadSnapshot readSnapshot;
    private long parametersMark;
    private MarginInputs inputs;
    private BulkBook bulk;
    /** The tenant's stored forward curves and smiles (replaced, never mutated: read without the lock). */
    private volatile MarketCurves curves = MarketCurves.NONE;
    /** Set once the book is no longer in use (dropped or replaced): its transitions are no longer stored. */
    private volatile boolean retired;

    /**
     * Builds the book from one consistent read.
     *
     * @param tenant         the tenant
     * @param settings       live-loop settings
     * @param appliedEventId the highest {@code ballast.events} outbox id the read includes
     * @param assets         the tenant's assets
     * @param instruments    its instruments
     * @param parameters     the parameter versions in force
     * @param riskSettings   the risk settings versions in force (governance)
     * @param latestPrices   the price in force per asset
     * @param health         oracle health per asset symbol (absent: HEALTHY)
     * @param accounts       its open accounts
     * @param balances       their balances
     * @param positions      their positions
     * @param states         the stored margin states
     */
    public TenantBook(TenantId tenant, LiveSettings settings, long appliedEventId, List<Asset> assets,
            List<Instrument> instruments, List<RiskParameter> parameters, List<RiskSettings> riskSettings,
            Collection<MarketPrice> latestPrices, Map<String, OracleHealth> health, List<Account> accounts, List<Balance> balances,
            List<io.ballast.risk.domain.Position> positions, Collection<AccountMarginState> states) {
        this.tenant = tenant;
        this.settings = settings;
        this.appliedEventId = appliedEventId;
        this.assets = List.copyOf(assets);
        this.instruments = List.copyOf(instruments);
        this.params = Params.of(parameters, riskSettings);
        assets.forEach(a -> symbolOfAsset.put(a.id, a.symbol));
        instruments.forEach(i -> underlyingOfInstrument.put(i.id, i.underlyingId));
        latestPrices.forEach(p -> this.prices.put(p.assetId, p));
        this.health.putAll(health);
        accounts.forEach(a -> this.accounts.put(a.id, a));
        balances.forEach(b -> this.balances.computeIfAbsent(b.id.accountId(), k -> new ArrayList<>()).add(b));
        positions.forEach(p -> this.positions.computeIfAbsent(p.id.accountId(), k -> new ArrayList<>()).add(p));
        states.forEach(s -> putState(s.id.accountId(), new State(s.status, s.seq, s.held)));
        this.accounts.keySet().forEach(this::index);
        this.accounts.keySet().forEach(this::publishRows);
        publishPrices();
        this.inputs = newInputs();
    }

    /**
     * Makes one account's rows readable without the lock, or unreadable: an account that is closed, or whose rows
     * name an asset or instrument created after the book was read (its position event reached this book while the
     * new book is being built), is not answered from the book, so its reads go to the database until the new book
     * is in use (from the book, they failed with 422 "unknown to these margin inputs": CI at 9157aac).
     */
    private void publishRows(UUID accountId) {
        Account a = accounts.get(accountId);
        boolean known = a == null || knowsEverythingOf(accountId);
        if (known) {
            namingUnknown.remove(accountId);
        } else {
            namingUnknown.add(accountId);
        }
        if (a == null || !known) {
            readable.remove(accountId);
        } else {
            readable.put(accountId, new Rows(a, List.copyOf(balances.getOrDefault(accountId, List.of())),
                    List.copyOf(positions.getOrDefault(accountId, List.of())),
                    List.copyOf(isolated.getOrDefault(accountId, List.of()))));
        }
    }

    /** Whether every asset and instrument the account's rows name is one of the book's. */
    private boolean knowsEverythingOf(UUID accountId) {
        for (io.ballast.risk.domain.Position p : positions.getOrDefault(accountId, List.of())) {
            if (!underlyingOfInstrument.containsKey(p.id.instrumentId())) {
                return false;
            }
        }
        for (Balance b : balances.getOrDefault(accountId, List.of())) {
            if (!symbolOfAsset.containsKey(b.id.assetId())) {
                return false;
            }
        }
        for (IsolatedBalance b : isolated.getOrDefault(accountId, List.of())) {
            if (!symbolOfAsset.containsKey(b.id.assetId())
                    || !underlyingOfInstrument.containsKey(b.id.instrumentId())) {
                return false;
            }
        }
        return true;
    }

    private void publishPrices() {
        pricesRead = List.copyOf(prices.values());
    }

    /**
     * Adds the isolated balances read with the book's rows (collateral allocated to isolated positions).
     *
     * @param rows isolated balances of the book's accounts
     * @return this book
     */
    public synchronized TenantBook withIsolated(List<IsolatedBalance> rows) {
        rows.forEach(b -> isolated.computeIfAbsent(b.id.accountId(), k -> new ArrayList<>()).add(b));
        isolated.keySet().forEach(this::index);
        isolated.keySet().forEach(this::publishRows);
        return this;
    }

    /**
     * Sets the tenant's stored curves read with the book's rows (before it is evaluated).
     *
     * @param marketCurves the curves
     * @return this book
     */
    public synchronized TenantBook withCurves(MarketCurves marketCurves) {
        this.curves = marketCurves;
        this.inputs = newInputs();
        return this;
    }

    /**
     * @return whether the book can answer for every open account: false while an account's rows name an asset or
     *         instrument created after the book was read (a tenant summary then reads the database)
     */
    public boolean answersEveryAccount() {
        return namingUnknown.isEmpty();
    }

    /** @return the tenant */
    public TenantId tenant() {
        return tenant;
    }

    /**
     * Takes the book out of use: a move still running on it decides transitions that are not stored (the next book
     * decides them again from the stored states), so that its stores cannot overtake those of the next book.
     */
    void retire() {
        retired = true;
    }

    /** @return whether the book is out of use ({@link #retire}) */
    boolean retired() {
        return retired;
    }

    /**
     * Sets the snapshot the book's rows were read in (before the book is in use).
     *
     * @param snapshot the snapshot, or null when unknown
     * @return this book
     */
    public synchronized TenantBook withReadSnapshot(ReadSnapshot snapshot) {
        this.readSnapshot = snapshot;
        return this;
    }

    /**
     * Whether the book's rows include a change event's change: its transaction was seen by the snapshot the rows were
     * read in; for an event that does not say which transaction wrote it (or a book whose snapshot is unknown), its
     * outbox id is at or below the highest the book applied.
     *
     * @param eventId the event's outbox id
     * @param xid     the id of the transaction that wrote it, -1 when unknown
     * @return true when the book has it
     */
    public synchronized boolean includes(long eventId, long xid) {
        return xid >= 0 && readSnapshot != null ? readSnapshot.sees(xid) : eventId <= appliedEventId;
    }

    /** @return the highest {@code ballast.events} outbox id applied */
    public synchronized long appliedEventId() {
        return appliedEventId;
    }

    /**
     * Sets the highest {@code ballast.parameters} outbox id the book's read includes.
     *
     * @param mark the id (0 when none)
     * @return this book
     */
    public synchronized TenantBook withParametersMark(long mark) {
        this.parametersMark = mark;
        return this;
    }

    /** @return the highest {@code ballast.parameters} outbox id the book's parameters include */
    public synchronized long parametersMark() {
        return parametersMark;
    }

    /** @return how many open accounts the book holds */
    public synchronized int accountCount() {
        return accounts.size();
    }

    /** @return accounts per published status */
    public synchronized Map<MarginStatus, Integer> statusCounts() {
        Map<MarginStatus, Integer> counts = new TreeMap<>();
        for (UUID a : accounts.keySet()) {
            counts.merge(states.getOrDefault(a, State.NONE).status(), 1, Integer::sum);
        }
        return counts;
    }

    /** @return how many of the book's assets have an UNHEALTHY oracle (as of the last tick or build) */
    public synchronized int unhealthyOracles() {
        return (int) health.values().stream().filter(h -> h == OracleHealth.UNHEALTHY).count();
    }

    /** @return the published state of an account (HEALTHY, seq 0 when none is stored) */
    public synchronized State state(UUID accountId) {
        return states.getOrDefault(accountId, State.NONE);
    }

    /**
     * Records an event as applied (events at or below the mark are skipped by the caller).
     *
     * @param eventId outbox id
     */
    public synchronized void markApplied(long eventId) {
        appliedEventId = Math.max(appliedEventId, eventId);
    }

    /**
     * A new price in force of one asset.
     *
     * @param price  the history row now in force
     * @param oracle the oracle's health for the asset
     * @param cause  the tick
     * @return transitions of the exposed accounts
     */
    public List<Transition> onPrice(MarketPrice price, OracleHealth oracle, Cause cause) {
        return onPrice(price, oracle, cause, null);
    }

    /**
     * {@link #onPrice(MarketPrice, OracleHealth, Cause)}, handing transitions over as they are decided: first those
     * the bulk book decides, then those of the per-account engine (a LIQUIDATABLE state's plan, most of a burst's
     * cost), {@value #STREAM_CHUNK} accounts at a time, so that the caller can store and publish the first while the
     * others are assessed. The book's states are updated before each hand-over.
     *
     * @param price  the history row now in force
     * @param oracle the oracle's health for the asset
     * @param cause  the tick
     * @param sink   takes each chunk of transitions (on this thread, under the book's lock); null: none
     * @return the transitions not handed to the sink (all of them when it is null)
     */
    public List<Transition> onPrice(MarketPrice price, OracleHealth oracle, Cause cause,
            java.util.function.Consumer<List<Transition>> sink) {
        return onPrices(List.of(new PriceMove(price, oracle, cause)), sink);
    }

    /**
     * One asset's new price in force, for {@link #onPrices}.
     *
     * @param price  the history row now in force
     * @param oracle the oracle's health for the asset
     * @param cause  the tick
     */
    public record PriceMove(MarketPrice price, OracleHealth oracle, Cause cause) {
    }

    /**
     * New prices in force of several assets at once (a price batch's moves of this tenant), as one move: each exposed
     * account is evaluated once, on every price that moved for it, so that a batch moving BTC and ETH costs one
     * screen of the book, not two. An account's transition names, of the moves of the assets its margin uses, the
     * one with the oldest tick (so that its latency fields never flatter). Transitions are handed over as in
     * {@link #onPrice(MarketPrice, OracleHealth, Cause, java.util.function.Consumer)}.
     *
     * @param moves the moves, at most one per asset
     * @param sink  takes each chunk of transitions (on this thread, under the book's lock); null: none
     * @return the transitions not handed to the sink (all of them when it is null)
     */
    public List<Transition> onPrices(List<PriceMove> moves, java.util.function.Consumer<List<Transition>> sink) {
        long called = System.nanoTime();
        synchronized (this) {
            lastTimings = new long[] {called, System.nanoTime(), 0, 0, 0};
            this.sink = sink;
            try {
                List<Transition> out = onPricesLocked(moves);
                lastTimings[4] = System.nanoTime();
                return out;
            } finally {
                this.sink = null;
            }
        }
    }

    /** Accounts assessed by the per-account engine between two hand-overs of a streamed move. */
    static final int STREAM_CHUNK = 250;
    /** Where a streamed move hands its transitions over (only during {@link #onPrice} with a sink; lock held). */
    private java.util.function.Consumer<List<Transition>> sink;

    /**
     * Where the last {@link #onPrice} spent its time, for a slow move's log line.
     *
     * @return lock wait, the bulk book's re-valuation, selection and evaluation, ms (no move builds the bulk book
     *         since session 27, so the "rebuild" of earlier lines is gone)
     */
    public synchronized String lastTimings() {
        long[] t = lastTimings;
        if (t == null) {
            return "";
        }
        // stamps: called, lock taken, bulk book re-valued, accounts selected, done (0: not reached, e.g. no bulk book)
        return String.format(java.util.Locale.ROOT, "lock %d ms, re-valuation %d ms (%d accounts), selection %d ms,"
                + " evaluation %d ms", (t[1] - t[0]) / 1_000_000, t[2] == 0 ? 0 : (t[2] - t[1]) / 1_000_000,
                t[2] == 0 ? 0 : lastRevalued, t[3] == 0 ? 0 : (t[3] - t[2]) / 1_000_000,
                t[4] == 0 ? 0 : (t[4] - Math.max(t[1], t[3])) / 1_000_000);
    }

    private long[] lastTimings;
    /** How many of the bulk book's accounts the last move re-valued. */
    private int lastRevalued;

    /** @return how many of the bulk book's accounts the last price move re-valued (0 before any) */
    synchronized int lastRevaluedCount() {
        return lastRevalued;
    }

    /**
     * Before this book is evaluated and takes over: the states stored since its rows were read (by the book it
     * replaces) where their sequence number is higher than this book's, then the prices in force read after those
     * states where they were observed later than this book's (so that no state is re-decided at an older price).
     * Nothing is evaluated here ({@link #evaluateAll} follows).
     *
     * @param stored  states stored since the rows were read
     * @param latest  the prices in force, read after {@code stored}
     * @param oracles the oracles' health read with them, by asset symbol
     */
    public synchronized void takeOver(Collection<AccountMarginState> stored, Collection<MarketPrice> latest,
            Map<String, OracleHealth> oracles) {
        for (AccountMarginState s : stored) {
            UUID id = s.id.accountId();
            if (accounts.containsKey(id) && s.seq > state(id).seq()) {
                putState(id, new State(s.status, s.seq, s.held));
            }
        }
        for (MarketPrice p : latest) {
            MarketPrice mine = prices.get(p.assetId);
            String symbol = symbolOfAsset.get(p.assetId);
            if (symbol != null && (mine == null || p.observedAt.isAfter(mine.observedAt))) {
                prices.put(p.assetId, p);
                if (oracles.containsKey(symbol)) {
                    health.put(symbol, oracles.get(symbol));
                }
            }
        }
        publishPrices();
        inputs = newInputs();
    }

    /**
     * The prices in force as read from the database after this book was put in use: each one observed later than the
     * book's price of its asset is applied, all of them as one move ({@link #onPrices}).
     *
     * @param latest  the prices in force
     * @param oracles the oracles' health read with them, by asset symbol
     * @param cause   the catch-up
     * @param sink    takes each chunk of transitions (see {@link #onPrices}); null: none
     * @return the transitions not handed to the sink
     */
    public synchronized List<Transition> catchUpPrices(Collection<MarketPrice> latest,
            Map<String, OracleHealth> oracles, Cause cause, java.util.function.Consumer<List<Transition>> sink) {
        List<PriceMove> newer = new ArrayList<>();
        for (MarketPrice p : latest) {
            MarketPrice mine = prices.get(p.assetId);
            String symbol = symbolOfAsset.get(p.assetId);
            if (symbol != null && (mine == null || p.observedAt.isAfter(mine.observedAt))) {
                newer.add(new PriceMove(p, oracles.getOrDefault(symbol, health.getOrDefault(symbol,
                        OracleHealth.HEALTHY)), cause));
            }
        }
        return newer.isEmpty() ? List.of() : onPrices(newer, sink);
    }

    private List<Transition> onPricesLocked(List<PriceMove> moves) {
        List<BulkBook.Move> applied = new ArrayList<>(moves.size());
        Map<String, Cause> causes = new HashMap<>();
        for (PriceMove move : moves) {
            MarketPrice price = move.price();
            if (!symbolOfAsset.containsKey(price.assetId)) {
                // an asset created after this book's rows were read: no account of the book can hold it, and the
                // asset's own change event rebuilds the book (LiveLoop#onEvent); a tick that comes first changes
                // nothing here (it used to throw in the bulk book, which was then dropped until that rebuild)
                continue;
            }
            MarketPrice current = prices.get(price.assetId);
            if (current != null && price.observedAt.isBefore(current.observedAt)) {
                continue;
            }
            prices.put(price.assetId, price);
            String symbol = symbolOfAsset.get(price.assetId);
            health.put(symbol, move.oracle());
            applied.add(new BulkBook.Move(symbol, price));
            causes.put(symbol, move.cause());
        }
        if (applied.isEmpty()) {
            return List.of();
        }
        publishPrices();
        inputs = newInputs();
        java.util.function.Function<UUID, Cause> causeOf = causeOf(causes);
        // a stale bulk book is built again without the lock (refreshBulk, LiveLoop#refreshStaleBulkBooks)
        // exposed to a move: read from each symbol's set, never copied (100,000 accounts each on a large book)
        List<Set<UUID>> exposedSets = applied.stream().map(m -> exposed.getOrDefault(m.symbol(), Set.<UUID>of()))
                .toList();
        java.util.function.Predicate<UUID> exposedToMoves = id -> exposedSets.stream().anyMatch(x -> x.contains(id));
        if (bulk == null) {
            return evaluate(exposedUnion(exposedSets), causeOf);
        }
        Set<UUID> touched = new java.util.LinkedHashSet<>();
        try {
            int[] revalued = bulk.onPrices(applied, inputs);
            lastTimings[2] = System.nanoTime();
            lastRevalued = revalued.length;
            touched.addAll(moved(revalued));
            lastTimings[3] = System.nanoTime();
        } catch (RuntimeException e) {
            LOG.warnf(e, "bulk book of tenant %s dropped (accounts evaluated one by one): %s", tenant, e.toString());
            useBulk(null);
            return evaluate(exposedUnion(exposedSets), causeOf);
        }
        bulk.cold().stream().filter(exposedToMoves).forEach(touched::add);
        return evaluate(touched, causeOf);
    }

    /** The accounts of several exposure sets (one set itself, uncopied). */
    private static Collection<UUID> exposedUnion(List<Set<UUID>> sets) {
        if (sets.size() == 1) {
            return sets.get(0);
        }
        Set<UUID> out = new java.util.LinkedHashSet<>();
        sets.forEach(out::addAll);
        return out;
    }

    /**
     * The cause an account's transition names in a move of several assets: of the moves of the assets its margin
     * uses, the one with the oldest tick source time (else the oldest of all).
     */
    private java.util.function.Function<UUID, Cause> causeOf(Map<String, Cause> causes) {
        Comparator<Cause> oldest = Comparator.comparing(Cause::tickSourceTime,
                Comparator.nullsLast(Comparator.naturalOrder()));
        Cause first = causes.values().stream().min(oldest).orElseThrow();
        if (causes.size() == 1) {
            return id -> first;
        }
        return id -> symbolsOf(id).stream().map(causes::get).filter(java.util.Objects::nonNull).min(oldest)
                .orElse(first);
    }

    /**
     * New prices or curves put by the tenant (all of them re-read): when the curves changed, every array is valued
     * again on them and every account re-evaluated.
     *
     * @param latest  the prices in force
     * @param oracles the oracles' health by asset symbol
     * @param marketCurves the tenant's stored curves now, or null when they did not change
     * @param cause   the event
     * @return transitions of the exposed accounts
     */
    public synchronized List<Transition> onMarket(Collection<MarketPrice> latest, Map<String, OracleHealth> oracles,
            MarketCurves marketCurves, Cause cause) {
        Set<UUID> touched = new HashSet<>();
        if (marketCurves != null) {
            curves = marketCurves;
            touched.addAll(accounts.keySet());
        }
        oracles.forEach((symbol, h) -> {
            if (health.put(symbol, h) != h) {
                touched.addAll(exposed.getOrDefault(symbol, Set.of()));
            }
        });
        for (MarketPrice p : latest) {
            MarketPrice current = prices.get(p.assetId);
            if (current == null || !current.id.equals(p.id)) {
                prices.put(p.assetId, p);
                touched.addAll(exposed.getOrDefault(symbolOfAsset.get(p.assetId), Set.of()));
            }
        }
        publishPrices();
        inputs = newInputs();
        if (bulk != null && !touched.isEmpty()) {
            try {
                bulk.recomputeAll(inputs);
            } catch (RuntimeException e) {
                LOG.warnf(e, "bulk book of tenant %s dropped (accounts evaluated one by one): %s", tenant,
                        e.toString());
                useBulk(null);
            }
        }
        return evaluate(touched, id -> cause);
    }

    /**
     * Marks the oracles that the database, read at {@code latest}, found UNHEALTHY while the book still has them
     * HEALTHY: those that turned unhealthy by age alone (no tick within the staleness limit). A price the book got
     * after that read (another price row than the one read) wins: its tick brought its own health. Nothing is
     * re-evaluated: a status does not depend on health; the next liquidation alert of an account using the asset is
     * held, and released by the first move after a fresh tick (as for any held alert).
     *
     * @param read    the id of each asset's price row in force as read, by asset id
     * @param oracles the oracles' health as read, by asset symbol
     * @return the symbols marked UNHEALTHY now
     */
    public synchronized List<String> markUnhealthy(Map<UUID, UUID> read, Map<String, OracleHealth> oracles) {
        List<String> marked = new ArrayList<>();
        oracles.forEach((symbol, h) -> {
            if (h != OracleHealth.UNHEALTHY || health.get(symbol) == OracleHealth.UNHEALTHY) {
                return;
            }
            UUID asset = assetId(symbol);
            MarketPrice mine = asset == null ? null : prices.get(asset);
            if (mine != null && !mine.id.equals(read.get(asset))) {
                return; // the book has a price the read did not see
            }
            health.put(symbol, OracleHealth.UNHEALTHY);
            marked.add(symbol);
        });
        java.util.Collections.sort(marked);
        return marked;
    }

    /**
     * Replaces one account's rows (after a ledger, position or account event) and re-evaluates it.
     *
     * @param account   the account, or null when it is no longer open
     * @param balances  its balances
     * @param positions its positions
     * @param isolatedBalances its isolated balances
     * @param cause     the event
     * @return its transition, if any
     */
    public synchronized List<Transition> refreshAccount(UUID accountId, Account account, List<Balance> balances,
            List<io.ballast.risk.domain.Position> positions, List<IsolatedBalance> isolatedBalances, Cause cause) {
        exposed.values().forEach(s -> s.remove(accountId));
        if (changedSinceSnapshot != null) {
            changedSinceSnapshot.add(accountId);
        }
        if (account == null) {
            accounts.remove(accountId);
            this.balances.remove(accountId);
            this.positions.remove(accountId);
            this.isolated.remove(accountId);
            publishRows(accountId);
            bulkUpdate(accountId);
            return List.of();
        }
        accounts.put(accountId, account);
        this.balances.put(accountId, new ArrayList<>(balances));
        this.positions.put(accountId, new ArrayList<>(positions));
        this.isolated.put(accountId, new ArrayList<>(isolatedBalances));
        publishRows(accountId);
        index(accountId);
        inputs = newInputs();
        bulkUpdate(accountId);
        return evaluate(Set.of(accountId), id -> cause);
    }

    /**
     * Re-evaluates every account (after a build): transitions for every account whose stored state is not what its
     * margin says now.
     *
     * @param cause the rebuild
     * @return transitions
     */
    public synchronized List<Transition> evaluateAll(Cause cause) {
        inputs = newInputs();
        useBulk(BulkBook.build(inputs, accounts, balances, positions, prices, symbolOfAsset, settings));
        return evaluate(new ArrayList<>(accounts.keySet()), id -> cause);
    }

    /**
     * The accounts changed since {@link #reparameterize} took its snapshot of the rows (null when none is under way):
     * the bulk book it builds from that snapshot does not hold them.
     */
    private Set<UUID> changedSinceSnapshot;

    /**
     * A new set of parameter versions and settings, applied in place while the book stays in use: the rows are copied
     * (the lock held for that only), the bulk book on the new parameters is built from the copy without the lock
     * (most of a build's work: seconds on 100,000 accounts, during which ticks and events go on reaching this book on
     * the parameters before), then, under the lock, it replaces the bulk book in use, the accounts changed since the
     * copy are left to the per-account engine, the prices moved since are applied to it, and every account is
     * evaluated on the new parameters. Before, a parameter version rebuilt the book from PostgreSQL with no book in
     * use meanwhile: no live margin for 15-40 s on a tenant of 100,000 accounts. Only the parameters and settings
     * change: assets and instruments are the book's (a change of those rebuilds the book).
     *
     * @param parameters the parameter versions in force now
     * @param settings   the risk settings in force now
     * @param mark       the highest {@code ballast.parameters} outbox id they include
     * @param cause      the cause the transitions name
     * @param sink       takes the transitions, under the book's lock (so that they are stored before those of any
     *                   later move)
     * @param offLock    runs once the rows are copied, before the bulk book is built (a test's pause); null: none
     * @return how many transitions were handed to the sink; -1 when the book is out of use (nothing done)
     */
    public int reparameterize(List<RiskParameter> parameters, List<RiskSettings> settings, long mark, Cause cause,
            java.util.function.Consumer<List<Transition>> sink, Runnable offLock) {
        return rebuildBulk(Params.of(parameters, settings), mark, cause, sink, offLock);
    }

    /**
     * Whether the bulk book should be built again from the book's rows ({@link BulkBook#stale}: accounts changed
     * since it was built, which the per-account engine evaluates at every move until then) and no such build runs.
     *
     * @return true to call {@link #refreshBulk}
     */
    public synchronized boolean bulkStale() {
        return bulk != null && changedSinceSnapshot == null && bulk.stale();
    }

    /**
     * Builds the bulk book again from the book's rows on the parameters in force, as {@link #reparameterize} does
     * (the rows copied under the lock, the bulk book built without it, then put in use with what changed meanwhile),
     * evaluating nothing: its accounts' figures are those the per-account engine gave the changed accounts. Until
     * session 27 the move that found the bulk book stale built it under the lock: seconds on 100,000 accounts, during
     * which that tenant's ticks and answers waited.
     */
    public void refreshBulk() {
        rebuildBulk(null, 0, null, null, null);
    }

    /** @return for a log line: the accounts the bulk book does not hold and its spare numbers left */
    public synchronized String bulkHolding() {
        return bulk == null ? "no bulk book" : bulk.cold().size() + " accounts it did not hold, " + bulk.sparesLeft()
                + " spare numbers left";
    }

    /**
     * The bulk book built again without the lock: on new parameters ({@code next} not null: every account is then
     * evaluated on them) or on those in force ({@code next} null: nothing evaluated). One at a time: a second caller
     * waits for the first.
     */
    private int rebuildBulk(Params next, long mark, Cause cause, java.util.function.Consumer<List<Transition>> sink,
            Runnable offLock) {
        Map<UUID, Account> accountsCopy;
        Map<UUID, List<Balance>> balancesCopy;
        Map<UUID, List<io.ballast.risk.domain.Position>> positionsCopy;
        Map<UUID, MarketPrice> pricesCopy;
        MarketCurves curvesCopy;
        MarginInputs nextInputs;
        Params using;
        synchronized (this) {
            while (changedSinceSnapshot != null && !retired) {
                try {
                    wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return -1;
                }
            }
            if (retired) {
                return -1;
            }
            using = next == null ? params : next;
            // the rows' lists are replaced, never changed in place (refreshAccount), so shallow copies are a snapshot
            accountsCopy = new LinkedHashMap<>(accounts);
            balancesCopy = new HashMap<>(balances);
            positionsCopy = new HashMap<>(positions);
            pricesCopy = new HashMap<>(prices);
            curvesCopy = curves;
            changedSinceSnapshot = new HashSet<>();
            nextInputs = new MarginInputs(Instant.now(), assets, instruments, using.parameters(), using.settings(),
                    pricesCopy.values()).withCurves(curvesCopy);
        }
        if (offLock != null) {
            offLock.run();
        }
        BulkBook built;
        try {
            built = BulkBook.build(nextInputs, accountsCopy, balancesCopy, positionsCopy, pricesCopy, symbolOfAsset,
                    this.settings);
        } catch (RuntimeException e) {
            LOG.warnf(e, "bulk book of tenant %s not built again (accounts evaluated one by one): %s", tenant,
                    e.toString());
            built = null;
        }
        synchronized (this) {
            Set<UUID> changed = changedSinceSnapshot;
            changedSinceSnapshot = null;
            notifyAll();
            if (retired) {
                return -1;
            }
            params = using;
            parametersMark = Math.max(parametersMark, mark);
            inputs = newInputs();
            useBulk(built);
            if (bulk != null) {
                // accounts changed while it was built: taken as they are now (at its copy's prices, moved below)
                changed.forEach(this::bulkUpdate);
                try {
                    if (curves != curvesCopy) {
                        bulk.recomputeAll(inputs);
                    } else {
                        List<BulkBook.Move> moved = new ArrayList<>();
                        prices.forEach((asset, p) -> {
                            MarketPrice then = pricesCopy.get(asset);
                            String symbol = symbolOfAsset.get(asset);
                            if (symbol != null && (then == null || !then.id.equals(p.id))) {
                                moved.add(new BulkBook.Move(symbol, p));
                            }
                        });
                        if (!moved.isEmpty()) {
                            bulk.onPrices(moved, inputs);
                        }
                    }
                } catch (RuntimeException e) {
                    LOG.warnf(e, "bulk book of tenant %s dropped (accounts evaluated one by one): %s", tenant,
                            e.toString());
                    useBulk(null);
                }
            }
            if (next == null) {
                return 0;
            }
            List<Transition> out = evaluate(new ArrayList<>(accounts.keySet()), id -> cause);
            if (!out.isEmpty()) {
                sink.accept(out);
            }
            return out.size();
        }
    }

    /** @return the book's assets */
    List<Asset> assets() {
        return assets;
    }

    /** @return the book's instruments */
    List<Instrument> instruments() {
        return instruments;
    }

    /** @return how many accounts the bulk book holds (0 when there is none); the rest are evaluated one by one */
    public synchronized int bulkAccountCount() {
        return bulk == null ? 0 : bulk.size();
    }

    /**
     * The tenant's margin from the bulk book: for each open account it holds, the result (one cross pool, no
     * breakdown lines, no liquidation price); the rows of the others, for the per-account path.
     *
     * @return the summary parts, or null when there is no bulk book
     */
    public synchronized HotSummary hotSummary() {
        // a stale bulk book is not built again here (seconds under the lock on 100,000 accounts, ticks waiting): the
        // accounts it does not hold are answered by the per-account path below, and LiveLoop builds it again
        // without the lock (refreshBulk)
        if (bulk == null) {
            return null;
        }
        Map<UUID, MarginResult> held = new LinkedHashMap<>();
        List<Account> order = new ArrayList<>(accounts.values());
        List<Balance> bs = new ArrayList<>();
        List<io.ballast.risk.domain.Position> ps = new ArrayList<>();
        List<IsolatedBalance> iso = new ArrayList<>();
        List<Account> others = new ArrayList<>();
        for (Account a : order) {
            if (bulk.holds(a.id)) {
                held.put(a.id, bulk.result(a));
            } else {
                others.add(a);
                bs.addAll(balances.getOrDefault(a.id, List.of()));
                ps.addAll(positions.getOrDefault(a.id, List.of()));
                iso.addAll(isolated.getOrDefault(a.id, List.of()));
            }
        }
        return new HotSummary(order, held, bulk.valuationTime(), new MarginService.Loaded(newInputs(), others, bs,
                ps, MarginService.ANSWERED_FROM_HOT_BOOK, iso));
    }

    /**
     * The bulk book's part of a tenant summary.
     *
     * @param accounts      every open account, in book order
     * @param held          the margin of each account the bulk book holds
     * @param valuationTime when the bulk book was last valued
     * @param others        the rows of the accounts it does not hold
     */
    public record HotSummary(List<Account> accounts, Map<UUID, MarginResult> held, Instant valuationTime,
            MarginService.Loaded others) {
    }

    /**
     * The book's rows of one account, or of every open account when {@code accountId} is null, valued now: the
     * same rows the per-account path reads from the database, copied out of the book.
     *
     * @param accountId the account, or null for all
     * @return the rows, or null when the book does not hold the account
     */
    public MarginService.Loaded loaded(UUID accountId) {
        if (accountId == null) {
            return loadedAll();
        }
        // one account: no lock (its rows and the prices are immutable snapshots), so no wait behind a tick
        Rows r = readable.get(accountId);
        return r == null ? null : new MarginService.Loaded(new MarginInputs(Instant.now(), assets, instruments,
                params.parameters(), params.settings(), pricesRead).withCurves(curves), List.of(r.account()),
                r.balances(),
                r.positions(),
                MarginService.ANSWERED_FROM_HOT_BOOK, r.isolated());
    }

    private synchronized MarginService.Loaded loadedAll() {
        MarginInputs now = newInputs();
        List<Balance> bs = new ArrayList<>();
        List<io.ballast.risk.domain.Position> ps = new ArrayList<>();
        List<IsolatedBalance> iso = new ArrayList<>();
        for (UUID id : accounts.keySet()) {
            bs.addAll(balances.getOrDefault(id, List.of()));
            ps.addAll(positions.getOrDefault(id, List.of()));
            iso.addAll(isolated.getOrDefault(id, List.of()));
        }
        return new MarginService.Loaded(now, List.copyOf(accounts.values()), bs, ps,
                MarginService.ANSWERED_FROM_HOT_BOOK, iso);
    }

    private void index(UUID accountId) {
        for (io.ballast.risk.domain.Position p : positions.getOrDefault(accountId, List.of())) {
            UUID u = underlyingOfInstrument.get(p.id.instrumentId());
            if (u != null) {
                exposed.computeIfAbsent(symbolOfAsset.get(u), k -> new HashSet<>()).add(accountId);
            }
        }
        for (Balance b : balances.getOrDefault(accountId, List.of())) {
            exposed.computeIfAbsent(symbolOfAsset.get(b.id.assetId()), k -> new HashSet<>()).add(accountId);
        }
        for (IsolatedBalance b : isolated.getOrDefault(accountId, List.of())) {
            exposed.computeIfAbsent(symbolOfAsset.get(b.id.assetId()), k -> new HashSet<>()).add(accountId);
        }
    }

    /**
     * The bulk book takes an account's rows as they are now (re-valued in place, moved to a spare number, or left to
     * the per-account engine; closed: forgotten), and the account's state follows it to its number.
     */
    private void bulkUpdate(UUID accountId) {
        if (bulk == null) {
            return;
        }
        int before = bulk.numberOf(accountId);
        Account a = accounts.get(accountId);
        int after = -1;
        if (a == null) {
            bulk.forget(accountId);
        } else {
            after = bulk.update(a, balances.getOrDefault(accountId, List.of()),
                    positions.getOrDefault(accountId, List.of()), inputs);
        }
        if (before >= 0 && before != after) {
            stateByNumber[before] = null;
        }
        if (after >= 0) {
            stateByNumber[after] = states.get(accountId);
            pinUnlessSettled(after);
        }
    }

    private void putState(UUID accountId, State state) {
        states.put(accountId, state);
        int n = bulk == null ? -1 : bulk.numberOf(accountId);
        if (n >= 0) {
            stateByNumber[n] = state;
            pinUnlessSettled(n);
        }
    }

    /**
     * The bulk book's screen skips an account only when its stored state is what the status rule gives from the
     * book's figures (so that a skipped account, whose gaps keep their signs, would get the same state again) and no
     * held alert waits for its oracles; any other account is re-valued on every tick, as without the screen.
     */
    private void pinUnlessSettled(int n) {
        if (!bulk.holdsNumber(n)) {
            return;
        }
        State s = stateByNumber[n] == null ? State.NONE : stateByNumber[n];
        bulk.pin(n, s.held() || nextStatus(n, s) != s.status());
    }

    /** The status rule on the bulk book's figures of a held account, from a previous state. */
    private MarginStatus nextStatus(int n, State previous) {
        double equity = bulk.equityAt(n);
        double im = bulk.initialAt(n);
        boolean warning = equity >= im && bulk.earlyWarningAt(n);
        return MarginStatus.next(previous.status(), equity, im, bulk.maintenanceAt(n), warning,
                settings.hysteresisFraction());
    }

    /** Uses a new bulk book (or none), with the states of its accounts by number. */
    private void useBulk(BulkBook book) {
        bulk = book;
        stateByNumber = new State[book == null ? 0 : book.numberCount()];
        if (book != null) {
            for (int n = 0; n < stateByNumber.length; n++) {
                stateByNumber[n] = states.get(book.idOf(n));
                pinUnlessSettled(n);
            }
        }
    }

    private MarginInputs newInputs() {
        return new MarginInputs(Instant.now(), assets, instruments, params.parameters(), params.settings(),
                prices.values())
                .withCurves(curves);
    }

    /**
     * Of the bulk book's re-valued accounts, those {@link #evaluate} must look at: a held account whose status
     * would not change (and no held alert to release) is left out here, from the bulk book's arrays by number,
     * so that a tick that re-values 100,000 accounts looks up only the few that cross a threshold; an account not
     * held (changed since the build) is always passed on (the per-account engine decides).
     */
    private List<UUID> moved(int[] numbers) {
        List<UUID> out = new ArrayList<>();
        boolean allHealthy = !health.containsValue(OracleHealth.UNHEALTHY);
        for (int n : numbers) {
            UUID id = bulk.idOf(n);
            if (!bulk.holdsNumber(n)) {
                out.add(id);
                continue;
            }
            State previous = stateByNumber[n] == null ? State.NONE : stateByNumber[n];
            MarginStatus status = nextStatus(n, previous);
            if (status != previous.status()) {
                // re-valued on every tick until a stored state settles it (putState)
                bulk.pin(n, true);
            }
            // a held alert is looked at again only when its prices' oracles are all healthy (it may be released);
            // while one is not, the alert stays held and there is nothing to publish
            if (status != previous.status() || status == MarginStatus.LIQUIDATABLE && previous.held()
                    && (allHealthy || oracleHealth(symbolsOf(id)) != OracleHealth.UNHEALTHY)) {
                out.add(id);
            }
        }
        return out;
    }

    private List<Transition> evaluate(Collection<UUID> accountIds, java.util.function.Function<UUID, Cause> causeOf) {
        List<Transition> out = new ArrayList<>();
        List<Pending> heavy = new ArrayList<>();
        for (UUID id : accountIds) {
            Account a = accounts.get(id);
            if (a == null) {
                continue;
            }
            State previous = states.getOrDefault(id, State.NONE);
            if (bulk != null && bulk.holds(id)) {
                // the bulk book's numbers (equal to the per-account engine's to 1e-9, WorkloadTest) decide; only a
                // LIQUIDATABLE state (its plan needs the account's engine inputs) or a held alert to release goes
                // through the per-account engine
                double equity = bulk.equityUsd(id);
                double im = bulk.initialUsd(id);
                double mm = bulk.maintenanceUsd(id);
                boolean warning = equity >= im && bulk.earlyWarning(id);
                MarginStatus status = MarginStatus.next(previous.status(), equity, im, mm, warning,
                        settings.hysteresisFraction());
                boolean mayRelease = status == MarginStatus.LIQUIDATABLE && previous.held();
                if (status == previous.status() && !mayRelease) {
                    continue;
                }
                if (status != MarginStatus.LIQUIDATABLE) {
                    Set<String> symbols = symbolsOf(id);
                    State next = new State(status, previous.seq() + 1, false);
                    String type = MarginStatus.eventType(previous.status(), status);
                    out.add(new Transition(id, previous, next, type, equity, im, mm, payload(a, symbols, equity, im,
                            mm, previous, next, type, oracleHealth(symbols), causeOf.apply(id), null)));
                    putState(id, next);
                    continue;
                }
            }
            out.add(null); // the per-account engine decides, below, possibly on both cores
            heavy.add(new Pending(out.size() - 1, id, a, previous));
        }
        if (sink != null) {
            return streamed(out, heavy, causeOf);
        }
        Transition[] assessed = new Transition[heavy.size()];
        IntStream range = IntStream.range(0, heavy.size());
        (heavy.size() >= PARALLEL_ASSESS_MIN ? range.parallel() : range).forEach(k -> {
            Pending h = heavy.get(k);
            assessed[k] = assess(h.id(), h.account(), h.previous(), causeOf.apply(h.id()));
        });
        for (int k = 0; k < assessed.length; k++) {
            Transition t = assessed[k];
            out.set(heavy.get(k).slot(), t);
            if (t != null) {
                putState(t.accountId(), t.next());
            }
        }
        out.removeIf(java.util.Objects::isNull);
        return out;
    }

    /**
     * The end of {@link #evaluate} for a streamed move: the bulk book's transitions are handed over at once, then
     * the per-account engine's, chunk by chunk, each chunk's states put before it is handed over.
     */
    private List<Transition> streamed(List<Transition> out, List<Pending> heavy,
            java.util.function.Function<UUID, Cause> causeOf) {
        List<Transition> decided = new ArrayList<>(out.size() - heavy.size());
        out.stream().filter(java.util.Objects::nonNull).forEach(decided::add);
        if (!decided.isEmpty()) {
            sink.accept(decided);
        }
        for (int from = 0; from < heavy.size(); from += STREAM_CHUNK) {
            List<Pending> chunk = heavy.subList(from, Math.min(heavy.size(), from + STREAM_CHUNK));
            Transition[] assessed = new Transition[chunk.size()];
            IntStream range = IntStream.range(0, chunk.size());
            (chunk.size() >= PARALLEL_ASSESS_MIN ? range.parallel() : range).forEach(k -> {
                Pending h = chunk.get(k);
                assessed[k] = assess(h.id(), h.account(), h.previous(), causeOf.apply(h.id()));
            });
            List<Transition> ts = new ArrayList<>();
            for (Transition t : assessed) {
                if (t != null) {
                    putState(t.accountId(), t.next());
                    ts.add(t);
                }
            }
            if (!ts.isEmpty()) {
                sink.accept(ts);
            }
        }
        return List.of();
    }

    /** An account left to the per-account engine: its place in the transitions, and its state before. */
    private record Pending(int slot, UUID id, Account account, State previous) {
    }

    /**
     * The per-account engine's verdict on one account: its transition (with the liquidation plan of a LIQUIDATABLE
     * state), or null when its state stays. Reads the book, writes nothing: {@link #evaluate} runs several at once
     * (the liquidation plan is most of a move's cost when a wave crosses many accounts) and stores the states.
     */
    private Transition assess(UUID id, Account a, State previous, Cause cause) {
        MarginInputs.Built b;
        MarginResult r;
        try {
            b = inputs.build(a, balances.getOrDefault(id, List.of()), positions.getOrDefault(id, List.of()),
                    isolated.getOrDefault(id, List.of()), List.of(), List.of());
            r = MarginEngine.DEFAULT.computeRequirements(b.account(), b.market(), b.params());
        } catch (ApiException | MarginInputException e) {
            return null; // missing data: nothing to say until it is there
        } catch (RuntimeException e) {
            LOG.warnf("margin of account %s of tenant %s not evaluated: %s", id, tenant, e);
            return null; // one bad account must not stop the others
        }
        PoolMargin binding = binding(r);
        boolean warning = binding.equityUsd() >= binding.initialMarginUsd() && earlyWarning(b, r);
        MarginStatus status = MarginStatus.next(previous.status(), binding.equityUsd(),
                binding.initialMarginUsd(), binding.maintenanceMarginUsd(), warning,
                settings.hysteresisFraction());
        Set<String> symbols = b.market().indexPriceUsd().keySet();
        OracleHealth oracle = oracleHealth(symbols);
        boolean held = status == MarginStatus.LIQUIDATABLE && oracle == OracleHealth.UNHEALTHY;
        boolean released = status == MarginStatus.LIQUIDATABLE && previous.status() == MarginStatus.LIQUIDATABLE
                && previous.held() && !held;
        if (status == previous.status() && !released) {
            return null;
        }
        State next = new State(status, previous.seq() + 1, held);
        String type = status == previous.status() ? status.name() : MarginStatus.eventType(previous.status(),
                status);
        Object plan = status == MarginStatus.LIQUIDATABLE ? LiquidationPlanner.plan(b, r, binding.poolId(),
                settings.liquidationBufferFraction(), inputs) : null;
        Map<String, Object> payload = payload(a, symbols, binding.equityUsd(), binding.initialMarginUsd(),
                binding.maintenanceMarginUsd(), previous, next, type, oracle, cause, plan);
        if (r.pools().size() > 1) {
            payload.put("poolId", binding.poolId());
            List<Map<String, Object>> pools = new ArrayList<>();
            for (PoolMargin pm : r.pools()) {
                Map<String, Object> e = new LinkedHashMap<>();
                e.put("poolId", pm.poolId());
                e.put("kind", pm.kind().name());
                e.put("status", pm.status().name());
                e.put("equityUsd", pm.equityUsd());
                e.put("initialMarginUsd", pm.initialMarginUsd());
                e.put("maintenanceMarginUsd", pm.maintenanceMarginUsd());
                pools.add(e);
            }
            payload.put("pools", pools);
        }
        return new Transition(id, previous, next, type, binding.equityUsd(), binding.initialMarginUsd(),
                binding.maintenanceMarginUsd(), payload);
    }

    /**
     * The pool whose figures decide an account's status: its only pool (cross and portfolio accounts), else the
     * worst pool, by status and then by MM / equity. Pools are margined on their own: a liquidatable isolated pool
     * makes the account's status LIQUIDATABLE (the event names the pool, and its liquidation plan touches only that
     * pool's positions) without the cross pool's surplus rescuing it, and a healthy isolated pool does not rescue
     * the cross pool.
     */
    static PoolMargin binding(MarginResult r) {
        PoolMargin worst = r.pools().get(0);
        for (PoolMargin p : r.pools()) {
            int c = Integer.compare(rank(p.status()), rank(worst.status()));
            if (c > 0 || c == 0 && p.marginRatio() > worst.marginRatio()) {
                worst = p;
            }
        }
        return worst;
    }

    private static int rank(io.ballast.margin.measure.HealthStatus s) {
        return switch (s) {
            case HEALTHY -> 0;
            case MARGIN_CALL -> 1;
            case LIQUIDATABLE -> 2;
        };
    }

    /** The symbols an account's margin uses: its positions' underlyings and its collateral assets. */
    private Set<String> symbolsOf(UUID id) {
        Set<String> out = new java.util.TreeSet<>();
        for (io.ballast.risk.domain.Position p : positions.getOrDefault(id, List.of())) {
            UUID u = underlyingOfInstrument.get(p.id.instrumentId());
            if (u != null) {
                out.add(symbolOfAsset.get(u));
            }
        }
        for (Balance b : balances.getOrDefault(id, List.of())) {
            out.add(symbolOfAsset.get(b.id.assetId()));
        }
        return out;
    }

    private boolean earlyWarning(MarginInputs.Built b, MarginResult r) {
        double years = settings.mporDays() / 365.0;
        Set<String> underlyings = new HashSet<>();
        b.account().pools().forEach(p -> p.positions().forEach(x -> underlyings.add(x.instrument().underlying())));
        for (String u : underlyings) {
            MarketPrice mp = prices.get(assetId(u));
            double vol = mp != null && mp.annualVol != null ? mp.annualVol.doubleValue() : settings.defaultAnnualVol();
            double move = settings.earlyWarningSigmas() * vol * Math.sqrt(years);
            double s0 = b.market().indexPrice(u);
            for (double shocked : new double[] {s0 * Math.exp(-move), s0 * Math.exp(move)}) {
                MarketSnapshot m = b.market().withPrice(u, shocked);
                MarginResult x = MarginEngine.DEFAULT.computeRequirements(b.account(), m, b.params());
                if (x.pools().stream().anyMatch(p -> p.equityUsd() < p.maintenanceMarginUsd())) {
                    return true;
                }
            }
        }
        return false;
    }

    private UUID assetId(String symbol) {
        for (Asset a : assets) {
            if (a.symbol.equals(symbol)) {
                return a.id;
            }
        }
        return null;
    }

    private OracleHealth oracleHealth(Collection<String> symbols) {
        OracleHealth h = OracleHealth.HEALTHY;
        for (String s : symbols) {
            h = h.worst(health.getOrDefault(s, OracleHealth.HEALTHY));
        }
        return h;
    }

    private Map<String, Object> payload(Account a, Collection<String> symbols, double equityUsd,
            double initialMarginUsd, double maintenanceMarginUsd, State previous, State next, String type,
            OracleHealth oracle, Cause cause, Object liquidationPlan) {
        Instant now = Instant.now();
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("accountId", a.id.toString());
        p.put("externalId", a.externalId);
        p.put("type", type);
        p.put("previousStatus", previous.status().name());
        p.put("status", next.status().name());
        p.put("seq", next.seq());
        p.put("equityUsd", equityUsd);
        p.put("initialMarginUsd", initialMarginUsd);
        p.put("maintenanceMarginUsd", maintenanceMarginUsd);
        List<Map<String, Object>> used = new ArrayList<>();
        for (String s : new java.util.TreeSet<>(symbols)) {
            MarketPrice mp = prices.get(assetId(s));
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("underlying", s);
            e.put("priceUsd", mp.indexPriceUsd.doubleValue());
            e.put("observedAt", mp.observedAt.toInstant().toString());
            e.put("ageMs", Duration.between(mp.observedAt.toInstant(), now).toMillis());
            e.put("priceVersion", mp.id.toString());
            e.put("oracleHealth", health.getOrDefault(s, OracleHealth.HEALTHY).name());
            used.add(e);
        }
        p.put("prices", used);
        p.put("parameterVersion", params.version());
        p.put("oracleHealth", oracle.name());
        p.put("held", next.held());
        p.put("cause", cause.cause());
        p.put("tickSourceTime", cause.tickSourceTime() == null ? null : cause.tickSourceTime().toString());
        p.put("tickReceivedAt", cause.tickReceivedAt() == null ? null : cause.tickReceivedAt().toString());
        p.put("evaluatedAt", now.toString());
        if (liquidationPlan != null) {
            p.put("liquidationPlan", liquidationPlan);
        }
        return p;
    }

    /** A digest of the parameter versions in force: stable while they do not change. */
    static String versionOf(List<RiskParameter> parameters) {
        List<String> ids = parameters.stream().map(p -> p.scope + ":" + p.targetId + ":" + p.version).sorted()
                .toList();
        return Integer.toHexString(ids.hashCode());
    }

    /** @return the parameter version of the book (digest of the versions in force) */
    public String parameterVersion() {
        return params.version();
    }

    /** @return the price versions of the book: {@code SYMBOL=row-id}, sorted */
    public synchronized String priceVersions() {
        List<String> v = new ArrayList<>();
        prices.forEach((asset, p) -> v.add(symbolOfAsset.get(asset) + "=" + p.id));
        v.sort(Comparator.naturalOrder());
        return String.join(",", v);
    }

}
