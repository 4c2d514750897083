package io.ballast.risk.live;

import static io.ballast.risk.support.HotBooks.await;
import static io.ballast.risk.support.HotBooks.hot;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.ballast.risk.support.BallastServersResource;
import io.ballast.risk.support.HotBooks;
import io.ballast.risk.support.KafkaClients;
import io.ballast.risk.support.TestTenants;
import io.ballast.risk.support.TestTenants.Tenant;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.vertx.core.json.JsonObject;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What reaches a tenant while its book is being built (real broker and PostgreSQL): an account change event and a
 * tick that find no book in use are applied by the build's book once it is in use, without a second build.
 *
 * <p>Before session 26, the change event built the book a second time; on 100,000 accounts that took 15-40 s, and the
 * second build's first store could fail against states the first book stored meanwhile and drop it.
 */
@QuarkusTest
@QuarkusTestResource(BallastServersResource.class)
class LiveBuildCatchUpTest {

    private static final Duration WAIT = HotBooks.WAIT;

    @Inject
    LiveLoop loop;

    /**
     * Fixture: USDT and an underlying at 60,000 with a perpetual (IM 10 %, MM 5 %); accounts A and B, each 10,000 USDT
     * and long 1 perpetual at 60,000 (HEALTHY). During a build of the book: A turns short 1, and a tick moves the index
     * to 55,000. Afterwards B is in MARGIN_CALL (equity 5,000 below IM 5,500) and A is HEALTHY with equity 15,000 (had
     * the book missed A's change, A would be in MARGIN_CALL like B), and only B's MARGIN_CALL is published.
     *
     * <p>Paused at {@code rows} (before the build reads its prices, so it reads the tick's), A's rows are read again
     * before the book is evaluated: valued on its older rows at 55,000, A would be published as in MARGIN_CALL and
     * then RECOVERED. Paused at {@code evaluate} (everything read), A's change and the tick are applied once the book
     * is in use (B's event is then the catch-up's).
     */
    @ParameterizedTest
    @ValueSource(strings = {"rows", "evaluate"})
    void anEventAndATickDuringABuildAreAppliedByItsBookWithoutASecondBuild(String stage) throws Exception {
        Tenant t = TestTenants.onboard("missed");
        UUID tenant = UUID.fromString(t.id());
        String u = "M" + UUID.randomUUID().toString().substring(0, 8).toUpperCase();
        TestTenants.perpetualMarket(t, u);
        String a = TestTenants.account(t, "0xMISSED-A", "CROSS", "10000", Map.of(u + "-PERP", "1"));
        String b = TestTenants.account(t, "0xMISSED-B", "CROSS", "10000", Map.of(u + "-PERP", "1"));
        await(() -> hot(t, b, "HEALTHY") != null, "B answered HEALTHY from the hot book");
        // the price consumer has taken its partitions (a takeover waits for the books being built) and the feed's
        // ticks reach the tenant's oracle
        HotBooks.feedReaches(t, u, "60000");

        CompletableFuture<Void> reached = new CompletableFuture<>();
        CompletableFuture<Void> release = new CompletableFuture<>();
        loop.pauseNextBuild(tenant, stage, reached, release);
        int builds = loop.buildsStarted(tenant);
        // a new instrument rebuilds the book (the build takes the book in use out of use)
        TestTenants.perpetual(t, u + "-PERP2", u, "USDT");
        reached.get(WAIT.toSeconds(), TimeUnit.SECONDS);

        t.asIntegrator().body(Map.of("quantity", "-1", "entryPrice", "60000"))
                .put("/api/v1/accounts/" + a + "/positions/" + u + "-PERP").then().statusCode(200);
        try (KafkaProducer<String, String> p = KafkaClients.producer()) {
            KafkaClients.send(p, "ballast.prices", u, HotBooks.feedTick(u, "55000"));
        }
        await(() -> loop.missedAccounts(tenant).contains(UUID.fromString(a)) && loop.missedPrices(tenant),
                "the running build recorded A's change event and the tick");
        release.complete(null);

        JsonPath hotA = null;
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline
                && (hotA == null || Math.abs(hotA.getDouble("equityUsd") - 15_000) > 1e-6)) {
            Thread.sleep(200);
            hotA = hot(t, a, "HEALTHY");
        }
        assertThat(hotA).as("A answered from the hot book").isNotNull();
        assertThat(hotA.getDouble("equityUsd")).as("A's equity: short 1 from 60,000 at 55,000").isCloseTo(15_000,
                within(1e-6));
        JsonPath hotB = null;
        deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline && hotB == null) {
            Thread.sleep(200);
            hotB = hot(t, b, "MARGIN_CALL");
        }
        assertThat(hotB).as("B answered MARGIN_CALL from the hot book").isNotNull();
        assertThat(hotB.getDouble("equityUsd")).isCloseTo(5_000, within(1e-6));

        List<JsonObject> events = KafkaClients.read("ballast.margin-events", r -> t.id().equals(r.key()),
                        rs -> rs.size() >= 1, WAIT, Duration.ofSeconds(3)).stream()
                .map(r -> new JsonObject(r.value()).getJsonObject("payload")).toList();
        assertThat(events).as("margin events of the tenant").hasSize(1);
        assertThat(events.get(0).getString("accountId")).isEqualTo(b);
        assertThat(events.get(0).getString("status")).isEqualTo("MARGIN_CALL");
        assertThat(events.get(0).getString("cause")).isEqualTo("rows".equals(stage) ? "rebuild" : "catch-up");
        assertThat(loop.buildsStarted(tenant) - builds).as("builds of the book since the instrument was created")
                .isEqualTo(1);
    }
}
