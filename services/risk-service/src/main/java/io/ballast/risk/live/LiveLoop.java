package io.ballast.risk.live;

import static io.ballast.risk.common.CallerContext.onWorker;

import io.ballast.risk.common.CallerContext;
import io.ballast.risk.common.Stopping;
import io.ballast.risk.domain.TenantId;
import io.ballast.risk.live.BookLoader.Rows;
import io.ballast.risk.live.TenantBook.Cause;
import io.ballast.risk.live.TenantBook.Transition;
import io.ballast.risk.market.OracleService.TenantOutcome;
import io.ballast.risk.messaging.DirectPublisher;
import io.ballast.risk.messaging.OutboxRelay;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

/**
 * The live margin loop: the hot books of the tenants this instance owns, kept current from ticks and change
 * events, and the state transitions they produce, stored with their events and relayed at once.
 *
 * <p>Book manager: every second, if the ownership changed (or a book was dropped after a failure), books of tenants
 * no longer owned are dropped and books of owned ACTIVE tenants that are missing are built from PostgreSQL; a build
 * re-evaluates every account against its stored state, so a new owner publishes what the old one missed. Book work
 * (CPU) runs on a worker thread; database work on the caller's Vert.x context.
 */
@ApplicationScoped
public class LiveLoop {

    private static final Logger LOG = Logger.getLogger(LiveLoop.class);

    private final Ownership ownership;
    private final BookLoader loader;
    private final MarginStateService states;
    private final OutboxRelay relay;
    private final MeterRegistry metrics;
    private final Map<UUID, TenantBook> books = new ConcurrentHashMap<>();
    /**
     * The tenants whose book is being built, with what reached them meanwhile (guarded by itself): the build started
     * from rows read before it, so once its book is in use that book applies what it missed ({@link #applyMissed}).
     */
    private final Map<UUID, Missed> building = new java.util.HashMap<>();
    /** Index moves waiting for each tenant's book (see {@link #offerPrice}). */
    private final Map<UUID, PendingMoves> pending = new ConcurrentHashMap<>();
    /**
     * Transitions committed (and published) per transaction: a burst of thousands of transitions (a 6 % move) leaves
     * chunk by chunk instead of after one transaction of them all. Each transition is its own account's, guarded by
     * its sequence number, so a chunk needs no other chunk's transaction; when one fails, the book is dropped and
     * rebuilt from what did commit.
     */
    static final int COMMIT_CHUNK = 250;
    /** Each tenant's stores, one at a time (see {@link #stored}). */
    private final Map<UUID, StoreLane> lanes = new ConcurrentHashMap<>();
    private final DirectPublisher direct;
    private final Counter conflated;
    /** Builds waited for at most {@code ballast.live.takeover-step-limit}, then given up (and left running). */
    private final Counter stalled;
    private final Timer moveWait;
    private final Timer moveEvaluate;
    private final Timer moveStore;
    /** Concurrent requests of a tenant share its freshness check. */
    private final FreshnessGate freshness = new FreshnessGate();
    /** Freshness reads sent to the database (one serves every request that joined it). */
    private final Counter freshnessReads;
    /** Hot-book answers given without a freshness read, on the caller's consistency token. */
    private final Counter tokenAnswers;
    private final Timer tickToMargin;
    private final Timer rebuild;
    private final Timer healthCheck;
    private volatile long reconciledGeneration = -1;
    private volatile boolean dirty;
    private final Stopping stopping;

    /** Wires collaborators and registers the gauges. */
    public LiveLoop(Ownership ownership, BookLoader loader, MarginStateService states, OutboxRelay relay,
            DirectPublisher direct, MeterRegistry metrics, Stopping stopping) {
        this.stopping = stopping;
        this.ownership = ownership;
        this.direct = direct;
        this.loader = loader;
        this.states = states;
        this.relay = relay;
        this.metrics = metrics;
        this.tickToMargin = Timer.builder("ballast.live.tick.to.margin")
                .description("From receiving an accepted tick to its margin states stored (with their events)")
                .publishPercentileHistogram().register(metrics);
        this.conflated = Counter.builder("ballast.live.moves.conflated")
                .description("Index moves replaced by a newer move of the same tenant and underlying before their "
                        + "book was free to apply them")
                .register(metrics);
        this.freshnessReads = Counter.builder("ballast.live.freshness.reads")
                .description("Reads of a tenant's outbox marks before hot-book answers (shared by the requests that "
                        + "joined them)").register(metrics);
        this.tokenAnswers = Counter.builder("ballast.live.token.answers")
                .description("Hot-book answers given without a freshness read: the caller's Ballast-Consistency "
                        + "token named only changes the book had applied").register(metrics);
        this.stalled = Counter.builder("ballast.live.takeover.stalled")
                .description("Takeover steps given up after ballast.live.takeover-step-limit: a wait for the gained "
                        + "tenants' books, a replayed tick (which ends the replay), or a build the reconciler "
                        + "stopped waiting for").register(metrics);
        this.moveWait = Timer.builder("ballast.live.move").tag("stage", "wait-worker")
                .description("A move of a tenant's book (its waiting index moves together): waiting for a worker "
                        + "thread")
                .register(metrics);
        this.moveEvaluate = Timer.builder("ballast.live.move").tag("stage", "evaluate")
                .description("A move of a tenant's book: re-valuing it and deciding the transitions")
                .register(metrics);
        this.moveStore = Timer.builder("ballast.live.move").tag("stage", "store")
                .description("A move of a tenant's book: storing the transitions with their events")
                .register(metrics);
        this.rebuild = Timer.builder("ballast.live.book.build")
                .description("Building a tenant's hot book: reading its rows, building, evaluating every account, "
                        + "storing the transitions")
                .register(metrics);
        this.healthCheck = Timer.builder("ballast.live.oracle.health.check")
                .description("The periodic check of oracle health by age: reading every owned tenant's oracles and "
                        + "marking the books")
                .register(metrics);
        Gauge.builder("ballast.live.books", books, Map::size).description("Hot books held").register(metrics);
        Gauge.builder("ballast.live.bulk.accounts", books, b -> b.values().stream()
                        .mapToInt(TenantBook::bulkAccountCount).sum())
                .description("Accounts of the hot books held by their bulk books (the rest are evaluated one by one)")
                .register(metrics);
        Gauge.builder("ballast.oracle.unhealthy", books, b -> b.values().stream()
                        .mapToInt(TenantBook::unhealthyOracles).sum())
                .description("Assets of owned tenants whose oracle is UNHEALTHY").register(metrics);
        for (MarginStatus s : MarginStatus.values()) {
            Gauge.builder("ballast.live.accounts", books, b -> b.values().stream()
                            .mapToInt(x -> x.statusCounts().getOrDefault(s, 0)).sum())
                    .tag("status", s.name()).description("Accounts of the hot books per status").register(metrics);
        }
    }

    /**
     * The hot book of a tenant when this instance owns it, holds it, has applied the tenant's latest change event
     * and was read after the tenant's latest parameter version took effect (so that an answer from it is as fresh
     * as one from the database); otherwise null.
     *
     * @param tenant the tenant
     * @return the book or null
     */
    public Uni<TenantBook> caughtUp(TenantId tenant) {
        TenantBook book = books.get(tenant.value());
        if (book == null || !ownership.owns(tenant.value())) {
            return Uni.createFrom().item(() -> fellBack(book == null ? "no-book" : "not-owned"));
        }
        io.vertx.core.Context context = io.vertx.core.Vertx.currentContext();
        ConsistencyToken wanted = ConsistencyToken.requested(context);
        if (wanted != null) {
            long events = book.appliedEventId();
            long parameters = book.parametersMark();
            if (wanted.coveredBy(events, parameters)) {
                // the caller asks for changes the book has applied: no freshness read (ConsistencyToken)
                tokenAnswers.increment();
                ConsistencyToken.reflect(context, events, parameters);
                return Uni.createFrom().item(book);
            }
        }
        return freshness.marks(tenant.value(), () -> {
                    freshnessReads.increment();
                    return loader.marks(tenant);
                })
                .map(m -> {
                    if (m[0] > book.appliedEventId() || m[1] > book.parametersMark()) {
                        // answered from the database, read after these marks
                        ConsistencyToken.reflect(context, m[0], m[1]);
                        return fellBack(m[0] > book.appliedEventId() ? "behind-events" : "behind-parameters");
                    }
                    ConsistencyToken.reflect(context, book.appliedEventId(), book.parametersMark());
                    return book;
                });
    }

    /** Counts an answer left to the database path, by reason (an operator's view of how often books lag). */
    private TenantBook fellBack(String reason) {
        metrics.counter("ballast.live.database.answers", "reason", reason).increment();
        return null;
    }

    /**
     * A takeover's replayed index moves of one tenant, of one poll of {@code ballast.prices} (at most one per asset),
     * applied as one move of its book, as the live batch's would have been: updates those underlyings in the book and
     * re-evaluates the exposed accounts.
     *
     * @param moves the oracle's outcomes of one tenant (accepted, each with its new price row, whose creation is the
     *              receipt of the poll the tick came in), at most one per asset
     * @return completion once the transitions are stored
     */
    public Uni<Void> onReplayedPrices(List<TenantOutcome> moves) {
        UUID tenant = moves.get(0).tenant().value();
        List<PendingMoves.Move> ms = moves.stream().map(o -> new PendingMoves.Move(o, o.index().observedAt(),
                o.price().createdAt.toInstant())).toList();
        return paused(tenant, "replay").flatMap(x -> onPrices(tenant, ms));
    }

    /**
     * Index moves of several of a tenant's assets (at most one each), applied as one move of its book
     * ({@link TenantBook#onPrices}): each exposed account is evaluated once, on every price that moved for it.
     *
     * @param tenant the tenant
     * @param moves  the moves
     * @return completion once the transitions are stored
     */
    private Uni<Void> onPrices(UUID tenant, List<PendingMoves.Move> moves) {
        TenantBook book = books.get(tenant);
        if (book == null) {
            // the build may have read the prices before this one: its book catches up once in use
            duringBuild(tenant, m -> m.prices = true);
            return Uni.createFrom().voidItem();
        }
        List<TenantBook.PriceMove> priceMoves = moves.stream().map(m -> new TenantBook.PriceMove(m.outcome().price(),
                m.outcome().index().health(), new Cause(m.tickSourceTime(), m.receivedAt(), "tick"))).toList();
        String underlyings = String.join("+", moves.stream().map(m -> m.outcome().underlying()).toList());
        long[] stamps = new long[3];
        stamps[0] = System.nanoTime();
        // the transitions are stored (and published) chunk by chunk as the book decides them, while it goes on
        Stores stores = new Stores(book);
        List<Transition> all = new java.util.ArrayList<>();
        return onWorker(() -> {
                    stamps[1] = System.nanoTime();
                    book.onPrices(priceMoves, chunk -> {
                        all.addAll(chunk);
                        stores.accept(chunk);
                    });
                    stamps[2] = System.nanoTime();
                    return all;
                })
                .flatMap(ts -> {
                    long evaluated = System.nanoTime();
                    moveWait.record(stamps[1] - stamps[0], java.util.concurrent.TimeUnit.NANOSECONDS);
                    moveEvaluate.record(stamps[2] - stamps[1], java.util.concurrent.TimeUnit.NANOSECONDS);
                    return stores.all().invoke(() -> {
                        long stored = System.nanoTime();
                        moveStore.record(stored - evaluated, java.util.concurrent.TimeUnit.NANOSECONDS);
                        if (stored - stamps[0] > 1_000_000_000L) {
                            LOG.infof("slow %s move of tenant %s: %d transitions; worker wait %d ms, evaluation %d ms,"
                                    + " back on the event loop %d ms, storing %d ms (book: %s)", underlyings,
                                    tenant, ts.size(), (stamps[1] - stamps[0]) / 1_000_000,
                                    (stamps[2] - stamps[1]) / 1_000_000, (evaluated - stamps[2]) / 1_000_000,
                                    (stored - evaluated) / 1_000_000, book.lastTimings());
                        }
                    });
                })
                .invoke(() -> {
                    Instant now = Instant.now();
                    moves.forEach(m -> tickToMargin.record(Duration.between(m.receivedAt(), now)));
                });
    }

    /**
     * An index move to apply as soon as the tenant's book is free, conflated: the price consumer hands the move over
     * and goes on with the next ticks (its transaction already stored the price, so nothing acknowledged depends on
     * this). Each tenant has at most one evaluation running; moves that arrive meanwhile wait in one slot per
     * underlying, where a newer move replaces an older one, and are applied together when it ends. So a book that
     * takes longer to evaluate than ticks take to arrive is valued on the newest index each time instead of
     * working through a queue of superseded ones, and the Kafka consumer never waits behind margin work. An event
     * caused by a conflated move names the newest tick's source time. A failure drops the book (rebuilt from
     * PostgreSQL, re-evaluating every account), as {@link #onPrice} does.
     *
     * @param outcome        the oracle's outcome (accepted, with the new price row)
     * @param tickSourceTime the source time of the newest tick the index is made of
     * @param receivedAt     when the batch carrying that tick was received
     */
    public void offerPrice(TenantOutcome outcome, Instant tickSourceTime, Instant receivedAt) {
        PendingMoves pending = this.pending.computeIfAbsent(outcome.tenant().value(), t -> new PendingMoves());
        if (pending.offer(new PendingMoves.Move(outcome, tickSourceTime, receivedAt))) {
            drain(outcome.tenant().value(), pending).subscribe().with(x -> { }, e -> LOG.errorf(e,
                    "live margin of tenant %s failed", outcome.tenant()));
        }
    }

    /** Applies the tenant's pending moves, batch after batch, until none is left. */
    private Uni<Void> drain(UUID tenant, PendingMoves pending) {
        List<PendingMoves.Move> moves = pending.take();
        if (moves == null) {
            return Uni.createFrom().voidItem();
        }
        conflated.increment(moves.stream().mapToLong(PendingMoves.Move::superseded).sum());
        // the waiting moves (one per asset) are one move of the book: an account exposed to two of them is
        // screened and evaluated once
        return onPrices(tenant, moves)
                .onFailure().invoke(e -> LOG.errorf(e, "live margin after %s ticks failed for tenant %s",
                        String.join("+", moves.stream().map(m -> m.outcome().underlying()).toList()), tenant))
                .onFailure().recoverWithNull()
                .onItemOrFailure().transformToUni((x, e) -> drain(tenant, pending));
    }

    /**
     * A change event of {@code ballast.events} (envelope as the outbox relay publishes it).
     *
     * @param envelope the event
     * @param xid      the id of the transaction that wrote it ({@link OwnedEventsConsumer#xid}), -1 when unknown
     * @return completion
     */
    public Uni<Void> onEvent(JsonObject envelope, long xid) {
        UUID tenantId = UUID.fromString(envelope.getString("tenantId"));
        long eventId = envelope.getLong("eventId");
        if (!ownership.owns(tenantId)) {
            return Uni.createFrom().voidItem();
        }
        TenantId tenant = TenantId.of(tenantId);
        TenantBook book = books.get(tenantId);
        String aggregate = envelope.getString("aggregateType");
        String type = envelope.getString("type");
        Cause cause = new Cause(null, null, "event:" + type);
        boolean account = "account".equals(aggregate);
        // InstrumentSettled: the positions it closed were refreshed by the PositionSettled event of each holder,
        // written in the same transaction before it
        boolean settled = "InstrumentSettled".equals(type);
        // MarketPricesPut re-reads the prices; MarketCurvePut (a forward curve or vol surface replaced) the curves
        // too, and values every array on them again
        boolean market = "market".equals(aggregate);
        boolean curves = io.ballast.risk.market.curve.CurveService.CURVE_EVENT.equals(type);
        if (!account && !market && !settled) {
            // Outbox ids are taken at insert and become visible at commit, so a tenant's events can arrive out of id
            // order: an account or market event is applied whatever its id (it re-reads the current rows, so
            // applying it twice is harmless); only the events that rebuild the book are skipped, when the snapshot
            // its rows were read in saw the event's transaction (by the id only for an event that does not say
            // which transaction wrote it: its id may be below the mark and its change not in the rows)
            if (book != null && book.includes(eventId, xid)) {
                return Uni.createFrom().voidItem();
            }
            // the build takes the book in use out of use; a build running now is told to run again once it ends
            return buildInBackground(tenant);
        }
        // during a build (and until its book has applied what it missed) the event is recorded for that book: the
        // rows it read may be older than the event
        if (duringBuild(tenantId, m -> {
            if (account) {
                m.accounts.add(UUID.fromString(envelope.getString("aggregateId")));
            }
            m.market |= market;
            m.curves |= curves;
            m.eventId = Math.max(m.eventId, eventId);
        })) {
            return Uni.createFrom().voidItem();
        } else if (book == null) {
            return buildInBackground(tenant);
        }
        Uni<List<Transition>> work = account ? refreshed(tenant, book, UUID.fromString(envelope.getString(
                "aggregateId")), cause) : market ? marketRead(tenant, book, curves, cause) : Uni.createFrom().item(
                List.of());
        return work.flatMap(ts -> store(book, ts)).invoke(() -> book.markApplied(eventId));
    }

    /** An account's rows read again and its margin re-evaluated in the book (an account change event). */
    private Uni<List<Transition>> refreshed(TenantId tenant, TenantBook book, UUID accountId, Cause cause) {
        return loader.account(tenant, accountId).flatMap(rows -> onWorker(() -> book.refreshAccount(accountId,
                rows.account(), rows.balances(), rows.positions(), rows.isolated(), cause)));
    }

    /** The tenant's prices (and, when asked, curves) read again and applied to the book (a market event). */
    private Uni<List<Transition>> marketRead(TenantId tenant, TenantBook book, boolean curves, Cause cause) {
        return loader.prices(tenant).flatMap(ps -> onWorker(() -> book.onMarket(ps.latest(), ps.health(),
                curves ? ps.curves() : null, cause)));
    }

    /**
     * A risk-parameter or settings version took effect for a tenant: its owner applies the versions in force now to
     * the book in use ({@link TenantBook#reparameterize}: the book stays in use meanwhile) and re-evaluates every
     * account; with no book in use, or a build running, the book is built (again). Without waiting: on 100,000
     * accounts this takes seconds.
     *
     * @param tenantId the tenant
     * @return completion
     */
    public Uni<Void> onParameters(UUID tenantId) {
        if (!ownership.owns(tenantId)) {
            return Uni.createFrom().voidItem();
        }
        if (books.get(tenantId) == null || isBuilding(tenantId)) {
            // the build reads the parameters in force when it starts; one running is told to run again
            return buildInBackground(TenantId.of(tenantId));
        }
        java.util.concurrent.atomic.AtomicBoolean again = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.atomic.AtomicBoolean running = reparameterizing.putIfAbsent(tenantId, again);
        if (running != null) {
            running.set(true); // applied again once the running one ends
            return Uni.createFrom().voidItem();
        }
        Uni.createFrom().deferred(() -> reparameterize(TenantId.of(tenantId))).subscribe().with(x -> {
            if (reparameterizing.remove(tenantId).get()) {
                onParameters(tenantId);
            }
        }, e -> {
            reparameterizing.remove(tenantId);
            TenantBook stale = books.get(tenantId);
            if (stale != null) {
                dropIf(tenantId, stale); // built again by the reconciler, on the parameters in force
            }
            dirty = true;
            LOG.warnf("new parameters of tenant %s not applied: %s", tenantId, e.getMessage());
        });
        return Uni.createFrom().voidItem();
    }

    /** Tenants whose book is taking new parameters; true once more parameters came meanwhile. */
    private final Map<UUID, java.util.concurrent.atomic.AtomicBoolean> reparameterizing = new ConcurrentHashMap<>();
    private final Map<UUID, java.util.concurrent.atomic.AtomicInteger> reparameterized = new ConcurrentHashMap<>();

    /**
     * The parameter versions and settings in force read (their outbox mark first) and applied to the book in use.
     * A book whose assets or instruments are no longer those in force is built again instead (their own events
     * rebuild it as well); a failure drops the book, which the reconciler then builds.
     */
    private Uni<Void> reparameterize(TenantId tenant) {
        UUID id = tenant.value();
        TenantBook book = books.get(id);
        if (book == null || isBuilding(id)) {
            return buildInBackground(tenant);
        }
        long started = System.nanoTime();
        Stores stores = new Stores(book);
        return loader.reference(tenant).flatMap(ref -> {
            if (!sameIds(ref.assets().stream().map(a -> a.id), book.assets().stream().map(a -> a.id))
                    || !sameIds(ref.instruments().stream().map(i -> i.id),
                            book.instruments().stream().map(i -> i.id))) {
                return buildInBackground(tenant);
            }
            return onWorker(() -> book.reparameterize(ref.parameters(), ref.settings(), ref.parametersMark(),
                    new Cause(null, null, "parameters"), stores, reparameterizePause(id)))
                    .flatMap(n -> stores.all().map(x -> n))
                    .invoke(n -> {
                        if (n >= 0) {
                            reparameterized.computeIfAbsent(id, t -> new java.util.concurrent.atomic.AtomicInteger())
                                    .incrementAndGet();
                            MDC.put("tenantId", tenant.toString());
                            LOG.infof("hot book of tenant %s took parameters %s in %d ms (kept in use): %d "
                                    + "transitions", tenant, book.parameterVersion(), (System.nanoTime() - started)
                                    / 1_000_000, n);
                            MDC.remove("tenantId");
                        }
                    })
                    .replaceWithVoid();
        }).onFailure().recoverWithUni(e -> {
            LOG.warnf("the hot book of tenant %s did not take new parameters (dropped, built again): %s", tenant,
                    e.getMessage());
            dropIf(id, book);
            dirty = true;
            return Uni.createFrom().voidItem();
        });
    }

    private static boolean sameIds(java.util.stream.Stream<UUID> a, java.util.stream.Stream<UUID> b) {
        return a.collect(java.util.stream.Collectors.toSet()).equals(b.collect(java.util.stream.Collectors.toSet()));
    }

    /**
     * Starts a build without making the caller (a Kafka record) wait for it: a build of 100,000 accounts takes
     * seconds, and a record left unacknowledged for a minute fails the channel. Requests are answered from the
     * database meanwhile.
     */
    private Uni<Void> buildInBackground(TenantId tenant) {
        build(tenant).subscribe().with(x -> { }, e -> LOG.warnf("building the hot book of tenant %s failed: %s",
                tenant, e.getMessage()));
        return Uni.createFrom().voidItem();
    }

    /**
     * Builds, or waits for, the books of the owned ACTIVE tenants a predicate selects (the tenants just taken over),
     * so that ticks replayed for them reach a book. Gives up on a tenant whose build fails, or has not put a book in
     * use within the limit, whether or not its build ever completes (a WARN names it; its book is then built by the
     * reconciler and its missed ticks are not replayed): the price consumer waits for this.
     *
     * @param gained the tenants to wait for
     * @param limit  how long to wait for the books, all together
     * @return once each has a book (or is no longer owned, or the limit passed): how many owned tenants were gained,
     *         and how many of them have no book
     */
    public Uni<Gained> booksOf(java.util.function.Predicate<UUID> gained, Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        // bounded too: a listing that never completes would stop the price stream as surely as a build
        Uni<List<UUID>> listed = CallerContext.resumeHere(CallerContext.awaitAtMost(loader.activeTenants(), limit,
                () -> new java.util.concurrent.TimeoutException("the active tenants were not listed within "
                        + limit)));
        return listed.map(ids -> ids.stream().filter(gained).filter(ownership::owns).toList())
                .invoke(ids -> LOG.infof("taking over: %d gained tenant(s) to wait for (%d with a book in use)",
                        ids.size(), ids.stream().filter(books::containsKey).count()))
                .flatMap(ids -> Multi.createFrom().iterable(ids)
                .onItem().transformToUniAndConcatenate(t -> awaitBook(t, deadline, false))
                .collect().last()
                .map(x -> {
                    List<UUID> late = ids.stream().filter(gained).filter(ownership::owns)
                            .filter(t -> !books.containsKey(t)).toList();
                    if (!late.isEmpty()) {
                        LOG.warnf("taking over: %d gained tenant(s) without a book in use after %s (building: %d; "
                                + "their missed ticks are not replayed): %s", late.size(), limit,
                                late.stream().filter(this::isBuilding).count(), late.stream().limit(10).toList());
                    }
                    return new Gained(ids.size(), late.size());
                }));
    }

    /**
     * What a takeover found.
     *
     * @param tenants how many owned ACTIVE tenants it gained; -1 when they could not be listed ({@link #unknown()})
     * @param late    how many of them have no book in use
     */
    public record Gained(int tenants, int late) {

        /** @return a takeover whose gained tenants could not be listed: replayed to whoever is gained and owned */
        public static Gained unknown() {
            return new Gained(-1, 0);
        }

        /** @return whether the gained tenants were listed ({@link #tenants()} counts them) */
        public boolean known() {
            return tenants >= 0;
        }
    }

    private Uni<Void> awaitBook(UUID tenant, long deadline, boolean tried) {
        long left = deadline - System.nanoTime();
        // less than a millisecond left counts as none: Vert.x cannot time it (it throws)
        if (books.containsKey(tenant) || !ownership.owns(tenant) || left < 1_000_000) {
            return Uni.createFrom().voidItem();
        }
        if (!isBuilding(tenant)) {
            if (tried) {
                return Uni.createFrom().voidItem(); // one build of our own at most: a failed one is the reconciler's
            }
            // subscribed on its own, not chained: giving up the wait must not cancel the build (a cancelled one
            // would stay "building" and block every later build of the tenant); it is waited for until the deadline
            Uni<Void> built = CallerContext.awaitAtMost(build(TenantId.of(tenant)), Duration.ofNanos(left),
                    java.util.concurrent.TimeoutException::new);
            return CallerContext.resumeHere(built.onFailure().recoverWithNull())
                    .flatMap(x -> awaitBook(tenant, deadline, true));
        }
        java.util.concurrent.CompletableFuture<Void> running;
        synchronized (building) {
            Missed m = building.get(tenant);
            running = m == null ? null : m.ended;
        }
        if (running == null) {
            return awaitBook(tenant, deadline, tried); // it ended meanwhile
        }
        // a build already running (the reconciler's, an event's): its end is waited for, not polled; the wait has a
        // copy of its own, so that giving it up cancels nothing other waiters share
        return CallerContext.resumeHere(Uni.createFrom().completionStage(running.copy()).ifNoItem()
                        .after(Duration.ofNanos(left)).recoverWithItem((Void) null).onFailure().recoverWithNull())
                .flatMap(x -> awaitBook(tenant, deadline, tried));
    }

    /**
     * Oracle health by age: an oracle that gets no tick turns UNHEALTHY once its price in force is older than the
     * staleness limit (a paused feed, the LUNA 2022 case), but only a tick or a market event told the book so. Every
     * few seconds this reads the oracle health of every owned tenant (the same as {@code GET /api/v1/market/oracles}
     * answers, all tenants in one statement: {@link BookLoader#oracleHealth}) and marks in the book the oracles that
     * turned UNHEALTHY by age, so that the next liquidation alert of an account using one is held. A price the book
     * received after the read wins ({@link TenantBook#markUnhealthy}); healthy again comes only with a fresh tick,
     * which brings its own health.
     */
    @Scheduled(every = "${ballast.live.health-interval:5s}", delayed = "5s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    public Uni<Void> markUnhealthyByAge() {
        List<UUID> owned = books.keySet().stream().filter(ownership::owns).toList();
        if (owned.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        long started = System.nanoTime();
        return loader.oracleHealth(owned)
                .flatMap(health -> onWorker(() -> {
                    health.forEach((tenant, h) -> {
                        TenantBook book = books.get(tenant);
                        List<String> marked = book == null ? List.of()
                                : book.markUnhealthy(h.priceInForce(), h.bySymbol());
                        if (!marked.isEmpty()) {
                            MDC.put("tenantId", tenant.toString());
                            LOG.infof("oracle(s) %s of tenant %s UNHEALTHY by age: no fresh price within the "
                                    + "staleness limit; liquidation alerts using them are held", marked, tenant);
                            MDC.remove("tenantId");
                        }
                    });
                    return health.size();
                }))
                .onItemOrFailure().invoke(() -> healthCheck.record(System.nanoTime() - started,
                        java.util.concurrent.TimeUnit.NANOSECONDS))
                .onFailure().invoke(x -> stopping.passFailedBriefly(LOG, "oracle health of the owned tenants not "
                        + "checked", x))
                .onFailure().recoverWithNull().replaceWithVoid();
    }

    /**
     * Builds again, without holding their locks, the bulk books that accounts changed since they were built
     * ({@link TenantBook#refreshBulk}): until then the per-account engine evaluates those accounts at every move.
     * Each tenant's refresh runs on a worker; a tenant whose refresh still runs is skipped.
     */
    @Scheduled(every = "${ballast.live.reconcile-interval:1s}", delayed = "3s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void refreshStaleBulkBooks() {
        books.forEach((tenant, book) -> {
            if (!book.bulkStale() || !refreshing.add(tenant)) {
                return;
            }
            long started = System.nanoTime();
            String before = book.bulkHolding();
            onWorker(() -> {
                book.refreshBulk();
                return null;
            }).subscribe().with(x -> {
                refreshing.remove(tenant);
                LOG.infof("bulk book of tenant %s built again in %d ms (before: %s)", tenant,
                        (System.nanoTime() - started) / 1_000_000, before);
            }, e -> {
                refreshing.remove(tenant);
                LOG.warnf("bulk book of tenant %s not built again: %s", tenant, e.getMessage());
            });
        });
    }

    private final Set<UUID> refreshing = ConcurrentHashMap.newKeySet();

    /**
     * Reconciles books with the ownership: drops lost tenants, builds gained ones, one after the other, by tenant id.
     * Every second. A build not done within {@code ballast.live.takeover-step-limit} is no longer waited for (a WARN
     * and the counter {@code ballast.live.takeover.stalled}; it goes on in the background, never cancelled): the
     * next tenants' builds start, so that one build that never completes leaves no other tenant without a book.
     */
    @Scheduled(every = "${ballast.live.reconcile-interval:1s}", delayed = "2s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    public Uni<Void> reconcile() {
        long generation = ownership.generation();
        if (stopping.now() || generation == reconciledGeneration && !dirty) {
            return Uni.createFrom().voidItem();
        }
        dirty = false;
        books.keySet().stream().filter(t -> !ownership.owns(t)).toList().forEach(this::drop);
        Duration limit = loader.settings().takeoverStepLimit();
        return loader.activeTenants().flatMap(ids -> Multi.createFrom().iterable(ids)
                        .filter(ownership::owns).filter(t -> !books.containsKey(t) && !isBuilding(t))
                        .onItem().transformToUniAndConcatenate(t -> CallerContext.resumeHere(CallerContext
                                        .awaitAtMost(build(TenantId.of(t)), limit,
                                                java.util.concurrent.TimeoutException::new))
                                .onFailure(java.util.concurrent.TimeoutException.class).recoverWithUni(e -> {
                                    // the next tenants' books must not wait for it: it goes on in the background
                                    takeoverStepGivenUp();
                                    LOG.warnf("reconciling: the build of tenant %s has not completed after %s; the "
                                            + "next tenants' builds go on", t, limit);
                                    return Uni.createFrom().voidItem();
                                }))
                        .collect().last())
                .invoke(() -> reconciledGeneration = generation)
                .onFailure().invoke(e -> {
                    dirty = true;
                    stopping.passFailedBriefly(LOG, "reconciling hot books failed", e);
                })
                .onFailure().recoverWithNull().replaceWithVoid();
    }

    private Uni<Void> build(TenantId tenant) {
        UUID id = tenant.value();
        if (!startBuild(id)) {
            return Uni.createFrom().voidItem(); // the running build runs again once it ends
        }
        buildsStarted.computeIfAbsent(id, t -> new java.util.concurrent.atomic.AtomicInteger()).incrementAndGet();
        // the book in use (if any) goes out of use now: from here on ticks and events are recorded for the new book,
        // and nothing stores beside its build. Keeping it in use until the new book is evaluated would keep live
        // margin going, but holds two books at once: a tenant of 100,000 accounts then ran out of a 3 GB heap during
        // ./ballast load (session 26, c9e5317)
        retireInUse(id);
        if (!books.containsKey(id)) {
            // another instance may have owned the tenant since this one last stored: its first store checks again
            lane(id).directClear = false;
        }
        long started = System.nanoTime();
        long[] read = new long[1];
        TenantBook[] installed = new TenantBook[1];
        // states stored from here on (less a margin for a store whose time was taken before it committed) may have
        // been missed by the rows; the new book takes them over before it is evaluated (TenantBook#takeOver). They
        // are read in the tenant's store lane: a store of a book dropped before this build, already running, has
        // committed by then, and a later one is not made (TenantBook#retire)
        java.time.OffsetDateTime readFrom = java.time.OffsetDateTime.now(java.time.ZoneOffset.UTC).minusSeconds(30);
        return loader.load(tenant)
                .flatMap(rows -> paused(id, "rows").replaceWith(rows))
                .flatMap(rows -> onWorker(() -> rows.toBook(loader.settings()))
                        .flatMap(book -> lane(id).run(() -> loader.statesSince(tenant, readFrom))
                                .flatMap(stored -> loader.prices(tenant)
                                        .map(ps -> new Takeover(rows, book, stored, ps)))))
                // accounts whose change events came while the rows were read are read again before the book is
                // evaluated: its prices were read after those rows, and an account valued on its older rows at
                // the newer prices could be told of a state it never was in
                .flatMap(t -> accountsMissedSoFar(tenant).map(again -> Map.entry(t, again)))
                .flatMap(ta -> paused(id, "evaluate").replaceWith(ta))
                .flatMap(ta -> {
                    Takeover t = ta.getKey();
                    Rows rows = t.rows();
                    read[0] = System.nanoTime();
                    return onWorker(() -> {
                        TenantBook book = t.book();
                        book.takeOver(t.stored(), t.prices().latest(), t.prices().health());
                        Cause cause = new Cause(null, null, "rebuild");
                        List<Transition> out = new java.util.ArrayList<>();
                        ta.getValue().forEach((a, r) -> out.addAll(book.refreshAccount(a, r.account(), r.balances(),
                                r.positions(), r.isolated(), cause)));
                        out.addAll(book.evaluateAll(cause));
                        return Map.entry(book, out);
                    }).map(e -> {
                        long ms = (System.nanoTime() - started) / 1_000_000;
                        MDC.put("tenantId", tenant.toString());
                        LOG.infof("hot book of tenant %s built: %d accounts (%d in the bulk book), %d positions "
                                + "in %d ms (read and built %d ms, evaluated on a worker %d ms)", tenant,
                                e.getKey().accountCount(), e.getKey().bulkAccountCount(), rows.positionCount(), ms,
                                (read[0] - started) / 1_000_000, (System.nanoTime() - read[0]) / 1_000_000);
                        MDC.remove("tenantId");
                        return e;
                    });
                })
                // put in use even when a change during the build asks for another build (which takes it out of use
                // when it starts): answers wait for the newer build (the event mark), ticks need not
                .flatMap(e -> {
                    return stored(e.getKey(), e.getValue()).flatMap(ok -> {
                        rebuild.record(Duration.ofNanos(System.nanoTime() - started));
                        if (!ok || !ownership.owns(id)) {
                            return Uni.createFrom().voidItem(); // a state moved since it was read: built again
                        }
                        installed[0] = e.getKey();
                        // no other book is in use: the build took it out of use when it started, and builds of a
                        // tenant do not overlap
                        books.put(id, e.getKey());
                        return Uni.createFrom().voidItem();
                    });
                })
                .onFailure().invoke(e -> {
                    dirty = true;
                    LOG.warnf("building the hot book of tenant %s failed: %s", tenant, e.getMessage());
                })
                .onFailure().recoverWithNull().replaceWithVoid()
                .flatMap(x -> installed[0] != null ? applyMissed(tenant, installed[0]) : endBuild(tenant));
    }

    /**
     * What reached a tenant while its book was being built: accounts whose change events came, whether a market
     * event came (and one of curves), whether ticks came while no book was in use, the highest event id, and whether
     * a change that rebuilds the book came (then the build's book is not used: it is built again).
     */
    private static final class Missed {
        /** Completed when the build ends (taken off {@link #building}: see {@link #endBuilding}). */
        final java.util.concurrent.CompletableFuture<Void> ended = new java.util.concurrent.CompletableFuture<>();
        final Set<UUID> accounts = new java.util.LinkedHashSet<>();
        boolean market;
        boolean curves;
        boolean prices;
        boolean rebuild;
        long eventId;

        boolean isEmpty() {
            return accounts.isEmpty() && !market && !prices && !rebuild;
        }
    }

    /**
     * The rows of the accounts whose change events the tenant's running build recorded so far, read again (and no
     * longer recorded: the build's book starts from these rows).
     */
    private Uni<Map<UUID, BookLoader.AccountRows>> accountsMissedSoFar(TenantId tenant) {
        List<UUID> ids;
        synchronized (building) {
            Missed m = building.get(tenant.value());
            ids = m == null ? List.of() : List.copyOf(m.accounts);
            if (m != null) {
                m.accounts.clear();
            }
        }
        Map<UUID, BookLoader.AccountRows> out = new java.util.LinkedHashMap<>();
        return Multi.createFrom().iterable(ids)
                .onItem().transformToUniAndConcatenate(a -> loader.account(tenant, a).invoke(r -> out.put(a, r)))
                .collect().last().map(x -> out);
    }

    /** Marks a tenant's build as started: false when one is running (then told to run again once it ends). */
    private boolean startBuild(UUID tenant) {
        synchronized (building) {
            Missed running = building.get(tenant);
            if (running != null) {
                running.rebuild = true;
                return false;
            }
            building.put(tenant, new Missed());
            return true;
        }
    }

    /** Takes a tenant's build off {@link #building} and tells those waiting for its end; null when none ran. */
    private Missed endBuilding(UUID tenant) {
        Missed m;
        synchronized (building) {
            m = building.remove(tenant);
        }
        if (m != null) {
            m.ended.complete(null);
        }
        return m;
    }

    private boolean isBuilding(UUID tenant) {
        synchronized (building) {
            return building.containsKey(tenant);
        }
    }

    /** Takes the tenant's book in use out of use (a build is about to read the states and evaluate its own). */
    private void retireInUse(UUID tenant) {
        TenantBook inUse = books.get(tenant);
        if (inUse != null) {
            dropIf(tenant, inUse);
        }
    }

    /** Records what reached a tenant during its build; false when no build runs (nothing recorded). */
    private boolean duringBuild(UUID tenant, java.util.function.Consumer<Missed> what) {
        synchronized (building) {
            Missed m = building.get(tenant);
            if (m == null) {
                return false;
            }
            what.accept(m);
            return true;
        }
    }

    /** Ends a build whose book was not put in use; builds again when that was asked for meanwhile. */
    private Uni<Void> endBuild(TenantId tenant) {
        Missed m = endBuilding(tenant.value());
        // a build of its own (buildInBackground), not one chained to this one: a chained build kept this build's
        // pipeline, and the book it captured, reachable until it ended (two books of 100,000 accounts at once)
        return m != null && m.rebuild ? buildInBackground(tenant) : Uni.createFrom().voidItem();
    }

    /**
     * Once a built book is in use: what reached the tenant during its build, applied to it as the events and ticks
     * would have been (each account of a change event read again, the prices and curves of a market event, the
     * prices in force after ticks that found no book), round after round until nothing more came; only then does
     * the build end and events reach the book directly. Before, an event during a build built the book a second
     * time (on 100,000 accounts 15-40 s), and that build's first store could find states the book in use had stored
     * meanwhile, fail and drop it: a build again, with events still coming (seen after a load in session 25).
     */
    private Uni<Void> applyMissed(TenantId tenant, TenantBook book) {
        Missed m;
        Missed ended = null;
        long applied = -1;
        synchronized (building) {
            Missed open = building.get(tenant.value());
            if (open == null) {
                return Uni.createFrom().voidItem();
            }
            if (open.isEmpty() || open.rebuild || book.retired()) {
                building.remove(tenant.value());
                ended = open;
                m = null;
                // done (or the book was dropped after a failed store: the reconciler builds it again); the events
                // recorded were applied (the accounts of the first ones before the book was evaluated)
                applied = open.rebuild ? -1 : open.eventId;
            } else {
                m = new Missed();
                m.accounts.addAll(open.accounts);
                m.market = open.market;
                m.curves = open.curves;
                m.prices = open.prices;
                m.eventId = open.eventId;
                open.accounts.clear();
                open.market = false;
                open.curves = false;
                open.prices = false;
            }
        }
        if (ended != null) {
            ended.ended.complete(null);
        }
        if (m == null) {
            if (applied >= 0) {
                book.markApplied(applied);
                return Uni.createFrom().voidItem();
            }
            // a change that rebuilds the book came during the build or while it applied what it missed: built again,
            // by a build of its own: chained to this one, it kept this build's pipeline and this book reachable
            // until it ended, so that two books of 100,000 accounts were in memory at once (the service spent
            // most of its time in full collections during ./ballast load, session 27)
            return buildInBackground(tenant);
        }
        Cause cause = new Cause(null, null, "catch-up");
        Uni<Void> accounts = Multi.createFrom().iterable(m.accounts)
                .onItem().transformToUniAndConcatenate(a -> refreshed(tenant, book, a, cause)
                        .flatMap(ts -> store(book, ts)))
                .collect().last().replaceWithVoid();
        Uni<Void> market = m.market ? marketRead(tenant, book, m.curves, cause).flatMap(ts -> store(book, ts))
                : Uni.createFrom().voidItem();
        return accounts.flatMap(x -> market)
                .flatMap(x -> m.prices ? catchUpPrices(tenant, book) : Uni.createFrom().voidItem())
                .invoke(() -> book.markApplied(m.eventId))
                .onFailure().recoverWithUni(e -> {
                    LOG.warnf("the hot book of tenant %s did not apply what it missed during its build (dropped, "
                            + "built again): %s", tenant, e.getMessage());
                    dropIf(tenant.value(), book);
                    dirty = true;
                    endBuilding(tenant.value());
                    return Uni.createFrom().voidItem();
                })
                .flatMap(x -> book.retired() ? endBuild(tenant) : applyMissed(tenant, book));
    }

    /**
     * After a build that ticks arrived during with no book in use: the prices in force now, read from PostgreSQL
     * (every accepted tick's price is stored before its move is handed over), applied to the book where they are
     * newer than its own, as one move. Before session 25 such ticks made the tenant build its book a second time.
     */
    private Uni<Void> catchUpPrices(TenantId tenant, TenantBook book) {
        Stores stores = new Stores(book);
        return loader.prices(tenant)
                .flatMap(ps -> onWorker(() -> book.catchUpPrices(ps.latest(), ps.health(),
                        new Cause(null, null, "catch-up"), stores)))
                .flatMap(x -> stores.all());
    }

    /**
     * Takes the chunks of transitions a book hands over under its lock: each goes to the tenant's store lane at once
     * (in the order handed over); {@link #all} completes once every chunk handed over so far is stored.
     */
    private final class Stores implements java.util.function.Consumer<List<Transition>> {

        private final TenantBook book;
        private final List<java.util.concurrent.CompletableFuture<Boolean>> pending =
                new java.util.concurrent.CopyOnWriteArrayList<>();

        Stores(TenantBook book) {
            this.book = book;
        }

        @Override
        public void accept(List<Transition> chunk) {
            pending.add(stored(book, chunk).subscribeAsCompletionStage());
        }

        /** @return completion once the chunks handed over so far are stored (a failed store fails it) */
        Uni<Void> all() {
            return Uni.createFrom().completionStage(java.util.concurrent.CompletableFuture
                    .allOf(pending.toArray(java.util.concurrent.CompletableFuture[]::new)));
        }
    }

    /** A test's pause of a tenant's next build once its rows are read ({@link #pauseNextBuild}). */
    private record BuildPause(UUID tenant, String stage, java.util.concurrent.CompletableFuture<Void> reached,
            java.util.concurrent.CompletionStage<Void> release) {
    }

    private volatile BuildPause pause;
    private final Map<UUID, java.util.concurrent.atomic.AtomicInteger> buildsStarted = new ConcurrentHashMap<>();

    private volatile BuildPause reparameterizePause;

    /**
     * For tests: the tenant's next in-place parameter change stops once it has copied the book's rows (the book still
     * in use on the parameters before), completes {@code reached} and goes on when {@code release} completes.
     */
    void pauseNextReparameterize(UUID tenant, java.util.concurrent.CompletableFuture<Void> reached,
            java.util.concurrent.CompletionStage<Void> release) {
        reparameterizePause = new BuildPause(tenant, "copied", reached, release);
    }

    private Runnable reparameterizePause(UUID tenant) {
        BuildPause p = reparameterizePause;
        if (p == null || !p.tenant().equals(tenant)) {
            return null;
        }
        reparameterizePause = null;
        return () -> {
            p.reached().complete(null);
            p.release().toCompletableFuture().join();
        };
    }

    /** For tests: how many times the tenant's book in use took new parameters in place. */
    int reparameterized(UUID tenant) {
        java.util.concurrent.atomic.AtomicInteger n = reparameterized.get(tenant);
        return n == null ? 0 : n.get();
    }

    /** For tests: whether a book of the tenant is in use here. */
    boolean inUse(UUID tenant) {
        return books.containsKey(tenant);
    }

    /** For tests: the tenant's book in use here, or null. */
    TenantBook bookInUse(UUID tenant) {
        return books.get(tenant);
    }

    /** For tests: how many builds of the tenant's book this instance started. */
    int buildsStarted(UUID tenant) {
        java.util.concurrent.atomic.AtomicInteger n = buildsStarted.get(tenant);
        return n == null ? 0 : n.get();
    }

    /**
     * For tests: the tenant's next build stops at a stage ({@code rows}: its rows read, not yet its states and
     * prices; {@code evaluate}: all read, the accounts of events recorded so far read again, not yet evaluated;
     * {@code replay}: not a build, its next move replayed after a takeover, before the book moves),
     * completes {@code reached} and goes on when {@code release} completes, so that a test can send events and ticks
     * while it is under way.
     */
    void pauseNextBuild(UUID tenant, String stage, java.util.concurrent.CompletableFuture<Void> reached,
            java.util.concurrent.CompletionStage<Void> release) {
        pause = new BuildPause(tenant, stage, reached, release);
    }

    /** For tests: the accounts whose change events the tenant's running build recorded (empty when none runs). */
    Set<UUID> missedAccounts(UUID tenant) {
        synchronized (building) {
            Missed m = building.get(tenant);
            return m == null ? Set.of() : Set.copyOf(m.accounts);
        }
    }

    /** For tests: whether the tenant's running build recorded ticks that found no book. */
    boolean missedPrices(UUID tenant) {
        synchronized (building) {
            Missed m = building.get(tenant);
            return m != null && m.prices;
        }
    }

    private Uni<Void> paused(UUID tenant, String stage) {
        BuildPause p = pause;
        if (p == null || !p.tenant().equals(tenant) || !p.stage().equals(stage)) {
            return Uni.createFrom().voidItem();
        }
        pause = null;
        Uni<Void> released = CallerContext.resumeHere(Uni.createFrom().completionStage(p.release()).replaceWithVoid());
        p.reached().complete(null);
        return released;
    }

    /** Counts a takeover step given up after {@code ballast.live.takeover-step-limit} (the price consumer's too). */
    public void takeoverStepGivenUp() {
        stalled.increment();
    }

    /** Takes a tenant's book out of use (see {@link TenantBook#retire}). */
    private void drop(UUID tenant) {
        TenantBook book = books.remove(tenant);
        if (book != null) {
            book.retire();
        }
    }

    /** Takes a book out of use if it is still the tenant's. */
    private void dropIf(UUID tenant, TenantBook book) {
        if (books.remove(tenant, book)) {
            book.retire();
        }
    }

    /** A book built from its rows, with what it takes over before it is evaluated (see {@link #build}). */
    private record Takeover(Rows rows, TenantBook book, List<AccountMarginState> stored, BookLoader.Prices prices) {
    }

    /**
     * Stores transitions with their events, {@value #COMMIT_CHUNK} a transaction, each published right after its
     * commit; on failure drops the book.
     */
    private Uni<Void> store(TenantBook book, List<Transition> transitions) {
        return stored(book, transitions).replaceWithVoid();
    }

    /**
     * {@link #store}, telling whether it succeeded: a failure (a state moved since the book read it) drops the
     * tenant's book and marks the books dirty, so the reconciler builds it again. A tenant's stores run one at a
     * time ({@link StoreLane}); their events go out directly after the commit ({@link DirectPublisher}) when none of
     * the tenant's events waits for the relay, otherwise through the relay, triggered at once.
     */
    private Uni<Boolean> stored(TenantBook book, List<Transition> transitions) {
        if (transitions.isEmpty()) {
            return Uni.createFrom().item(true);
        }
        StoreLane lane = lane(book.tenant().value());
        // read now (the book's lock): a queued store runs later on an event loop, which must not wait for that lock
        String priceVersions = book.priceVersions();
        List<List<Transition>> parts = new java.util.ArrayList<>();
        for (int i = 0; i < transitions.size(); i += COMMIT_CHUNK) {
            parts.add(transitions.subList(i, Math.min(transitions.size(), i + COMMIT_CHUNK)));
        }
        return Multi.createFrom().iterable(parts)
                // a book out of use stores nothing more: the next book decides from the stored states (and its
                // build reads them in this lane, after any store already running)
                .onItem().transformToUniAndConcatenate(part -> lane.run(() -> book.retired()
                        ? Uni.createFrom().<MarginStateService.Stored>nullItem()
                        : states.store(book.tenant(), part, priceVersions, book.parameterVersion(), direct.enabled(),
                                lane.directClear)
                        .invoke(stored -> {
                            if (stored.direct()) {
                                lane.directClear = true;
                                direct.publish(stored.rows(), () -> lane.directClear = false);
                            } else {
                                relay.trigger();
                            }
                        })))
                .collect().last()
                .invoke(() -> transitions.forEach(t -> metrics.counter("ballast.live.margin.events", "type",
                        t.eventType()).increment()))
                .onFailure().invoke(e -> {
                    drop(book.tenant().value());
                    dirty = true;
                    LOG.warnf("storing %d margin transitions of tenant %s failed (book dropped, rebuilt next): %s",
                            transitions.size(), book.tenant(), e.getMessage());
                })
                .map(x -> true)
                .onFailure().recoverWithItem(false);
    }

    private StoreLane lane(UUID tenant) {
        return lanes.computeIfAbsent(tenant, t -> new StoreLane());
    }

}
