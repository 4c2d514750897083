package io.ballast.risk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;

import io.ballast.risk.security.KeycloakAdmin;
import io.ballast.risk.support.BallastServersResource;
import io.ballast.risk.support.TestTenants;
import io.ballast.risk.support.TestTenants.Tenant;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Daily history and predictive-margin recommendations through the API with real tokens: three years of real BTC
 * daily bars (2022-01-01..2024-12-31, read from the shared market data) uploaded as JSON and CSV, recommendations
 * checked for consistency, the stored guardrail state feeding the second call, bad rows and unknown assets refused.
 */
@QuarkusTest
@QuarkusTestResource(BallastServersResource.class)
class RecommendationApiTest {

    @jakarta.inject.Inject
    KeycloakAdmin keycloak;

    private static final String FIRST = "2022-01-01";
    private static final String LAST = "2024-12-31";
    private static List<String> btcLines;
    /** The CSV line of the day after {@link #LAST}. */
    private static String nextLine;

    @BeforeAll
    static void readBtc() {
        Path csv = Path.of(System.getProperty("ballast.project.root", "../.."), "..", "shared", "data", "market",
                "BTC_1d.csv");
        try {
            List<String> all = Files.readAllLines(csv);
            btcLines = all.stream().skip(1)
                    .filter(l -> l.compareTo(FIRST) >= 0 && l.substring(0, 10).compareTo(LAST) <= 0).toList();
            nextLine = all.stream().filter(l -> l.startsWith("2025-01-01,")).findFirst().orElseThrow();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        assertThat(btcLines).hasSizeGreaterThan(1000);
    }

    private static Map<String, Object> bar(String csvLine) {
        String[] f = csvLine.split(",");
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("date", f[0]);
        m.put("open", Double.parseDouble(f[1]));
        m.put("high", Double.parseDouble(f[2]));
        m.put("low", Double.parseDouble(f[3]));
        m.put("close", Double.parseDouble(f[4]));
        m.put("volume", Double.parseDouble(f[5]));
        return m;
    }

    private static Tenant tenantWithBtcHistory(String prefix) {
        Tenant t = TestTenants.onboard(prefix);
        String btc = TestTenants.asset(t, "BTC");
        TestTenants.riskParameters(t, "assets", btc, "0.1", "0.05", "0.1");
        TestTenants.asset(t, "ETH");
        int split = btcLines.size() * 2 / 3;
        List<Map<String, Object>> json = btcLines.subList(0, split).stream().map(RecommendationApiTest::bar).toList();
        t.asIntegrator().body(Map.of("bars", json)).put("/api/v1/market/history/BTC").then().statusCode(200)
                .body("written", equalTo(split));
        // the CSV part overlaps the JSON part by 10 days: those are upserted, not duplicated
        String csv = "timestamp,open,high,low,close,volume\n"
                + String.join("\n", btcLines.subList(split - 10, btcLines.size())) + "\n";
        t.asIntegrator().contentType("text/csv").body(csv).put("/api/v1/market/history/BTC").then().statusCode(200)
                .body("totalBars", equalTo(btcLines.size())).body("firstDate", equalTo(FIRST))
                .body("lastDate", equalTo(LAST));
        return t;
    }

    private static JsonPath recommendations(Tenant t) {
        return t.asAdmin().get("/api/v1/risk/recommendations").then().statusCode(200).extract().jsonPath();
    }

    private static void assertConsistent(Map<String, Object> rec) {
        Map<String, Float> p = params(rec, "recommended");
        p.values().forEach(v -> assertThat(Double.isFinite(v)).isTrue());
        assertThat(p.get("mmf")).isBetween(0.01f, 0.5f);
        assertThat((double) p.get("imf")).isCloseTo(2.0 * p.get("mmf"), within(1e-6));
        assertThat(p.get("haircut")).isBetween(0f, 0.9f);
        assertThat(p.get("scanRange")).isGreaterThan(p.get("mmf") * 0.99f);
        assertThat(p.get("volShockUp")).isGreaterThan(0f);
        assertThat(p.get("volShockDown")).isBetween(0f, 0.9f);
        assertThat(((Number) rec.get("sigmaPerp")).doubleValue()).isBetween(0.001, 0.5);
        assertThat(((Number) rec.get("sigmaOption")).doubleValue()).isGreaterThan(((Number) rec.get("sigmaPerp"))
                .doubleValue());
        assertThat((List<?>) rec.get("evidence")).isNotEmpty();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Float> params(Map<String, Object> rec, String which) {
        Map<String, Float> out = new LinkedHashMap<>();
        ((Map<String, Object>) rec.get(which)).forEach((k, v) -> out.put(k, ((Number) v).floatValue()));
        return out;
    }

    @Test
    @SuppressWarnings("unchecked")
    void threeYearsOfBtcGiveAConsistentRecommendationAndTheSecondCallUsesTheStoredState() {
        Tenant t = tenantWithBtcHistory("reco");
        t.asIntegrator().queryParam("from", "2024-12-30").get("/api/v1/market/history/BTC").then().statusCode(200)
                .body("date", org.hamcrest.Matchers.contains("2024-12-30", "2024-12-31"))
                .body("[1].close", equalTo(Float.parseFloat(btcLines.get(btcLines.size() - 1).split(",")[4])));

        JsonPath first = recommendations(t);
        assertThat(first.getString("model")).isEqualTo("champion");
        assertThat(first.getList("recommendations.asset")).containsExactly("BTC");
        assertThat(first.getList("notComputed.asset")).containsExactly("ETH");
        assertThat(first.getString("notComputed[0].reason")).contains("not enough daily history");
        Map<String, Object> r1 = first.getMap("recommendations[0]");
        assertConsistent(r1);
        assertThat(r1.get("date")).isEqualTo("2025-01-01");
        assertThat(r1.get("lastBarDate")).isEqualTo(LAST);
        assertThat(r1.get("forecastModel")).as("the champion chosen by validation QLIKE")
                .isIn("GARCH", "GARCH_T", "HAR", "HAR_LEVEL", "XGB", "CART", "SGD");
        assertThat(r1.get("fallbackReason")).isNull();
        assertThat(r1.get("live")).isNull();
        assertThat(r1.get("decision")).as("nothing live: a first recommendation is a proposal").isEqualTo("PROPOSAL");
        Map<String, Object> floor = (Map<String, Object>) r1.get("floor");
        assertThat(floor.get("mode")).isEqualTo("LONG_LOOKBACK");
        assertThat(((Number) floor.get("mmf")).floatValue()).isGreaterThan(0f);
        assertThat(params(r1, "recommended").get("mmf")).isGreaterThanOrEqualTo(
                ((Number) floor.get("mmf")).floatValue() * 0.9999f);
        assertThat(r1.get("bars")).isEqualTo(btcLines.size());

        // the same day and history again: the stored recommendation, not a new one compounding the change limit
        Map<String, Object> again = recommendations(t).getMap("recommendations[0]");
        assertThat(again.get("reused")).isEqualTo(true);
        assertThat(again.get("recommended")).isEqualTo(r1.get("recommended"));
        assertThat(r1.get("reused")).isEqualTo(false);

        // the next day: the first recommendation's stored state is live, and each change is capped
        t.asIntegrator().body(Map.of("bars", List.of(bar(nextLine)))).put("/api/v1/market/history/BTC").then()
                .statusCode(200);
        Map<String, Object> r2 = recommendations(t).getMap("recommendations[0]");
        assertConsistent(r2);
        assertThat(r2.get("date")).isEqualTo("2025-01-02");
        assertThat(r2.get("reused")).isEqualTo(false);
        assertLiveIs(r2, r1);
        Map<String, Float> live = params(r2, "live");
        Map<String, Float> rec2 = params(r2, "recommended");
        boolean allWithinAutoApply = true;
        for (var e : rec2.entrySet()) {
            float l = live.get(e.getKey());
            assertThat(e.getValue()).as(e.getKey()).isBetween(l * 0.9f * 0.9999f, l * 1.1487f * 1.0001f);
            allWithinAutoApply &= Math.abs(e.getValue() / l - 1) <= 0.25 + 1e-6;
        }
        assertThat(r2.get("decision")).isEqualTo(allWithinAutoApply ? "AUTO_APPLY" : "PROPOSAL");

        // that day's bar corrected: remade from the state that fed the day's first recommendation (still r1's)
        Map<String, Object> corrected = bar(nextLine);
        corrected.put("volume", ((Double) corrected.get("volume")) + 1);
        t.asIntegrator().body(Map.of("bars", List.of(corrected))).put("/api/v1/market/history/BTC").then()
                .statusCode(200);
        Map<String, Object> r3 = recommendations(t).getMap("recommendations[0]");
        assertThat(r3.get("reused")).isEqualTo(false);
        assertThat(r3.get("date")).isEqualTo("2025-01-02");
        assertLiveIs(r3, r1);

        // recommendations never touch live risk parameters
        t.asAdmin().get("/api/v1/assets/" + btcId(t) + "/risk-parameters").then().statusCode(200)
                .body("size()", equalTo(1)).body("[0].parameters.maintenanceMarginFraction", equalTo(0.05f));

        // asking for one asset answers only it
        t.asAdmin().queryParam("asset", "ETH").get("/api/v1/risk/recommendations").then().statusCode(200)
                .body("recommendations", hasSize(0)).body("notComputed.asset", org.hamcrest.Matchers.contains("ETH"));
    }

    private static void assertLiveIs(Map<String, Object> rec, Map<String, Object> earlier) {
        Map<String, Float> live = params(rec, "live");
        Map<String, Float> before = params(earlier, "recommended");
        live.forEach((k, v) -> assertThat(v).as(k).isCloseTo(before.get(k), within(1e-6f)));
    }

    private static String btcId(Tenant t) {
        return t.asAdmin().get("/api/v1/assets").then().statusCode(200).extract().jsonPath()
                .getString("find { it.symbol == 'BTC' }.id");
    }

    @Test
    void badRowsAreAllListedAndNothingIsWritten() {
        Tenant t = TestTenants.onboard("reco-bad");
        TestTenants.asset(t, "BTC");
        List<Map<String, Object>> bars = new ArrayList<>();
        bars.add(Map.of("date", "2024-01-01", "open", 100, "high", 110, "low", 90, "close", 105, "volume", 1));
        bars.add(Map.of("date", "2024-01-02", "open", 100, "high", 99, "low", 90, "close", 95, "volume", 1));
        bars.add(Map.of("date", "2024-01-03", "open", 100, "high", 110, "low", 0, "close", 105, "volume", 1));
        bars.add(Map.of("date", "2024-01-01", "open", 100, "high", 110, "low", 90, "close", 105, "volume", 1));
        bars.add(Map.of("date", "2024-01-05", "open", 100, "high", 110, "low", 101, "close", 105, "volume", 1));
        bars.add(Map.of("date", "2024-01-06", "open", 100, "high", 110, "low", 90, "volume", 1));
        t.asIntegrator().body(Map.of("bars", bars)).put("/api/v1/market/history/BTC").then().statusCode(400)
                .contentType("application/problem+json")
                .body("errors.index", org.hamcrest.Matchers.contains(1, 2, 3, 4, 5))
                .body("errors[0].message", containsString("high"))
                .body("errors[2].message", containsString("duplicate date 2024-01-01"));
        t.asIntegrator().contentType("text/csv").body("timestamp,open,high,low,close,volume\n"
                        + "2024-01-01,100,110,90,105,1\n2024-01-02,NaN,110,90,105,1\n2024-01-03,100,x,90,105,1\n")
                .put("/api/v1/market/history/BTC").then().statusCode(400)
                .contentType("application/problem+json").body("errors", hasSize(2));
        t.asIntegrator().body(Map.of("bars", List.of())).put("/api/v1/market/history/BTC").then().statusCode(400);
        t.asIntegrator().get("/api/v1/market/history/BTC").then().statusCode(200).body("", hasSize(0));
        t.asIntegrator().queryParam("from", "2024-02-01").queryParam("to", "2024-01-01")
                .get("/api/v1/market/history/BTC").then().statusCode(400);
    }

    @Test
    void viewerAndRiskCommitteeReadRecommendationsButCannotWriteHistory() {
        Tenant t = TestTenants.onboard("reco-roles");
        TestTenants.asset(t, "BTC");
        for (String role : List.of("viewer", "risk-committee")) {
            KeycloakAdmin.CreatedClient client = keycloak.createTenantClient(t.slug() + "-" + role,
                    java.util.UUID.fromString(t.id()), List.of(role)).await().indefinitely();
            try {
                String token = TestTenants.token(client.clientId(), client.secret());
                TestTenants.bearer(token).get("/api/v1/risk/recommendations").then().statusCode(200)
                        .body("notComputed.asset", hasItem("BTC"));
                TestTenants.bearer(token).get("/api/v1/market/history/BTC").then().statusCode(200);
                TestTenants.bearer(token).body(Map.of("bars", List.of(bar(btcLines.get(0)))))
                        .put("/api/v1/market/history/BTC").then().statusCode(403);
            } finally {
                keycloak.deleteClient(client.internalId()).await().indefinitely();
            }
        }
    }

    @Test
    void unknownAssetsAre404AndTheIntegratorCannotReadRecommendations() {
        Tenant t = TestTenants.onboard("reco-404");
        TestTenants.asset(t, "BTC");
        t.asIntegrator().body(Map.of("bars", List.of(Map.of("date", "2024-01-01", "open", 1, "high", 1, "low", 1,
                        "close", 1, "volume", 0)))).put("/api/v1/market/history/NOPE").then().statusCode(404)
                .contentType("application/problem+json");
        t.asIntegrator().get("/api/v1/market/history/NOPE").then().statusCode(404);
        t.asAdmin().queryParam("asset", "NOPE").get("/api/v1/risk/recommendations").then().statusCode(404)
                .contentType("application/problem+json");
        t.asIntegrator().get("/api/v1/risk/recommendations").then().statusCode(403);
        t.asAdmin().get("/api/v1/risk/recommendations").then().statusCode(200)
                .body("recommendations", hasSize(0)).body("notComputed.asset", hasItem("BTC"));
    }
}
