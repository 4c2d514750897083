package io.ballast.risk.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** A tenant's stores run one at a time, in the order they were asked for, and a failed one does not block the lane. */
class StoreLaneTest {

    @Test
    void aStoreStartsOnlyAfterTheOneBeforeItCompleted() {
        StoreLane lane = new StoreLane();
        AtomicReference<UniEmitter<? super String>> first = new AtomicReference<>();
        List<String> started = new CopyOnWriteArrayList<>();
        Uni<String> a = lane.run(() -> Uni.createFrom().emitter(em -> {
            started.add("a");
            first.set(em);
        }));
        Uni<String> b = lane.run(() -> {
            started.add("b");
            return Uni.createFrom().item("b");
        });
        List<String> done = new CopyOnWriteArrayList<>();
        a.subscribe().with(done::add);
        b.subscribe().with(done::add);
        assertThat(started).containsExactly("a");
        first.get().complete("a");
        assertThat(started).containsExactly("a", "b");
        assertThat(done).containsExactly("a", "b");
    }

    @Test
    void aFailedStoreFailsItsCallerAndTheNextOneStillRuns() {
        StoreLane lane = new StoreLane();
        Uni<String> failing = lane.run(() -> Uni.createFrom().failure(new IllegalStateException("stale")));
        Uni<String> thrown = lane.run(() -> {
            throw new IllegalArgumentException("bad");
        });
        assertThatThrownBy(() -> failing.await().atMost(Duration.ofSeconds(5))).hasMessage("stale");
        assertThatThrownBy(() -> thrown.await().atMost(Duration.ofSeconds(5))).hasMessage("bad");
        assertThat(lane.run(() -> Uni.createFrom().item("after")).await().atMost(Duration.ofSeconds(5)))
                .isEqualTo("after");
    }

    @Test
    void manyThreadsNeverRunTwoStoresAtOnceAndEveryStoreRuns() throws Exception {
        StoreLane lane = new StoreLane();
        AtomicInteger running = new AtomicInteger();
        AtomicInteger overlaps = new AtomicInteger();
        AtomicInteger ran = new AtomicInteger();
        ExecutorService callers = Executors.newFixedThreadPool(8);
        ExecutorService completers = Executors.newFixedThreadPool(4);
        List<java.util.concurrent.Future<?>> submitted = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            int n = i;
            submitted.add(callers.submit(() -> lane.run(() -> {
                        if (running.incrementAndGet() > 1) {
                            overlaps.incrementAndGet();
                        }
                        return Uni.createFrom().item(n).emitOn(completers).invoke(() -> {
                            ran.incrementAndGet();
                            running.decrementAndGet();
                        });
                    }).await().atMost(Duration.ofSeconds(30))));
        }
        for (java.util.concurrent.Future<?> f : submitted) {
            f.get(60, TimeUnit.SECONDS);
        }
        callers.shutdown();
        completers.shutdown();
        assertThat(ran).hasValue(2_000);
        assertThat(overlaps).as("stores that ran while another one had not completed").hasValue(0);
    }
}
