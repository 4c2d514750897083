package io.ballast.risk.market;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.ballast.risk.common.CallerContext;
import io.ballast.risk.live.LiveLoop;
import io.ballast.risk.live.LiveSettings;
import io.ballast.risk.live.Ownership;
import io.ballast.risk.market.OracleGuard.Verdict;
import io.ballast.risk.market.OracleService.BatchOutcome;
import io.ballast.risk.market.OracleService.TenantOutcome;
import io.ballast.risk.market.OracleService.TickOutcome;
import io.ballast.risk.repository.DatabaseOutage;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import io.vertx.core.json.JsonObject;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

/**
 * Consumes platform ticks from {@code ballast.prices} (key = underlying; every instance reads the whole topic in a
 * consumer group of its own), in batches: the records of one poll are parsed, guarded and applied to the oracles of
 * the tenants this instance owns in one transaction ({@link OracleService#applyAll}), then the index moves (one per
 * tenant and asset for the whole batch) are handed to the live loop, which conflates them per tenant and underlying
 * ({@link io.ballast.risk.live.LiveLoop#offerPrice}) without making the next batch wait. Under load, ticks that
 * arrive while a batch is applied form the next batch: the consumer conflates instead of falling behind.
 *
 * <p>Nothing stops the stream: a message that does not parse is copied to {@code ballast.prices.dlq} with the
 * reason in header {@code dead-letter-reason}, and the rest of its batch goes on; a batch whose transaction fails
 * because the database cannot serve (down, restarting: {@link DatabaseOutage}) is retried until it can, so no
 * acknowledged tick is lost to an outage; a batch whose transaction fails otherwise after retries is nacked and SmallRye's {@code dead-letter-queue} failure strategy copies each of its records there;
 * a tick the guard rejects (for every tenant, or for one) is sent there explicitly as
 * {@code {"reason", "detail", "tenantId"?, "tick"}} with the same header.
 */
@ApplicationScoped
public class PriceFeedConsumer {

    /** Incoming channel (topic {@code ballast.prices}). */
    public static final String CHANNEL = "ballast-prices";
    /** Outgoing channel of explicit rejections (topic {@code ballast.prices.dlq}). */
    public static final String DLQ_CHANNEL = "ballast-prices-rejected";
    /** Header carrying the reason on dead-lettered messages (the name SmallRye's strategy uses). */
    public static final String REASON_HEADER = "dead-letter-reason";

    private static final Logger LOG = Logger.getLogger(PriceFeedConsumer.class);
    /** Dead-letter sends of one batch awaiting acknowledgement at once. */
    private static final int DLQ_IN_FLIGHT = 64;

    private final OracleService oracle;
    private final Ownership ownership;
    private final LiveLoop live;
    /** Reads tick messages (built once: not per tick). */
    private final com.fasterxml.jackson.databind.ObjectReader tickReader;
    private final MutinyEmitter<String> rejected;
    private final MeterRegistry metrics;
    private final DistributionSummary batchSize;
    private final io.micrometer.core.instrument.Counter outageRetries;
    private final io.micrometer.core.instrument.Timer applyTimer;

    private final RecentTicks recent = new RecentTicks();
    private final LiveSettings settings;
    /**
     * The ownership the last takeover processed: its gained tenants have had every remembered tick replayed, so a
     * batch's ticks go to the tenants it owns (and that are still owned). Read and written only in the lane.
     */
    private volatile Ownership.View seen = new Ownership.View(java.util.Set.of(), 0, 0);
    /**
     * Batches and takeovers run one after the other, in the order they came (a takeover may come from a new
     * assignment with no tick behind it): each waits for the completion of the one before.
     */
    private final java.util.concurrent.atomic.AtomicReference<java.util.concurrent.CompletableFuture<Void>> lane =
            new java.util.concurrent.atomic.AtomicReference<>(java.util.concurrent.CompletableFuture.completedFuture(
                    null));
    /**
     * The tenants of takeovers whose books are still being built (one predicate per takeover): the batches leave them
     * out, their ticks are remembered and replayed to them once their books are ready, in order.
     */
    private final List<java.util.function.Predicate<UUID>> held = new java.util.concurrent.CopyOnWriteArrayList<>();
    /**
     * Catch-ups (a takeover's replay outside the lane) run one after the other: a tenant lost and gained again
     * between two takeovers must not be replayed to by both at once.
     */
    private final java.util.concurrent.atomic.AtomicReference<java.util.concurrent.CompletableFuture<Void>> catchUps =
            new java.util.concurrent.atomic.AtomicReference<>(java.util.concurrent.CompletableFuture.completedFuture(
                    null));
    /** Polls of {@code ballast.prices} so far (consumer's context only). */
    private long polls;
    /** The Vert.x context the batches are consumed on, once one came (a takeover without a tick runs there). */
    private volatile io.vertx.core.Context consumerContext;

    /** Wires collaborators. */
    public PriceFeedConsumer(OracleService oracle, Ownership ownership, LiveLoop live, ObjectMapper json,
            @Channel(DLQ_CHANNEL) MutinyEmitter<String> rejected, MeterRegistry metrics, LiveSettings settings) {
        this.settings = settings;
        this.oracle = oracle;
        this.ownership = ownership;
        this.live = live;
        this.tickReader = Tick.reader(json);
        this.rejected = rejected;
        this.metrics = metrics;
        this.batchSize = DistributionSummary.builder("ballast.ticks.batch")
                .description("Records per poll of ballast.prices, applied in one transaction").register(metrics);
        this.applyTimer = io.micrometer.core.instrument.Timer.builder("ballast.ticks.batch.apply")
                .description("From receiving a poll of ballast.prices to its ticks stored by the oracles (guard, "
                        + "one transaction)").register(metrics);
        this.outageRetries = io.micrometer.core.instrument.Counter.builder("ballast.ticks.batch.outage.retries")
                .description("Retries of a batch of ticks while the database could not serve").register(metrics);
        ownership.onChange(this::ownershipChanged);
    }

    /**
     * A new assignment: its gained tenants are taken over at once, in the lane, not on the next tick (in a quiet
     * market that could be long: meanwhile a dead owner's tenants went without the ticks nobody applied to them).
     * Before the first batch nothing was remembered, so there is nothing to replay; the first batch takes over.
     */
    private void ownershipChanged() {
        io.vertx.core.Context ctx = consumerContext;
        if (ctx == null) {
            return;
        }
        ctx.runOnContext(v -> inLane(() -> {
            Ownership.View now = ownership.view();
            return now.generation() > seen.generation() ? takeOverAndSee(now) : Uni.createFrom().voidItem();
        }).subscribe().with(x -> { }, e -> LOG.warnf("a takeover on a new assignment failed: %s", e.getMessage())));
    }

    /** Takes over what {@code now} gained over the view last processed, and makes {@code now} that view. */
    private Uni<Void> takeOverAndSee(Ownership.View now) {
        Ownership.View before = seen;
        seen = now;
        return takeOver(before, now);
    }

    /**
     * Runs work after the lane's previous work completed (failed or not), resumed on the caller's context, and before
     * any work queued after it.
     */
    private Uni<Void> inLane(java.util.function.Supplier<Uni<Void>> work) {
        return after(lane, work);
    }

    /** Runs work after the previous work of a chain completed (failed or not), as {@link #inLane} does. */
    private static Uni<Void> after(
            java.util.concurrent.atomic.AtomicReference<java.util.concurrent.CompletableFuture<Void>> chain,
            java.util.function.Supplier<Uni<Void>> work) {
        java.util.concurrent.CompletableFuture<Void> mine = new java.util.concurrent.CompletableFuture<>();
        java.util.concurrent.CompletableFuture<Void> previous = chain.getAndSet(mine);
        Uni<Void> after = previous.isDone() ? Uni.createFrom().voidItem()
                : Uni.createFrom().completionStage(previous).emitOn(CallerContext.executor());
        return after.flatMap(x -> work.get()).onTermination().invoke(() -> mine.complete(null));
    }

    /**
     * For tests: the lane waits for {@code release} (after completing {@code reached}) before anything queued after
     * it, so that a test can queue batches and assignments behind it. Only once a batch came (the lane runs on the
     * consumer's context).
     *
     * @param reached completed once the lane waits
     * @param release the end of the wait
     */
    public void pauseLane(java.util.concurrent.CompletableFuture<Void> reached,
            java.util.concurrent.CompletionStage<Void> release) {
        io.vertx.core.Context ctx = consumerContext;
        if (ctx == null) {
            throw new IllegalStateException("no batch came yet");
        }
        ctx.runOnContext(v -> inLane(() -> {
            reached.complete(null);
            return CallerContext.resumeHere(Uni.createFrom().completionStage(release).replaceWithVoid());
        }).subscribe().with(x -> { }, e -> { }));
    }

    /**
     * Handles the records of one poll, in order. A record that does not parse is dead-lettered at once (with the
     * parser's reason) and the others go on; the ticks are applied to the owned tenants' oracles in one transaction
     * ({@link OracleService#applyAll}), so ticks that arrive while a batch is being applied are conflated into the
     * next one instead of queueing one transaction each. While the database cannot serve, the batch is retried
     * (backing off to 5 s) until it can. When the transaction fails otherwise after retries, every record of the
     * batch is dead-lettered by SmallRye's failure strategy and the stream goes on.
     *
     * @param records the Kafka records of one poll
     * @return completion
     */
    @Incoming(CHANNEL)
    public Uni<Void> consume(ConsumerRecords<String, String> records) {
        Instant receivedAt = Instant.now();
        List<Tick> ticks = new ArrayList<>(records.count());
        List<Uni<Void>> poison = new ArrayList<>();
        for (ConsumerRecord<String, String> record : records) {
            try {
                ticks.add(Tick.parse(record.value(), tickReader));
            } catch (Tick.MalformedTickException e) {
                count("rejected", "malformed");
                LOG.warnf("price message at %s-%d offset %d is not a tick: %s", record.topic(), record.partition(),
                        record.offset(), e.getMessage());
                poison.add(deadLetter(record, e.getMessage()));
            }
        }
        consumerContext = io.vertx.core.Vertx.currentContext();
        long poll = ++polls;
        Ownership.View came = ownership.view();
        batchSize.record(records.count());
        return inLane(() -> {
            Uni<Void> takeover = came.generation() > seen.generation() ? takeOverAndSee(came)
                    : Uni.createFrom().voidItem();
            // the batch's view, or the newer one a takeover on an assignment processed since the batch came
            Ownership.View now = seen;
            return all(poison).flatMap(x -> takeover).flatMap(x -> ticks.isEmpty() ? Uni.createFrom().voidItem()
                    : apply(ticks, now, receivedAt, poll));
        });
    }

    private Uni<Void> apply(List<Tick> ticks, Ownership.View now, Instant receivedAt, long poll) {
        // to the tenants owned both in the view the last takeover processed (it replayed for those gained by then)
        // and now: a tenant gained meanwhile gets these ticks from the next takeover, in order after the ticks nobody
        // applied (applied here, they would make those refused as out of order)
        return oracle.applyAll(ticks, t -> now.owns(t) && ownership.owns(t) && !isHeld(t), receivedAt)
                // the database cannot serve (down, restarting, out of connections): wait for it, never
                // dead-letter acknowledged ticks for that; the ticks behind wait in Kafka (consumer lag)
                .onFailure(DatabaseOutage::isOutage).invoke(e -> {
                    outageRetries.increment();
                    LOG.warnf("applying %d ticks failed while the database cannot serve (%s); retrying",
                            ticks.size(), e.getMessage());
                })
                .onFailure(DatabaseOutage::isOutage).retry()
                .withBackOff(Duration.ofMillis(200), Duration.ofSeconds(5)).indefinitely()
                // anything else (a bug, a value the database refuses): a few tries, then the failure
                // strategy dead-letters the batch and the stream goes on
                .onFailure().retry().withBackOff(Duration.ofMillis(200), Duration.ofSeconds(2)).atMost(3)
                .invoke(() -> applyTimer.record(Duration.between(receivedAt, Instant.now())))
                .flatMap(outcome -> afterCommit(outcome, receivedAt))
                .invoke(() -> recent.addAll(ticks, receivedAt, poll));
    }

    private boolean isHeld(UUID tenant) {
        for (java.util.function.Predicate<UUID> h : held) {
            if (h.test(tenant)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Tenants were taken over (a rebalance of {@code ballast.events}), so that no other tenant's ticks wait for their
     * books or their replay. Here, in the lane: the gained tenants are held (the batches leave them out, and their
     * ticks are remembered) and their books are built in the background. Once the books are ready, the ticks of the
     * replay window are applied to them in order ({@link #catchUp}): outside the lane, in rounds, while the batches go
     * on for the other tenants, until few enough are left that the last round, in the lane, holds the batches only
     * briefly; it applies the rest before any later tick, and the hold ends. The ticks their previous owner applied
     * are refused as out of order; those nobody applied (received while no instance owned the tenant, e.g. after its
     * owner died, or while its book was built) are applied now, with their margin events. Rejections of a replay are
     * counted, not dead-lettered again. They are applied as the live path would have had it owned those tenants: each
     * with the clock of its first receipt, each tenant's moves of one step (the polls received within
     * {@code ballast.live.replay-conflation}, as a live book busy that long would take them) as one move of its book,
     * in transactions of about {@value #REPLAY_CHUNK} ticks ({@link OracleService#replay}). A takeover that gained no
     * tenant replays nothing.
     *
     * <p>Every step is bounded ({@code ballast.live.takeover-step-limit}): the books are waited for at most that
     * long, and a replayed chunk that has not completed within it ends the replay (a WARN names the tenants or the
     * ticks, the counter {@code ballast.live.takeover.stalled} counts each step given up), so that the gained tenants
     * are not held for good; they then miss the transitions of the ticks not replayed, and their next tick values them
     * on the price in force.
     */
    private Uni<Void> takeOver(Ownership.View before, Ownership.View now) {
        if (now.partitionCount() == before.partitionCount() && before.partitions().containsAll(now.partitions())) {
            // only partitions lost (an instance joined, or this one stops and gives its partitions back): no tenant
            // can be gained, so none is listed (at a stop the database pool may be closed already) and none replayed
            LOG.infof("took over partitions %s of ballast.events (had %s): no partition gained, nothing replayed",
                    now.partitions(), before.partitions());
            return Uni.createFrom().voidItem();
        }
        java.util.function.Predicate<UUID> gained = t -> now.owns(t) && !before.owns(t);
        // the replay takes the ticks of the window before now, and those that come while the books are built
        Instant from = Instant.now().minus(settings.replayWindow());
        Duration limit = settings.takeoverStepLimit();
        long started = System.nanoTime();
        held.add(gained);
        LOG.infof("taking over partitions %s of ballast.events (had %s): building the gained tenants' books (their "
                + "ticks are kept for the replay, the other tenants' go on)", now.partitions(), before.partitions());
        java.util.concurrent.Executor back = CallerContext.executor();
        live.booksOf(t -> gained.test(t) && ownership.owns(t), limit)
                .onFailure().recoverWithItem(e -> {
                    LOG.warnf("taking over partitions %s: the gained tenants' books failed (%s); replaying to them "
                            + "anyway", now.partitions(), e.getMessage());
                    return LiveLoop.Gained.unknown();
                })
                .subscribe().with(g -> back.execute(() -> after(catchUps,
                        () -> catchUp(new Takeover(before, now, gained, g, from, started)))
                        .subscribe().with(x -> { }, e -> LOG.warnf("replaying after a takeover failed: %s",
                                e.getMessage()))));
        return Uni.createFrom().voidItem();
    }

    /**
     * A takeover under way.
     *
     * @param before  the ownership before
     * @param now     the ownership it took over
     * @param gained  the tenants it gained (held until their replay ends)
     * @param g       how many of them it found, and how many without a book
     * @param from    the start of its replay window
     * @param started when it started ({@link System#nanoTime()})
     */
    private record Takeover(Ownership.View before, Ownership.View now, java.util.function.Predicate<UUID> gained,
            LiveLoop.Gained g, Instant from, long started) {
    }

    /**
     * Ticks left to replay at which a catch-up's last round runs, in the lane: about a second of ticks at 1,000
     * ticks/s, which the other tenants' batches then wait for.
     */
    static final int CATCH_UP_REMAINDER = 1_000;
    /**
     * Rounds of a catch-up outside the lane at most (a replay slower than the ticks that keep coming would never leave
     * few enough): the last round then replays the rest in the lane, whatever its size.
     */
    static final int CATCH_UP_ROUNDS = 6;

    /**
     * A takeover's second step, once the gained tenants' books are ready (or given up): the remembered ticks since its
     * window's start are replayed to them in rounds. A round outside the lane replays the ticks remembered so far
     * (the other tenants' batches go on meanwhile, and their ticks are remembered too); the first round always does.
     * Once at most {@value #CATCH_UP_REMAINDER} are left (or after {@value #CATCH_UP_ROUNDS} rounds), the last round
     * runs in the lane, so that no batch comes between the last replayed tick and the end of the hold: the batches
     * include the gained tenants again from the next one on.
     */
    private Uni<Void> catchUp(Takeover t) {
        if (t.g().late() > 0) {
            live.takeoverStepGivenUp();
        }
        if (t.g().tenants() == 0) {
            // only partitions lost (e.g. an instance joined): nobody to replay to
            held.remove(t.gained());
            LOG.infof("took over partitions %s of ballast.events (had %s): no tenant gained, nothing replayed",
                    t.now().partitions(), t.before().partitions());
            return Uni.createFrom().voidItem();
        }
        LOG.infof("taking over partitions %s of ballast.events (had %s): books ready in %d ms; replaying", t.now()
                .partitions(), t.before().partitions(), (System.nanoTime() - t.started()) / 1_000_000);
        long[] replayed = new long[1];
        return round(t, 1, Long.MIN_VALUE, replayed)
                .invoke(() -> LOG.infof("took over partitions %s of ballast.events (had %s): %s gained tenant(s)' "
                        + "books ready and %d ticks replayed in %d ms", t.now().partitions(), t.before().partitions(),
                        t.g().known() ? String.valueOf(t.g().tenants()) : "the", replayed[0],
                        (System.nanoTime() - t.started()) / 1_000_000))
                .onFailure().invoke(e -> LOG.warnf("taking over partitions %s failed (%d ticks replayed; the stream "
                        + "goes on): %s", t.now().partitions(), replayed[0], e.getMessage()))
                // given up: the hold ends in the lane, so that no batch sees the tenants between two replayed ticks
                .onFailure().recoverWithUni(e -> inLane(() -> {
                    held.remove(t.gained());
                    return Uni.createFrom().voidItem();
                }));
    }

    /** One round of a catch-up: the ticks of polls after {@code after}, outside the lane, or in it when few. */
    private Uni<Void> round(Takeover t, int round, long after, long[] replayed) {
        List<RecentTicks.Received> left = ticksAfter(t.from(), after);
        // the first round runs outside the lane whatever its size (a replay's moves can take long on a big book)
        if (left.isEmpty() || round > 1 && (left.size() <= CATCH_UP_REMAINDER || round >= CATCH_UP_ROUNDS)) {
            // in the lane, the rest as it is then: the batches before it in the lane have remembered their ticks
            return inLane(() -> {
                List<RecentTicks.Received> last = ticksAfter(t.from(), after);
                LOG.debugf("taking over partitions %s: round %d replays the last %d ticks, in the lane",
                        t.now().partitions(), round, last.size());
                return replayTicks(t, last).invoke(() -> replayed[0] += last.size())
                        .eventually(() -> {
                            held.remove(t.gained());
                        });
            });
        }
        LOG.infof("taking over partitions %s: round %d replays %d ticks while the other tenants' go on",
                t.now().partitions(), round, left.size());
        long upTo = left.get(left.size() - 1).poll();
        return replayTicks(t, left).invoke(() -> replayed[0] += left.size())
                .flatMap(x -> round(t, round + 1, upTo, replayed));
    }

    /** The remembered ticks received since {@code from} in polls after {@code after}, oldest first. */
    private List<RecentTicks.Received> ticksAfter(Instant from, long after) {
        List<RecentTicks.Received> since = recent.since(from);
        int i = 0;
        while (i < since.size() && since.get(i).poll() <= after) {
            i++;
        }
        return since.subList(i, since.size());
    }

    /** Replays ticks to the gained tenants, chunk after chunk; a chunk not done within the step limit fails it. */
    private Uni<Void> replayTicks(Takeover t, List<RecentTicks.Received> replay) {
        if (replay.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        Duration limit = settings.takeoverStepLimit();
        int[] done = new int[1];
        java.util.function.Predicate<UUID> to = u -> t.gained().test(u) && ownership.owns(u);
        java.util.concurrent.Executor back = CallerContext.executor();
        return Multi.createFrom().iterable(chunks(replay))
                .onItem().transformToUniAndConcatenate(chunk -> CallerContext.awaitAtMost(replayChunk(chunk, to),
                                limit,
                                // a step that never completes must not hold the gained tenants for good
                                () -> new IllegalStateException(String.format("replaying ticks %d to %d of %d (from "
                                        + "%s at %s) did not complete within %s", done[0] + 1,
                                        done[0] + chunk.size(), replay.size(), chunk.get(0).tick().source(),
                                        chunk.get(0).tick().sourceTime(), limit)))
                        .onFailure().invoke(e -> live.takeoverStepGivenUp())
                        .invoke(() -> done[0] += chunk.size()))
                .collect().last().replaceWithVoid()
                // a given-up step ends on the timer's thread: the catch-up goes on on the consumer's context
                .emitOn(back);
    }

    /**
     * Ticks replayed in one transaction, at least (a chunk ends with a poll, so that a poll's moves stay one per asset);
     * each index move they make is one price row of its statement.
     */
    static final int REPLAY_CHUNK = 500;

    private static List<List<RecentTicks.Received>> chunks(List<RecentTicks.Received> ticks) {
        List<List<RecentTicks.Received>> out = new ArrayList<>();
        int start = 0;
        while (start < ticks.size()) {
            int end = Math.min(ticks.size(), start + REPLAY_CHUNK);
            while (end < ticks.size() && ticks.get(end).poll() == ticks.get(end - 1).poll()) {
                end++;
            }
            out.add(ticks.subList(start, end));
            start = end;
        }
        return out;
    }

    /**
     * Replays ticks to the gained tenants in one transaction ({@link OracleService#replay}), then hands the index
     * moves to the live loop step by step ({@link #afterReplay}), so that the new owner publishes the events the old
     * one would have. A failed chunk is logged and the replay goes on with the next.
     */
    private Uni<Void> replayChunk(List<RecentTicks.Received> chunk, java.util.function.Predicate<UUID> gained) {
        return oracle.replay(chunk, gained, settings.replayConflation())
                .flatMap(this::afterReplay)
                .onFailure().invoke(e -> LOG.warnf("replaying %d ticks after a takeover failed: %s", chunk.size(),
                        e.getMessage()))
                .onFailure().recoverWithNull();
    }

    /**
     * After the batch's transaction: rejections are counted and dead-lettered (sent concurrently), acceptances
     * counted, and each index move goes to the live loop (one per tenant and asset for the whole batch).
     */
    private Uni<Void> afterCommit(BatchOutcome batch, Instant receivedAt) {
        List<Uni<Void>> rejections = new ArrayList<>();
        for (TickOutcome outcome : batch.ticks()) {
            if (!outcome.global().accepted()) {
                count("rejected", outcome.global().reason());
                rejections.add(reject(outcome.tick(), null, outcome.global()));
                continue;
            }
            for (TenantOutcome o : outcome.outcomes()) {
                if (o.verdict().accepted()) {
                    count("accepted", "none");
                } else {
                    count("rejected", o.verdict().reason());
                    rejections.add(reject(outcome.tick(), o, o.verdict()));
                }
            }
        }
        // handed over, conflated per tenant and underlying: the next batch does not wait for margin work
        batch.moves().forEach(o -> this.live.offerPrice(o, o.index().observedAt(), receivedAt));
        return all(rejections);
    }

    /**
     * After a replayed chunk's transaction: acceptances and refusals (ticks the previous owner already applied) are
     * counted, nothing is dead-lettered (the live batch did when the tick came), and the moves are applied step by
     * step (a step: the polls received within {@code ballast.live.replay-conflation}), each with its own receipt: a
     * step's before the next step's, each tenant's as one move of its book (as the live batch does), so that the new
     * owner publishes the events the old one would have (but for a threshold crossed and crossed back within a step,
     * as on a busy live book); the tenants of one step are moved side by side.
     */
    private Uni<Void> afterReplay(BatchOutcome batch) {
        for (TickOutcome outcome : batch.ticks()) {
            if (outcome.global().accepted()) {
                for (TenantOutcome o : outcome.outcomes()) {
                    if (o.verdict().accepted()) {
                        count("replay-accepted", "none");
                    } else {
                        count("replay-refused", o.verdict().reason());
                    }
                }
            }
        }
        return Multi.createFrom().iterable(byStepAndTenant(batch.steps()))
                .onItem().transformToUniAndConcatenate(step -> all(step.stream().map(ms ->
                        this.live.onReplayedPrices(ms)
                                .onFailure().invoke(e -> LOG.errorf(e, "live margin after replayed %s ticks failed "
                                        + "for tenant %s", String.join("+", ms.stream().map(TenantOutcome::underlying)
                                        .toList()), ms.get(0).tenant()))
                                .onFailure().recoverWithNull().replaceWithVoid()).toList()))
                .collect().last().replaceWithVoid();
    }

    /**
     * A replay's moves (per step, one per tenant and asset, {@link BatchOutcome#steps}), grouped within each step per
     * tenant: each inner list is one move of a tenant's book, holding every asset the step moved for it.
     */
    static List<List<List<TenantOutcome>>> byStepAndTenant(List<List<TenantOutcome>> steps) {
        List<List<List<TenantOutcome>>> out = new ArrayList<>(steps.size());
        for (List<TenantOutcome> moves : steps) {
            java.util.Map<UUID, List<TenantOutcome>> step = new java.util.LinkedHashMap<>();
            for (TenantOutcome o : moves) {
                step.computeIfAbsent(o.tenant().value(), x -> new ArrayList<>()).add(o);
            }
            out.add(List.copyOf(step.values()));
        }
        return out;
    }

    /**
     * Runs the sends, at most {@value #DLQ_IN_FLIGHT} awaiting the broker at once (the emitter buffers 128: a batch
     * of 2,000 stale ticks for three tenants must not overflow it), and completes when all are acknowledged.
     */
    private static Uni<Void> all(List<Uni<Void>> unis) {
        return unis.isEmpty() ? Uni.createFrom().voidItem()
                : Multi.createFrom().iterable(unis).onItem().transformToUni(u -> u).merge(DLQ_IN_FLIGHT)
                        .collect().last().replaceWithVoid();
    }

    /** A record that is not a tick, copied to the dead-letter topic as it came, with the reason. */
    private Uni<Void> deadLetter(ConsumerRecord<String, String> record, String reason) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(REASON_HEADER, String.valueOf(reason).getBytes(StandardCharsets.UTF_8));
        headers.add("dead-letter-topic", record.topic().getBytes(StandardCharsets.UTF_8));
        headers.add("dead-letter-partition", String.valueOf(record.partition()).getBytes(StandardCharsets.UTF_8));
        headers.add("dead-letter-offset", String.valueOf(record.offset()).getBytes(StandardCharsets.UTF_8));
        Message<String> m = Message.of(record.value() == null ? "" : record.value())
                .addMetadata(OutgoingKafkaRecordMetadata.<String>builder().withKey(record.key())
                        .withHeaders(headers).build());
        return rejected.sendMessage(m);
    }

    private Uni<Void> reject(Tick tick, TenantOutcome tenant, Verdict verdict) {
        JsonObject body = new JsonObject().put("reason", verdict.reason()).put("detail", verdict.detail())
                .put("tick", new JsonObject().put("source", tick.source()).put("underlying", tick.underlying())
                        .put("priceUsd", tick.priceUsd().toString())
                        .put("annualVol", tick.annualVol() == null ? null : tick.annualVol().toString())
                        .put("sourceTime", tick.sourceTime().toString()));
        RecordHeaders headers = new RecordHeaders();
        headers.add(REASON_HEADER, verdict.reason().getBytes(StandardCharsets.UTF_8));
        if (tenant != null) {
            body.put("tenantId", tenant.tenant().toString());
            headers.add("ballast-tenant-id", tenant.tenant().toString().getBytes(StandardCharsets.UTF_8));
            MDC.put("tenantId", tenant.tenant().toString());
        }
        LOG.infof("tick %s %s from %s rejected: %s", tick.underlying(), tick.priceUsd(), tick.source(),
                verdict.detail());
        MDC.remove("tenantId");
        Message<String> m = Message.of(body.encode()).addMetadata(OutgoingKafkaRecordMetadata.<String>builder()
                .withKey(tick.underlying()).withHeaders(headers).build());
        return rejected.sendMessage(m);
    }

    private void count(String result, String reason) {
        metrics.counter("ballast.ticks", "result", result, "reason", reason).increment();
    }
}
