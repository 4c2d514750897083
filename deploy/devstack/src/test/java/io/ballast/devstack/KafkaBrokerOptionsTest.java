package io.ballast.devstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class KafkaBrokerOptionsTest {

    @Test
    void unsetOrBlankGivesTheDocumentedDefault() {
        assertThat(KafkaBroker.javaOptions(Map.of())).containsExactly("-Xms128m", "-Xmx512m", "-XX:+UseSerialGC");
        assertThat(KafkaBroker.javaOptions(Map.of(KafkaBroker.JAVA_OPTS_ENV, "  ")))
                .containsExactly("-Xms128m", "-Xmx512m", "-XX:+UseSerialGC");
    }

    @Test
    void theVariableReplacesTheDefaultSplitOnWhiteSpace() {
        assertThat(KafkaBroker.javaOptions(Map.of(KafkaBroker.JAVA_OPTS_ENV, " -Xmx1g\t-XX:+UseZGC  ")))
                .containsExactly("-Xmx1g", "-XX:+UseZGC");
    }
}
