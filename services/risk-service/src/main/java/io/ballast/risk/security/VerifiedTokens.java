package io.ballast.risk.security;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.ballast.risk.config.BallastConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.oidc.AccessTokenCredential;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.function.LongSupplier;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * Accepts a bearer token again without a second verification when this instance has verified the very same token
 * (its full text, signature included) within {@code ballast.api.verified-token-ttl} and it has not expired. Verifying
 * a token (Quarkus OIDC over jose4j: its claims parsed, base64, RSA) was a quarter of a pre-trade check's CPU; an
 * integrator sends many requests with one token.
 *
 * <p>Why the answer stays the same: the service verifies tokens locally, without introspection
 * ({@code application.properties}), so whether a token is accepted depends only on its text, the realm's keys and the
 * clock. Only identities that Quarkus OIDC built after a successful verification are remembered
 * ({@link VerifiedTokenRecorder}), and {@link VerifiedTokenProvider} serves them before OIDC's provider; a token that
 * fails verification is never remembered and fails again each time. Every reuse checks the token's expiry against
 * the clock as OIDC does with {@code lifespan-grace=0} (valid while now is before {@code exp}). Revocation is not
 * affected: a locally verified token was never checked for it. What does change: a signing key removed from the
 * realm stops the tokens it signed only when their entries end, at most the TTL later. A suspended tenant is still
 * refused on the next request ({@link TenantAccess} runs on every request). This holds for one OIDC tenant
 * configuration, which is what the service has: with several, one token could be valid for one and not the other.
 *
 * <p>A reused identity is the remembered one with this request's routing context (and the blocking-API marker OIDC
 * copies from it) in place of the first request's. Counted at {@code /q/metrics} as
 * {@code ballast_api_tokens_total{verification="verified"|"reused"}}.
 */
@ApplicationScoped
public class VerifiedTokens {

    /** Attribute marking an identity served from here, so that the recorder does not store it again. */
    static final String REUSED = "ballast.token.reused";

    private record Entry(SecurityIdentity identity, long untilMillis) {
    }

    private final Cache<String, Entry> cache;
    private final long ttlMillis;
    private final LongSupplier clockMillis;
    private final Counter verified;
    private final Counter reused;

    /** Wires the configured lifetime and size and the two counters. */
    @Inject
    public VerifiedTokens(BallastConfig config, MeterRegistry metrics) {
        this(config.api().verifiedTokenTtl().toMillis(), config.api().verifiedTokenCacheSize(), metrics,
                System::currentTimeMillis);
    }

    VerifiedTokens(long ttlMillis, int maxSize, MeterRegistry metrics, LongSupplier clockMillis) {
        this.ttlMillis = ttlMillis;
        this.cache = ttlMillis > 0 && maxSize > 0 ? Caffeine.newBuilder().maximumSize(maxSize).build() : null;
        this.clockMillis = clockMillis;
        this.verified = counter(metrics, "verified");
        this.reused = counter(metrics, "reused");
    }

    private static Counter counter(MeterRegistry metrics, String verification) {
        return Counter.builder("ballast.api.tokens")
                .description("bearer tokens accepted, by whether their signature was verified or a verification reused")
                .tag("verification", verification).register(metrics);
    }

    /** The remembered identity of this token, for this request; null when there is none or it has ended. */
    SecurityIdentity reuse(Object credential, RoutingContext request) {
        if (request == null || !(credential instanceof AccessTokenCredential token)) {
            return null;
        }
        SecurityIdentity remembered = remembered(token.getToken());
        if (remembered == null) {
            return null;
        }
        reused.increment();
        String blockingApi = AuthenticationRequestContext.class.getName();
        return QuarkusSecurityIdentity.builder(remembered)
                .addAttribute(RoutingContext.class.getName(), request)
                .addAttribute(blockingApi, request.get(blockingApi))
                .addAttribute(REUSED, Boolean.TRUE)
                .build();
    }

    /** The identity remembered for this token text, or null when there is none or its entry has ended. */
    SecurityIdentity remembered(String token) {
        Entry entry = cache == null ? null : cache.getIfPresent(token);
        if (entry == null) {
            return null;
        }
        if (clockMillis.getAsLong() >= entry.untilMillis) {
            cache.invalidate(token);
            return null;
        }
        return entry.identity;
    }

    /**
     * Counts and (unless the reuse is off) remembers an identity that Quarkus OIDC built from a verified access token,
     * until the earlier of the token's expiry and the TTL. Anonymous identities, identities served from here and
     * identities without a JWT principal or an expiry are neither counted nor remembered.
     */
    void remember(SecurityIdentity identity) {
        if (identity.isAnonymous() || identity.getAttribute(REUSED) != null
                || !(identity.getPrincipal() instanceof JsonWebToken jwt)) {
            return;
        }
        AccessTokenCredential token = identity.getCredential(AccessTokenCredential.class);
        long expiresMillis = jwt.getExpirationTime() * 1000L;
        if (token == null || token.isOpaque() || expiresMillis <= 0) {
            return;
        }
        verified.increment();
        if (cache == null) {
            return;
        }
        long until = Math.min(expiresMillis, clockMillis.getAsLong() + ttlMillis);
        cache.put(token.getToken(), new Entry(identity, until));
    }
}
