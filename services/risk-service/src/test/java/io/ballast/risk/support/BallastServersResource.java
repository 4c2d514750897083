package io.ballast.risk.support;

import io.ballast.devstack.DevStack;
import io.ballast.devstack.ProjectRoot;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/**
 * Starts the real servers the risk service needs for tests: embedded PostgreSQL, a Kafka KRaft broker (child JVM)
 * and Keycloak with the {@code ballast} realm (in-memory database), all on random ports of 127.0.0.1.
 *
 * <p>The servers start once per test JVM, on the first test class that uses this resource, and are reused by every
 * later one (Quarkus restarts the application between test classes, not the servers); a shutdown hook stops them
 * when the JVM exits. Use it with {@code @QuarkusTestResource(value = BallastServersResource.class, restrictToAnnotatedClass = false)}
 * or {@code @WithTestResource(BallastServersResource.class)}.
 */
public class BallastServersResource implements QuarkusTestResourceLifecycleManager {

    private static DevStack stack;

    /**
     * Starts the servers if this JVM has not yet, and returns the configuration pointing the service at them:
     * {@code quarkus.datasource.reactive.url}, {@code quarkus.datasource.jdbc.url},
     * {@code quarkus.datasource.username}, {@code quarkus.datasource.password}, {@code kafka.bootstrap.servers},
     * {@code quarkus.oidc.auth-server-url} ({@code http://127.0.0.1:<kc>/realms/ballast}),
     * {@code ballast.keycloak.server-url}, {@code ballast.keycloak.realm},
     * {@code ballast.keycloak.service-client-id}, {@code ballast.keycloak.service-client-secret} and
     * {@code ballast.test.token-url}.
     *
     * @return that configuration
     */
    @Override
    public Map<String, String> start() {
        return servers().quarkusConfig();
    }

    /** Leaves the servers running for the next test class; the shutdown hook stops them. */
    @Override
    public void stop() {
        // shared across test classes
    }

    /**
     * The token endpoint of the {@code ballast} realm, for tests that fetch client-credentials tokens (starts the
     * servers if needed).
     *
     * @return {@code http://127.0.0.1:<kc>/realms/ballast/protocol/openid-connect/token}
     */
    public static String tokenUrl() {
        return servers().keycloak().tokenUrl();
    }

    /**
     * The running servers of this JVM, started on first use.
     *
     * @return the stack (PostgreSQL, Kafka, Keycloak)
     */
    public static synchronized DevStack servers() {
        if (stack == null) {
            long started = System.nanoTime();
            DevStack running = DevStack.startEphemeral(ProjectRoot.locate());
            Runtime.getRuntime().addShutdownHook(new Thread(running::close, "ballast-test-servers-stop"));
            stack = running;
            System.out.printf("ballast: test servers up in %.1f s: %s%n", (System.nanoTime() - started) / 1e9,
                    running.quarkusConfig());
        }
        return stack;
    }
}
