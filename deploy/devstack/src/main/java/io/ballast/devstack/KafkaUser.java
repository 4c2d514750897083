package io.ballast.devstack;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A SASL/PLAIN identity of the dev stack's Kafka broker, and the client settings that authenticate as it.
 *
 * <p>The three users and their ACLs are fixed by {@link KafkaBroker}: {@link #ADMIN} is a super user (broker to
 * controller traffic, readiness checks, operator tools), {@link #SERVICE} is the risk service (reads
 * {@code ballast.prices}, reads and writes its own {@code ballast.*} topics and {@code ballast*} consumer groups, may
 * NOT write {@code ballast.prices}), {@link #FEED} is the platform price feed (may only write {@code ballast.prices}).
 * The passwords are development values, like the Keycloak client secrets of the realm file: a real broker gets its
 * own (docs/kafka-security.md).
 *
 * @param name     the user name (the ACL principal is {@code User:<name>})
 * @param password the password, non-empty
 */
public record KafkaUser(String name, String password) {

    /** Super user of the broker: inter-broker and controller traffic, ACL management, operator tools. */
    public static final KafkaUser ADMIN = new KafkaUser("ballast-admin", "ballast-admin-secret");
    /** The risk service. */
    public static final KafkaUser SERVICE = new KafkaUser("ballast-service", "ballast-service-kafka-secret");
    /** The platform's price feed producers ({@code ./ballast replay}, market data adapters). */
    public static final KafkaUser FEED = new KafkaUser("ballast-feed", "ballast-feed-secret");

    /** Client {@code security.protocol} of the dev stack's listener: SASL over plain TCP on 127.0.0.1. */
    public static final String SECURITY_PROTOCOL = "SASL_PLAINTEXT";
    /** Client {@code sasl.mechanism}. */
    public static final String SASL_MECHANISM = "PLAIN";

    /** Validates that name and password are present and that neither can break out of a JAAS option. */
    public KafkaUser {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(password, "password");
        if (name.isBlank() || password.isEmpty()) {
            throw new IllegalArgumentException("a Kafka user needs a name and a password");
        }
        if (name.contains("\"") || password.contains("\"") || name.contains("\\") || password.contains("\\")) {
            throw new IllegalArgumentException("Kafka user names and passwords must not contain quotes or backslashes");
        }
    }

    /** @return the ACL principal, {@code User:<name>} */
    public String principal() {
        return "User:" + name;
    }

    /** @return the client {@code sasl.jaas.config} value that logs in as this user with SASL/PLAIN */
    public String jaasConfig() {
        return "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"" + name
                + "\" password=\"" + password + "\";";
    }

    /**
     * The Kafka client settings that authenticate as this user (without {@code bootstrap.servers}).
     *
     * @return {@code security.protocol}, {@code sasl.mechanism} and {@code sasl.jaas.config}
     */
    public Map<String, String> saslClientConfig() {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("security.protocol", SECURITY_PROTOCOL);
        config.put("sasl.mechanism", SASL_MECHANISM);
        config.put("sasl.jaas.config", jaasConfig());
        return config;
    }

    /** The password never appears in logs or test reports. */
    @Override
    public String toString() {
        return "KafkaUser[" + name + "]";
    }
}
