package io.ballast.devstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;
import org.junit.jupiter.api.Test;

/**
 * A throw-away broker whose picked port is taken before it binds it (as in a clean-clone CI run of session 20,
 * where another process took a free port between the pick and the broker's bind) starts again on new ports; other
 * failures are not retried.
 */
class KafkaEphemeralPortsTest {

    private static Path log(String name) {
        return ProjectRoot.locate().resolve("deploy/devstack/target/test-servers/kafka-ports-" + name + "-"
                + ProcessHandle.current().pid() + ".log");
    }

    @Test
    void aTakenPortIsReplacedAndTheBrokerStarts() throws Exception {
        Path log = log("taken");
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName(Ports.LOOPBACK))) {
            AtomicInteger calls = new AtomicInteger();
            IntSupplier ports = () -> calls.getAndIncrement() == 0 ? taken.getLocalPort() : Ports.free();
            try (KafkaBroker broker = KafkaBroker.startEphemeral(ProjectRoot.locate(), log, ports)) {
                assertThat(broker.port()).isNotEqualTo(taken.getLocalPort());
                assertThat(calls.get()).isEqualTo(4);
                assertThat(Files.readString(log)).contains("Address already in use");
            }
        }
    }

    @Test
    void anotherFailureIsThrownAtOnce() {
        AtomicInteger calls = new AtomicInteger();
        int port = Ports.free();
        assertThatThrownBy(() -> KafkaBroker.startEphemeral(ProjectRoot.locate(), log("same"), () -> {
            calls.incrementAndGet();
            return port;
        })).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must differ");
        assertThat(calls.get()).isEqualTo(2);
    }

    @Test
    void theLogIsReadFromTheAttemptsStart() throws Exception {
        Path log = Files.createTempFile("ballast-kafka-log", ".log");
        try {
            Files.writeString(log, "an earlier run: Address already in use\n");
            long from = Files.size(log);
            Files.writeString(log, "this run: started\n", java.nio.file.StandardOpenOption.APPEND);
            assertThat(KafkaBroker.logSays(log, from, "Address already in use")).isFalse();
            assertThat(KafkaBroker.logSays(log, 0, "Address already in use")).isTrue();
        } finally {
            Files.deleteIfExists(log);
        }
    }
}
