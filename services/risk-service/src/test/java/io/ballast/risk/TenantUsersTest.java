package io.ballast.risk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import io.ballast.risk.support.BallastServersResource;
import io.ballast.risk.support.TestTenants;
import io.ballast.risk.support.TestTenants.Tenant;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Human users of a tenant in the real Keycloak: created through the API, logging in with the password grant of the
 * dev realm's {@code ballast-cli} client, their tokens carrying the tenant and the role.
 */
@QuarkusTest
@QuarkusTestResource(BallastServersResource.class)
class TenantUsersTest {

    private static JsonPath claims(String token) {
        String payload = token.split("\\.")[1];
        return JsonPath.from(new String(Base64.getUrlDecoder().decode(payload), StandardCharsets.UTF_8));
    }

    @Test
    void aRiskCommitteeUsersTokenCarriesTheTenantAndTheRoleAndReachesTenantEndpoints() {
        Tenant t = TestTenants.onboard("users");
        TestTenants.asset(t, "BTC");
        String token = TestTenants.userToken(t, "risk-committee");
        JsonPath c = claims(token);
        assertThat(c.getString("tenant_id")).isEqualTo(t.id());
        assertThat(c.getList("realm_access.roles")).contains("risk-committee").doesNotContain("tenant-admin");
        assertThat(c.getString("azp")).isEqualTo(TestTenants.CLI_CLIENT_ID);
        assertThat(c.getString("preferred_username")).isEqualTo(t.slug() + "-risk-committee");
        assertThat(c.get("aud").toString()).contains("ballast-api");

        TestTenants.bearer(token).get("/api/v1/risk/recommendations").then().statusCode(200)
                .body("notComputed.asset", org.hamcrest.Matchers.hasItem("BTC"));
        TestTenants.bearer(token).get("/api/v1/assets").then().statusCode(200).body("symbol",
                org.hamcrest.Matchers.contains("BTC"));
        TestTenants.bearer(token).post("/api/v1/risk/recommendations/runs").then().statusCode(403);
        TestTenants.bearer(token).body(Map.of("username", "x-" + t.slug(), "role", "viewer"))
                .post("/api/v1/tenants/" + t.id() + "/users").then().statusCode(403);
    }

    @Test
    void aTenantAdminManagesItsOwnUsersOnly() {
        Tenant a = TestTenants.onboard("users-a");
        Tenant b = TestTenants.onboard("users-b");
        java.util.function.Supplier<io.restassured.specification.RequestSpecification> admin =
                () -> TestTenants.user(a, "tenant-admin");
        String viewer = a.slug() + "-v1";
        String password = "correct-horse-battery";
        admin.get().body(Map.of("username", viewer, "role", "viewer", "password", password))
                .post("/api/v1/tenants/" + a.id() + "/users").then().statusCode(201)
                .body("username", equalTo(viewer)).body("tenantId", equalTo(a.id()))
                .body("roles", equalTo(List.of("viewer"))).body("password", nullValue());
        String viewerToken = TestTenants.passwordToken(viewer, password);
        assertThat(claims(viewerToken).getString("tenant_id")).isEqualTo(a.id());
        TestTenants.bearer(viewerToken).get("/api/v1/risk/recommendations").then().statusCode(200);

        // the same username again, in any tenant: 409; bad input: 400 naming the fields
        TestTenants.asPlatformAdmin().body(Map.of("username", viewer, "role", "viewer"))
                .post("/api/v1/tenants/" + b.id() + "/users").then().statusCode(409)
                .contentType("application/problem+json");
        admin.get().body(Map.of("username", "X", "role", "integrator", "password", "short"))
                .post("/api/v1/tenants/" + a.id() + "/users").then().statusCode(400)
                .contentType("application/problem+json")
                .body("errors.field", org.hamcrest.Matchers.containsInAnyOrder("username", "role", "password"));
        // an empty body (no username, no role) is bad input, not a failure (ApiFuzzTest found a 500 here)
        admin.get().body(Map.of()).post("/api/v1/tenants/" + a.id() + "/users").then().statusCode(400)
                .contentType("application/problem+json")
                .body("errors.field", org.hamcrest.Matchers.containsInAnyOrder("username", "role"));

        // another tenant's users are out of reach: 404, nothing created
        admin.get().body(Map.of("username", a.slug() + "-intruder", "role", "tenant-admin"))
                .post("/api/v1/tenants/" + b.id() + "/users").then().statusCode(404)
                .contentType("application/problem+json");
        TestTenants.asPlatformAdmin().post("/api/v1/tenants/" + b.id() + "/users/" + a.slug()
                + "-intruder/password").then().statusCode(404);
        admin.get().post("/api/v1/tenants/" + b.id() + "/users/" + viewer + "/password").then().statusCode(404);
        TestTenants.asPlatformAdmin().post("/api/v1/tenants/" + b.id() + "/users/" + viewer + "/password").then()
                .statusCode(404).body("detail", containsString(viewer));

        // a reset gives a new password once; the old one stops working
        String fresh = admin.get().post("/api/v1/tenants/" + a.id() + "/users/" + viewer + "/password").then()
                .statusCode(200).extract().path("password");
        assertThat(fresh).hasSizeGreaterThanOrEqualTo(32);
        assertThat(claims(TestTenants.passwordToken(viewer, fresh)).getString("tenant_id")).isEqualTo(a.id());
        io.restassured.RestAssured.given().contentType(io.restassured.http.ContentType.URLENC)
                .formParam("grant_type", "password").formParam("client_id", TestTenants.CLI_CLIENT_ID)
                .formParam("username", viewer).formParam("password", password)
                .post(TestTenants.tokenUrl()).then().statusCode(401);
    }
}
