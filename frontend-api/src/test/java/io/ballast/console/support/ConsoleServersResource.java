package io.ballast.console.support;

import io.ballast.devstack.KafkaUser;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/**
 * Points the console under test at the real servers of {@link ConsoleServers}: Keycloak's realm, the packaged
 * risk service, the Kafka broker; fixes the console's port (registered as a redirect URI) and its consumer group
 * (so tests can wait until it is assigned before publishing).
 */
public class ConsoleServersResource implements QuarkusTestResourceLifecycleManager {

    /** Consumer group of the console under test on ballast.margin-events. */
    public static final String GROUP = "ballast-console-test";

    @Override
    public Map<String, String> start() {
        ConsoleServers servers = ConsoleServers.get();
        Map<String, String> config = new java.util.HashMap<>(Map.of(
                "quarkus.oidc.auth-server-url", servers.stack().keycloak().realmUrl(),
                "quarkus.rest-client.risk.url", servers.apiUrl(),
                "kafka.bootstrap.servers", servers.stack().kafka().bootstrapServers(),
                "quarkus.http.test-port", String.valueOf(servers.consolePort()),
                "mp.messaging.incoming.margin-events.group.id", GROUP));
        // the broker requires SASL: the console reads ballast.margin-events as the service's broker user
        KafkaUser.SERVICE.saslClientConfig().forEach((key, value) -> config.put("kafka." + key, value));
        return config;
    }

    @Override
    public void stop() {
        // the servers stay up for the next test class; a shutdown hook stops them
    }
}
