package io.ballast.risk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.ballast.risk.support.BallastServersResource;
import io.ballast.risk.support.TestTenants;
import io.ballast.risk.support.TestTenants.Tenant;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Closing an account (issue 12): an account that holds an open position, a cross balance or isolated collateral is
 * refused with a 409 problem naming each holding, and every account that still holds anything stays in the tenant
 * summary, whether it is answered from the hot book (bulk book and per-account pools) or from the database.
 */
@QuarkusTest
@QuarkusTestResource(BallastServersResource.class)
class AccountClosingTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @Test
    void anAccountThatHoldsAnythingIsRefusedNamingItAndStaysInEverySummary() throws Exception {
        Tenant t = TestTenants.onboard("closing");
        String u = "C" + UUID.randomUUID().toString().substring(0, 8).toUpperCase();
        TestTenants.perpetualMarket(t, u);

        // a CROSS account with a position and a balance
        String cross = account(t, "0xHOLD", "CROSS");
        deposit(t, cross, "USDT", "10000");
        t.asIntegrator().body(Map.of("quantity", "1.5", "entryPrice", "60000"))
                .put("/api/v1/accounts/" + cross + "/positions/" + u + "-PERP").then().statusCode(200);
        // an ISOLATED account whose only holding is collateral allocated to a pool
        String iso = account(t, "0xISO", "ISOLATED");
        deposit(t, iso, "USDT", "500");
        t.asIntegrator().body(Map.of("asset", "USDT", "amount", "500")).post("/api/v1/accounts/" + iso
                + "/isolated-pools/" + u + "-PERP/transfers-in").then().statusCode(201);
        // a CROSS account with a balance only
        String cash = account(t, "0xCASH", "CROSS");
        deposit(t, cash, "USDT", "7");

        close(t, cross).then().statusCode(409).contentType("application/problem+json")
                .body("title", equalTo("Account Not Empty"))
                .body("detail", containsString("1 open position(s) and 1 non-zero balance(s) (position " + u
                        + "-PERP 1.5; balance 10000 USDT)"))
                .body("errors.field", equalTo(List.of("positions[" + u + "-PERP]", "balances[USDT]")));
        close(t, iso).then().statusCode(409).body("title", equalTo("Account Not Empty"))
                .body("errors.field", equalTo(List.of("isolatedPools[" + u + "-PERP].balances[USDT]")))
                .body("errors.message", equalTo(List.of("isolated balance of 500")));
        close(t, cash).then().statusCode(409).body("errors.field", equalTo(List.of("balances[USDT]")));
        for (String a : List.of(cross, iso, cash)) {
            t.asIntegrator().get("/api/v1/accounts/" + a).then().statusCode(200).body("status", equalTo("ACTIVE"));
        }

        // a suspended account that holds a position still counts
        t.asIntegrator().body(Map.of("status", "SUSPENDED")).patch("/api/v1/accounts/" + cross).then()
                .statusCode(200);
        assertSummaries(t, 3);

        // emptied, an account closes and leaves the summaries
        t.asIntegrator().body(Map.of("asset", "USDT", "amount", "7", "externalRef", TestTenants.ref()))
                .post("/api/v1/accounts/" + cash
                + "/withdrawals").then().statusCode(201);
        close(t, cash).then().statusCode(200).body("status", equalTo("CLOSED"));
        assertSummaries(t, 2);
    }

    /** The hot summary (once the book has applied the changes) and the database summary both count these accounts. */
    private static void assertSummaries(Tenant t, int accounts) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        JsonPath hot = summary(t, "");
        while (System.nanoTime() < deadline && !("hot-book".equals(hot.getString("answeredFrom"))
                && hot.getInt("accounts") == accounts)) {
            Thread.sleep(200);
            hot = summary(t, "");
        }
        assertThat(hot.getString("answeredFrom")).isEqualTo("hot-book");
        assertThat(hot.getInt("accounts")).isEqualTo(accounts);
        assertThat(hot.getList("notComputed")).isEmpty();
        JsonPath db = summary(t, "?from=database");
        assertThat(db.getInt("accounts")).isEqualTo(accounts);
        assertThat(db.getList("notComputed")).isEmpty();
        assertThat(hot.getDouble("totalEquityUsd")).isCloseTo(db.getDouble("totalEquityUsd"), within(1e-6));
        assertThat(db.getDouble("totalMaintenanceMarginUsd")).isPositive();
    }

    private static JsonPath summary(Tenant t, String query) {
        return t.asIntegrator().get("/api/v1/margin/summary" + query).then().statusCode(200).extract().jsonPath();
    }

    private static io.restassured.response.Response close(Tenant t, String account) {
        return t.asIntegrator().body(Map.of("status", "CLOSED")).patch("/api/v1/accounts/" + account);
    }

    private static String account(Tenant t, String externalId, String mode) {
        return t.asIntegrator().body(Map.of("externalId", externalId, "marginMode", mode)).post("/api/v1/accounts")
                .then().statusCode(201).extract().path("id");
    }

    private static void deposit(Tenant t, String account, String asset, String amount) {
        t.asIntegrator().body(Map.of("asset", asset, "amount", amount, "externalRef", TestTenants.ref()))
                .post("/api/v1/accounts/" + account
                + "/deposits").then().statusCode(201);
    }
}
