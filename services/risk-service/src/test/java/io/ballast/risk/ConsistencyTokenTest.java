package io.ballast.risk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.ballast.risk.support.BallastServersResource;
import io.ballast.risk.support.TestTenants;
import io.ballast.risk.support.TestTenants.Tenant;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The {@code Ballast-Consistency} token (live.ConsistencyToken): a write's answer names the changes it made, a read
 * that sends the token back sees them, and a read whose token the hot book has applied is answered from the book
 * without the freshness read. Real PostgreSQL, broker and tokens; the fixture of {@link LiveMarginKafkaTest} (a
 * CROSS account, 10,000 USDT, long 1 perpetual at 60,000, MM 5 %).
 */
@QuarkusTest
@QuarkusTestResource(BallastServersResource.class)
class ConsistencyTokenTest {

    private static final String HEADER = "Ballast-Consistency";

    @Inject
    MeterRegistry metrics;

    private double tokenAnswers() {
        return metrics.counter("ballast.live.token.answers").count();
    }

    private static Response margin(Tenant t, String account, String token) {
        var request = t.asIntegrator();
        if (token != null) {
            request = request.header(HEADER, token);
        }
        return request.get("/api/v1/accounts/" + account + "/margin");
    }

    private static long[] marks(String token) {
        assertThat(token).as("the answer's token").matches("(0|[1-9][0-9]*)\\.(0|[1-9][0-9]*)");
        String[] p = token.split("\\.");
        return new long[] {Long.parseLong(p[0]), Long.parseLong(p[1])};
    }

    @Test
    void aReadWithAWritesTokenSeesTheWriteAndOneTheBookHasAppliedSkipsTheFreshnessRead() throws Exception {
        Tenant t = TestTenants.onboard("token");
        String u = "T" + UUID.randomUUID().toString().substring(0, 8).toUpperCase();
        String a = LiveMarginKafkaTest.fixture(t, u);
        assertThat(LiveMarginKafkaTest.awaitHotMargin(t, a, "HEALTHY").getString("answeredFrom"))
                .isEqualTo("hot-book");

        // each position write is read back at once with its token: the read must include it, from the book once
        // the book has applied it, from the database before
        long lastEvents = 0;
        for (int quantity : new int[] {2, 3, 1, 4, 2, 5, 1, 3}) {
            Response w = t.asIntegrator().body(Map.of("quantity", String.valueOf(quantity), "entryPrice", "60000"))
                    .put("/api/v1/accounts/" + a + "/positions/" + u + "-PERP");
            assertThat(w.statusCode()).isEqualTo(200);
            long[] wrote = marks(w.getHeader(HEADER));
            assertThat(wrote[0]).as("a later write names a later event").isGreaterThan(lastEvents);
            lastEvents = wrote[0];
            Response r = margin(t, a, w.getHeader(HEADER));
            assertThat(r.statusCode()).isEqualTo(200);
            JsonPath m = r.jsonPath();
            assertThat(m.getDouble("maintenanceMarginUsd")).as("the read of quantity %d", quantity)
                    .isCloseTo(3_000.0 * quantity, within(1e-6));
            long[] read = marks(r.getHeader(HEADER));
            assertThat(read[0]).as("the read's answer includes the write").isGreaterThanOrEqualTo(wrote[0]);
        }

        // once the book has the last write, reads with a token it has applied come from it, without a freshness read
        long deadline = System.nanoTime() + 60_000_000_000L;
        Response plain = margin(t, a, null);
        while (System.nanoTime() < deadline && !("hot-book".equals(plain.jsonPath().getString("answeredFrom"))
                && Math.abs(plain.jsonPath().getDouble("maintenanceMarginUsd") - 9_000) < 1e-6)) {
            Thread.sleep(200);
            plain = margin(t, a, null);
        }
        assertThat(plain.jsonPath().getString("answeredFrom")).isEqualTo("hot-book");
        String seen = plain.getHeader(HEADER);
        assertThat(marks(seen)[0]).isGreaterThanOrEqualTo(lastEvents);
        double before = tokenAnswers();
        for (int i = 0; i < 5; i++) {
            Response r = margin(t, a, seen);
            assertThat(r.jsonPath().getString("answeredFrom")).isEqualTo("hot-book");
            assertThat(r.jsonPath().getDouble("maintenanceMarginUsd")).isCloseTo(9_000, within(1e-6));
            assertThat(marks(r.getHeader(HEADER))[0]).isGreaterThanOrEqualTo(marks(seen)[0]);
        }
        assertThat(tokenAnswers() - before).as("answers on the token alone").isEqualTo(5.0);
        margin(t, a, null).then().statusCode(200);
        assertThat(tokenAnswers() - before).as("a read without a token still checks").isEqualTo(5.0);

        // the pre-trade check takes it too
        Response check = t.asIntegrator().header(HEADER, seen).body(Map.of("trades", List.of(Map.of("instrument",
                u + "-PERP", "quantity", "0.1", "price", "60000")))).post("/api/v1/accounts/" + a
                + "/margin/pre-trade-check");
        assertThat(check.statusCode()).isEqualTo(200);
        assertThat(tokenAnswers() - before).as("the pre-trade check on the token").isEqualTo(6.0);

        // a token ahead of every change is checked as a read without one, and answered
        Response ahead = margin(t, a, "9000000000000000000.0");
        assertThat(ahead.statusCode()).isEqualTo(200);
        assertThat(ahead.jsonPath().getDouble("maintenanceMarginUsd")).isCloseTo(9_000, within(1e-6));
        assertThat(tokenAnswers() - before).isEqualTo(6.0);
    }

    @Test
    void aReplayedWriteNamesMarksThatIncludeIt() throws Exception {
        Tenant t = TestTenants.onboard("token-replay");
        String u = "R" + UUID.randomUUID().toString().substring(0, 8).toUpperCase();
        String a = LiveMarginKafkaTest.fixture(t, u);
        double equity = LiveMarginKafkaTest.awaitHotMargin(t, a, "HEALTHY").getDouble("equityUsd");
        String key = "deposit-" + UUID.randomUUID();
        Map<String, String> body = Map.of("asset", "USDT", "amount", "5000");
        Response first = t.asIntegrator().header("Idempotency-Key", key).body(body)
                .post("/api/v1/accounts/" + a + "/deposits");
        assertThat(first.statusCode()).isEqualTo(201);
        long[] wrote = marks(first.getHeader(HEADER));

        // the retry is answered from the stored answer, and names marks that include the write it replays
        Response again = t.asIntegrator().header("Idempotency-Key", key).body(body)
                .post("/api/v1/accounts/" + a + "/deposits");
        assertThat(again.statusCode()).isEqualTo(201);
        assertThat(again.getHeader("Idempotent-Replayed")).isEqualTo("true");
        assertThat(again.asString()).isEqualTo(first.asString());
        long[] replayed = marks(again.getHeader(HEADER));
        assertThat(replayed[0]).as("events").isGreaterThanOrEqualTo(wrote[0]);
        assertThat(replayed[1]).as("parameters").isGreaterThanOrEqualTo(wrote[1]);

        // a read with the replay's token sees the deposit, once
        Response r = margin(t, a, again.getHeader(HEADER));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.jsonPath().getDouble("equityUsd")).isCloseTo(equity + 5_000, within(1e-6));
    }

    @Test
    void aMalformedTokenIsABadRequestAndChangesNothing() {
        Tenant t = TestTenants.onboard("token-bad");
        TestTenants.perpetualMarket(t, "BTC");
        String a = TestTenants.account(t, "0xBAD", "CROSS", "1000", Map.of());
        double equity = LiveMarginKafkaTest.margin(t, a, "?from=database").getDouble("equityUsd");
        assertThat(equity).isPositive();
        for (String bad : new String[] {"abc", "12", "-1.0", "1.2.3", "01.2", "1.", " .1", "99999999999999999999.0"}) {
            Response r = t.asIntegrator().header(HEADER, bad).get("/api/v1/accounts/" + a + "/margin");
            assertThat(r.statusCode()).as(bad).isEqualTo(400);
            assertThat(r.contentType()).startsWith("application/problem+json");
            assertThat(r.jsonPath().getString("detail")).contains(HEADER);
            Response w = t.asIntegrator().header(HEADER, bad)
                    .body(Map.of("asset", "USDT", "amount", "5000", "externalRef", TestTenants.ref()))
                    .post("/api/v1/accounts/" + a + "/deposits");
            assertThat(w.statusCode()).as(bad).isEqualTo(400);
        }
        JsonPath m = LiveMarginKafkaTest.margin(t, a, "?from=database");
        assertThat(m.getDouble("equityUsd")).as("no deposit was made").isCloseTo(equity, within(1e-9));
    }

    @Test
    void theOpenApiDocumentDeclaresTheTokenInAndOut() throws Exception {
        JsonNode doc = new ObjectMapper().readTree(RestAssured.get("/q/openapi?format=json").asString());
        JsonNode param = doc.path("components").path("parameters").path("BallastConsistency");
        assertThat(param.path("name").asText()).isEqualTo(HEADER);
        assertThat(param.path("in").asText()).isEqualTo("header");
        assertThat(param.path("required").asBoolean()).isFalse();
        Pattern form = Pattern.compile(param.path("schema").path("pattern").asText());
        assertThat(form.matcher("48211.310").matches()).isTrue();
        for (String bad : new String[] {"abc", "01.2", "1.", "99999999999999999999.0"}) {
            assertThat(form.matcher(bad).matches()).as(bad + ": the documented form refuses what the API refuses")
                    .isFalse();
        }
        assertThat(doc.path("components").path("headers").path("BallastConsistency").path("schema").path("pattern")
                .asText()).isEqualTo(form.pattern());
        // reads answered from the book, and a write that names its rows
        for (String[] op : new String[][] {{"/api/v1/accounts/{id}/margin", "get", "200"},
                {"/api/v1/accounts/{id}/margin/pre-trade-check", "post", "200"},
                {"/api/v1/margin/summary", "get", "200"},
                {"/api/v1/accounts/{id}/positions/{instrument}", "put", "200"}}) {
            JsonNode o = doc.path("paths").path(op[0]).path(op[1]);
            assertThat(o.isMissingNode()).as(op[0] + " " + op[1] + " is in the document").isFalse();
            List<String> refs = new ArrayList<>();
            o.path("parameters").forEach(p -> refs.add(p.path("$ref").asText()));
            assertThat(refs).as(op[0] + " accepts the token").contains("#/components/parameters/BallastConsistency");
            assertThat(o.path("responses").path(op[2]).path("headers").path(HEADER).path("$ref").asText())
                    .as(op[0] + " answers it").isEqualTo("#/components/headers/BallastConsistency");
            assertThat(o.path("responses").path("400").path("headers").path(HEADER).isMissingNode())
                    .as("an error answer carries no token").isTrue();
        }
    }
}
