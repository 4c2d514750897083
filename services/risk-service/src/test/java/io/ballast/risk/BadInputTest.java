package io.ballast.risk;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.startsWith;

import io.ballast.risk.support.BallastServersResource;
import io.ballast.risk.support.TestTenants;
import io.ballast.risk.support.TestTenants.Tenant;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Bad input gets a problem document saying what and where, never a 500, and changes nothing. */
@QuarkusTest
@QuarkusTestResource(BallastServersResource.class)
class BadInputTest {

    private static Tenant tenant;
    private static String account;

    @BeforeEach
    void tenant() {
        if (tenant == null) {
            tenant = TestTenants.onboard("bad");
            TestTenants.asset(tenant, "USDT");
            account = TestTenants.account(tenant, "0xBAD");
        }
    }

    private io.restassured.response.ValidatableResponse deposit(String rawJson) {
        return tenant.asIntegrator().body(rawJson).post("/api/v1/accounts/" + account + "/deposits").then()
                .contentType("application/problem+json");
    }

    private void balanceIsStillEmpty() {
        tenant.asIntegrator().get("/api/v1/accounts/" + account + "/balances").then().statusCode(200)
                .body("size()", equalTo(0));
    }

    @Test
    void malformedJsonIs400() {
        deposit("{\"asset\": \"USDT\", \"amount\": ").statusCode(400).body("type", startsWith("urn:ballast:problem:"))
                .body("instance", equalTo("/api/v1/accounts/" + account + "/deposits"));
        deposit("[1,2,3]").statusCode(400);
        balanceIsStillEmpty();
    }

    @Test
    void nanAndInfinityAreRefused() {
        deposit("{\"asset\":\"USDT\",\"amount\":NaN}").statusCode(400);
        deposit("{\"asset\":\"USDT\",\"amount\":Infinity}").statusCode(400);
        deposit("{\"asset\":\"USDT\",\"amount\":-Infinity}").statusCode(400);
        deposit("{\"asset\":\"USDT\",\"amount\":\"NaN\"}").statusCode(400).body("errors.field", hasItem("amount"));
        balanceIsStillEmpty();
    }

    @Test
    void negativeZeroAndOversizedNumbersAreRefusedNamingTheField() {
        deposit("{\"asset\":\"USDT\",\"amount\":-5}").statusCode(400).body("errors.field", hasItem("amount"));
        deposit("{\"asset\":\"USDT\",\"amount\":0}").statusCode(400).body("errors.field", hasItem("amount"));
        deposit("{\"asset\":\"USDT\",\"amount\":1e30}").statusCode(400).body("errors.field", hasItem("amount"));
        deposit("{\"asset\":\"USDT\",\"amount\":0.0000000000000000001}").statusCode(400);
        deposit("{\"asset\":\"\",\"amount\":1}").statusCode(400).body("errors.field", hasItem("asset"));
        deposit("{\"asset\":\"USDT\",\"amount\":1,\"surprise\":true}").statusCode(400)
                .body("errors.field", hasItem("surprise"));
        balanceIsStillEmpty();
    }

    /** A malformed query parameter is the request's fault: 400 in words, not the 404 JAX-RS would answer. */
    @Test
    void aMalformedQueryParameterIs400NotA404() {
        tenant.asIntegrator().queryParam("from", "yesterday").get("/api/v1/market/history/BTC").then()
                .statusCode(400).contentType("application/problem+json").body("detail", containsString("'yesterday'"));
        tenant.asAdmin().queryParam("status", "MAYBE").get("/api/v1/governance/proposals").then()
                .statusCode(400).contentType("application/problem+json");
        tenant.asIntegrator().get("/api/v1/no-such-resource").then().statusCode(404);
    }

    @Test
    void unknownIdsAre404() {
        tenant.asIntegrator().get("/api/v1/accounts/" + UUID.randomUUID()).then().statusCode(404)
                .contentType("application/problem+json").body("status", equalTo(404));
        tenant.asIntegrator().get("/api/v1/accounts/not-a-uuid").then().statusCode(404)
                .contentType("application/problem+json");
        tenant.asIntegrator().get("/api/v1/assets/" + UUID.randomUUID()).then().statusCode(404);
        tenant.asIntegrator().get("/api/v1/instruments/" + UUID.randomUUID()).then().statusCode(404);
    }

    @Test
    void wrongMediaTypeEmptyBodyAndBadPagingAre4xxProblems() {
        tenant.asIntegrator().contentType(ContentType.TEXT).body("amount=1")
                .post("/api/v1/accounts/" + account + "/deposits").then().statusCode(415)
                .contentType("application/problem+json");
        tenant.asIntegrator().post("/api/v1/accounts/" + account + "/deposits").then().statusCode(400)
                .contentType("application/problem+json");
        tenant.asIntegrator().queryParam("limit", 5000).get("/api/v1/accounts").then().statusCode(400)
                .contentType("application/problem+json").body("errors.field", hasItem("limit"));
        tenant.asIntegrator().header("Idempotency-Key", "x".repeat(300)).body(Map.of("asset", "USDT", "amount", 1))
                .post("/api/v1/accounts/" + account + "/deposits").then().statusCode(400)
                .body("errors.field", hasItem("Idempotency-Key"));
        balanceIsStillEmpty();
    }

    @Test
    void anOversizePayloadIs413() {
        String big = "{\"positions\":[" + "{\"accountId\":\"x\",\"instrument\":\"y\",\"quantity\":1,\"entryPrice\":1},"
                .repeat(70_000) + "{}]}";
        tenant.asIntegrator().body(big).post("/api/v1/snapshots").then().statusCode(413)
                .contentType("application/problem+json");
    }
}
