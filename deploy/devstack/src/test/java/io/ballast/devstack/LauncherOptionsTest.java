package io.ballast.devstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
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
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Missing required parameter")
                .hasMessageContaining("'--api-port'");
    }

    @Test
    void nonNumericFlagIsRejectedWithTheFlagName() {
        assertThatThrownBy(() -> LauncherOptions.parse(new String[] {"--pg-port", "five"}, Map.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'--pg-port'")
                .hasMessageContaining("'five'");
    }

    @Test
    void helpListsEveryOptionWithItsVariableAndDefaultAndExitsZero() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = RunCommand.execute(new String[] {"--help"}, Map.of(), new PrintWriter(out, true),
                new PrintWriter(err, true));
        assertThat(code).isZero();
        assertThat(err.toString()).isEmpty();
        assertThat(out.toString()).contains("./ballast run", "--pg-port=N", "BALLAST_PG_PORT, default 15432",
                "--kafka-port=N", "BALLAST_KAFKA_PORT, default 9092", "--kafka-controller-port=N",
                "BALLAST_KAFKA_CONTROLLER_PORT, default 9093", "--keycloak-port=N", "BALLAST_KEYCLOAK_PORT, default 8180",
                "--api-port=N", "BALLAST_API_PORT, default 8080", "--servers-only", "-h, --help",
                "BALLAST_SERVICE_JAVA_OPTS", "BALLAST_CONSOLE_PORT");
        StringWriter shortOut = new StringWriter();
        assertThat(RunCommand.execute(new String[] {"-h"}, Map.of(), new PrintWriter(shortOut, true),
                new PrintWriter(new StringWriter(), true))).isZero();
        assertThat(shortOut.toString()).isEqualTo(out.toString());
    }

    @Test
    void badUsageExitsTwoWithTheMessageAndTheUsageAndStartsNothing() {
        for (String[] args : new String[][] {{"--pgport", "1"}, {"--pg-port", "70000"}, {"--api-port"},
                {"--kafka-port", "9092", "--kafka-controller-port", "9092"}}) {
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            int code = RunCommand.execute(args, Map.of(), new PrintWriter(out, true), new PrintWriter(err, true));
            assertThat(code).as(String.join(" ", args)).isEqualTo(2);
            assertThat(err.toString()).as(String.join(" ", args)).startsWith("ballast run: ")
                    .contains("Usage: ./ballast run");
            assertThat(out.toString()).isEmpty();
        }
        StringWriter err = new StringWriter();
        RunCommand.execute(new String[] {"--pgport", "1"}, Map.of(), new PrintWriter(new StringWriter(), true),
                new PrintWriter(err, true));
        assertThat(err.toString()).contains("Unknown option").contains("'--pgport'");
        err = new StringWriter();
        RunCommand.execute(new String[0], Map.of("BALLAST_API_PORT", "eighty"),
                new PrintWriter(new StringWriter(), true), new PrintWriter(err, true));
        assertThat(err.toString()).contains("BALLAST_API_PORT must be a port number, got 'eighty'");
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
