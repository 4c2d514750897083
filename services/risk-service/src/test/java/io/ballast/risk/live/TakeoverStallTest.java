package io.ballast.risk.live;

import static io.ballast.risk.support.HotBooks.await;
import static io.ballast.risk.support.HotBooks.hot;
import static org.assertj.core.api.Assertions.assertThat;

import io.ballast.risk.support.BallastServersResource;
import io.ballast.risk.support.HotBooks;
import io.ballast.risk.support.KafkaClients;
import io.ballast.risk.support.TestTenants;
import io.ballast.risk.support.TestTenants.Tenant;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;

/**
 * A takeover whose step never completes does not stop the price stream (real broker and PostgreSQL). The price
 * consumer waits, before its next batch, for the books of the tenants it gained; here one gained tenant's build is
 * held forever. After {@code ballast.live.takeover-step-limit} (10 s in tests) the takeover gives that book up and
 * the next ticks reach every other tenant. Before session 32 nothing bounded that wait: a takeover that never
 * completed stopped the ticks of every tenant of the instance for good (seen once in CI, {@code LiveScaleOutIT}).
 *
 * <p>The rebalance is played on {@link Ownership} itself (one instance owns every tenant here): the held tenant's
 * partition is taken away, then given back.
 */
@QuarkusTest
@QuarkusTestResource(BallastServersResource.class)
class TakeoverStallTest {

    @Inject
    LiveLoop loop;

    @Inject
    Ownership ownership;

    @Inject
    io.micrometer.core.instrument.MeterRegistry metrics;

    @Test
    void aBuildThatNeverCompletesDoesNotStopTheTicksOfOtherTenants() throws Exception {
        String uy = "Y" + UUID.randomUUID().toString().substring(0, 8).toUpperCase();
        Tenant y = TestTenants.onboard("flowing");
        TestTenants.perpetualMarket(y, uy);
        String accountY = TestTenants.account(y, "0xFLOWING", "CROSS", "10000", Map.of(uy + "-PERP", "1"));
        await(() -> hot(y, accountY, "HEALTHY") != null, "Y answered from the hot book");
        HotBooks.feedReaches(y, uy, "60000");

        // ballast.events has one partition here: the ownership plays four (a tenant's partition is its id's hash
        // modulo the count, whatever the topic has), and is given back as it was at the end
        Ownership.View original = ownership.view();
        int partitions = 4;
        int py = Ownership.partition(UUID.fromString(y.id()), partitions);
        Tenant x;
        do { // a tenant on another partition than Y's
            x = TestTenants.onboard("held");
        } while (Ownership.partition(UUID.fromString(x.id()), partitions) == py);
        Tenant held = x;
        UUID heldId = UUID.fromString(held.id());
        String ux = "X" + UUID.randomUUID().toString().substring(0, 8).toUpperCase();
        TestTenants.perpetualMarket(held, ux);
        String accountX = TestTenants.account(held, "0xHELD", "CROSS", "10000", Map.of(ux + "-PERP", "1"));
        await(() -> hot(held, accountX, "HEALTHY") != null, "X answered from the hot book");

        Set<Integer> all = IntStream.range(0, partitions).boxed().collect(Collectors.toSet());
        Set<Integer> withoutX = all.stream().filter(p -> p != Ownership.partition(heldId, partitions))
                .collect(Collectors.toSet());
        CompletableFuture<Void> release = new CompletableFuture<>();
        try (KafkaProducer<String, String> p = KafkaClients.producer()) {
            // X's partition is lost: its book goes out of use, and a tick shows the consumer the new ownership
            ownership.assign(withoutX, partitions);
            await(() -> !loop.inUse(heldId), "X's book out of use (the reconciler drops a lost tenant's book)");
            double before = equity(y, accountY, 0);
            KafkaClients.send(p, "ballast.prices", uy, HotBooks.feedTick(uy, "60100"));
            await(() -> equity(y, accountY, before) == before + 100, "Y valued at 60,100");

            // X's partition comes back; its next build is held before it reads its prices, forever
            CompletableFuture<Void> reached = new CompletableFuture<>();
            loop.pauseNextBuild(heldId, "rows", reached, release);
            double stalled = stalled();
            ownership.assign(all, partitions);
            KafkaClients.send(p, "ballast.prices", uy, HotBooks.feedTick(uy, "60200"));
            reached.get(HotBooks.WAIT.toSeconds(), TimeUnit.SECONDS);
            await(() -> equity(y, accountY, before) == before + 200,
                    "Y valued at 60,200 although X's book never came during the takeover");
            assertThat(TestTenants.margin(held, accountX).getString("answeredFrom"))
                    .as("X's build was still held when Y's tick went through").isNotEqualTo("hot-book");
            assertThat(stalled()).as("takeover steps given up").isEqualTo(stalled + 1);
        } finally {
            ownership.assign(original.partitions(), original.partitionCount());
            release.complete(null);
        }
        await(() -> hot(held, accountX, "HEALTHY") != null, "X's book, once released, in use");
    }

    private double stalled() {
        io.micrometer.core.instrument.Counter c = metrics.find("ballast.live.takeover.stalled").counter();
        return c == null ? 0 : c.count();
    }

    /** Y's equity from the hot book, or {@code otherwise} while it does not answer from it. */
    private static double equity(Tenant t, String account, double otherwise) {
        JsonPath m = hot(t, account, "HEALTHY");
        return m == null ? otherwise : m.getDouble("equityUsd");
    }
}
