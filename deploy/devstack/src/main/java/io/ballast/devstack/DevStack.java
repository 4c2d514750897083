package io.ballast.devstack;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;

/**
 * The three servers the risk service needs, PostgreSQL, Kafka and Keycloak, started together, with the Quarkus
 * configuration that points a service at them.
 *
 * <p>Kafka and Keycloak start in parallel with PostgreSQL; if one fails, the others are stopped again.
 */
public final class DevStack implements AutoCloseable {

    /** Client id of the operator client (realm role {@code platform-admin}). */
    public static final String PLATFORM_ADMIN_CLIENT_ID = "ballast-platform-admin";
    /** Secret of {@link #PLATFORM_ADMIN_CLIENT_ID}, given to the realm import by {@link KeycloakServer}. Development only. */
    public static final String PLATFORM_ADMIN_CLIENT_SECRET = "ballast-platform-admin-secret";
    /** Client id the risk service uses against the Keycloak admin REST API. */
    public static final String SERVICE_CLIENT_ID = "ballast-service";
    /** Secret of {@link #SERVICE_CLIENT_ID}, given to the realm import by {@link KeycloakServer}. Development only. */
    public static final String SERVICE_CLIENT_SECRET = "ballast-service-secret";
    /** Client id of the risk-committee console (browser login). */
    public static final String CONSOLE_CLIENT_ID = "ballast-console";
    /** Secret of {@link #CONSOLE_CLIENT_ID}, given to the realm import by {@link KeycloakServer}. Development only. */
    public static final String CONSOLE_CLIENT_SECRET = "ballast-console-secret";

    private final PostgresServer postgres;
    private final KafkaBroker kafka;
    private final KeycloakServer keycloak;

    /**
     * Bundles three running servers.
     *
     * @param postgres the database server
     * @param kafka    the broker
     * @param keycloak the identity provider
     */
    public DevStack(PostgresServer postgres, KafkaBroker kafka, KeycloakServer keycloak) {
        this.postgres = postgres;
        this.kafka = kafka;
        this.keycloak = keycloak;
    }

    /**
     * Starts throw-away servers on random ports for tests: PostgreSQL with a temporary data directory, a Kafka
     * broker in a temporary directory, Keycloak with an in-memory database. Logs go to
     * {@code <root>/deploy/devstack/target/test-servers/}.
     *
     * @param projectRoot the Ballast project root
     * @return the running stack
     */
    public static DevStack startEphemeral(Path projectRoot) {
        Path logs = projectRoot.resolve("deploy/devstack/target/test-servers");
        String run = "-" + ProcessHandle.current().pid();
        return startAll(PostgresServer::startEphemeral,
                () -> KafkaBroker.startEphemeral(projectRoot, logs.resolve("kafka" + run + ".log")),
                () -> KeycloakServer.startEphemeral(projectRoot, logs.resolve("keycloak" + run + ".log")));
    }

    static DevStack startAll(Supplier<PostgresServer> postgres, Supplier<KafkaBroker> kafka,
            Supplier<KeycloakServer> keycloak) {
        CompletableFuture<KeycloakServer> keycloakStart = CompletableFuture.supplyAsync(keycloak);
        CompletableFuture<KafkaBroker> kafkaStart = CompletableFuture.supplyAsync(kafka);
        PostgresServer pg = null;
        try {
            pg = postgres.get();
            return new DevStack(pg, kafkaStart.join(), keycloakStart.join());
        } catch (RuntimeException e) {
            for (CompletableFuture<? extends AutoCloseable> start : List.of(keycloakStart, kafkaStart)) {
                try {
                    closeQuietly(start.join());
                } catch (RuntimeException failedToStart) {
                    // nothing to stop
                }
            }
            closeQuietly(pg);
            throw e instanceof CompletionException && e.getCause() instanceof RuntimeException cause ? cause : e;
        }
    }

    /** @return the PostgreSQL server */
    public PostgresServer postgres() {
        return postgres;
    }

    /** @return the Kafka broker */
    public KafkaBroker kafka() {
        return kafka;
    }

    /** @return the Keycloak server */
    public KeycloakServer keycloak() {
        return keycloak;
    }

    /**
     * The Quarkus configuration that points the risk service at these servers (as system properties or a test
     * resource's config map).
     *
     * @return keys {@code quarkus.datasource.*} (the application role {@link PostgresServer#APP_USER}),
     *     {@code quarkus.flyway.username} and {@code quarkus.flyway.password} (the owner role
     *     {@link PostgresServer#OWNER_USER}), {@code kafka.bootstrap.servers}, the SASL client settings of
     *     {@link KafkaUser#SERVICE} ({@code kafka.security.protocol}, {@code kafka.sasl.mechanism},
     *     {@code kafka.sasl.jaas.config}; SmallRye applies {@code kafka.*} to every channel and the health check),
     *     {@code quarkus.oidc.auth-server-url},
     *     {@code ballast.keycloak.*} and {@code ballast.test.token-url}, in a stable order
     */
    public Map<String, String> quarkusConfig() {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("quarkus.datasource.reactive.url", postgres.reactiveUrl());
        config.put("quarkus.datasource.jdbc.url", postgres.jdbcUrl());
        config.put("quarkus.datasource.username", postgres.appUser());
        config.put("quarkus.datasource.password", postgres.appPassword());
        config.put("quarkus.flyway.username", postgres.ownerUser());
        config.put("quarkus.flyway.password", postgres.ownerPassword());
        config.put("kafka.bootstrap.servers", kafka.bootstrapServers());
        KafkaUser.SERVICE.saslClientConfig().forEach((key, value) -> config.put("kafka." + key, value));
        config.put("quarkus.oidc.auth-server-url", keycloak.realmUrl());
        config.put("ballast.keycloak.server-url", keycloak.serverUrl());
        config.put("ballast.keycloak.realm", KeycloakServer.REALM);
        config.put("ballast.keycloak.service-client-id", SERVICE_CLIENT_ID);
        config.put("ballast.keycloak.service-client-secret", SERVICE_CLIENT_SECRET);
        config.put("ballast.test.token-url", keycloak.tokenUrl());
        return config;
    }

    /** Stops Keycloak, Kafka and PostgreSQL, in that order; a failure to stop one does not keep the others up. */
    @Override
    public void close() {
        closeQuietly(keycloak);
        closeQuietly(kafka);
        closeQuietly(postgres);
    }

    static void closeQuietly(AutoCloseable server) {
        if (server == null) {
            return;
        }
        try {
            server.close();
        } catch (Exception e) {
            System.err.println("ballast devstack: stopping " + server.getClass().getSimpleName() + " failed: " + e);
        }
    }
}
