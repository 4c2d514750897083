package io.ballast.risk.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Typed configuration under {@code ballast.*}. */
@ConfigMapping(prefix = "ballast")
public interface BallastConfig {

    /** Keycloak admin API used at onboarding. */
    Keycloak keycloak();

    /** HTTP API limits. */
    Api api();

    /** Outbox relay. */
    Outbox outbox();

    /** How long published outbox rows and idempotency records are kept. */
    Retention retention();

    /** Retention of rows that only grow (messaging.Retention). */
    interface Retention {
        /** How long an outbox row is kept after it was published (then deleted). */
        @WithDefault("P7D")
        Duration publishedOutbox();

        /**
         * How long an Idempotency-Key's stored answer is kept; a retry after that runs as a new request (an
         * externalRef still prevents a second booking of a deposit or withdrawal).
         */
        @WithDefault("P1D")
        Duration idempotencyRecords();

        /** Rows deleted per statement (short transactions, no long lock). */
        @WithDefault("5000")
        int batchSize();
    }

    /** How the service reaches Keycloak (the onboarding extension, /realms/{realm}/ballast-onboarding). */
    interface Keycloak {
        /** Base URL, e.g. {@code http://127.0.0.1:8180} (no trailing slash). */
        String serverUrl();

        /** Realm holding the tenant clients. */
        @WithDefault("ballast")
        String realm();

        /** Service-account client holding the realm role ballast-onboarding (and no realm-management role). */
        String serviceClientId();

        /** Its secret. */
        String serviceClientSecret();
    }

    /** Limits of the HTTP API. */
    interface Api {
        /** Largest accepted request body in bytes; larger requests get 413 problem+json. */
        @WithDefault("16777216")
        long maxBodyBytes();

        /** Largest number of rows (positions plus balances) in one snapshot. */
        @WithDefault("50000")
        int maxSnapshotRows();

        /** How long a tenant's status is cached before it is read again. */
        @WithDefault("PT2S")
        Duration tenantStatusCacheTtl();

        /**
         * How long a bearer token whose signature and claims this instance has verified is accepted again without a
         * new verification ({@link io.ballast.risk.security.VerifiedTokens}); never beyond the token's own expiry.
         * Zero turns the reuse off.
         */
        @WithDefault("PT60S")
        Duration verifiedTokenTtl();

        /** Most verified tokens remembered at once; the least recently used go first. */
        @WithDefault("10000")
        int verifiedTokenCacheSize();
    }

    /** Outbox relay settings. */
    interface Outbox {
        /** Kafka topic events are published to. */
        @WithDefault("ballast.events")
        String topic();

        /** Rows relayed per pass (one read, one attempt insert, one mark). */
        @WithDefault("1000")
        int batchSize();

        /**
         * Whether the live loop publishes the margin events it stores itself, right after their transaction
         * ({@link io.ballast.risk.messaging.DirectPublisher}), instead of leaving them to the relay's next pass.
         */
        @WithDefault("true")
        boolean direct();

        /**
         * How long the relay leaves a directly published row to its writer before treating it as a row that may
         * already be on its topic (the writer died or gave it back). Longer than a direct send can take: the direct
         * channel's {@code delivery.timeout.ms} (10 s) plus the mark.
         */
        @WithDefault("PT20S")
        Duration directGrace();
    }
}
