package io.ballast.risk.support;

import static org.assertj.core.api.Assertions.assertThat;

import io.ballast.risk.support.TestTenants.Tenant;
import io.restassured.path.json.JsonPath;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.producer.KafkaProducer;

/** What the live-loop tests of one service wait for: a tenant's hot book answering, its oracle taking the feed. */
public final class HotBooks {

    /** How long a wait lasts. */
    public static final Duration WAIT = Duration.ofSeconds(60);

    private HotBooks() {
    }

    /** A platform tick of source {@code feed} stamped now, as the feed sends it to {@code ballast.prices}. */
    public static String feedTick(String underlying, String priceUsd) {
        return new JsonObject().put("source", "feed").put("underlying", underlying).put("priceUsd", priceUsd)
                .put("sourceTime", Instant.now().toString()).encode();
    }

    /** The account's margin when answered from the hot book with that status, else null. */
    public static JsonPath hot(Tenant t, String account, String status) {
        JsonPath m = TestTenants.margin(t, account);
        return "hot-book".equals(m.getString("answeredFrom")) && status.equals(m.getString("status")) ? m : null;
    }

    /** Waits up to {@link #WAIT} for a condition, polling every 200 ms; fails naming it. */
    public static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        assertThat(condition.getAsBoolean()).as(what).isTrue();
    }

    /**
     * Sends feed ticks at {@code priceUsd} until the tenant's oracle of the underlying shows source {@code feed}: the
     * price consumer has taken its partitions (a takeover waits for the books being built) and the feed's ticks reach
     * the tenant.
     */
    public static void feedReaches(Tenant t, String underlying, String priceUsd) throws InterruptedException {
        try (KafkaProducer<String, String> p = KafkaClients.producer()) {
            await(() -> {
                KafkaClients.send(p, "ballast.prices", underlying, feedTick(underlying, priceUsd));
                return t.asIntegrator().get("/api/v1/market/oracles/" + underlying).then().statusCode(200)
                        .extract().jsonPath().getList("sources", Map.class).stream()
                        .anyMatch(s -> "feed".equals(s.get("source")));
            }, "the oracle took a feed tick");
        }
    }
}
