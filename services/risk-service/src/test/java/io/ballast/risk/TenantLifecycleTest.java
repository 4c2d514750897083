package io.ballast.risk;

import static io.ballast.risk.support.TestTenants.asPlatformAdmin;
import static io.ballast.risk.support.TestTenants.asRealmManager;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;

import io.ballast.risk.support.BallastServersResource;
import io.ballast.risk.support.TestTenants;
import io.ballast.risk.support.TestTenants.Tenant;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Onboarding, suspend/resume, rotation and the all-or-nothing Keycloak side, against the real Keycloak. */
@QuarkusTest
@QuarkusTestResource(BallastServersResource.class)
class TenantLifecycleTest {

    @Test
    void onboardingReturnsWorkingCredentialsOnceAndTheTenantIsListed() {
        String slug = TestTenants.slug("acme");
        var r = asPlatformAdmin().body(Map.of("name", "Acme Perps", "slug", slug)).post("/api/v1/tenants")
                .then().statusCode(201)
                .header("Location", org.hamcrest.Matchers.containsString("/api/v1/tenants/"))
                .body("tenant.slug", equalTo(slug))
                .body("tenant.status", equalTo("ACTIVE"))
                .body("tokenUrl", equalTo(TestTenants.tokenUrl()))
                .body("integrator.clientId", equalTo("tenant-" + slug + "-integrator"))
                .body("tenantAdmin.clientId", equalTo("tenant-" + slug + "-admin"))
                .extract();
        String id = r.path("tenant.id");
        String secret = r.path("integrator.clientSecret");
        // the integrator token carries the tenant id and the integrator role
        String token = TestTenants.tokenResponse(r.path("integrator.clientId"), secret).then().statusCode(200)
                .extract().path("access_token");
        String payload = new String(java.util.Base64.getUrlDecoder().decode(token.split("\\.")[1]));
        assertThat(payload).contains("\"tenant_id\":\"" + id + "\"").contains("integrator");
        TestTenants.bearer(token).get("/api/v1/accounts").then().statusCode(200);

        asPlatformAdmin().get("/api/v1/tenants").then().statusCode(200).body("id", hasItem(id));
        asPlatformAdmin().get("/api/v1/tenants/" + id).then().statusCode(200).body("slug", equalTo(slug))
                .body("$", not(org.hamcrest.Matchers.hasKey("integrator")));
    }

    @Test
    void aSuspendedTenantsTokensGet403UntilResumed() {
        Tenant t = TestTenants.onboard("susp");
        t.asIntegrator().get("/api/v1/accounts").then().statusCode(200);
        asPlatformAdmin().post("/api/v1/tenants/" + t.id() + "/suspend").then().statusCode(200)
                .body("status", equalTo("SUSPENDED"));
        t.asIntegrator().get("/api/v1/accounts").then().statusCode(403)
                .contentType("application/problem+json").body("detail", org.hamcrest.Matchers.containsString("suspended"));
        t.asAdmin().body(Map.of("symbol", "USDT", "decimals", 6, "priceSource", "x")).post("/api/v1/assets")
                .then().statusCode(403);
        asPlatformAdmin().post("/api/v1/tenants/" + t.id() + "/resume").then().statusCode(200)
                .body("status", equalTo("ACTIVE"));
        t.asIntegrator().get("/api/v1/accounts").then().statusCode(200);
    }

    @Test
    void rotatedCredentialsReplaceTheOldSecret() {
        Tenant t = TestTenants.onboard("rot");
        var r = asPlatformAdmin().post("/api/v1/tenants/" + t.id() + "/credentials").then().statusCode(200)
                .body("integrator.clientId", equalTo(t.integratorId())).extract();
        String fresh = r.path("integrator.clientSecret");
        assertThat(fresh).isNotEqualTo(t.integratorSecret());
        TestTenants.tokenResponse(t.integratorId(), t.integratorSecret()).then().statusCode(401);
        TestTenants.tokenResponse(t.integratorId(), fresh).then().statusCode(200);
    }

    @Test
    void aKeycloakFailureMidOnboardingLeavesNothingBehind() {
        String slug = TestTenants.slug("half");
        // occupy the admin client id so that the second Keycloak step fails after the first succeeded
        asRealmManager().body(Map.of("clientId", "tenant-" + slug + "-admin", "publicClient", false))
                .post(TestTenants.adminUrl() + "/clients").then().statusCode(201);

        asPlatformAdmin().body(Map.of("name", "Half", "slug", slug)).post("/api/v1/tenants")
                .then().statusCode(502).contentType("application/problem+json").body("detail", notNullValue());

        List<?> integrators = asRealmManager().queryParam("clientId", "tenant-" + slug + "-integrator")
                .get(TestTenants.adminUrl() + "/clients").then().statusCode(200).extract().as(List.class);
        assertThat(integrators).as("the integrator client created first was deleted again").isEmpty();
        asPlatformAdmin().get("/api/v1/tenants").then().statusCode(200).body("slug", not(hasItem(slug)));
    }

    @Test
    void duplicateSlugsAndBadSlugsAreRefused() {
        Tenant t = TestTenants.onboard("dup");
        asPlatformAdmin().body(Map.of("name", "again", "slug", t.slug())).post("/api/v1/tenants")
                .then().statusCode(409).contentType("application/problem+json");
        asPlatformAdmin().body(Map.of("name", "", "slug", "Not A Slug")).post("/api/v1/tenants")
                .then().statusCode(400).contentType("application/problem+json")
                .body("errors.field", hasItem("slug")).body("errors.field", hasItem("name"));
        asPlatformAdmin().get("/api/v1/tenants/" + java.util.UUID.randomUUID()).then().statusCode(404)
                .contentType("application/problem+json");
    }
}
