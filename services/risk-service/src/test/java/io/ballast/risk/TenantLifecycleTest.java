package io.ballast.risk;

import static io.ballast.risk.support.TestTenants.asPlatformAdmin;
import static io.ballast.risk.support.TestTenants.asRealmManager;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;

import io.ballast.devstack.DevStack;
import io.ballast.risk.support.BallastServersResource;
import io.ballast.risk.support.TestTenants;
import io.ballast.risk.support.TestTenants.Tenant;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Onboarding, suspend/resume, rotation and the all-or-nothing Keycloak side, against the real Keycloak. */
@QuarkusTest
@QuarkusTestResource(BallastServersResource.class)
class TenantLifecycleTest {

    /**
     * A page that holds every tenant of the test database: the default page is 100 rows, and the suite creates more
     * tenants than that, so a new tenant may not be on the first page of the default size.
     */
    private static final int ALL = 1000;

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

        asPlatformAdmin().queryParam("limit", ALL).get("/api/v1/tenants").then().statusCode(200)
                .body("id", hasItem(id));
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

    /** One slug onboarded by several requests at once: one 201, every other answer a 409 problem (never 5xx). */
    @Test
    void aSlugRaceAtOnboardingIsOne201AndOtherwise409() throws Exception {
        String slug = TestTenants.slug("race");
        String token = TestTenants.token(DevStack.PLATFORM_ADMIN_CLIENT_ID, DevStack.PLATFORM_ADMIN_CLIENT_SECRET);
        HttpClient http = HttpClient.newHttpClient();
        URI uri = URI.create(RestAssured.baseURI + ":" + RestAssured.port + "/api/v1/tenants");
        List<CompletableFuture<HttpResponse<String>>> all = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            all.add(http.sendAsync(HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + token)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(
                            "{\"name\":\"Race\",\"slug\":\"" + slug + "\"}"))
                    .build(), HttpResponse.BodyHandlers.ofString()));
        }
        int created = 0;
        for (CompletableFuture<HttpResponse<String>> f : all) {
            HttpResponse<String> r = f.get();
            if (r.statusCode() == 201) {
                created++;
            } else {
                assertThat(r.statusCode()).as(r.body()).isEqualTo(409);
                assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(
                        c -> assertThat(c).startsWith("application/problem+json"));
            }
        }
        assertThat(created).isEqualTo(1);
        // the winner's clients survived the losers' compensation
        String id = asPlatformAdmin().queryParam("limit", ALL).get("/api/v1/tenants").then().statusCode(200)
                .extract().jsonPath().getString("find { it.slug == '" + slug + "' }.id");
        assertThat(id).isNotNull();
        for (String client : List.of("tenant-" + slug + "-integrator", "tenant-" + slug + "-admin")) {
            List<?> found = asRealmManager().queryParam("clientId", client).get(TestTenants.adminUrl() + "/clients")
                    .then().statusCode(200).extract().as(List.class);
            assertThat(found).as(client).hasSize(1);
        }
    }

    /**
     * The tenant-admin client's rotation fails (the client is gone from Keycloak): the integrator's new secret is
     * still returned and works, the failure is named; the old behaviour answered 502 and lost that secret.
     */
    @Test
    void aFailedRotationOfOneClientStillReturnsTheOtherClientsNewSecret() {
        Tenant t = TestTenants.onboard("rotfail");
        String adminClient = "tenant-" + t.slug() + "-admin";
        String internal = asRealmManager().queryParam("clientId", adminClient).get(TestTenants.adminUrl() + "/clients")
                .then().statusCode(200).extract().path("[0].id");
        asRealmManager().delete(TestTenants.adminUrl() + "/clients/" + internal).then().statusCode(204);

        var r = asPlatformAdmin().post("/api/v1/tenants/" + t.id() + "/credentials").then().statusCode(200)
                .body("integrator.rotationError", org.hamcrest.Matchers.nullValue())
                .body("tenantAdmin.clientSecret", org.hamcrest.Matchers.nullValue())
                .body("tenantAdmin.rotationError", notNullValue()).extract();
        String fresh = r.path("integrator.clientSecret");
        assertThat(fresh).isNotBlank().isNotEqualTo(t.integratorSecret());
        TestTenants.tokenResponse(t.integratorId(), t.integratorSecret()).then().statusCode(401);
        TestTenants.tokenResponse(t.integratorId(), fresh).then().statusCode(200);
    }

    @Test
    void aKeycloakFailureMidOnboardingLeavesNothingBehind() {
        String slug = TestTenants.slug("half");
        // occupy the admin client id so that the second Keycloak step fails after the first succeeded
        asRealmManager().body(Map.of("clientId", "tenant-" + slug + "-admin", "publicClient", false))
                .post(TestTenants.adminUrl() + "/clients").then().statusCode(201);

        // the client id is taken: a conflict (409), and the client made before it is removed again
        asPlatformAdmin().body(Map.of("name", "Half", "slug", slug)).post("/api/v1/tenants")
                .then().statusCode(409).contentType("application/problem+json").body("detail", notNullValue());

        List<?> integrators = asRealmManager().queryParam("clientId", "tenant-" + slug + "-integrator")
                .get(TestTenants.adminUrl() + "/clients").then().statusCode(200).extract().as(List.class);
        assertThat(integrators).as("the integrator client created first was deleted again").isEmpty();
        asPlatformAdmin().queryParam("limit", ALL).get("/api/v1/tenants").then().statusCode(200)
                .body("slug", not(hasItem(slug)));
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
