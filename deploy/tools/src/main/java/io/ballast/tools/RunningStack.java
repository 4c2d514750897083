package io.ballast.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ballast.devstack.BallastLauncher;
import io.ballast.devstack.KafkaUser;
import io.ballast.devstack.LauncherOptions;
import io.ballast.devstack.Ports;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * Where the servers of {@code ./ballast run} listen, as the tools find them: {@code .ballast/stack.json} (written by
 * the launcher at every start), else the launcher's default ports (or their {@code BALLAST_*_PORT} environment
 * variables) on 127.0.0.1; plus the demo tenants' credentials of {@code .ballast/demo-credentials.json}.
 *
 * @param kafkaBootstrap  Kafka bootstrap address, {@code host:port}
 * @param apiUrl          base URL of the risk service, e.g. {@code http://127.0.0.1:8080}
 * @param tokenUrl        Keycloak token endpoint of the ballast realm
 * @param jdbcUrl         PostgreSQL JDBC URL of the {@code ballast} database
 * @param postgresUser    its user
 * @param postgresPassword its password
 * @param demo            content of {@code demo-credentials.json}, or an empty object when there is none
 */
public record RunningStack(String kafkaBootstrap, String apiUrl, String tokenUrl, String jdbcUrl,
        String postgresUser, String postgresPassword, JsonNode demo) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * Reads the state directory of a project root.
     *
     * @param root the project root ({@code .ballast/} lies below it)
     * @param env  the environment, for the {@code BALLAST_*_PORT} defaults
     * @return the addresses; defaults where the files say nothing
     */
    public static RunningStack locate(Path root, Map<String, String> env) {
        Path state = root.resolve(".ballast");
        LauncherOptions defaults = LauncherOptions.parse(new String[0], env);
        String host = "http://" + Ports.LOOPBACK;
        JsonNode stack = read(state.resolve(BallastLauncher.STACK_FILE));
        JsonNode demo = read(state.resolve("demo-credentials.json"));
        return new RunningStack(
                text(stack, "kafkaBootstrap", Ports.LOOPBACK + ":" + defaults.kafkaPort()),
                text(stack, "apiUrl", text(demo, "apiUrl", host + ":" + defaults.apiPort())),
                text(stack, "tokenUrl", text(demo, "tokenUrl", host + ":" + defaults.keycloakPort()
                        + "/realms/ballast/protocol/openid-connect/token")),
                text(stack, "postgresJdbcUrl", "jdbc:postgresql://" + Ports.LOOPBACK + ":" + defaults.postgresPort()
                        + "/ballast"),
                text(stack, "postgresUser", "postgres"),
                text(stack, "postgresPassword", "postgres"),
                demo);
    }

    /**
     * Kafka client settings: bootstrap, the SASL login of {@code user}, then every entry of {@code overrides} (a
     * properties file for a real broker: {@code security.protocol=SASL_SSL}, its own {@code sasl.jaas.config},
     * trust store and so on) on top.
     *
     * @param bootstrap bootstrap address, or null for this stack's
     * @param user      the dev stack user to log in as unless the overrides say otherwise
     * @param overrides a Kafka client properties file, or null
     * @return a mutable map
     */
    public Map<String, Object> kafkaConfig(String bootstrap, KafkaUser user, Path overrides) {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("bootstrap.servers", bootstrap != null ? bootstrap : kafkaBootstrap);
        config.putAll(user.saslClientConfig());
        if (overrides != null) {
            Properties file = new Properties();
            try (InputStream in = Files.newInputStream(overrides)) {
                file.load(in);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read Kafka client properties " + overrides, e);
            }
            file.forEach((k, v) -> config.put(String.valueOf(k), v));
        }
        return config;
    }

    /**
     * Refuses anything but the loopback address: the load command writes into the database and floods the broker,
     * so it never leaves this machine.
     *
     * @param what    what the address is for, for the message
     * @param address a {@code host:port}, a URL or a JDBC URL
     * @throws IllegalArgumentException if its host is not 127.0.0.1 or localhost
     */
    public static void requireLoopback(String what, String address) {
        String a = address.startsWith("jdbc:") ? address.substring(5) : address;
        String host = a.contains("://") ? URI.create(a).getHost() : a.substring(0, a.lastIndexOf(':'));
        if (!Ports.LOOPBACK.equals(host) && !"localhost".equals(host)) {
            throw new IllegalArgumentException(what + " must be on 127.0.0.1, got " + address);
        }
    }

    private static JsonNode read(Path file) {
        if (!Files.isRegularFile(file)) {
            return JSON.createObjectNode();
        }
        try {
            return JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    private static String text(JsonNode node, String field, String fallback) {
        JsonNode value = node.path(field);
        return value.isTextual() && !value.asText().isBlank() ? value.asText() : fallback;
    }
}
