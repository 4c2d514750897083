package io.ballast.devstack;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Settings of {@code ./ballast run}: the TCP ports on 127.0.0.1 and whether to start the risk service.
 *
 * <p>Each port comes from its flag, else its environment variable, else its default: {@code --pg-port} /
 * {@code BALLAST_PG_PORT} (15432), {@code --kafka-port} / {@code BALLAST_KAFKA_PORT} (9092),
 * {@code --kafka-controller-port} / {@code BALLAST_KAFKA_CONTROLLER_PORT} (9093), {@code --keycloak-port} /
 * {@code BALLAST_KEYCLOAK_PORT} (8180), {@code --api-port} / {@code BALLAST_API_PORT} (8080). The command line is
 * read by {@link RunCommand} (picocli), which also prints {@code ./ballast run --help}.
 *
 * @param postgresPort        PostgreSQL port
 * @param kafkaPort           Kafka client port
 * @param kafkaControllerPort Kafka KRaft controller port
 * @param keycloakPort        Keycloak HTTP port
 * @param apiPort             risk service HTTP port
 * @param serversOnly         start PostgreSQL, Kafka and Keycloak only (no risk service, no demo data)
 */
public record LauncherOptions(int postgresPort, int kafkaPort, int kafkaControllerPort, int keycloakPort, int apiPort,
        boolean serversOnly) {

    /** Validates that every port is in 1..65535 and that no two are equal. */
    public LauncherOptions {
        Map<String, Integer> ports = Map.of("--pg-port", postgresPort, "--kafka-port", kafkaPort,
                "--kafka-controller-port", kafkaControllerPort, "--keycloak-port", keycloakPort,
                "--api-port", apiPort);
        Set<Integer> seen = new HashSet<>();
        for (Map.Entry<String, Integer> port : ports.entrySet()) {
            Ports.requireValid(port.getValue(), port.getKey());
        }
        for (int port : List.of(postgresPort, kafkaPort, kafkaControllerPort, keycloakPort, apiPort)) {
            if (!seen.add(port)) {
                throw new IllegalArgumentException("port " + port + " is given to two servers; each needs its own");
            }
        }
    }

    /**
     * Reads the options from command-line flags and the environment, as {@code ./ballast run} does
     * ({@link RunCommand}, picocli).
     *
     * @param args the arguments after {@code run}
     * @param env  the environment (usually {@link System#getenv()})
     * @return the options
     * @throws IllegalArgumentException on an unknown flag, a missing or non-numeric value, or an invalid port
     */
    public static LauncherOptions parse(String[] args, Map<String, String> env) {
        return RunCommand.parse(args, env);
    }
}
