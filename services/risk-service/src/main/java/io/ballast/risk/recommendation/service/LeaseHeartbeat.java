package io.ballast.risk.recommendation.service;

import io.ballast.risk.recommendation.repository.RunRepository;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.Cancellable;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * Keeps a claimed {@code recommendation_run} held while its claimer works on it: every {@code every} it extends the
 * lease by {@code lease} from database time ({@link RunRepository#renew}, each on a connection of its own from the
 * pool, outside the run's work). The run is lost when a renewal finds it no longer held (taken over or ended) or when
 * no renewal has succeeded for a whole lease (the database unreachable: another instance may take it over); the
 * holder then stops at its next check ({@link #ensureHeld}) and writes nothing more.
 */
public final class LeaseHeartbeat implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(LeaseHeartbeat.class);

    /** Thrown (as a failure) by {@link #ensureHeld} once the run's lease is lost. */
    public static final class LeaseLost extends RuntimeException {
        private static final long serialVersionUID = 1L;

        LeaseLost(String message) {
            super(message, null, false, false);
        }
    }

    private final RunRepository runs;
    private final UUID runId;
    private final String claimer;
    private final Duration lease;
    private final AtomicBoolean lost = new AtomicBoolean();
    private final AtomicLong heldUntilNanos;
    private final Cancellable ticks;

    private LeaseHeartbeat(RunRepository runs, UUID runId, String claimer, Duration lease, Duration every) {
        this.runs = runs;
        this.runId = runId;
        this.claimer = claimer;
        this.lease = lease;
        this.heldUntilNanos = new AtomicLong(System.nanoTime() + lease.toNanos());
        // a renewal slower than the interval (a busy pool, a locked row) must not end the heartbeat: Mutiny's
        // ticks fail the stream when a tick finds no demand, so the ticks due meanwhile are dropped instead
        this.ticks = Multi.createFrom().ticks().every(every).onOverflow().drop()
                .onItem().transformToUniAndConcatenate(t -> renew())
                .subscribe().with(x -> { }, e -> LOG.warnf("lease heartbeat of run %s stopped: %s", runId, e));
    }

    /**
     * Starts renewing a run just claimed.
     *
     * @param runs    the run queue
     * @param runId   the run
     * @param claimer its claimer
     * @param lease   lease length of each renewal
     * @param every   renewal interval (shortened to a third of the lease when longer)
     * @return the running heartbeat; close it when the run ends
     */
    public static LeaseHeartbeat start(RunRepository runs, UUID runId, String claimer, Duration lease,
            Duration every) {
        Duration third = lease.dividedBy(3);
        return new LeaseHeartbeat(runs, runId, claimer, lease, every.compareTo(third) > 0 ? third : every);
    }

    /**
     * Renews once now.
     *
     * @return true while the run is held
     */
    public Uni<Boolean> renew() {
        if (lost.get()) {
            return Uni.createFrom().item(false);
        }
        long asked = System.nanoTime();
        return runs.renew(runId, claimer, lease).map(held -> {
            if (held) {
                heldUntilNanos.accumulateAndGet(asked + lease.toNanos(), Math::max);
            } else if (lost.compareAndSet(false, true)) {
                LOG.warnf("run %s is no longer held by %s (taken over or ended): its work stops", runId, claimer);
            }
            return held && !lost.get();
        }).onFailure().recoverWithItem(e -> {
            LOG.warnf("lease renewal of run %s failed: %s", runId, e.toString());
            return !lost();
        });
    }

    /** @return whether the run is lost: found taken over, or not renewed for a whole lease */
    public boolean lost() {
        if (!lost.get() && System.nanoTime() - heldUntilNanos.get() > 0) {
            lost.set(true);
            LOG.warnf("run %s: no lease renewal succeeded for %s; presumed taken over, its work stops", runId, lease);
        }
        return lost.get();
    }

    /**
     * A check before each step that writes: fails with {@link LeaseLost} once the run is lost.
     *
     * @return completion while the run is held
     */
    public Uni<Void> ensureHeld() {
        return lost() ? Uni.createFrom().failure(new LeaseLost("run " + runId + " is no longer held by " + claimer))
                : Uni.createFrom().voidItem();
    }

    /** Stops renewing (the run ended, or its holder gives it up). */
    @Override
    public void close() {
        ticks.cancel();
    }
}
