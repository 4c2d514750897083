package io.ballast.risk;

import static io.restassured.RestAssured.given;
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
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * A bearer token is verified once and its verification reused ({@code security.VerifiedTokens}), through the real
 * service and real Keycloak tokens: counted at {@code /q/metrics}, refused once the token has expired, never for
 * another text, and a reused identity keeps its own tenant.
 */
@QuarkusTest
@QuarkusTestResource(BallastServersResource.class)
class VerifiedTokenReuseTest {

    private static double counted(String verification) {
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        Matcher m = Pattern.compile("(?m)^ballast_api_tokens_total\\{[^}]*verification=\"" + verification
                + "\"[^}]*} ([0-9.eE+]+)$").matcher(metrics);
        return m.find() ? Double.parseDouble(m.group(1)) : 0.0;
    }

    private static long expiresEpochSeconds(String jwt) {
        String payload = new String(Base64.getUrlDecoder().decode(jwt.split("\\.")[1]), StandardCharsets.UTF_8);
        return new JsonPath(payload).getLong("exp");
    }

    @Test
    void aTokenIsVerifiedOnceThenReusedAndRefusedOnceItHasExpired() throws Exception {
        Tenant t = TestTenants.onboard("reuse");
        String token = TestTenants.integratorTokenLiving(t, 6);
        double verified = counted("verified");
        double reused = counted("reused");
        for (int i = 0; i < 3; i++) {
            TestTenants.bearer(token).get("/api/v1/accounts").then().statusCode(200);
        }
        assertThat(counted("verified") - verified).isEqualTo(1.0);
        assertThat(counted("reused") - reused).isEqualTo(2.0);

        long waitMillis = expiresEpochSeconds(token) * 1000 - System.currentTimeMillis() + 500;
        assertThat(waitMillis).as("the token must still be valid when the three requests are done").isPositive();
        Thread.sleep(waitMillis);
        double reusedBefore = counted("reused");
        TestTenants.bearer(token).get("/api/v1/accounts").then().statusCode(401)
                .contentType("application/problem+json").body("status", equalTo(401));
        assertThat(counted("reused")).isEqualTo(reusedBefore);
    }

    @Test
    void anAlteredCopyOfAReusedTokenIs401AndTheOriginalStillPasses() {
        Tenant t = TestTenants.onboard("alter");
        String token = TestTenants.token(t.integratorId(), t.integratorSecret());
        TestTenants.bearer(token).get("/api/v1/accounts").then().statusCode(200);
        TestTenants.bearer(token).get("/api/v1/accounts").then().statusCode(200);

        String[] parts = token.split("\\.");
        String signature = parts[2];
        String otherSignature = signature.substring(0, signature.length() - 4)
                + (signature.endsWith("AAAA") ? "BBBB" : "AAAA");
        String payload = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8);
        String otherPayload = Base64.getUrlEncoder().withoutPadding()
                .encodeToString(payload.replace("\"integrator\"", "\"tenant-admin\"").getBytes(StandardCharsets.UTF_8));
        assertThat(otherPayload).isNotEqualTo(parts[1]);
        for (String altered : List.of(parts[0] + "." + parts[1] + "." + otherSignature,
                parts[0] + "." + otherPayload + "." + signature, token + "x")) {
            TestTenants.bearer(altered).get("/api/v1/accounts").then().statusCode(401)
                    .contentType("application/problem+json");
        }
        TestTenants.bearer(token).get("/api/v1/accounts").then().statusCode(200);
    }

    @Test
    void reusedIdentitiesKeepTheirOwnTenant() {
        Tenant a = TestTenants.onboard("reuse-a");
        Tenant b = TestTenants.onboard("reuse-b");
        String accountA = TestTenants.account(a, "a-1");
        String accountB = TestTenants.account(b, "b-1");
        double reused = counted("reused");
        for (int i = 0; i < 3; i++) {
            a.asIntegrator().get("/api/v1/accounts").then().statusCode(200).body("id", equalTo(List.of(accountA)));
            b.asIntegrator().get("/api/v1/accounts").then().statusCode(200).body("id", equalTo(List.of(accountB)));
            a.asIntegrator().get("/api/v1/accounts/" + accountB).then().statusCode(404);
            b.asIntegrator().get("/api/v1/accounts/" + accountA).then().statusCode(404);
        }
        assertThat(counted("reused") - reused).as("these requests ran on reused verifications")
                .isGreaterThanOrEqualTo(12.0);
    }
}
