package io.ballast.risk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ballast.risk.config.BallastConfig;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.io.IOException;
import java.net.URL;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * What the production profile of {@code application.properties} says, read the way Quarkus reads it (SmallRye Config
 * with the profile applied) but without the environment: no secret has a default, the typed configuration refuses to
 * build without the Keycloak service secret, Swagger UI is denied and metrics need a platform-admin token; the test
 * profile opens both (the running tests check they are served).
 */
class ProductionConfigTest {

    private static SmallRyeConfigBuilder builder(String profile) throws IOException {
        URL properties = ProductionConfigTest.class.getClassLoader().getResource("application.properties");
        assertThat(properties).as("application.properties on the class path").isNotNull();
        return new SmallRyeConfigBuilder().addDefaultInterceptors().withProfile(profile)
                .withConverter(Duration.class, 200, new DurationConverter())
                .withSources(new PropertiesConfigSource(properties, 250));
    }

    @Test
    void theProductionProfileCarriesNoSecretAndRefusesToStartWithoutTheKeycloakServiceSecret() throws IOException {
        SmallRyeConfig prod = builder("prod").build();
        assertThat(prod.getOptionalValue("ballast.keycloak.service-client-secret", String.class)).isEmpty();
        assertThat(prod.getOptionalValue("quarkus.datasource.password", String.class)).isEmpty();
        assertThat(prod.getOptionalValue("quarkus.oidc.credentials.secret", String.class)).isEmpty();
        assertThatThrownBy(() -> builder("prod").withMapping(BallastConfig.class)
                .withDefaultValue("ballast.keycloak.server-url", "http://127.0.0.1:1")
                .withDefaultValue("ballast.keycloak.service-client-id", "ballast-service").build())
                .hasMessageContaining("ballast.keycloak.service-client-secret")
                .hasMessageNotContaining("ballast.keycloak.server-url");
        // with the secret supplied (as the environment does in production) the same configuration builds
        BallastConfig supplied = builder("prod").withMapping(BallastConfig.class)
                .withDefaultValue("ballast.keycloak.server-url", "http://127.0.0.1:1")
                .withDefaultValue("ballast.keycloak.service-client-id", "ballast-service")
                .withDefaultValue("ballast.keycloak.service-client-secret", "from-the-environment").build()
                .getConfigMapping(BallastConfig.class);
        assertThat(supplied.keycloak().serviceClientSecret()).isEqualTo("from-the-environment");
    }

    @Test
    void productionDeniesSwaggerUiAndNeedsAPlatformAdminTokenForMetricsWhileTestsOpenBoth() throws IOException {
        SmallRyeConfig prod = builder("prod").build();
        assertThat(prod.getValue("quarkus.http.auth.permission.swagger-ui.paths", String.class))
                .contains("/q/swagger-ui");
        assertThat(prod.getValue("quarkus.http.auth.permission.swagger-ui.policy", String.class)).isEqualTo("deny");
        assertThat(prod.getValue("quarkus.http.auth.permission.metrics.paths", String.class)).contains("/q/metrics");
        assertThat(prod.getValue("quarkus.http.auth.permission.metrics.policy", String.class))
                .isEqualTo("operations");
        assertThat(prod.getValue("quarkus.http.auth.policy.operations.roles-allowed", String.class))
                .isEqualTo("platform-admin");
        SmallRyeConfig test = builder("test").build();
        assertThat(test.getValue("quarkus.http.auth.permission.swagger-ui.policy", String.class)).isEqualTo("permit");
        assertThat(test.getValue("quarkus.http.auth.permission.metrics.policy", String.class)).isEqualTo("permit");
    }
}
