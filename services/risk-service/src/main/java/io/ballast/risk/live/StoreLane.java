package io.ballast.risk.live;

import io.smallrye.mutiny.Uni;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * One tenant's margin-state stores, one transaction at a time, in the order they were asked for: the moves of a
 * tick and the re-evaluations after a ledger change would otherwise commit side by side, and their events could
 * reach the direct path out of commit order. Also remembers whether the tenant's events may go the direct way
 * without a check ({@link #directClear}).
 */
final class StoreLane {

    private final ConcurrentLinkedQueue<Runnable> queue = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean busy = new AtomicBoolean();
    /**
     * True once a store found none of the tenant's margin events waiting for the relay and published its own
     * directly; false after a direct send failed or a new book was installed (the next store checks again).
     */
    volatile boolean directClear;

    /**
     * Runs the work once every store asked for before it has completed.
     *
     * @param work the store (subscribed when its turn comes)
     * @param <T>  its result
     * @return the store's outcome
     */
    <T> Uni<T> run(Supplier<Uni<T>> work) {
        return Uni.createFrom().emitter(em -> {
            queue.add(() -> {
                Uni<T> uni;
                try {
                    uni = work.get();
                } catch (RuntimeException e) {
                    uni = Uni.createFrom().failure(e);
                }
                // the caller hears of its store before the next one starts (a store asked for meanwhile queues)
                uni.subscribe().with(item -> {
                    try {
                        em.complete(item);
                    } finally {
                        next();
                    }
                }, failure -> {
                    try {
                        em.fail(failure);
                    } finally {
                        next();
                    }
                });
            });
            if (busy.compareAndSet(false, true)) {
                runNext();
            }
        });
    }

    private void next() {
        busy.set(false);
        if (!queue.isEmpty() && busy.compareAndSet(false, true)) {
            runNext();
        }
    }

    private void runNext() {
        Runnable task = queue.poll();
        if (task == null) {
            busy.set(false);
            if (!queue.isEmpty() && busy.compareAndSet(false, true)) {
                runNext();
            }
            return;
        }
        task.run();
    }
}
