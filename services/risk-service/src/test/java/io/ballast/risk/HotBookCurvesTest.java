package io.ballast.risk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.ballast.risk.support.BallastServersResource;
import io.ballast.risk.support.KafkaClients;
import io.ballast.risk.support.TestTenants;
import io.ballast.risk.support.TestTenants.Tenant;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;

/**
 * The hot book prices with the tenant's stored curves (docs/margin.md, "Basis and rates", "Volatility smiles";
 * docs/design-price-path.md, step 6): with a basis and a smile stored, the bulk book's margin of every account (the
 * tenant summary answered from the hot book) equals the per-account database path's, after the curves are put,
 * after a feed tick (the smile rebuilt at the new index) and after the forward curve is replaced (a
 * {@code MarketCurvePut} event the owner applies before it answers from its book again).
 *
 * <p>Fixture: USDT (haircut 0) and an underlying of the test's own at 60,000 with a flat 50 % vol; a perpetual, two
 * dated futures (January and March 2027) and a March call struck at 66,000, all at IM 10 %, MM 5 %. Three accounts:
 * a CROSS calendar spread with a perpetual, a PORTFOLIO short call hedged with the March future, a CROSS long call.
 */
@QuarkusTest
@QuarkusTestResource(BallastServersResource.class)
class HotBookCurvesTest {

    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final String JAN = "2027-01-29T08:00:00Z";
    private static final String MAR = "2027-03-26T08:00:00Z";

    private static JsonPath get(Tenant t, String path) {
        return t.asIntegrator().get(path).then().statusCode(200).extract().jsonPath();
    }

    private static String account(Tenant t, String id, String mode, String usdt, Map<String, String[]> book) {
        String a = t.asIntegrator().body(Map.of("externalId", id, "marginMode", mode)).post("/api/v1/accounts")
                .then().statusCode(201).extract().path("id");
        t.asIntegrator().body(Map.of("asset", "USDT", "amount", usdt, "externalRef", TestTenants.ref()))
                .post("/api/v1/accounts/" + a + "/deposits")
                .then().statusCode(201);
        book.forEach((symbol, qe) -> t.asIntegrator().body(Map.of("quantity", qe[0], "entryPrice", qe[1]))
                .put("/api/v1/accounts/" + a + "/positions/" + symbol).then().statusCode(200));
        return a;
    }

    /** Per account: initial margin, maintenance margin, equity from the database path. */
    private static Map<String, double[]> databaseFigures(Tenant t, List<String> accounts) {
        Map<String, double[]> out = new LinkedHashMap<>();
        for (String a : accounts) {
            JsonPath m = get(t, "/api/v1/accounts/" + a + "/margin?from=database");
            assertThat(m.getString("answeredFrom")).isEqualTo("database");
            out.put(a, new double[] {m.getDouble("initialMarginUsd"), m.getDouble("maintenanceMarginUsd"),
                m.getDouble("equityUsd")});
        }
        return out;
    }

    /** Waits for the summary to be answered from the caught-up hot book. */
    private static JsonPath hotSummary(Tenant t) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        JsonPath s = get(t, "/api/v1/margin/summary");
        while (!"hot-book".equals(s.getString("answeredFrom")) && System.nanoTime() < deadline) {
            Thread.sleep(200);
            s = get(t, "/api/v1/margin/summary");
        }
        assertThat(s.getString("answeredFrom")).as("the owner answers the summary from its hot book")
                .isEqualTo("hot-book");
        return s;
    }

    /** The hot book's figures of every account equal the database path's (options valued up to a minute apart). */
    private static void assertHotEqualsDatabase(Tenant t, List<String> accounts) throws InterruptedException {
        JsonPath hot = hotSummary(t);
        Map<String, double[]> db = databaseFigures(t, accounts);
        assertThat(hot.getInt("accounts")).isEqualTo(accounts.size());
        for (String a : accounts) {
            Map<String, Object> h = hot.getMap("worstAccounts.find { it.accountId == '" + a + "' }");
            assertThat(h).as("account %s in the hot summary", a).isNotNull();
            double[] d = db.get(a);
            String[] names = {"initialMarginUsd", "maintenanceMarginUsd", "equityUsd"};
            for (int k = 0; k < names.length; k++) {
                assertThat(((Number) h.get(names[k])).doubleValue()).as("%s of %s", names[k], a)
                        .isCloseTo(d[k], within(1e-5 * Math.max(1.0, Math.abs(d[k]))));
            }
        }
    }

    @Test
    void theHotBookPricesWithTheStoredBasisAndSmileLikeTheDatabasePath() throws Exception {
        Tenant t = TestTenants.onboard("hotcurves");
        String u = "C" + UUID.randomUUID().toString().substring(0, 8).toUpperCase();
        TestTenants.riskParameters(t, "assets", TestTenants.asset(t, "USDT"), "0.1", "0.05", "0");
        TestTenants.riskParameters(t, "assets", TestTenants.asset(t, u), "0.1", "0.05", "0.1");
        TestTenants.prices(t, Map.of("USDT", 1, u, new Object[] {60000, 0.5}));
        List<String> ids = List.of(TestTenants.perpetual(t, u + "-PERP", u, "USDT"),
                TestTenants.future(t, u + "-JAN", u, JAN), TestTenants.future(t, u + "-MAR", u, MAR),
                TestTenants.call(t, u + "-C66", u, MAR, 66_000));
        for (String id : ids) {
            TestTenants.riskParameters(t, "instruments", id, "0.1", "0.05", "0");
        }
        List<String> accounts = List.of(
                account(t, "0xSPREAD", "CROSS", "20000", Map.of(u + "-JAN", new String[] {"2", "60000"},
                        u + "-MAR", new String[] {"-2", "60000"}, u + "-PERP", new String[] {"1", "60000"})),
                account(t, "0xSHORTCALL", "PORTFOLIO", "30000", Map.of(u + "-C66", new String[] {"-3", "3000"},
                        u + "-MAR", new String[] {"1", "60000"})),
                account(t, "0xLONGCALL", "CROSS", "10000", Map.of(u + "-C66", new String[] {"2", "3000"})));
        Map<String, double[]> flat = databaseFigures(t, accounts);

        t.asIntegrator().body(Map.of("points", List.of(Map.of("expiry", JAN, "basisFraction", "0.01"),
                Map.of("expiry", MAR, "basisFraction", "0.03")))).put("/api/v1/market/forwards/" + u)
                .then().statusCode(200);
        t.asIntegrator().body(Map.of("points", List.of(Map.of("expiry", MAR, "strikeUsd", 54000, "annualVol", 0.7),
                Map.of("expiry", MAR, "strikeUsd", 60000, "annualVol", 0.55),
                Map.of("expiry", MAR, "strikeUsd", 66000, "annualVol", 0.68))))
                .put("/api/v1/market/vol-surfaces/" + u).then().statusCode(200);
        Map<String, double[]> curved = databaseFigures(t, accounts);
        for (String a : accounts) {
            // the curves move every account's figures well beyond the comparison's tolerance
            assertThat(Math.abs(curved.get(a)[0] - flat.get(a)[0]) + Math.abs(curved.get(a)[2] - flat.get(a)[2]))
                    .as("the curves move the margin of %s", a).isGreaterThan(50.0);
        }
        assertHotEqualsDatabase(t, accounts);

        // a feed tick: the bulk book revalues the underlying's arrays with the smile rebuilt at the new index
        try (KafkaProducer<String, String> p = KafkaClients.producer()) {
            KafkaClients.send(p, "ballast.prices", u, new JsonObject().put("source", "feed").put("underlying", u)
                    .put("priceUsd", "61500").put("sourceTime", Instant.now().toString()).encode());
        }
        String spread = accounts.get(0);
        long deadline = System.nanoTime() + WAIT.toNanos();
        double equity = 0;
        while (System.nanoTime() < deadline) {
            JsonPath m = get(t, "/api/v1/accounts/" + spread + "/margin");
            equity = m.getDouble("equityUsd");
            if ("hot-book".equals(m.getString("answeredFrom")) && Math.abs(equity - curved.get(spread)[2]) > 1_000) {
                break;
            }
            Thread.sleep(200);
        }
        // perpetual +1,500, the spread's forwards 1 % and 3 % over the new index: 2 x (62,115 - 60,000) - 2 x
        // (63,345 - 60,000) = -2,460; equity 20,000 + 1,500 - 2,460
        assertThat(equity).as("the tick reached the hot book").isCloseTo(19_040, within(1e-6));
        assertHotEqualsDatabase(t, accounts);

        // the forward curve replaced: the owner re-reads it before answering from its book again
        t.asIntegrator().body(Map.of("points", List.of(Map.of("expiry", JAN, "basisFraction", "0.02"),
                Map.of("expiry", MAR, "basisFraction", "0.05")))).put("/api/v1/market/forwards/" + u)
                .then().statusCode(200);
        Map<String, double[]> replaced = databaseFigures(t, accounts);
        assertThat(replaced.get(spread)[2]).as("equity of the spread on the new forwards")
                .isCloseTo(20_000 + 1_500 + 2 * (61_500 * 1.02 - 60_000) - 2 * (61_500 * 1.05 - 60_000),
                        within(1e-6));
        assertHotEqualsDatabase(t, accounts);
    }
}
