package io.ballast.risk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;

import io.ballast.predictive.GuardrailSettings;
import io.ballast.risk.domain.TenantId;
import io.ballast.risk.recommendation.repository.RunRepository;
import io.ballast.risk.recommendation.service.LeaseHeartbeat;
import io.ballast.risk.recommendation.service.RecommendationJob;
import io.ballast.risk.security.KeycloakAdmin;
import io.ballast.risk.support.BallastServersResource;
import io.ballast.risk.support.SettingsRows;
import io.ballast.risk.support.TestTenants;
import io.ballast.risk.support.TestTenants.Tenant;
import io.ballast.risk.tenancy.rls.RowSecurity;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Daily history and predictive-margin recommendations through the API with real tokens: three years of real BTC
 * daily bars (2022-01-01..2024-12-31, read from the shared market data) uploaded as JSON and CSV; recommendation runs
 * started by the tenant admin (202, polled, rate-limited) that train and register a champion once and forecast from
 * it; recommendations compared with the parameters in force; the daily run executed once when two instances race;
 * reads that write nothing; bad rows and unknown assets refused.
 */
@QuarkusTest
@QuarkusTestResource(BallastServersResource.class)
class RecommendationApiTest {

    @jakarta.inject.Inject
    KeycloakAdmin keycloak;

    @jakarta.inject.Inject
    Pool pool;

    @jakarta.inject.Inject
    RecommendationJob job;

    @jakarta.inject.Inject
    RunRepository runRepository;

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

    /** Starts a run as the tenant admin (asserting 202 and its Location) and returns its id. */
    private static String startRun(Tenant t) {
        var r = t.asAdmin().post("/api/v1/risk/recommendations/runs").then().statusCode(202)
                .body("kind", equalTo("MANUAL")).extract();
        String id = r.path("id");
        assertThat(r.header("Location")).endsWith("/api/v1/risk/recommendations/runs/" + id);
        return id;
    }

    /** Polls a run until it ended (the job runs it in the background) and returns it. */
    static JsonPath awaitRun(Tenant t, String id) {
        for (int i = 0; i < 2400; i++) {
            JsonPath run = t.asAdmin().get("/api/v1/risk/recommendations/runs/" + id).then().statusCode(200)
                    .extract().jsonPath();
            if (List.of("SUCCEEDED", "FAILED").contains(run.getString("status"))) {
                return run;
            }
            sleep(250);
        }
        throw new AssertionError("run " + id + " did not end");
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static JsonPath runAndRead(Tenant t) {
        JsonPath run = awaitRun(t, startRun(t));
        assertThat(run.getString("status")).as(run.prettify()).isEqualTo("SUCCEEDED");
        return recommendations(t);
    }

    /** Rows the recommendation capability holds for a tenant, per table. */
    private Map<String, Long> rows(Tenant t) {
        Map<String, Long> out = new LinkedHashMap<>();
        for (String table : List.of("margin_recommendation", "recommendation_run", "forecast_model",
                "vol_forecast")) {
            out.put(table, RowSecurity.queryAcrossTenants(pool, "select count(*) from " + table
                    + " where tenant_id = $1", Tuple.of(UUID.fromString(t.id()))).await().indefinitely().iterator()
                    .next().getLong(0));
        }
        return out;
    }

    private List<List<Object>> registered(Tenant t) {
        List<List<Object>> out = new ArrayList<>();
        RowSecurity.queryAcrossTenants(pool, "select horizon_days, version, model from forecast_model "
                        + "where tenant_id = $1 order by horizon_days, version", Tuple.of(UUID.fromString(t.id())))
                .await().indefinitely()
                .forEach(r -> out.add(List.of(r.getInteger(0), r.getInteger(1), r.getString(2))));
        return out;
    }

    private static void assertConsistent(Map<String, Object> rec) {
        Map<String, Float> p = params(rec, "recommended");
        p.values().forEach(v -> assertThat(Double.isFinite(v)).isTrue());
        assertThat(p.get("mmf")).isBetween(0.01f, 0.5f);
        assertThat(p.get("imf")).isGreaterThanOrEqualTo(p.get("mmf"));
        assertThat(p.get("haircut")).isBetween(0f, 0.9f);
        assertThat(p.get("scanRange")).isGreaterThan(0f);
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

    /** The asset's parameters in force: the risk_parameter row (mmf 0.05, imf 0.1, haircut 0.1), engine defaults. */
    private static void assertLiveIsInForce(Map<String, Object> rec) {
        Map<String, Float> live = params(rec, "live");
        assertThat(live).containsEntry("mmf", 0.05f).containsEntry("imf", 0.1f).containsEntry("haircut", 0.1f)
                .containsEntry("scanRange", 0.15f).containsEntry("volShockUp", 0.45f)
                .containsEntry("volShockDown", 0.3f);
        assertThat(rec.get("liveVersion")).isEqualTo(1);
    }

    /**
     * Each parameter within the daily change cap of the parameters in force, except the IMF, which the default regime
     * settings leave uncapped (new risk moves to its target at once; docs/predictive-margin.md) but never below the
     * MMF; decision by the auto-apply bound.
     */
    private static void assertCappedAgainstLive(Map<String, Object> rec) {
        Map<String, Float> live = params(rec, "live");
        Map<String, Float> recommended = params(rec, "recommended");
        assertThat(io.ballast.predictive.RegimeSettings.defaults().capInitialMargin()).as("IMF capped by default").isFalse();
        assertThat(recommended.get("imf")).as("imf").isGreaterThanOrEqualTo(recommended.get("mmf"));
        boolean allWithinAutoApply = true;
        for (var e : recommended.entrySet()) {
            float l = live.get(e.getKey());
            if (!"imf".equals(e.getKey())) {
                assertThat(e.getValue()).as(e.getKey()).isBetween(l * 0.9f * 0.9999f, l * 1.1487f * 1.0001f);
            }
            allWithinAutoApply &= Math.abs(e.getValue() / l - 1)
                    <= GuardrailSettings.defaults().autoApplyMaxChange() + 1e-6;
        }
        assertThat(rec.get("decision")).isEqualTo(allWithinAutoApply ? "AUTO_APPLY" : "PROPOSAL");
    }

    @Test
    @SuppressWarnings("unchecked")
    void aRunForecastsFromTheRegisteredChampionAndComparesWithTheParametersInForce() {
        Tenant t = tenantWithBtcHistory("reco");
        t.asIntegrator().queryParam("from", "2024-12-30").get("/api/v1/market/history/BTC").then().statusCode(200)
                .body("date", org.hamcrest.Matchers.contains("2024-12-30", "2024-12-31"))
                .body("[1].close", equalTo(Float.parseFloat(btcLines.get(btcLines.size() - 1).split(",")[4])));

        // reading computes and writes nothing
        JsonPath before = recommendations(t);
        assertThat(before.getList("recommendations")).isEmpty();
        assertThat(before.getString("notComputed.find { it.asset == 'BTC' }.reason")).contains("no recommendation yet");
        assertThat(before.getString("notComputed.find { it.asset == 'ETH' }.reason"))
                .contains("not enough daily history");
        assertThat(rows(t).values()).containsOnly(0L);

        // a run: 202, one in flight at a time, then it completes
        String runId = startRun(t);
        t.asAdmin().post("/api/v1/risk/recommendations/runs").then().statusCode(429)
                .contentType("application/problem+json").header("Retry-After", org.hamcrest.Matchers.notNullValue())
                .body("detail", containsString("already pending or running"));
        JsonPath run = awaitRun(t, runId);
        assertThat(run.getString("status")).as(run.prettify()).isEqualTo("SUCCEEDED");
        assertThat(run.getString("result.assets.find { it.asset == 'BTC' }.outcome")).isEqualTo("RECOMMENDED");
        assertThat(run.getInt("result.assets.find { it.asset == 'BTC' }.modelVersion")).isEqualTo(1);
        assertThat(run.getString("result.assets.find { it.asset == 'ETH' }.outcome")).isEqualTo("NOT_COMPUTED");
        List<List<Object>> models = registered(t);
        assertThat(models).as("one champion per MPOR (1 and 2 days), version 1").hasSize(2)
                .allSatisfy(m -> assertThat(m.get(1)).isEqualTo(1));

        JsonPath first = recommendations(t);
        assertThat(first.getString("model")).isEqualTo("champion");
        assertThat(first.getList("recommendations.asset")).containsExactly("BTC");
        assertThat(first.getList("notComputed.asset")).containsExactly("ETH");
        Map<String, Object> r1 = first.getMap("recommendations[0]");
        assertConsistent(r1);
        assertThat(r1.get("runId")).isEqualTo(runId);
        assertThat(r1.get("date")).isEqualTo("2025-01-01");
        assertThat(r1.get("lastBarDate")).isEqualTo(LAST);
        assertThat(r1.get("bars")).isEqualTo(btcLines.size());
        assertThat(r1.get("modelVersion")).isEqualTo(1);
        assertThat(r1.get("forecastModel")).as("the champion chosen by validation QLIKE")
                .isIn("EWMA", "GARCH", "GARCH_T", "HAR", "HAR_LEVEL", "XGB", "CART", "SGD");
        assertThat(r1.get("fallbackReason")).isNull();
        assertThat((List<Map<String, Object>>) r1.get("forecasts")).hasSize(2)
                .allSatisfy(f -> assertThat(f.get("modelVersion")).isEqualTo(1))
                .extracting(f -> f.get("model")).containsExactlyElementsOf(models.stream().map(m -> m.get(2)).toList());
        Map<String, Object> floor = (Map<String, Object>) r1.get("floor");
        assertThat(floor.get("mode")).isEqualTo("LONG_LOOKBACK");
        assertLiveIsInForce(r1);
        assertCappedAgainstLive(r1);
        assertThat(rows(t)).containsEntry("margin_recommendation", 1L).containsEntry("vol_forecast", 2L);
        // governance received it: beyond the auto-apply bound it is an open proposal of the model, linked to it
        if ("PROPOSAL".equals(r1.get("decision"))) {
            t.asAdmin().queryParam("status", "OPEN").get("/api/v1/governance/proposals").then().statusCode(200)
                    .body("find { it.recommendationId == '" + r1.get("id") + "' }.origin",
                            equalTo("RECOMMENDATION"));
        }

        // the next day: forecast from the same registered version (no new registration), and compared with the
        // parameters in force, not with r1 (a proposal nobody approved is not the base of the next cap)
        t.asIntegrator().body(Map.of("bars", List.of(bar(nextLine)))).put("/api/v1/market/history/BTC").then()
                .statusCode(200);
        Map<String, Object> r2 = runAndRead(t).getMap("recommendations[0]");
        assertConsistent(r2);
        assertThat(r2.get("date")).isEqualTo("2025-01-02");
        assertThat(r2.get("modelVersion")).isEqualTo(1);
        assertThat(registered(t)).as("forecasting registered nothing new").isEqualTo(models);
        assertLiveIsInForce(r2);
        assertCappedAgainstLive(r2);
        assertThat(RowSecurity.queryAcrossTenants(pool, "select count(*) from vol_forecast where tenant_id = $1 "
                        + "and as_of = $2 and model_version = 1", Tuple.of(UUID.fromString(t.id()),
                        java.time.LocalDate.parse("2025-01-01")))
                .await().indefinitely().iterator().next().getLong(0)).isEqualTo(2L);

        // that day's bar corrected: remade, still against the parameters in force
        Map<String, Object> corrected = bar(nextLine);
        corrected.put("volume", ((Double) corrected.get("volume")) + 1);
        t.asIntegrator().body(Map.of("bars", List.of(corrected))).put("/api/v1/market/history/BTC").then()
                .statusCode(200);
        Map<String, Object> r3 = runAndRead(t).getMap("recommendations[0]");
        assertThat(r3.get("id")).isNotEqualTo(r2.get("id"));
        assertThat(r3.get("date")).isEqualTo("2025-01-02");
        assertLiveIsInForce(r3);
        assertThat(rows(t)).containsEntry("margin_recommendation", 3L).containsEntry("forecast_model", 2L);

        // three manual runs this hour (the test allowance): the fourth is refused with a wait
        String retryAfter = t.asAdmin().post("/api/v1/risk/recommendations/runs").then().statusCode(429)
                .contentType("application/problem+json").body("status", equalTo(429))
                .body("detail", containsString("in the last hour")).extract().header("Retry-After");
        assertThat(Long.parseLong(retryAfter)).isBetween(1L, 3600L);

        // recommendations never touch live risk parameters
        t.asAdmin().get("/api/v1/assets/" + btcId(t) + "/risk-parameters").then().statusCode(200)
                .body("size()", equalTo(1)).body("[0].parameters.maintenanceMarginFraction", equalTo(0.05f));

        // asking for one asset answers only it
        t.asAdmin().queryParam("asset", "ETH").get("/api/v1/risk/recommendations").then().statusCode(200)
                .body("recommendations", hasSize(0)).body("notComputed.asset", org.hamcrest.Matchers.contains("ETH"));
    }

    /** A tenant with BTC's history to 2024-12-31 and a synthetic 20 % fall on 2025-01-01 (MMF 5 % in force). */
    private static Tenant tenantWithACrash(String prefix) {
        Tenant t = tenantWithBtcHistory(prefix);
        double open = Double.parseDouble(btcLines.get(btcLines.size() - 1).split(",")[4]);
        Map<String, Object> crash = Map.of("date", "2025-01-01", "open", open, "high", open * 1.002, "low",
                open * 0.79, "close", open * 0.8, "volume", 100000.0);
        t.asIntegrator().body(Map.of("bars", List.of(crash))).put("/api/v1/market/history/BTC").then()
                .statusCode(200).body("lastDate", equalTo("2025-01-01"));
        return t;
    }

    @SuppressWarnings("unchecked")
    private static double recommendedMmf(Map<String, Object> rec) {
        return ((Number) ((Map<String, Object>) rec.get("recommended")).get("mmf")).doubleValue();
    }

    /**
     * The daily job recommends with each tenant's own regime settings (V80, docs/predictive-margin.md section 7):
     * two tenants with the same history ending in a 20 % fall and the same MMF in force (5 %) differ only in BTC's
     * regime settings. With the defaults the fall is an exception against the 5 % in force: stress, the daily cap is
     * released to +100 %. The other tenant's BTC settings (an ASSET version written straight to PostgreSQL) say
     * exceptions do not declare stress and k = 1000, so the normal cap (+14.87 %) holds.
     */
    @Test
    @SuppressWarnings("unchecked")
    void twoTenantsWithDifferentRegimeSettingsGetDifferentRecommendationsOnAStressDay() {
        Tenant defaults = tenantWithACrash("regime-a");
        Tenant calm = tenantWithACrash("regime-b");
        String btc = calm.asIntegrator().get("/api/v1/assets").then().statusCode(200).extract().jsonPath()
                .getString("find { it.symbol == 'BTC' }.id");
        SettingsRows.assetVersion(pool, TenantId.of(UUID.fromString(calm.id())), UUID.fromString(btc),
                Map.of("exception_trigger", false, "stress_trigger_ratio", 1000));

        Map<String, Object> a = runAndRead(defaults).getMap("recommendations.find { it.asset == 'BTC' }");
        Map<String, Object> b = runAndRead(calm).getMap("recommendations.find { it.asset == 'BTC' }");
        assertThat(a.get("date")).isEqualTo("2025-01-02");
        assertThat(b.get("date")).isEqualTo("2025-01-02");
        assertThat((List<String>) a.get("bindingGuardrails")).contains("stress-release");
        assertThat((List<String>) a.get("evidence")).anyMatch(l -> l.startsWith("STRESS: exception"));
        assertThat((List<String>) b.get("bindingGuardrails")).doesNotContain("stress-release");
        // JSON numbers are read as float here: about 7 significant digits
        assertThat(recommendedMmf(b)).isCloseTo(0.05 * (1 + GuardrailSettings.FIVE_DAY_DOUBLING_DAILY),
                org.assertj.core.data.Offset.offset(1e-7));
        assertThat(recommendedMmf(a)).isGreaterThan(recommendedMmf(b) * 1.2).isLessThanOrEqualTo(0.10 + 1e-7);
    }

    /** A tenant with the BTC history to 2024-12-31, MMF 5 % in force and the recommendation of that close made. */
    private Tenant tenantWithACloseRecommendation(String prefix) {
        Tenant t = tenantWithBtcHistory(prefix);
        Map<String, Object> close = runAndRead(t).getMap("recommendations.find { it.asset == 'BTC' }");
        assertThat(close.get("date")).isEqualTo("2025-01-01");
        return t;
    }

    /** Index prices of BTC on 2025-01-01 written to the market_price history, one per hour from 00:30 UTC. */
    private void indexPricesOn20250101(Tenant t, double... prices) {
        UUID tenant = UUID.fromString(t.id());
        UUID btc = UUID.fromString(t.asIntegrator().get("/api/v1/assets").then().statusCode(200).extract().jsonPath()
                .getString("find { it.symbol == 'BTC' }.id"));
        java.time.Instant first = java.time.Instant.parse("2025-01-01T00:30:00Z");
        for (int i = 0; i < prices.length; i++) {
            RowSecurity.query(pool, TenantId.of(tenant), "insert into market_price (id, tenant_id, asset_id, "
                    + "index_price_usd, observed_at, source) values (gen_random_uuid(), $1, $2, $3, $4, 'oracle')",
                    Tuple.of(tenant, btc, java.math.BigDecimal.valueOf(prices[i]),
                            first.plusSeconds(3600L * i).atOffset(java.time.ZoneOffset.UTC)))
                    .await().atMost(java.time.Duration.ofSeconds(30));
        }
    }

    /** The tenant's BTC MMF in force now (the latest effective ASSET version). */
    private double mmfInForce(Tenant t) {
        return RowSecurity.queryAcrossTenants(pool, "select p.maintenance_margin_fraction from risk_parameter p "
                        + "join asset a on a.id = p.target_id and a.tenant_id = p.tenant_id where p.tenant_id = $1 "
                        + "and p.scope = 'ASSET' and a.symbol = 'BTC' and p.effective_from <= now() "
                        + "order by p.effective_from desc, p.version desc limit 1",
                        Tuple.of(UUID.fromString(t.id()))).await().indefinitely().iterator().next()
                .getBigDecimal(0).doubleValue();
    }

    private List<io.vertx.core.json.JsonObject> intraday(Tenant t, String at) {
        return job.intraday(UUID.fromString(t.id()), "BTC", java.time.Instant.parse(at)).await().indefinitely();
    }

    /**
     * Intraday re-margining (docs/predictive-margin.md section 7): after the close of 2024-12-31, BTC's index price
     * falls 18 % in four hours. The intraday pass (triggered here as the hourly schedule does, at 04:05 UTC) takes the
     * close's forecasts, the variance realised since the close from the hourly index prices, and the engine raises
     * the MMF: stored, handed to governance (applied or proposed per the tenant's threshold) and marked intraday. A
     * calm path raises nothing and writes nothing. A tenant whose intradayHalfWeightHours is very large gives the
     * realised variance almost no weight, so its MMF rises less (the per-tenant setting has an effect).
     */
    @Test
    @SuppressWarnings("unchecked")
    void anIntradayFallRaisesTheMarginAndACalmPathChangesNothing() {
        Tenant crash = tenantWithACloseRecommendation("intra-crash");
        Tenant slow = tenantWithACloseRecommendation("intra-slow");
        Tenant calm = tenantWithACloseRecommendation("intra-calm");
        String slowBtc = slow.asIntegrator().get("/api/v1/assets").then().statusCode(200).extract().jsonPath()
                .getString("find { it.symbol == 'BTC' }.id");
        SettingsRows.assetVersion(pool, TenantId.of(UUID.fromString(slow.id())), UUID.fromString(slowBtc),
                Map.of("intraday_half_weight_hours", 1.0e6));
        double close = lastClose();
        double[] fall = {close * 0.97, close * 0.92, close * 0.87, close * 0.82};
        indexPricesOn20250101(crash, fall);
        indexPricesOn20250101(slow, fall);
        indexPricesOn20250101(calm, close * 1.001, close * 0.9995, close * 1.0005, close * 1.0);

        // no price since the close yet: nothing happens
        assertThat(intraday(crash, "2025-01-01T00:20:00Z")).singleElement()
                .satisfies(o -> assertThat(o.getString("outcome")).isEqualTo("NO_PRICES"));
        int before = recommendationCount(crash);
        double crashMmfBefore = mmfInForce(crash);

        List<io.vertx.core.json.JsonObject> out = intraday(crash, "2025-01-01T04:05:00Z");
        assertThat(out).singleElement().satisfies(o -> assertThat(o.getString("outcome")).as(o.encode())
                .isEqualTo("RECOMMENDED"));
        assertThat(recommendationCount(crash)).isEqualTo(before + 1);
        Map<String, Object> rec = recommendations(crash).getMap("recommendations.find { it.asset == 'BTC' }");
        assertThat(rec.get("date")).isEqualTo("2025-01-01");
        assertThat((List<String>) rec.get("bindingGuardrails")).contains("intraday-update");
        assertThat((List<String>) rec.get("evidence")).first().asString().startsWith("intraday re-margining")
                .contains("4 hourly index prices").contains("over 4 h");
        double raised = recommendedMmf(rec);
        assertThat(raised).isGreaterThan(crashMmfBefore * 1.01);
        if ("AUTO_APPLY".equals(rec.get("decision"))) {
            assertThat(mmfInForce(crash)).isCloseTo(raised, org.assertj.core.data.Offset.offset(1e-6));
        } else {
            assertThat(rec.get("decision")).isEqualTo("PROPOSAL");
            assertThat(crash.asAdmin().queryParam("status", "OPEN").get("/api/v1/governance/proposals").then()
                    .statusCode(200).extract().jsonPath().getList("findAll { it.recommendationId == '"
                            + rec.get("id") + "' }")).hasSize(1);
        }
        // the same pass again (another instance, or the schedule firing twice) stores nothing new
        assertThat(intraday(crash, "2025-01-01T04:05:00Z")).singleElement()
                .satisfies(o -> assertThat(o.getString("outcome")).isIn("REUSED", "NO_RAISE"));
        assertThat(recommendationCount(crash)).isEqualTo(before + 1);

        // a calm path: nothing raised, nothing written
        int calmBefore = recommendationCount(calm);
        double calmMmf = mmfInForce(calm);
        assertThat(intraday(calm, "2025-01-01T04:05:00Z")).singleElement()
                .satisfies(o -> assertThat(o.getString("outcome")).as(o.encode()).isEqualTo("NO_RAISE"));
        assertThat(recommendationCount(calm)).isEqualTo(calmBefore);
        assertThat(mmfInForce(calm)).isEqualTo(calmMmf);

        // the same fall for a tenant whose realised variance weighs one half only after a million hours
        // (the 18 % move is an exception against the 5 % in force for both, so both release the cap; the realised
        // variance weighs 4 / (4 + 6) = 0.40 with the default and nothing with 10^6 hours, so the slow tenant's MMF
        // comes from the close's forecast alone and stays lower)
        assertThat((List<String>) rec.get("evidence")).anyMatch(l -> l.startsWith("intraday update after 4 h")
                && l.contains("weight 0.40"));
        List<io.vertx.core.json.JsonObject> slowOut = intraday(slow, "2025-01-01T04:05:00Z");
        Map<String, Object> slowRec = recommendations(slow).getMap("recommendations.find { it.asset == 'BTC' }");
        double slowMmf = "RECOMMENDED".equals(slowOut.get(0).getString("outcome")) ? recommendedMmf(slowRec)
                : mmfInForce(slow);
        assertThat(slowMmf).as(slowOut.toString()).isLessThan(raised - 1e-4);
        if ("RECOMMENDED".equals(slowOut.get(0).getString("outcome"))) {
            assertThat((List<String>) slowRec.get("evidence")).noneMatch(l -> l.contains("weight 0.40"))
                    .anyMatch(l -> l.startsWith("intraday update after 4 h") && l.contains("weight 0.00"));
        }
    }

    private int recommendationCount(Tenant t) {
        return rows(t).get("margin_recommendation").intValue();
    }

    /** The close of 2024-12-31 in the shared BTC data. */
    private static double lastClose() {
        return Double.parseDouble(btcLines.get(btcLines.size() - 1).split(",")[4]);
    }

    @Test
    void theDailyRunHappensOncePerTenantAndDayWhenTwoInstancesRace() {
        Tenant t = TestTenants.onboard("reco-race");
        TestTenants.asset(t, "BTC");
        String csv = "timestamp,open,high,low,close,volume\n" + String.join("\n", btcLines.subList(0, 400)) + "\n";
        t.asIntegrator().contentType("text/csv").body(csv).put("/api/v1/market/history/BTC").then().statusCode(200);
        UUID tenant = UUID.fromString(t.id());
        java.time.LocalDate day = java.time.LocalDate.parse("2026-12-01");
        awaitIdleQueue();

        List<Integer> queued = Uni.join().all(job.enqueueDaily(day, tenant), job.enqueueDaily(day, tenant))
                .andFailFast().await().indefinitely();
        assertThat(queued).containsExactlyInAnyOrder(0, 1);
        List<List<UUID>> claimed = Uni.join().all(job.claimAndRun("instance-a"), job.claimAndRun("instance-b"))
                .andFailFast().await().indefinitely();

        var runs = RowSecurity.queryAcrossTenants(pool, "select id, status, attempts from recommendation_run "
                + "where tenant_id = $1 and kind = 'DAILY'", Tuple.of(tenant)).await().indefinitely();
        assertThat(runs.rowCount()).isEqualTo(1);
        var run = runs.iterator().next();
        assertThat(claimed.stream().flatMap(List::stream).filter(run.getUUID(0)::equals).count())
                .as("executed by exactly one of the two").isEqualTo(1);
        assertThat(run.getString(1)).isEqualTo("SUCCEEDED");
        assertThat(run.getInteger(2)).as("claimed once").isEqualTo(1);
        assertThat(rows(t)).containsEntry("margin_recommendation", 1L).containsEntry("vol_forecast", 2L)
                .containsEntry("forecast_model", 2L);
        // nothing in force for this asset: no base to cap against, so a proposal
        Map<String, Object> rec = recommendations(t).getMap("recommendations[0]");
        assertThat(rec.get("live")).isNull();
        assertThat(rec.get("decision")).isEqualTo("PROPOSAL");
        // the proposal's evidence carries the recommending policy replayed on this history (the service's own code)
        String proposal = t.asAdmin().queryParam("status", "OPEN").get("/api/v1/governance/proposals").then()
                .statusCode(200).extract().path("find { it.recommendationId == '" + rec.get("id") + "' }.id");
        JsonPath policy = t.asAdmin().get("/api/v1/governance/proposals/" + proposal).then().statusCode(200)
                .extract().jsonPath().setRootPath("evidence.policyCoverage");
        assertThat(policy.getString("method")).contains("replayed day by day").contains("in-sample");
        int days = policy.getInt("days");
        assertThat(days).isGreaterThan(50);
        assertThat(policy.getList("windows.windowDays", Integer.class)).containsExactly(250, 500);
        assertThat(policy.getList("windows.days", Integer.class)).containsExactly(Math.min(250, days),
                Math.min(500, days));
        assertThat(policy.getList("windows.exceptions", Integer.class)).allSatisfy(x -> assertThat(x)
                .isBetween(0, days));
        assertThat(policy.getDouble("meanMmf")).isBetween(policy.getDouble("minMmf"), policy.getDouble("maxMmf"));
        // the day-by-day series the console draws: one row per counted day, exceptions as counted
        assertThat(policy.getList("series")).hasSize(days);
        assertThat(policy.getList("series.findAll { it.exception }")).hasSize(
                policy.getInt("windows[1].exceptions"));
        assertThat(policy.getList("series.recommendedMmf", Double.class)).allSatisfy(m -> assertThat(m)
                .isBetween(policy.getDouble("minMmf"), policy.getDouble("maxMmf")));
        assertThat(policy.getDouble("realizedToForecastVarianceRatio")).isPositive();
        assertThat(Uni.join().all(job.enqueueDaily(day, tenant), job.enqueueDaily(day, tenant)).andFailFast()
                .await().indefinitely()).as("the same day again queues nothing").containsOnly(0);

        // the weekly retraining registers version 2 of both horizons; the next forecast uses it
        assertThat(job.enqueueRetrain(day, tenant).await().indefinitely()).isEqualTo(1);
        assertThat(runQueued(tenant, "RETRAIN", day)).isEqualTo("SUCCEEDED");
        assertThat(registered(t)).extracting(m -> m.get(1)).containsExactlyInAnyOrder(1, 1, 2, 2);
        t.asIntegrator().contentType("text/csv").body("timestamp,open,high,low,close,volume\n" + btcLines.get(400)
                + "\n").put("/api/v1/market/history/BTC").then().statusCode(200);
        assertThat(job.enqueueDaily(day.plusDays(1), tenant).await().indefinitely()).isEqualTo(1);
        assertThat(runQueued(tenant, "DAILY", day.plusDays(1))).isEqualTo("SUCCEEDED");
        assertThat(recommendations(t).getInt("recommendations[0].modelVersion")).isEqualTo(2);
    }

    /**
     * A run whose holder renews its lease is not taken over, however long it takes; once the holder stops renewing
     * (it died) another instance takes the run over and executes it, and the first holder finds it lost (its
     * renewals and its finish refused, its next step failing) instead of working on twice.
     */
    @Test
    void aRunWhoseLeaseIsRenewedIsNotTakenOverButOneWhoseHolderDiedIs() {
        Tenant t = TestTenants.onboard("reco-lease");
        TestTenants.asset(t, "BTC");
        String csv = "timestamp,open,high,low,close,volume\n" + String.join("\n", btcLines.subList(0, 400)) + "\n";
        t.asIntegrator().contentType("text/csv").body(csv).put("/api/v1/market/history/BTC").then().statusCode(200);
        java.time.Duration lease = java.time.Duration.ofSeconds(5);
        UUID run = claimedRun(t, java.time.LocalDate.parse("2026-11-30"), lease);

        // instance-a works (here: only renews) for three leases; instance-b keeps trying to claim
        LeaseHeartbeat heartbeat = LeaseHeartbeat.start(runRepository, run, "instance-a", lease,
                java.time.Duration.ofMillis(500));
        try {
            long until = System.nanoTime() + lease.multipliedBy(3).toNanos();
            while (System.nanoTime() < until) {
                assertThat(job.claimAndRun("instance-b").await().indefinitely()).as("taken over while renewed")
                        .isEmpty();
                sleep(250);
            }
            assertThat(heartbeat.lost()).isFalse();
            assertThat(runRow(run)).containsEntry("claimed_by", "instance-a").containsEntry("status", "RUNNING");
        } finally {
            heartbeat.close(); // instance-a dies
        }

        // once its lease runs out, instance-b takes the run over and executes it
        List<UUID> executed = List.of();
        for (int i = 0; i < 240 && executed.isEmpty(); i++) {
            sleep(250);
            executed = job.claimAndRun("instance-b").await().indefinitely();
        }
        assertThat(executed).containsExactly(run);
        assertThat(runRow(run)).containsEntry("claimed_by", "instance-b").containsEntry("status", "SUCCEEDED")
                .containsEntry("attempts", 2);
        assertThat(rows(t)).containsEntry("margin_recommendation", 1L);
        // the first holder, were it still alive, finds the run lost and stops
        LeaseHeartbeat late = LeaseHeartbeat.start(runRepository, run, "instance-a", lease,
                java.time.Duration.ofSeconds(1));
        try {
            assertThat(late.renew().await().indefinitely()).isFalse();
            assertThat(late.lost()).isTrue();
            assertThatThrownBy(() -> late.ensureHeld().await().indefinitely())
                    .isInstanceOf(LeaseHeartbeat.LeaseLost.class);
        } finally {
            late.close();
        }
        assertThat(runRepository.finish(run, "instance-a", true, null, null).await().indefinitely()).isFalse();
        assertThat(runRow(run)).containsEntry("status", "SUCCEEDED").containsEntry("claimed_by", "instance-b");
    }

    /**
     * A renewal slower than the heartbeat's interval (here the run's row is locked for a while) does not end the
     * heartbeat: the ticks due meanwhile are skipped and renewing goes on once the row is free, so the run stays held
     * long after the lease the last renewal before the lock granted. (Mutiny's ticks fail their stream when a tick
     * finds no demand; without dropping those ticks the heartbeat stopped and a live holder lost its run.)
     */
    @Test
    void aSlowRenewalDoesNotStopTheHeartbeat() {
        Tenant t = TestTenants.onboard("reco-slow-renew");
        TestTenants.asset(t, "BTC");
        java.time.Duration lease = java.time.Duration.ofSeconds(3);
        UUID run = claimedRun(t, java.time.LocalDate.parse("2026-11-29"), lease);
        LeaseHeartbeat heartbeat = LeaseHeartbeat.start(runRepository, run, "instance-a", lease,
                java.time.Duration.ofMillis(100));
        try {
            // renewals wait 1.5 s on the row lock: about 15 ticks find the heartbeat busy
            RowSecurity.acrossTenants(pool, c -> c.preparedQuery("select id from recommendation_run where id = $1 "
                    + "for update").execute(Tuple.of(run)).onItem().delayIt().by(java.time.Duration.ofMillis(1500)))
                    .await().indefinitely();
            sleep(5_000); // beyond the lease of any renewal that started before the lock was released
            assertThat(heartbeat.lost()).as("lost although its holder kept renewing").isFalse();
            assertThat(RowSecurity.queryAcrossTenants(pool, "select lease_until > clock_timestamp() from "
                    + "recommendation_run where id = $1", Tuple.of(run)).await().indefinitely().iterator().next()
                    .getBoolean(0)).as("lease still running").isTrue();
        } finally {
            heartbeat.close();
        }
        assertThat(runRepository.finish(run, "instance-a", true, null, null).await().indefinitely()).isTrue();
    }

    /** Enqueues the tenant's daily run of a day on an idle queue and claims it as instance-a; the run's id. */
    private UUID claimedRun(Tenant t, java.time.LocalDate day, java.time.Duration lease) {
        awaitIdleQueue();
        assertThat(job.enqueueDaily(day, UUID.fromString(t.id())).await().indefinitely()).isEqualTo(1);
        List<RunRepository.Run> claimed = runRepository.claim("instance-a", 1, lease, 3).await().indefinitely();
        assertThat(claimed).hasSize(1);
        return claimed.get(0).id();
    }

    private Map<String, Object> runRow(UUID run) {
        var r = RowSecurity.queryAcrossTenants(pool, "select claimed_by, status, attempts from recommendation_run "
                + "where id = $1", Tuple.of(run)).await().indefinitely().iterator().next();
        return Map.of("claimed_by", r.getString(0), "status", r.getString(1), "attempts", r.getInteger(2));
    }

    /** Claims queued runs until the tenant's run of that kind and day has ended; its status. */
    private String runQueued(UUID tenant, String kind, java.time.LocalDate day) {
        for (int i = 0; i < 2400; i++) {
            job.claimAndRun("instance-test").await().indefinitely();
            var rows = RowSecurity.queryAcrossTenants(pool, "select status from recommendation_run "
                    + "where tenant_id = $1 and kind = $2 and run_date = $3", Tuple.of(tenant, kind, day))
                    .await().indefinitely();
            String status = rows.iterator().next().getString(0);
            if (List.of("SUCCEEDED", "FAILED").contains(status)) {
                return status;
            }
            sleep(250);
        }
        throw new AssertionError(kind + " run of " + day + " did not end");
    }

    /** Waits until no run of any tenant is pending or running (so the race below has free threads to race for). */
    private void awaitIdleQueue() {
        for (int i = 0; i < 2400; i++) {
            if (RowSecurity.queryAcrossTenants(pool, "select count(*) from recommendation_run where status in "
                            + "('PENDING', 'RUNNING')", Tuple.tuple())
                    .await().indefinitely().iterator().next().getLong(0) == 0) {
                return;
            }
            sleep(250);
        }
        throw new AssertionError("recommendation runs still pending or running");
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
            KeycloakAdmin.CreatedClient client = keycloak.createTenantClient("tenant-" + t.slug() + "-" + role,
                    java.util.UUID.fromString(t.id()), List.of(role)).await().indefinitely();
            try {
                String token = TestTenants.token(client.clientId(), client.secret());
                TestTenants.bearer(token).get("/api/v1/risk/recommendations").then().statusCode(200)
                        .body("notComputed.asset", hasItem("BTC"));
                TestTenants.bearer(token).get("/api/v1/market/history/BTC").then().statusCode(200);
                TestTenants.bearer(token).post("/api/v1/risk/recommendations/runs").then().statusCode(403);
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
        t.asIntegrator().post("/api/v1/risk/recommendations/runs").then().statusCode(403);
        t.asAdmin().get("/api/v1/risk/recommendations/runs/" + UUID.randomUUID()).then().statusCode(404)
                .contentType("application/problem+json");
        t.asAdmin().get("/api/v1/risk/recommendations").then().statusCode(200)
                .body("recommendations", hasSize(0)).body("notComputed.asset", hasItem("BTC"));
    }
}
