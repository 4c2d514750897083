package io.ballast.devstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class LauncherOptionsTest {

    @Test
    void noFlagsNoEnvironmentGivesTheDocumentedDefaults() {
        LauncherOptions options = LauncherOptions.parse(new String[0], Map.of());
        assertThat(options).isEqualTo(new LauncherOptions(15432, 9092, 9093, 8180, 8080, false));
    }

    @Test
    void environmentOverridesDefaultsAndFlagsOverrideEnvironment() {
        LauncherOptions options = LauncherOptions.parse(
                new String[] {"--keycloak-port", "18180", "--servers-only"},
                Map.of("BALLAST_KEYCLOAK_PORT", "28180", "BALLAST_API_PORT", "18080", "BALLAST_PG_PORT", " "));
        assertThat(options.keycloakPort()).isEqualTo(18180);
        assertThat(options.apiPort()).isEqualTo(18080);
        assertThat(options.postgresPort()).isEqualTo(15432);
        assertThat(options.serversOnly()).isTrue();
    }

    @Test
    void unknownFlagIsRejectedByName() {
        assertThatThrownBy(() -> LauncherOptions.parse(new String[] {"--pgport", "1"}, Map.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'--pgport'");
    }

    @Test
    void flagWithoutValueIsRejected() {
        assertThatThrownBy(() -> LauncherOptions.parse(new String[] {"--api-port"}, Map.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--api-port needs a port");
    }

    @Test
    void nonNumericEnvironmentPortIsRejectedWithTheVariableName() {
        assertThatThrownBy(() -> LauncherOptions.parse(new String[0], Map.of("BALLAST_KAFKA_PORT", "nine")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("BALLAST_KAFKA_PORT")
                .hasMessageContaining("'nine'");
    }

    @Test
    void outOfRangePortIsRejected() {
        assertThatThrownBy(() -> LauncherOptions.parse(new String[] {"--pg-port", "70000"}, Map.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--pg-port")
                .hasMessageContaining("70000");
    }

    @Test
    void twoServersOnOnePortAreRejected() {
        assertThatThrownBy(() -> new LauncherOptions(15432, 9092, 9092, 8180, 8080, false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("port 9092");
    }
}
