package io.ballast.risk;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import io.ballast.devstack.KeycloakServer;
import io.ballast.risk.support.BallastServersResource;
import io.ballast.risk.support.TestTenants;
import io.ballast.risk.support.TestTenants.Tenant;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** 401 for missing, malformed, expired and foreign tokens; 403 for the wrong role; always problem+json. */
@QuarkusTest
@QuarkusTestResource(BallastServersResource.class)
class AuthTest {

    private static void expect401(io.restassured.specification.RequestSpecification spec) {
        spec.get("/api/v1/accounts").then().statusCode(401).contentType("application/problem+json")
                .body("status", equalTo(401)).header("WWW-Authenticate", org.hamcrest.Matchers.startsWith("Bearer"));
    }

    @Test
    void missingTokenIs401() {
        expect401(given());
        given().contentType(ContentType.JSON).body(Map.of("name", "x", "slug", "xx")).post("/api/v1/tenants").then()
                .statusCode(401).contentType("application/problem+json");
    }

    @Test
    void malformedTokensAre401() {
        expect401(given().header("Authorization", "Bearer not-a-jwt"));
        expect401(given().header("Authorization", "Bearer a.b.c"));
        expect401(given().header("Authorization", "Basic dXNlcjpwYXNz"));
        // a real token with its signature tampered
        Tenant t = TestTenants.onboard("tamper");
        String token = TestTenants.token(t.integratorId(), t.integratorSecret());
        String tampered = token.substring(0, token.length() - 4) + (token.endsWith("AAAA") ? "BBBB" : "AAAA");
        expect401(TestTenants.bearer(tampered));
    }

    @Test
    void aTokenFromAnotherRealmOfTheSameKeycloakIs401() {
        String master = given().contentType(ContentType.URLENC).formParam("grant_type", "password")
                .formParam("client_id", "admin-cli").formParam("username", KeycloakServer.ADMIN_USER)
                .formParam("password", KeycloakServer.ADMIN_PASSWORD)
                .post(BallastServersResource.servers().keycloak().serverUrl() + "/realms/master/protocol/openid-connect/token")
                .then().statusCode(200).extract().path("access_token");
        expect401(TestTenants.bearer(master));
    }

    @Test
    void aSelfSignedTokenClaimingAnotherIssuerIs401() throws Exception {
        KeyPair keys = KeyPairGenerator.getInstance("RSA").generateKeyPair();
        long now = System.currentTimeMillis() / 1000;
        String header = b64("{\"alg\":\"RS256\",\"typ\":\"JWT\",\"kid\":\"forged\"}");
        String payload = b64("{\"iss\":\"http://127.0.0.1:1/realms/ballast\",\"exp\":" + (now + 300) + ",\"iat\":" + now
                + ",\"tenant_id\":\"00000000-0000-0000-0000-000000000001\","
                + "\"realm_access\":{\"roles\":[\"integrator\",\"platform-admin\"]}}");
        Signature rsa = Signature.getInstance("SHA256withRSA");
        rsa.initSign(keys.getPrivate());
        rsa.update((header + "." + payload).getBytes(StandardCharsets.US_ASCII));
        String jwt = header + "." + payload + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(rsa.sign());
        expect401(TestTenants.bearer(jwt));
    }

    @Test
    void anExpiredTokenSignedByTheRealmIs401() throws Exception {
        Tenant t = TestTenants.onboard("expiry");
        // the integrator client's access-token lifespan shortened to one second through the admin API
        String token = TestTenants.integratorTokenLiving(t, 1);
        Thread.sleep(3_000);
        expect401(TestTenants.bearer(token));
    }

    /**
     * Another client of the same realm whose token carries the tenant's {@code tenant_id} and the integrator role but
     * not the audience {@code ballast-api} is refused; the same client with an audience mapper added is accepted, so
     * the audience alone made the difference.
     */
    @Test
    void aRealmTokenWithTheRightRoleAndTenantButWithoutTheApiAudienceIs401() {
        Tenant t = TestTenants.onboard("audience");
        String clientId = "no-audience-" + t.slug();
        Map<String, Object> tenantClaim = Map.of("name", "tenant_id", "protocol", "openid-connect",
                "protocolMapper", "oidc-hardcoded-claim-mapper",
                "config", Map.of("claim.name", "tenant_id", "claim.value", t.id(), "jsonType.label", "String",
                        "access.token.claim", "true", "id.token.claim", "false", "userinfo.token.claim", "false"));
        TestTenants.asRealmManager().body(Map.of("clientId", clientId, "enabled", true, "publicClient", false,
                        "serviceAccountsEnabled", true, "standardFlowEnabled", false,
                        "directAccessGrantsEnabled", false, "protocolMappers", List.of(tenantClaim)))
                .post(TestTenants.adminUrl() + "/clients").then().statusCode(201);
        String internalId = TestTenants.asRealmManager().queryParam("clientId", clientId)
                .get(TestTenants.adminUrl() + "/clients").then().statusCode(200).extract().path("[0].id");
        String secret = TestTenants.asRealmManager()
                .get(TestTenants.adminUrl() + "/clients/" + internalId + "/client-secret").then().statusCode(200)
                .extract().path("value");
        String userId = TestTenants.asRealmManager()
                .get(TestTenants.adminUrl() + "/clients/" + internalId + "/service-account-user").then()
                .statusCode(200).extract().path("id");
        Map<String, Object> integrator = TestTenants.asRealmManager().get(TestTenants.adminUrl() + "/roles/integrator")
                .then().statusCode(200).extract().as(Map.class);
        TestTenants.asRealmManager().body(List.of(integrator))
                .post(TestTenants.adminUrl() + "/users/" + userId + "/role-mappings/realm").then().statusCode(204);

        String withoutAudience = TestTenants.tokenResponse(clientId, secret).then().statusCode(200).extract()
                .path("access_token");
        expect401(TestTenants.bearer(withoutAudience));

        TestTenants.asRealmManager().body(Map.of("name", "audience ballast-api", "protocol", "openid-connect",
                        "protocolMapper", "oidc-audience-mapper", "config", Map.of("included.custom.audience",
                                "ballast-api", "access.token.claim", "true", "id.token.claim", "false")))
                .post(TestTenants.adminUrl() + "/clients/" + internalId + "/protocol-mappers/models").then()
                .statusCode(201);
        String withAudience = TestTenants.tokenResponse(clientId, secret).then().statusCode(200).extract()
                .path("access_token");
        TestTenants.bearer(withAudience).get("/api/v1/accounts").then().statusCode(200);
    }

    /**
     * An ID token is not an access token: a client whose ID tokens carry the audience {@code ballast-api}, the
     * tenant and the user's roles still gets 401 for the ID token (type {@code ID}, not {@code Bearer}), while the
     * access token of the same login passes.
     */
    @Test
    void anIdTokenCarryingTheAudienceTenantAndRolesIs401() {
        Tenant t = TestTenants.onboard("idtoken");
        String username = t.slug() + "-member";
        String password = TestTenants.asPlatformAdmin().body(Map.of("username", username, "role", "risk-committee"))
                .post("/api/v1/tenants/" + t.id() + "/users").then().statusCode(201).extract().path("password");
        String clientId = "id-token-" + t.slug();
        List<Map<String, Object>> mappers = List.of(
                Map.of("name", "tenant_id", "protocol", "openid-connect",
                        "protocolMapper", "oidc-usermodel-attribute-mapper",
                        "config", Map.of("user.attribute", "tenant_id", "claim.name", "tenant_id",
                                "jsonType.label", "String", "access.token.claim", "true", "id.token.claim", "true")),
                Map.of("name", "audience ballast-api", "protocol", "openid-connect",
                        "protocolMapper", "oidc-audience-mapper",
                        "config", Map.of("included.custom.audience", "ballast-api", "access.token.claim", "true",
                                "id.token.claim", "true")),
                Map.of("name", "realm roles in the ID token", "protocol", "openid-connect",
                        "protocolMapper", "oidc-usermodel-realm-role-mapper",
                        "config", Map.of("claim.name", "realm_access.roles", "jsonType.label", "String",
                                "multivalued", "true", "access.token.claim", "true", "id.token.claim", "true")));
        TestTenants.asRealmManager().body(Map.of("clientId", clientId, "enabled", true, "publicClient", true,
                        "standardFlowEnabled", false, "directAccessGrantsEnabled", true,
                        "protocolMappers", mappers))
                .post(TestTenants.adminUrl() + "/clients").then().statusCode(201);
        io.restassured.path.json.JsonPath tokens = given().contentType(ContentType.URLENC)
                .formParam("grant_type", "password").formParam("client_id", clientId)
                .formParam("username", username).formParam("password", password).formParam("scope", "openid")
                .post(BallastServersResource.tokenUrl()).then().statusCode(200).extract().jsonPath();
        String idToken = tokens.getString("id_token");
        String idPayload = new String(Base64.getUrlDecoder().decode(idToken.split("\\.")[1]),
                StandardCharsets.UTF_8);
        org.assertj.core.api.Assertions.assertThat(idPayload).contains("\"typ\":\"ID\"").contains("ballast-api")
                .contains(t.id()).contains("risk-committee");
        expect401(TestTenants.bearer(idToken));
        TestTenants.bearer(tokens.getString("access_token")).get("/api/v1/assets").then().statusCode(200);
    }

    @Test
    void theWrongRoleIs403() {
        Tenant t = TestTenants.onboard("roles");
        t.asIntegrator().body(Map.of("symbol", "USDT", "decimals", 6, "priceSource", "x")).post("/api/v1/assets")
                .then().statusCode(403).contentType("application/problem+json").body("status", equalTo(403));
        t.asIntegrator().get("/api/v1/tenants").then().statusCode(403).contentType("application/problem+json");
        t.asAdmin().body(Map.of("name", "x", "slug", "nope")).post("/api/v1/tenants").then().statusCode(403);
        // the platform admin has no tenant: tenant endpoints refuse it
        TestTenants.asPlatformAdmin().get("/api/v1/accounts").then().statusCode(403)
                .contentType("application/problem+json");
        List<Object> none = TestTenants.asPlatformAdmin().get("/api/v1/tenants").then().statusCode(200).extract()
                .jsonPath().getList("$");
        org.assertj.core.api.Assertions.assertThat(none).isNotEmpty();
    }

    private static String b64(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }
}
