package io.ballast.devstack;

import java.util.ArrayList;
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
 * {@code BALLAST_KEYCLOAK_PORT} (8180), {@code --api-port} / {@code BALLAST_API_PORT} (8080).
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

    /** Text printed by {@code ./ballast run --help}. */
    public static final String USAGE = String.join("\n",
            "usage: ./ballast run [options]",
            "Starts PostgreSQL, Kafka, Keycloak and the risk service on 127.0.0.1, seeds two demo tenants on the",
            "first start, and keeps state under .ballast/ (rm -rf .ballast to reset). Ctrl-C stops everything.",
            "",
            "options (flag, environment variable, default):",
            "  --pg-port N                BALLAST_PG_PORT                15432",
            "  --kafka-port N             BALLAST_KAFKA_PORT             9092",
            "  --kafka-controller-port N  BALLAST_KAFKA_CONTROLLER_PORT  9093",
            "  --keycloak-port N          BALLAST_KEYCLOAK_PORT          8180",
            "  --api-port N               BALLAST_API_PORT               8080",
            "  --servers-only             start the three servers only (e.g. for mvn quarkus:dev)",
            "  --help                     this text");

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
     * Reads the options from command-line flags and the environment.
     *
     * @param args the arguments after {@code run}
     * @param env  the environment (usually {@link System#getenv()})
     * @return the options
     * @throws IllegalArgumentException on an unknown flag, a missing or non-numeric value, or an invalid port
     */
    public static LauncherOptions parse(String[] args, Map<String, String> env) {
        int pg = envPort(env, "BALLAST_PG_PORT", PostgresServer.DEFAULT_PORT);
        int kafka = envPort(env, "BALLAST_KAFKA_PORT", KafkaBroker.DEFAULT_PORT);
        int controller = envPort(env, "BALLAST_KAFKA_CONTROLLER_PORT", KafkaBroker.DEFAULT_CONTROLLER_PORT);
        int keycloak = envPort(env, "BALLAST_KEYCLOAK_PORT", KeycloakServer.DEFAULT_PORT);
        int api = envPort(env, "BALLAST_API_PORT", 8080);
        boolean serversOnly = false;
        List<String> rest = new ArrayList<>(List.of(args));
        while (!rest.isEmpty()) {
            String flag = rest.remove(0);
            switch (flag) {
                case "--servers-only" -> serversOnly = true;
                case "--pg-port" -> pg = flagPort(flag, rest);
                case "--kafka-port" -> kafka = flagPort(flag, rest);
                case "--kafka-controller-port" -> controller = flagPort(flag, rest);
                case "--keycloak-port" -> keycloak = flagPort(flag, rest);
                case "--api-port" -> api = flagPort(flag, rest);
                default -> throw new IllegalArgumentException("unknown option '" + flag + "'");
            }
        }
        return new LauncherOptions(pg, kafka, controller, keycloak, api, serversOnly);
    }

    private static int flagPort(String flag, List<String> rest) {
        if (rest.isEmpty()) {
            throw new IllegalArgumentException(flag + " needs a port number");
        }
        return number(flag, rest.remove(0));
    }

    private static int envPort(Map<String, String> env, String name, int fallback) {
        String value = env.get(name);
        return value == null || value.isBlank() ? fallback : number(name, value.trim());
    }

    private static int number(String what, String value) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(what + " must be a port number, got '" + value + "'");
        }
    }
}
