package io.ballast.console.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.io.IOException;
import java.net.URL;
import org.junit.jupiter.api.Test;

/**
 * What the console's {@code application.properties} says per profile, read the way Quarkus reads it (SmallRye Config
 * with the profile and expression expansion) but without the environment: the production profile has no client
 * secret and cannot resolve one until {@code BALLAST_CONSOLE_CLIENT_SECRET} is supplied, so the console does not
 * start without it (issue 11); dev and test carry the development realm's value; the login comes back to one exact
 * callback path, the only redirect URI the realm registers.
 */
class ConsoleConfigTest {

    private static final String SECRET = "quarkus.oidc.credentials.secret";

    private static SmallRyeConfigBuilder builder(String profile) throws IOException {
        URL properties = ConsoleConfigTest.class.getClassLoader().getResource("application.properties");
        assertThat(properties).as("application.properties on the class path").isNotNull();
        return new SmallRyeConfigBuilder().addDefaultInterceptors().withProfile(profile)
                .withSources(new PropertiesConfigSource(properties, 250));
    }

    @Test
    void theProductionProfileHasNoClientSecretAndRefusesToResolveOneWithoutTheEnvironment() throws IOException {
        SmallRyeConfig prod = builder("prod").build();
        assertThatThrownBy(() -> prod.getValue(SECRET, String.class))
                .hasMessageContaining("BALLAST_CONSOLE_CLIENT_SECRET");
        SmallRyeConfig supplied = builder("prod").withDefaultValue("BALLAST_CONSOLE_CLIENT_SECRET",
                "from-the-environment").build();
        assertThat(supplied.getValue(SECRET, String.class)).isEqualTo("from-the-environment");
    }

    @Test
    void devAndTestUseTheDevelopmentSecretAndEveryProfileOneExactCallback() throws IOException {
        for (String profile : new String[] {"dev", "test"}) {
            assertThat(builder(profile).build().getValue(SECRET, String.class)).as(profile)
                    .isEqualTo("ballast-console-secret");
        }
        for (String profile : new String[] {"prod", "dev", "test"}) {
            SmallRyeConfig config = builder(profile).build();
            assertThat(config.getValue("quarkus.oidc.authentication.redirect-path", String.class)).as(profile)
                    .isEqualTo("/callback");
            assertThat(config.getValue("quarkus.oidc.logout.post-logout-path", String.class)).as(profile)
                    .isEqualTo("/signed-out");
        }
    }
}
