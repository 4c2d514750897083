package io.ballast.risk.live;

import io.ballast.risk.common.CallerContext;
import io.smallrye.mutiny.Uni;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Coalesces the freshness checks of one tenant's hot-book answers (the tenant's marks, {@link BookLoader#marks}) so
 * that concurrent requests share one query, without weakening read-your-writes: a request never takes the result of
 * a query that started before it arrived (that query may have missed a write the caller committed just before), but
 * joins the next one, which starts as soon as the running one ends. At most one query runs and one waits per tenant,
 * however many requests arrive; a lone request costs one query, as before.
 *
 * <p>Each caller resumes on the Vert.x context it called from (a database fallback after the check needs its own
 * event loop).
 */
final class FreshnessGate {

    private final Map<UUID, Lane> lanes = new ConcurrentHashMap<>();

    /**
     * The marks of a tenant, read by a query that starts no earlier than the subscription.
     *
     * @param tenant the tenant
     * @param query  starts one query of the marks
     * @return the marks
     */
    Uni<long[]> marks(UUID tenant, Supplier<Uni<long[]>> query) {
        return CallerContext.resumeHere(Uni.createFrom().completionStage(() -> lanes.computeIfAbsent(tenant,
                t -> new Lane()).join(query)));
    }

    /** One tenant's running query and the one waiting behind it. */
    private static final class Lane {
        private CompletableFuture<long[]> running;
        private CompletableFuture<long[]> waiting;
        private Supplier<Uni<long[]>> waitingQuery;

        CompletableFuture<long[]> join(Supplier<Uni<long[]>> query) {
            CompletableFuture<long[]> start;
            synchronized (this) {
                if (running != null) {
                    if (waiting == null) {
                        waiting = new CompletableFuture<>();
                        waitingQuery = query;
                    }
                    return waiting;
                }
                running = new CompletableFuture<>();
                start = running;
            }
            run(start, query);
            return start;
        }

        private void run(CompletableFuture<long[]> flight, Supplier<Uni<long[]>> query) {
            Uni<long[]> uni;
            try {
                uni = query.get();
            } catch (RuntimeException e) {
                finish(flight, null, e);
                return;
            }
            uni.subscribe().with(m -> finish(flight, m, null), e -> finish(flight, null, e));
        }

        private void finish(CompletableFuture<long[]> flight, long[] marks, Throwable failure) {
            CompletableFuture<long[]> next;
            Supplier<Uni<long[]>> nextQuery;
            synchronized (this) {
                next = waiting;
                nextQuery = waitingQuery;
                running = next;
                waiting = null;
                waitingQuery = null;
            }
            if (failure == null) {
                flight.complete(marks);
            } else {
                flight.completeExceptionally(failure);
            }
            if (next != null) {
                run(next, nextQuery);
            }
        }
    }
}
