package io.ballast.risk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import io.ballast.devstack.DemoSeeder;
import io.ballast.devstack.DevStack;
import io.ballast.risk.support.BallastServersResource;
import io.ballast.risk.support.TestTenants;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The launcher's demo seeder, run twice through the real API: the tree it returns is usable as documented. */
@QuarkusTest
@QuarkusTestResource(BallastServersResource.class)
class DemoSeederTest {

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> tenants(Map<String, Object> tree) {
        return (List<Map<String, Object>>) tree.get("tenants");
    }

    @Test
    @SuppressWarnings("unchecked")
    void seedsTwoTenantsWhoseIntegratorsReadTheirAccountsAndSurvivesARerun() throws Exception {
        String apiUrl = "http://127.0.0.1:" + RestAssured.port;
        Map<String, Object> first = DemoSeeder.seed(apiUrl, TestTenants.tokenUrl(), DevStack.PLATFORM_ADMIN_CLIENT_ID,
                DevStack.PLATFORM_ADMIN_CLIENT_SECRET);
        assertThat(first).containsKeys("apiUrl", "tokenUrl", "tenants", "platformAdmin");
        assertThat(tenants(first)).hasSize(2);
        for (Map<String, Object> t : tenants(first)) {
            List<String> accounts = (List<String>) t.get("accountIds");
            assertThat(accounts).hasSize(7); // 4 mixed, 3 crash-exposed (3x, 5x, 8x long BTC-PERP)
            String token = TestTenants.token((String) t.get("clientId"), (String) t.get("clientSecret"));
            for (String id : accounts) {
                TestTenants.bearer(token).get("/api/v1/accounts/" + id).then().statusCode(200)
                        .body("id", equalTo(id));
            }
            for (String id : accounts) {
                TestTenants.bearer(token).get("/api/v1/accounts/" + id + "/margin").then().statusCode(200)
                        .body("accountId", equalTo(id)).body("status", org.hamcrest.Matchers.notNullValue());
            }
            TestTenants.bearer(token).get("/api/v1/margin/summary").then().statusCode(200)
                    .body("accounts", equalTo(7)).body("notComputed.size()", equalTo(0));
            TestTenants.bearer(token).get("/api/v1/accounts/" + accounts.get(0) + "/balances").then()
                    .statusCode(200).body("symbol", hasItem("USDT"));
            TestTenants.bearer(token).get("/api/v1/accounts/" + accounts.get(2) + "/positions").then()
                    .statusCode(200).body("size()", equalTo(4));
            TestTenants.bearer(token).get("/api/v1/instruments").then().statusCode(200).body("size()", equalTo(6));

            // its users log in through the dev-only password-grant client with the tenant in their tokens, and the
            // first recommendation run has made a recommendation for BTC and ETH from the shipped history
            List<Map<String, Object>> users = (List<Map<String, Object>>) t.get("users");
            assertThat(users).extracting(u -> u.get("roles")).containsExactlyInAnyOrder(List.of("tenant-admin"),
                    List.of("risk-committee"), List.of("risk-committee"));
            for (Map<String, Object> u : users) {
                String userToken = TestTenants.passwordToken((String) u.get("username"), (String) u.get("password"));
                TestTenants.bearer(userToken).get("/api/v1/risk/recommendations").then().statusCode(200);
            }
            assertThat(((Map<String, Object>) t.get("recommendationRun")).get("status")).isEqualTo("SUCCEEDED");
            Map<String, Object> member = users.get(1);
            TestTenants.bearer(TestTenants.passwordToken((String) member.get("username"),
                            (String) member.get("password"))).get("/api/v1/risk/recommendations").then()
                    .statusCode(200).body("recommendations.asset",
                            org.hamcrest.Matchers.containsInAnyOrder("BTC", "ETH"))
                    .body("recommendations.modelVersion", org.hamcrest.Matchers.everyItem(equalTo(1)));
        }
        assertThat(first.get("cliClientId")).isEqualTo("ballast-cli");

        Map<String, Object> second = DemoSeeder.seed(apiUrl, TestTenants.tokenUrl(),
                DevStack.PLATFORM_ADMIN_CLIENT_ID, DevStack.PLATFORM_ADMIN_CLIENT_SECRET);
        for (int i = 0; i < 2; i++) {
            Map<String, Object> before = tenants(first).get(i);
            Map<String, Object> after = tenants(second).get(i);
            assertThat(after.get("tenantId")).isEqualTo(before.get("tenantId"));
            assertThat(after.get("accountIds")).isEqualTo(before.get("accountIds"));
            String token = TestTenants.token((String) after.get("clientId"), (String) after.get("clientSecret"));
            String account = ((List<String>) after.get("accountIds")).get(0);
            // deposits were applied once: the first account holds exactly 25,000 USDT
            TestTenants.bearer(token).get("/api/v1/accounts/" + account + "/balances").then().statusCode(200)
                    .body("find { it.symbol == 'USDT' }.amount", equalTo(25000.0f));
            // the same users, with fresh passwords that work
            List<Map<String, Object>> users = (List<Map<String, Object>>) after.get("users");
            assertThat(users).extracting(u -> u.get("username")).isEqualTo(((List<Map<String, Object>>)
                    before.get("users")).stream().map(u -> u.get("username")).toList());
            for (Map<String, Object> u : users) {
                TestTenants.passwordToken((String) u.get("username"), (String) u.get("password"));
            }
        }
    }
}
