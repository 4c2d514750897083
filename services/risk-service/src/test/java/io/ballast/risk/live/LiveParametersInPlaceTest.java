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
import org.junit.jupiter.api.Test;

/**
 * A parameter version taking effect is applied to the book in use (real broker and PostgreSQL): no build, the book
 * goes on taking ticks and events while the bulk book on the new parameters is built, and what it took meanwhile is
 * applied to that bulk book before every account is evaluated on the new parameters.
 *
 * <p>Before session 27 a parameter version rebuilt the book from PostgreSQL with no book in use: on 100,000 accounts
 * no live margin for 15-40 s after every committee decision.
 */
@QuarkusTest
@QuarkusTestResource(BallastServersResource.class)
class LiveParametersInPlaceTest {

    private static final Duration WAIT = HotBooks.WAIT;

    @Inject
    LiveLoop loop;

    /**
     * Fixture: USDT and an underlying at 60,000 (vol 0.5) with a perpetual that has no parameters of its own (the
     * underlying's apply: IM 10 %, MM 5 %); accounts each long 1 perpetual entered at 60,000 with USDT A 10,400,
     * B 9,600, C 11,000 (all HEALTHY). The perpetual's own first version (IM 15 %, MM 8 %) takes effect; while the
     * book builds its bulk book on it, a tick moves the index to 58,000 (no state changes on the old parameters, no
     * early warning either) and C goes long 2 (MARGIN_CALL on the old parameters: equity 7,000 below IM 11,600). On
     * the new parameters at 58,000: A and B MARGIN_CALL (8,400 and 7,600 below IM 8,700), C LIQUIDATABLE (7,000 below
     * MM 9,280). Without the tick applied to the new bulk book A and B would stay HEALTHY (above IM 9,000 at 60,000);
     * without C's change, C (long 1 at 58,000: 9,000 above 8,700) would be published RECOVERED.
     */
    @Test
    void aNewParameterVersionIsAppliedToTheBookInUseWithWhatItTookMeanwhile() throws Exception {
        Tenant t = TestTenants.onboard("inplace");
        UUID tenant = UUID.fromString(t.id());
        String u = "P" + UUID.randomUUID().toString().substring(0, 8).toUpperCase();
        TestTenants.riskParameters(t, "assets", TestTenants.asset(t, "USDT"), "0.1", "0.05", "0");
        TestTenants.riskParameters(t, "assets", TestTenants.asset(t, u), "0.1", "0.05", "0.1");
        String perp = TestTenants.perpetual(t, u + "-PERP", u, "USDT");
        TestTenants.prices(t, Map.of("USDT", 1, u, new Object[] {60000, 0.5}));
        String a = TestTenants.account(t, "0xINPLACE-A", "CROSS", "10400", Map.of(u + "-PERP", "1"));
        String b = TestTenants.account(t, "0xINPLACE-B", "CROSS", "9600", Map.of(u + "-PERP", "1"));
        String c = TestTenants.account(t, "0xINPLACE-C", "CROSS", "11000", Map.of(u + "-PERP", "1"));
        await(() -> hot(t, c, "HEALTHY") != null, "C answered HEALTHY from the hot book");
        HotBooks.feedReaches(t, u, "60000");
        assertThat(List.of(a, b, c)).allSatisfy(x -> assertThat(hot(t, x, "HEALTHY")).as(x).isNotNull());

        CompletableFuture<Void> reached = new CompletableFuture<>();
        CompletableFuture<Void> release = new CompletableFuture<>();
        loop.pauseNextReparameterize(tenant, reached, release);
        int builds = loop.buildsStarted(tenant);
        int inPlace = loop.reparameterized(tenant);
        TestTenants.riskParameters(t, "instruments", perp, "0.15", "0.08", "0");
        reached.get(WAIT.toSeconds(), TimeUnit.SECONDS);

        try (KafkaProducer<String, String> p = KafkaClients.producer()) {
            KafkaClients.send(p, "ballast.prices", u, HotBooks.feedTick(u, "58000"));
        }
        await(() -> t.asIntegrator().get("/api/v1/market/oracles/" + u).then().statusCode(200).extract()
                .jsonPath().getDouble("priceUsd") == 58_000, "the index at 58,000");
        t.asIntegrator().body(Map.of("quantity", "2", "entryPrice", "60000"))
                .put("/api/v1/accounts/" + c + "/positions/" + u + "-PERP").then().statusCode(200);
        // the book in use (old parameters) applies C's change while the new bulk book waits to be built
        List<JsonObject> during = KafkaClients.read("ballast.margin-events", r -> t.id().equals(r.key()),
                        rs -> !rs.isEmpty(), WAIT, Duration.ofSeconds(2)).stream()
                .map(r -> new JsonObject(r.value()).getJsonObject("payload")).toList();
        assertThat(during).as("events while the new parameters were being applied")
                .extracting(e -> e.getString("accountId") + " " + e.getString("status"))
                .containsExactly(c + " MARGIN_CALL");
        assertThat(loop.reparameterized(tenant)).as("not yet applied").isEqualTo(inPlace);
        release.complete(null);

        await(() -> loop.reparameterized(tenant) == inPlace + 1, "the new parameters applied in place");
        List<JsonObject> events = KafkaClients.read("ballast.margin-events", r -> t.id().equals(r.key()),
                        rs -> rs.size() >= 4, WAIT, Duration.ofSeconds(3)).stream()
                .map(r -> new JsonObject(r.value()).getJsonObject("payload")).toList();
        assertThat(events).as("margin events of the tenant").extracting(e -> e.getString("accountId") + " "
                + e.getString("status")).containsExactlyInAnyOrder(c + " MARGIN_CALL", a + " MARGIN_CALL",
                b + " MARGIN_CALL", c + " LIQUIDATABLE");
        String before = during.get(0).getString("parameterVersion");
        assertThat(events.subList(1, 4)).allSatisfy(e -> {
            assertThat(e.getString("cause")).isEqualTo("parameters");
            assertThat(e.getString("parameterVersion")).as("the new version").isNotEqualTo(before);
        });
        assertThat(loop.buildsStarted(tenant)).as("builds of the book since the parameters").isEqualTo(builds);
        JsonPath hotA = null;
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline && hotA == null) {
            Thread.sleep(200);
            hotA = hot(t, a, "MARGIN_CALL");
        }
        assertThat(hotA).as("A answered MARGIN_CALL from the hot book").isNotNull();
        assertThat(hotA.getDouble("initialMarginUsd")).as("15 % of 58,000").isCloseTo(8_700, within(1e-6));
    }
}
