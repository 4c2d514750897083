package io.ballast.risk.tenancy;

import static io.ballast.risk.support.TestTenants.adminUrl;
import static io.ballast.risk.support.TestTenants.asOnboardingService;
import static io.ballast.risk.support.TestTenants.asRealmManager;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.ballast.risk.support.BallastServersResource;
import io.ballast.risk.support.TestTenants;
import io.ballast.risk.support.TestTenants.Tenant;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Least privilege of the onboarding client {@code ballast-service} (issue 11), with its real token against the real
 * Keycloak and the onboarding extension deployed in it: the admin API refuses it everything, the extension creates
 * only tenant clients and users of the fixed shape (never {@code platform-admin}, no extra mapper, a well-formed
 * tenant id), touches no other client or user, and onboarding through it still yields working tenant credentials.
 * On the realm before the extension (ballast-service with {@code manage-clients} and {@code manage-users}) the admin
 * API accepted all of it and the extension answered 403 or 404.
 */
@QuarkusTest
@QuarkusTestResource(BallastServersResource.class)
class OnboardingClientPrivilegeTest {

    private static String extensionUrl() {
        return BallastServersResource.servers().keycloak().realmUrl() + "/ballast-onboarding";
    }

    private static JsonPath claims(String token) {
        return JsonPath.from(new String(Base64.getUrlDecoder().decode(token.split("\\.")[1]),
                StandardCharsets.UTF_8));
    }

    private static List<?> clientsNamed(String clientId) {
        return asRealmManager().queryParam("clientId", clientId).get(adminUrl() + "/clients").then().statusCode(200)
                .extract().as(List.class);
    }

    private static String internalIdOf(String clientId) {
        return asRealmManager().queryParam("clientId", clientId).get(adminUrl() + "/clients").then()
                .statusCode(200).extract().path("[0].id");
    }

    private static Map<String, Object> client(String clientId, Object tenantId, Object roles) {
        Map<String, Object> body = new HashMap<>();
        body.put("clientId", clientId);
        body.put("tenantId", tenantId);
        body.put("roles", roles);
        return body;
    }

    @Test
    void theAdminApiRefusesTheServiceTokenToCreateOrMapAnything() {
        String clientId = "tenant-" + TestTenants.slug("admin-api");
        Map<String, Object> hardcodedPlatformAdmin = Map.of("name", "sneak", "protocol", "openid-connect",
                "protocolMapper", "oidc-hardcoded-role-mapper", "config", Map.of("role", "platform-admin"));
        asOnboardingService().body(Map.of("clientId", clientId, "enabled", true, "publicClient", false,
                        "serviceAccountsEnabled", true, "protocolMappers", List.of(hardcodedPlatformAdmin)))
                .post(adminUrl() + "/clients").then().statusCode(403);
        assertThat(clientsNamed(clientId)).isEmpty();

        String username = "sneak-" + UUID.randomUUID().toString().substring(0, 8);
        asOnboardingService().body(Map.of("username", username, "enabled", true,
                        "attributes", Map.of("tenant_id", List.of(UUID.randomUUID().toString()))))
                .post(adminUrl() + "/users").then().statusCode(403);
        asRealmManager().queryParam("username", username).queryParam("exact", "true").get(adminUrl() + "/users")
                .then().statusCode(200).body("size()", equalTo(0));

        // nor read the realm: clients, their secrets, roles, users
        asOnboardingService().get(adminUrl() + "/clients").then().statusCode(403);
        String platformAdmin = internalIdOf("ballast-platform-admin");
        asOnboardingService().get(adminUrl() + "/clients/" + platformAdmin + "/client-secret").then()
                .statusCode(403);
        asOnboardingService().get(adminUrl() + "/roles/platform-admin").then().statusCode(403);
        asOnboardingService().get(adminUrl() + "/users").then().statusCode(403);
        // and the token holds no realm-management role at all
        Object resourceAccess = claims(TestTenants.token(io.ballast.devstack.DevStack.SERVICE_CLIENT_ID,
                io.ballast.devstack.DevStack.SERVICE_CLIENT_SECRET)).get("resource_access.realm-management");
        assertThat(resourceAccess).isNull();
    }

    @Test
    void theExtensionMapsNoRoleOutsideTheTenantRoles() {
        String tenantId = UUID.randomUUID().toString();
        for (List<String> roles : List.of(List.of("platform-admin"), List.of("integrator", "platform-admin"),
                List.of("ballast-onboarding"), List.of("offline_access"), List.of("default-roles-ballast"),
                List.of("manage-clients"), List.<String>of())) {
            String clientId = "tenant-" + TestTenants.slug("roles");
            asOnboardingService().body(client(clientId, tenantId, roles)).post(extensionUrl() + "/clients").then()
                    .statusCode(400).body("field", equalTo("roles"));
            assertThat(clientsNamed(clientId)).as("%s", roles).isEmpty();
        }
        for (String role : List.of("platform-admin", "integrator", "ballast-onboarding")) {
            String username = "roles-" + UUID.randomUUID().toString().substring(0, 8);
            asOnboardingService().body(Map.of("username", username, "password", "a-long-enough-password",
                            "tenantId", tenantId, "role", role, "firstName", "A", "lastName", "B",
                            "email", username + "@example.test"))
                    .post(extensionUrl() + "/users").then().statusCode(400).body("field", equalTo("role"));
            asRealmManager().queryParam("username", username).queryParam("exact", "true")
                    .get(adminUrl() + "/users").then().statusCode(200).body("size()", equalTo(0));
        }
    }

    @Test
    void theExtensionRefusesAMalformedTenantIdAnArbitraryMapperAndAForeignClientId() {
        String uuid = UUID.randomUUID().toString();
        for (Object tenantId : List.of("not-a-uuid", uuid.toUpperCase(), uuid + " ", "", 42)) {
            String clientId = "tenant-" + TestTenants.slug("tid");
            asOnboardingService().body(client(clientId, tenantId, List.of("integrator")))
                    .post(extensionUrl() + "/clients").then().statusCode(400).body("field", equalTo("tenantId"));
            assertThat(clientsNamed(clientId)).isEmpty();
        }
        // a mapper, an attribute, a redirect URI: any field beyond the three is refused
        Map<String, Object> roleMapper = Map.of("name", "sneak", "protocol", "openid-connect",
                "protocolMapper", "oidc-hardcoded-role-mapper", "config", Map.of("role", "platform-admin"));
        Map<String, Object> claimMapper = Map.of("name", "roles", "protocol", "openid-connect",
                "protocolMapper", "oidc-hardcoded-claim-mapper",
                "config", Map.of("claim.name", "realm_access.roles", "claim.value", "[\"platform-admin\"]"));
        for (Map.Entry<String, Object> extra : Map.<String, Object>of("protocolMappers", List.of(roleMapper),
                "protocolMapper", claimMapper, "attributes", Map.of("x", "y"),
                "redirectUris", List.of("https://evil.example/*"), "publicClient", true).entrySet()) {
            String clientId = "tenant-" + TestTenants.slug("extra");
            Map<String, Object> body = client(clientId, uuid, List.of("integrator"));
            body.put(extra.getKey(), extra.getValue());
            asOnboardingService().body(body).post(extensionUrl() + "/clients").then().statusCode(400)
                    .body("field", equalTo(extra.getKey()));
            assertThat(clientsNamed(clientId)).as(extra.getKey()).isEmpty();
        }
        String username = "extra-" + UUID.randomUUID().toString().substring(0, 8);
        asOnboardingService().body(Map.of("username", username, "password", "a-long-enough-password",
                        "tenantId", uuid, "role", "viewer", "firstName", "A", "lastName", "B",
                        "email", username + "@example.test", "attributes", Map.of("tenant_id", List.of("x"))))
                .post(extensionUrl() + "/users").then().statusCode(400).body("field", equalTo("attributes"));
        // a client id outside tenant-*: the realm's own clients cannot be shadowed or squatted
        for (String clientId : List.of("ballast-platform-admin", "ballast-api", "tenant-", "Tenant-x1", "x")) {
            asOnboardingService().body(client(clientId, uuid, List.of("integrator")))
                    .post(extensionUrl() + "/clients").then().statusCode(400).body("field", equalTo("clientId"));
        }
    }

    @Test
    void theExtensionTouchesNoClientOrUserOtherThanTenantOnes() {
        for (String clientId : List.of("ballast-platform-admin", "ballast-service", "ballast-console")) {
            String id = internalIdOf(clientId);
            asOnboardingService().queryParam("clientId", clientId).get(extensionUrl() + "/clients").then()
                    .statusCode(404);
            asOnboardingService().post(extensionUrl() + "/clients/" + id + "/secret").then().statusCode(404);
            asOnboardingService().delete(extensionUrl() + "/clients/" + id).then().statusCode(404);
            assertThat(clientsNamed(clientId)).hasSize(1);
        }
        // a platform-admin service account, even if it carried a tenant id, is no tenant user
        String userId = asRealmManager().queryParam("username", "service-account-ballast-platform-admin")
                .queryParam("exact", "true").get(adminUrl() + "/users").then().statusCode(200)
                .extract().path("[0].id");
        asOnboardingService().queryParam("username", "service-account-ballast-platform-admin")
                .get(extensionUrl() + "/users").then().statusCode(404);
        asOnboardingService().body(Map.of("password", "a-long-enough-password"))
                .put(extensionUrl() + "/users/" + userId + "/password").then().statusCode(404);
        // the endpoint itself needs the onboarding role: the platform admin's token (no such role) and no token fail
        TestTenants.asPlatformAdmin().queryParam("clientId", "ballast-service").get(extensionUrl() + "/clients")
                .then().statusCode(403);
        io.restassured.RestAssured.given().get(extensionUrl() + "/clients").then().statusCode(401);
    }

    @Test
    void onboardingThroughTheExtensionYieldsTenantClientsOfTheFixedShapeThatWorkAgainstTheApi() {
        Tenant t = TestTenants.onboard("least");
        String token = TestTenants.token(t.integratorId(), t.integratorSecret());
        JsonPath c = claims(token);
        assertThat(c.getString("tenant_id")).isEqualTo(t.id());
        assertThat(c.get("aud").toString()).contains("ballast-api");
        assertThat(c.getList("realm_access.roles", String.class)).contains("integrator")
                .doesNotContain("platform-admin", "tenant-admin", "ballast-onboarding");
        TestTenants.bearer(token).get("/api/v1/accounts").then().statusCode(200);
        TestTenants.asset(t, "BTC");
        t.asIntegrator().get("/api/v1/assets").then().statusCode(200).body("symbol", org.hamcrest.Matchers
                .contains("BTC"));
        assertThat(claims(TestTenants.token(t.adminId(), t.adminSecret())).getList("realm_access.roles",
                String.class)).contains("tenant-admin").doesNotContain("platform-admin", "integrator");

        // the client as Keycloak holds it: exactly the two fixed mappers, only its tenant role mapped
        String id = internalIdOf(t.integratorId());
        Map<String, Object> rep = asRealmManager().get(adminUrl() + "/clients/" + id).then().statusCode(200)
                .extract().as(Map.class);
        assertThat(rep).containsEntry("publicClient", false).containsEntry("serviceAccountsEnabled", true)
                .containsEntry("standardFlowEnabled", false).containsEntry("directAccessGrantsEnabled", false);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> mappers = (List<Map<String, Object>>) rep.get("protocolMappers");
        assertThat(mappers.stream().map(m -> m.get("protocolMapper") + ":" + m.get("name"))
                .collect(Collectors.toSet())).containsExactlyInAnyOrder(
                        "oidc-hardcoded-claim-mapper:tenant_id", "oidc-audience-mapper:audience ballast-api");
        String account = asRealmManager().get(adminUrl() + "/clients/" + id + "/service-account-user").then()
                .statusCode(200).extract().path("id");
        List<String> mapped = asRealmManager().get(adminUrl() + "/users/" + account + "/role-mappings/realm")
                .then().statusCode(200).extract().jsonPath().getList("name", String.class);
        assertThat(mapped).contains("integrator").doesNotContain("platform-admin", "tenant-admin");
        assertThat(mapped).allMatch(r -> r.equals("integrator") || r.equals("default-roles-ballast"));

        // the extension sees it as the tenant's client
        asOnboardingService().queryParam("clientId", t.integratorId()).get(extensionUrl() + "/clients").then()
                .statusCode(200).body("tenantId", equalTo(t.id())).body("id", equalTo(id));
    }
}
