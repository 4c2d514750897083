package io.ballast.risk;

import static org.assertj.core.api.Assertions.assertThat;

import io.ballast.risk.market.OracleHealth;
import io.ballast.risk.market.OracleStatusService;
import io.ballast.risk.support.BallastServersResource;
import io.ballast.risk.support.KafkaClients;
import io.ballast.risk.support.TestTenants;
import io.ballast.risk.support.TestTenants.Tenant;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.vertx.core.json.JsonObject;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;

/**
 * Platform ticks on {@code ballast.prices} (key = underlying) through a real broker: poison messages and guard
 * rejections reach {@code ballast.prices.dlq} with their reason (read back with a real consumer) and the ticks after
 * them still land; the index is the median of two sources; health turns UNHEALTHY when the sources disagree or the
 * price goes stale; oracle configuration versions are stored and audited. Each test uses an underlying symbol of its
 * own, so that its ticks concern only its tenant.
 */
@QuarkusTest
@QuarkusTestResource(BallastServersResource.class)
class PriceFeedKafkaTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @Inject
    OracleStatusService statuses;

    static String tick(String source, String underlying, String price, Instant at) {
        return new JsonObject().put("source", source).put("underlying", underlying).put("priceUsd", price)
                .put("sourceTime", at.toString()).encode();
    }

    /**
     * The live loop's one-statement read of health by age ({@link OracleStatusService#healthOfTenants}, for this
     * tenant and another) agrees with the oracle view every asset of the tenant: the same health and the same price
     * row in force.
     */
    private void assertHealthOfTenantsAgreesWithTheView(Tenant t, Tenant other) {
        UUID id = UUID.fromString(t.id());
        Map<UUID, OracleStatusService.Health> read = statuses.healthOfTenants(List.of(id,
                UUID.fromString(other.id()))).await().atMost(WAIT);
        JsonPath all = t.asIntegrator().queryParam("limit", 100).get("/api/v1/market/oracles").then().statusCode(200)
                .extract().jsonPath();
        Map<String, OracleHealth> health = new java.util.HashMap<>();
        List<UUID> prices = new java.util.ArrayList<>();
        for (int i = 0; i < all.getList("$").size(); i++) {
            health.put(all.getString("[" + i + "].underlying"), OracleHealth.valueOf(all.getString("[" + i
                    + "].health")));
            String version = all.getString("[" + i + "].priceVersion");
            if (version != null) {
                prices.add(UUID.fromString(version));
            }
        }
        assertThat(health).containsValue(OracleHealth.UNHEALTHY);
        assertThat(read.get(id).bySymbol()).isEqualTo(health);
        assertThat(read.get(id).priceInForce().values()).containsExactlyInAnyOrderElementsOf(prices);
        assertThat(read).containsKey(UUID.fromString(other.id()));
    }

    static JsonPath oracle(Tenant t, String underlying) {
        return t.asIntegrator().get("/api/v1/market/oracles/" + underlying).then().statusCode(200).extract()
                .jsonPath();
    }

    /** Polls the oracle view until it satisfies the condition (or the wait ends); returns the last view. */
    static JsonPath awaitOracle(Tenant t, String underlying, Predicate<JsonPath> condition) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        JsonPath v = oracle(t, underlying);
        while (!condition.test(v) && System.nanoTime() < deadline) {
            Thread.sleep(200);
            v = oracle(t, underlying);
        }
        return v;
    }

    /**
     * Sends a tick of a fresh source time until the tenant's oracle shows that price: the first ticks may arrive
     * before this instance owns the new tenant (ownership follows the ballast.events partition assignment).
     */
    static void primeOwnership(KafkaProducer<String, String> p, Tenant t, String underlying, String price)
            throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            KafkaClients.send(p, "ballast.prices", underlying, tick("feed", underlying, price, Instant.now()));
            Thread.sleep(500);
            if (price(oracle(t, underlying)) == Double.parseDouble(price)) {
                return;
            }
        }
        throw new AssertionError("tenant " + t.id() + " never took a " + underlying + " tick");
    }

    /** The oracle view's price, NaN when there is none. */
    static double price(JsonPath v) {
        return v.get("priceUsd") == null ? Double.NaN : v.getDouble("priceUsd");
    }

    /** An oracle configuration body: staleness 3 s, max deviation 0.1 %, max jump 25 %, prices 1 .. 1,000,000. */
    static Map<String, Object> config(List<String> sources) {
        return Map.of("sources", sources, "stalenessSeconds", 3, "maxDeviationFraction", "0.001",
                "maxJumpFraction", "0.25", "minPriceUsd", "1", "maxPriceUsd", "1000000");
    }

    static String symbol() {
        return "T" + UUID.randomUUID().toString().substring(0, 8).toUpperCase();
    }

    @Test
    void poisonMessagesAndRejectedTicksGoToTheDeadLetterTopicAndLaterTicksStillLand() throws Exception {
        Tenant t = TestTenants.onboard("feed");
        String u = symbol();
        TestTenants.asset(t, u);
        try (KafkaProducer<String, String> p = KafkaClients.producer()) {
            primeOwnership(p, t, u, "100");
            Instant now = Instant.now();
            KafkaClients.send(p, "ballast.prices", u, "this is not json");
            KafkaClients.send(p, "ballast.prices", u, "{\"source\":\"feed\",\"underlying\":\"" + u
                    + "\",\"priceUsd\":\"101\"}");
            KafkaClients.send(p, "ballast.prices", u, tick("feed", u, "1e20", now));
            KafkaClients.send(p, "ballast.prices", u, tick("feed", u, "1e-30", now));
            KafkaClients.send(p, "ballast.prices", u, tick("feed", u, "-3", now));
            KafkaClients.send(p, "ballast.prices", u, tick("feed", u, "102", now.plusSeconds(3600)));
            KafkaClients.send(p, "ballast.prices", u, tick("feed", u, "500", now.plusMillis(1)));
            KafkaClients.send(p, "ballast.prices", u, tick("feed", u, "103", now.minusSeconds(3600)));
            KafkaClients.send(p, "ballast.prices", u, tick("feed", u, "104", now.plusMillis(2)));
        }
        JsonPath v = awaitOracle(t, u, x -> price(x) == 104);
        assertThat(price(v)).as("the last valid tick lands after every poison message").isEqualTo(104);
        assertThat(v.getString("priceSource")).isEqualTo("oracle");
        assertThat(v.getString("health")).isEqualTo("HEALTHY");

        List<ConsumerRecord<String, String>> dlq = KafkaClients.read("ballast.prices.dlq", r -> u.equals(r.key()),
                rs -> rs.size() >= 8, WAIT, Duration.ZERO);
        assertThat(dlq).extracting(r -> KafkaClients.header(r, "dead-letter-reason")).hasSize(8)
                .anyMatch(s -> s.contains("not JSON"))
                .anyMatch(s -> s.contains("sourceTime missing"))
                .contains("out-of-range", "rounds-to-zero", "non-positive", "future", "jump", "stale");
        ConsumerRecord<String, String> jump = dlq.stream().filter(r -> "jump".equals(KafkaClients.header(r,
                "dead-letter-reason"))).findFirst().orElseThrow();
        JsonObject body = new JsonObject(jump.value());
        assertThat(body.getString("tenantId")).isEqualTo(t.id());
        assertThat(body.getJsonObject("tick").getString("priceUsd")).isEqualTo("500");
    }

    @Test
    void theIndexIsTheMedianOfTwoSourcesAndHealthTurnsUnhealthyOnDisagreementOrStaleness() throws Exception {
        Tenant t = TestTenants.onboard("median");
        Tenant other = TestTenants.onboard("median-other");
        String u = symbol();
        TestTenants.asset(t, u);
        TestTenants.asset(other, u);
        try (KafkaProducer<String, String> p = KafkaClients.producer()) {
            primeOwnership(p, t, u, "60000");
            KafkaClients.send(p, "ballast.prices", u, tick("replay", u, "60200", Instant.now()));
            JsonPath v = awaitOracle(t, u, x -> price(x) == 60100);
            assertThat(price(v)).isEqualTo(60100);
            assertThat(v.getList("sources.source")).containsExactly("feed", "replay");
            assertThat(v.getString("health")).isEqualTo("HEALTHY");
            assertThat(v.getInt("config.version")).isZero();

            // a tighter deviation limit: the same two sources now disagree
            t.asAdmin().body(config(List.of("feed", "replay")))
                    .put("/api/v1/market/oracles/" + u).then().statusCode(200).body("version",
                            org.hamcrest.Matchers.equalTo(1));
            KafkaClients.send(p, "ballast.prices", u, tick("feed", u, "60000", Instant.now()));
            KafkaClients.send(p, "ballast.prices", u, tick("replay", u, "60300", Instant.now()));
            v = awaitOracle(t, u, x -> price(x) == 60150);
            assertThat(price(v)).isEqualTo(60150);
            assertThat(v.getString("health")).isEqualTo("UNHEALTHY");
            assertHealthOfTenantsAgreesWithTheView(t, other);
        }
        // no tick for longer than the 3 s staleness limit: unhealthy, sources no longer fresh
        Thread.sleep(3500);
        JsonPath stale = oracle(t, u);
        assertThat(stale.getString("health")).isEqualTo("UNHEALTHY");
        assertHealthOfTenantsAgreesWithTheView(t, other);
        assertThat(stale.getList("sources.fresh")).containsOnly(false);
        assertThat(stale.getDouble("ageSeconds")).isGreaterThan(3.0);

        // the configuration is versioned and audited; a bad one is a 400; a viewer-less integrator cannot write
        t.asIntegrator().get("/api/v1/market/oracles/" + u + "/versions").then().statusCode(200)
                .body("version", org.hamcrest.Matchers.contains(1));
        t.asAdmin().body(config(List.of("Feed")))
                .put("/api/v1/market/oracles/" + u).then().statusCode(400);
        t.asIntegrator().body(config(List.of("feed")))
                .put("/api/v1/market/oracles/" + u).then().statusCode(403);
        t.asAdmin().get("/api/v1/market/oracles/NOPE").then().statusCode(404);
        List<ConsumerRecord<String, String>> audit = KafkaClients.read("ballast.events", r -> t.id().equals(r.key())
                && r.value().contains("OracleConfigChanged"), rs -> !rs.isEmpty(), WAIT, Duration.ZERO);
        assertThat(audit).hasSize(1);
        assertThat(new JsonObject(audit.get(0).value()).getJsonObject("payload").getInteger("version")).isEqualTo(1);
    }

    @Test
    void aJumpConfirmedByASecondSourceIsAccepted() throws Exception {
        Tenant t = TestTenants.onboard("jump");
        String u = symbol();
        TestTenants.asset(t, u);
        try (KafkaProducer<String, String> p = KafkaClients.producer()) {
            primeOwnership(p, t, u, "100");
            KafkaClients.send(p, "ballast.prices", u, tick("feed", u, "150", Instant.now()));
            KafkaClients.send(p, "ballast.prices", u, tick("replay", u, "151", Instant.now()));
        }
        JsonPath v = awaitOracle(t, u, x -> price(x) == 150.5);
        assertThat(price(v)).as("both sources at the new level, median").isEqualTo(150.5);
        assertThat(v.getString("health")).isEqualTo("HEALTHY");
    }
}
