package io.ballast.risk.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.smallrye.mutiny.Uni;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * The freshness gate shares queries between concurrent requests but never hands a request the result of a query
 * that started before the request arrived.
 */
class FreshnessGateTest {

    private static final Duration WAIT = Duration.ofSeconds(5);

    /** Queries that finish when the test says; each answers its own start number. */
    private static final class Queries implements Supplier<Uni<long[]>> {
        final List<CompletableFuture<long[]>> started = new ArrayList<>();
        final AtomicInteger count = new AtomicInteger();

        @Override
        public synchronized Uni<long[]> get() {
            CompletableFuture<long[]> f = new CompletableFuture<>();
            started.add(f);
            count.incrementAndGet();
            return Uni.createFrom().completionStage(f);
        }

        synchronized void finish(int n) {
            started.get(n).complete(new long[] {n, n});
        }

        synchronized void fail(int n) {
            started.get(n).completeExceptionally(new IllegalStateException("database down"));
        }
    }

    @Test
    void requestsArrivingDuringAQueryShareTheNextOneNotTheRunningOne() {
        FreshnessGate gate = new FreshnessGate();
        UUID tenant = UUID.randomUUID();
        Queries q = new Queries();
        CompletableFuture<long[]> first = gate.marks(tenant, q).subscribeAsCompletionStage();
        List<CompletableFuture<long[]>> later = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            later.add(gate.marks(tenant, q).subscribeAsCompletionStage());
        }
        assertThat(q.count).hasValue(1); // the ten wait; only the first query runs
        q.finish(0);
        assertThat(first.join()[0]).isEqualTo(0);
        assertThat(later).noneMatch(CompletableFuture::isDone); // query 0 started before they arrived
        assertThat(q.count).hasValue(2); // one query for all ten
        q.finish(1);
        later.forEach(f -> assertThat(f.join()[0]).isEqualTo(1));
        CompletableFuture<long[]> alone = gate.marks(tenant, q).subscribeAsCompletionStage();
        assertThat(q.count).hasValue(3);
        q.finish(2);
        assertThat(alone.join()[0]).isEqualTo(2);
    }

    @Test
    void tenantsDoNotShare() {
        FreshnessGate gate = new FreshnessGate();
        Queries a = new Queries();
        Queries b = new Queries();
        CompletableFuture<long[]> fa = gate.marks(UUID.randomUUID(), a).subscribeAsCompletionStage();
        CompletableFuture<long[]> fb = gate.marks(UUID.randomUUID(), b).subscribeAsCompletionStage();
        assertThat(a.count).hasValue(1);
        assertThat(b.count).hasValue(1);
        b.finish(0);
        assertThat(fb.join()[0]).isZero();
        assertThat(fa).isNotDone();
        a.finish(0);
        assertThat(fa.join()[0]).isZero();
    }

    @Test
    void aFailedQueryFailsItsRequestsAndTheNextOneStillRuns() {
        FreshnessGate gate = new FreshnessGate();
        UUID tenant = UUID.randomUUID();
        Queries q = new Queries();
        CompletableFuture<long[]> first = gate.marks(tenant, q).subscribeAsCompletionStage();
        CompletableFuture<long[]> second = gate.marks(tenant, q).subscribeAsCompletionStage();
        q.fail(0);
        assertThatThrownBy(first::join).hasRootCauseMessage("database down");
        assertThat(q.count).hasValue(2);
        q.finish(1);
        assertThat(second.join()[0]).isEqualTo(1);
        Uni<long[]> third = gate.marks(tenant, () -> {
            throw new IllegalStateException("no pool");
        });
        assertThatThrownBy(() -> third.await().atMost(WAIT)).hasMessageContaining("no pool");
        CompletableFuture<long[]> fourth = gate.marks(tenant, q).subscribeAsCompletionStage();
        q.finish(2);
        assertThat(fourth.join()[0]).isEqualTo(2);
    }
}
