package io.ballast.risk;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.nullValue;

import io.ballast.risk.support.BallastServersResource;
import io.ballast.risk.support.HotBooks;
import io.ballast.risk.support.TestTenants;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Readiness (PostgreSQL, Kafka, OIDC provider, the feeds held in full), metrics, OpenAPI, Swagger UI and request ids. */
@QuarkusTest
@QuarkusTestResource(BallastServersResource.class)
class OperationsTest {

    @Test
    void readinessCoversPostgresKafkaTheOidcProviderAndTheFeeds() throws InterruptedException {
        // ready once the price and parameter consumers hold their partitions (a group join after the start)
        HotBooks.await(() -> given().get("/q/health/ready").statusCode() == 200, "readiness UP");
        List<Map<String, Object>> checks = given().get("/q/health/ready").then().statusCode(200)
                .body("status", equalTo("UP")).extract().jsonPath().getList("checks");
        List<String> names = checks.stream().map(c -> String.valueOf(c.get("name")).toLowerCase()).toList();
        assertThat(names).anyMatch(n -> n.contains("postgres") || n.contains("database"));
        assertThat(names).anyMatch(n -> n.contains("kafka"));
        assertThat(names).contains("oidc provider", "feeds read in full");
        assertThat(checks).allMatch(c -> "UP".equals(c.get("status")));
    }

    @Test
    void metricsOpenApiAndSwaggerUiAreServed() {
        TestTenants.asPlatformAdmin().get("/api/v1/tenants").then().statusCode(200);
        given().get("/q/metrics").then().statusCode(200).body(containsString("http_server_requests_seconds"));
        given().accept("application/json").get("/q/openapi").then().statusCode(200)
                .body(containsString("/api/v1/accounts/{id}/deposits"))
                .body(containsString("/api/v1/snapshots"))
                .body(containsString("platform-admin"))
                // every operation declares its problem+json errors; 404 where a path names an id
                .body("paths.'/api/v1/governance/proposals/{id}'.get.responses.'404'.content."
                        + "'application/problem+json'.schema.'$ref'", equalTo("#/components/schemas/Problem"))
                .body("paths.'/api/v1/governance/proposals/{id}/approve'.post.responses.keySet()",
                        hasItems("400", "401", "403", "404", "409"))
                .body("paths.'/api/v1/accounts'.get.responses.'404'", nullValue())
                .body("components.schemas.Problem.required", hasItems("type", "title", "status"));
        // and a unique operationId, so a generated client gets usable method names
        List<String> ids = given().accept("application/json").get("/q/openapi").then().statusCode(200).extract()
                .jsonPath().getList("paths.collectMany { p, ops -> ops.findAll { m, op -> m != 'parameters' }"
                        + ".collect { m, op -> op.operationId ?: 'MISSING ' + m + ' ' + p } }", String.class);
        assertThat(ids).isNotEmpty().doesNotHaveDuplicates().noneMatch(id -> id.startsWith("MISSING"));
        given().get("/q/swagger-ui/").then().statusCode(200);
    }

    @Test
    void everyAnswerCarriesARequestId() {
        given().header("X-Request-Id", "trace-123").get("/api/v1/accounts").then().statusCode(401)
                .header("X-Request-Id", "trace-123");
        String generated = TestTenants.asPlatformAdmin().get("/api/v1/tenants").then().statusCode(200).extract()
                .header("X-Request-Id");
        assertThat(generated).hasSize(36);
    }
}
