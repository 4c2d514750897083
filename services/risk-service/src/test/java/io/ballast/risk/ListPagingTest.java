package io.ballast.risk;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ballast.risk.support.BallastServersResource;
import io.ballast.risk.support.TestTenants;
import io.ballast.risk.support.TestTenants.Tenant;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Cursor paging of every list endpoint (issue 11): the lists are found in the OpenAPI document (every GET whose 200
 * answer is a JSON array), each is filled with more rows than one page of {@code limit=1}, and walked page by page
 * through {@code Next-Cursor}: the pages together are the whole list in its order, no row missed or repeated, no page
 * larger than its limit, the last page without a cursor. A malformed cursor or limit is a 400 problem on every list;
 * a cursor of another tenant's list shows none of that tenant's rows.
 */
@QuarkusTest
@QuarkusTestResource(BallastServersResource.class)
class ListPagingTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Lists the API fills with a single row only (a target's first parameter version; later ones are proposals). */
    private static final Set<String> ONE_ROW = Set.of("/api/v1/assets/{id}/risk-parameters",
            "/api/v1/instruments/{id}/risk-parameters");

    /** Fields that change between two reads of the same row (the age of a price, the health derived from it). */
    private static final Set<String> VOLATILE = Set.of("ageSeconds", "health", "sources");

    private static Tenant t;
    private static Tenant other;
    private static Map<String, String> ids;

    @BeforeEach
    void fill() {
        if (ids != null) {
            return;
        }
        t = TestTenants.onboard("pages");
        other = TestTenants.onboard("pages-other");
        String btc = TestTenants.asset(t, "BTC");
        TestTenants.asset(t, "ETH");
        TestTenants.asset(t, "USDT");
        TestTenants.asset(other, "BTC");
        TestTenants.asset(other, "ZZZ");
        TestTenants.riskParameters(t, "assets", btc, "0.1", "0.05", "0.1");
        String perp = TestTenants.perpetual(t, "BTC-PERP", "BTC", "USDT");
        String ethPerp = TestTenants.perpetual(t, "ETH-PERP", "ETH", "USDT");
        TestTenants.perpetual(t, "BTC-PERP2", "BTC", "USDT");
        TestTenants.riskParameters(t, "instruments", perp, "0.1", "0.05", "0");
        TestTenants.riskParameters(t, "instruments", ethPerp, "0.1", "0.05", "0");
        TestTenants.prices(t, Map.of("USDT", 1, "BTC", new Object[] {60000, 0.5}, "ETH", new Object[] {3000, 0.6}));
        String a = TestTenants.account(t, "pages-a", "ISOLATED", "50000", Map.of("BTC-PERP", "1", "ETH-PERP", "2",
                "BTC-PERP2", "1"));
        TestTenants.account(t, "pages-b");
        TestTenants.account(t, "pages-c");
        for (String asset : List.of("BTC", "ETH")) {
            t.asIntegrator().body(Map.of("asset", asset, "amount", "1", "externalRef", "pages-" + asset))
                    .post("/api/v1/accounts/" + a + "/deposits").then().statusCode(201);
        }
        for (String instrument : List.of("BTC-PERP", "ETH-PERP")) {
            t.asIntegrator().body(Map.of("asset", "USDT", "amount", "1000"))
                    .header("Idempotency-Key", "in-" + instrument).post("/api/v1/accounts/" + a + "/isolated-pools/" + instrument + "/transfers-in").then()
                    .statusCode(201);
        }
        List<Map<String, Object>> bars = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            bars.add(Map.of("date", "2026-01-0" + i, "open", 1, "high", 2, "low", 1, "close", 1.5, "volume", 1));
        }
        t.asIntegrator().body(Map.of("bars", bars)).put("/api/v1/market/history/BTC").then().statusCode(200);
        for (String staleness : List.of("300", "600")) {
            t.asAdmin().body(Map.of("sources", List.of("feed", "replay"), "stalenessSeconds", staleness,
                            "maxDeviationFraction", "0.01", "maxJumpFraction", "0.25", "minPriceUsd", "1",
                            "maxPriceUsd", "10000000"))
                    .put("/api/v1/market/oracles/BTC").then().statusCode(200);
        }
        for (double mmf : List.of(0.06, 0.07)) {
            t.asAdmin().body(Map.of("asset", "BTC", "changes", Map.of("maintenanceMarginFraction", mmf), "reason",
                            "pages"))
                    .post("/api/v1/governance/proposals").then().statusCode(201);
        }
        t.asAdmin().body(Map.of("reason", "pages")).post("/api/v1/governance/freeze").then().statusCode(200);
        t.asAdmin().queryParam("reason", "pages").delete("/api/v1/governance/freeze").then().statusCode(200);
        ids = Map.of("account", a, "asset", btc, "instrument", perp);
    }

    @Test
    void everyListWalkedPageByPageIsTheWholeListWithNoRowMissedOrRepeated() throws Exception {
        List<String> lists = lists();
        assertThat(lists).as("list endpoints found in /q/openapi").hasSizeGreaterThanOrEqualTo(17);
        Set<String> walked = new TreeSet<>();
        for (String template : lists) {
            String path = path(template);
            List<JsonNode> whole = items(caller(template), path, Map.of("limit", "1000"));
            assertThat(whole).as(template + ": filled with more rows than one page")
                    .hasSizeGreaterThanOrEqualTo(ONE_ROW.contains(template) ? 1 : 2);
            List<JsonNode> pages = new ArrayList<>();
            String after = null;
            int calls = 0;
            do {
                Map<String, String> query = after == null ? Map.of("limit", "1") : Map.of("limit", "1", "after", after);
                Response r = caller(template).queryParams(query).get(path);
                assertThat(r.statusCode()).as(template + " " + query + ": " + r.asString()).isEqualTo(200);
                List<JsonNode> page = stable(JSON.readTree(r.asString()));
                assertThat(page).as(template + ": a page holds at most its limit").hasSizeLessThanOrEqualTo(1);
                pages.addAll(page);
                after = r.header("Next-Cursor");
                if (after != null) {
                    assertThat(r.header("Link")).as(template + ": Link to the next page").contains("rel=\"next\"")
                            .contains("after=");
                }
                assertThat(++calls).as(template + ": the walk ends").isLessThanOrEqualTo(whole.size() + 1);
            } while (after != null);
            assertThat(pages).as(template + ": the pages together are the whole list, in order").isEqualTo(whole);
            assertThat(new HashSet<>(pages)).as(template + ": no row twice").hasSize(pages.size());
            walked.add(template);
        }
        assertThat(walked).containsExactlyInAnyOrderElementsOf(lists);
    }

    @Test
    void aMalformedCursorOrLimitIsA400ProblemOnEveryList() throws Exception {
        for (String template : lists()) {
            String path = path(template);
            for (Map<String, String> bad : List.of(Map.of("after", "%%%not-a-cursor"), Map.of("after", "AAAA"), Map.of("after", "A"),
                    Map.of("limit", "0"), Map.of("limit", "1001"), Map.of("limit", "x"))) {
                Response r = caller(template).queryParams(bad).get(path);
                assertThat(r.statusCode()).as(template + " " + bad + ": " + r.asString()).isEqualTo(400);
                assertThat(r.contentType()).as(template + " " + bad).startsWith("application/problem+json");
            }
        }
    }

    @Test
    void aCursorOfAnotherTenantsListShowsNoneOfItsRows() {
        Response first = other.asAdmin().queryParam("limit", "1").get("/api/v1/assets");
        String cursor = first.header("Next-Cursor");
        assertThat(cursor).isNotNull();
        List<String> ownIds = t.asAdmin().queryParam("limit", "1000").get("/api/v1/assets").jsonPath().getList("id");
        Response r = t.asAdmin().queryParam("after", cursor).queryParam("limit", "1000").get("/api/v1/assets");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(ownIds).containsAll(r.jsonPath().getList("id"));
        String foreignAccount = TestTenants.account(other, "pages-foreign");
        Response accounts = t.asAdmin().queryParam("after", foreignAccount).get("/api/v1/accounts");
        assertThat(accounts.statusCode()).isEqualTo(400);
        assertThat(accounts.asString()).doesNotContain(foreignAccount.substring(0, 8) + "-");
    }

    /** Every GET of the OpenAPI document whose 200 answer is a JSON array, each declaring after and limit. */
    private static List<String> lists() throws Exception {
        JsonNode doc = JSON.readTree(given().get("/q/openapi?format=json").asString());
        List<String> out = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = doc.path("paths").fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> p = it.next();
            JsonNode get = p.getValue().path("get");
            if (get.path("responses").path("200").path("content").path("application/json").path("schema")
                    .path("type").asText().equals("array")) {
                List<String> params = new ArrayList<>();
                get.path("parameters").forEach(x -> params.add(x.path("name").asText()));
                assertThat(params).as(p.getKey() + " declares its paging parameters").contains("after", "limit");
                out.add(p.getKey());
            }
        }
        return out;
    }

    private static String path(String template) {
        String path = template.replace("{underlying}", "BTC");
        if (template.startsWith("/api/v1/accounts/")) {
            path = path.replace("{id}", ids.get("account"));
        } else if (template.startsWith("/api/v1/assets/")) {
            path = path.replace("{id}", ids.get("asset"));
        } else if (template.startsWith("/api/v1/instruments/")) {
            path = path.replace("{id}", ids.get("instrument"));
        }
        assertThat(path).as(template + ": every path parameter filled").doesNotContain("{");
        return template.endsWith("/parameters/history") ? path + "?asset=BTC" : path;
    }

    private static RequestSpecification caller(String template) {
        return template.equals("/api/v1/tenants") ? TestTenants.asPlatformAdmin() : t.asAdmin();
    }

    private static List<JsonNode> items(RequestSpecification caller, String path, Map<String, String> query)
            throws Exception {
        Response r = caller.queryParams(query).get(path);
        assertThat(r.statusCode()).as(path + ": " + r.asString()).isEqualTo(200);
        return stable(JSON.readTree(r.asString()));
    }

    private static List<JsonNode> stable(JsonNode array) {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode item : array) {
            if (item instanceof ObjectNode o) {
                o.remove(VOLATILE);
            }
            out.add(item);
        }
        return out;
    }
}
