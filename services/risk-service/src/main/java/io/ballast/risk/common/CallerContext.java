package io.ballast.risk.common;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * Going back to the caller's Vert.x context after work that ends elsewhere (a worker, a timer, another context).
 * Hibernate Reactive and the reactive SQL client must be used on the context that opened them, and a price batch or a
 * proposal's transaction goes on after such work, so each method captures the context of the thread that calls it.
 */
public final class CallerContext {

    private CallerContext() {
    }

    /**
     * @param otherwise where to run when the caller is on no Vert.x context
     * @return an executor that runs on the calling thread's Vert.x context
     */
    public static Executor executor(Executor otherwise) {
        Context ctx = Vertx.currentContext();
        return ctx == null ? otherwise : r -> ctx.runOnContext(v -> r.run());
    }

    /** @return an executor that runs on the calling thread's Vert.x context, or at once when there is none */
    public static Executor executor() {
        return executor(Runnable::run);
    }

    /**
     * @param uni work that may complete on another thread
     * @return the same, its item and failure delivered on the calling thread's Vert.x context (unchanged when the
     *         caller is on none)
     */
    public static <T> Uni<T> resumeHere(Uni<T> uni) {
        Context ctx = Vertx.currentContext();
        return ctx == null ? uni : uni.emitOn(r -> ctx.runOnContext(v -> r.run()));
    }

    /**
     * CPU work on a worker thread, its result delivered on the calling thread's Vert.x context (for the database work
     * that follows).
     */
    public static <T> Uni<T> onWorker(Supplier<T> work) {
        return resumeHere(Uni.createFrom().item(work).runSubscriptionOn(Infrastructure.getDefaultWorkerPool()));
    }

    /**
     * Waits at most {@code limit} for work that giving up the wait does not cancel: the work is subscribed on its own
     * and runs to its end (a cancelled transaction would give its connection back to the pool while its statements are
     * under way; a cancelled book build would leave its tenant marked as building). A given-up wait ends on a timer's
     * thread: see {@link #resumeHere}.
     *
     * @param work  the work, subscribed once when the returned {@code Uni} is
     * @param limit how long to wait
     * @param late  the failure when the limit passes first
     * @return the work's item or failure, or {@code late}'s failure
     */
    public static <T> Uni<T> awaitAtMost(Uni<T> work, Duration limit, Supplier<Throwable> late) {
        return Uni.createFrom().deferred(() -> {
            CompletableFuture<T> done = new CompletableFuture<>();
            work.subscribe().with(done::complete, done::completeExceptionally);
            if (limit.toMillis() < 1 && !done.isDone()) {
                // what is left of a deadline: Vert.x cannot time less than a millisecond (it throws)
                return Uni.createFrom().failure(late);
            }
            return Uni.createFrom().completionStage(done).ifNoItem().after(limit).failWith(late);
        });
    }
}
