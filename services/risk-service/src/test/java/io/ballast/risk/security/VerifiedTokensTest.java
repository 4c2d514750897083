package io.ballast.risk.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quarkus.oidc.AccessTokenCredential;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.smallrye.jwt.auth.principal.DefaultJWTCallerPrincipal;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicLong;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.junit.jupiter.api.Test;

/**
 * What {@link VerifiedTokens} remembers and for how long, on a clock the test moves. The path through Quarkus (a
 * reused identity answering a real request, an expired token refused) is in {@code VerifiedTokenReuseTest}.
 */
class VerifiedTokensTest {

    private static final long T0 = 1_800_000_000_000L;
    private final AtomicLong now = new AtomicLong(T0);
    private final SimpleMeterRegistry metrics = new SimpleMeterRegistry();

    private VerifiedTokens tokens(long ttlMillis, int size) {
        return new VerifiedTokens(ttlMillis, size, metrics, now::get);
    }

    /** A token text shaped as a JWT (three parts, the payload JSON); anything else counts as opaque to OIDC. */
    private static String jwt(String name) {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        return b64.encodeToString("{\"alg\":\"RS256\"}".getBytes(StandardCharsets.UTF_8)) + "."
                + b64.encodeToString(("{\"sub\":\"" + name + "\"}").getBytes(StandardCharsets.UTF_8)) + ".c2ln";
    }

    /** An identity as OIDC builds it from a verified token. */
    private static SecurityIdentity identity(String token, long expiresEpochSeconds) {
        JwtClaims claims = new JwtClaims();
        claims.setSubject("integrator-" + token);
        if (expiresEpochSeconds > 0) {
            claims.setExpirationTime(NumericDate.fromSeconds(expiresEpochSeconds));
        }
        return QuarkusSecurityIdentity.builder().setPrincipal(new DefaultJWTCallerPrincipal(token, claims))
                .addCredential(new AccessTokenCredential(token)).addRole("integrator").build();
    }

    private double counted(String verification) {
        return metrics.get("ballast.api.tokens").tag("verification", verification).counter().count();
    }

    @Test
    void anEntryEndsAtTheTokensExpiryWhenThatComesFirst() {
        VerifiedTokens tokens = tokens(60_000, 100);
        SecurityIdentity identity = identity(jwt("a"), T0 / 1000 + 5);
        tokens.remember(identity);
        assertThat(tokens.remembered(jwt("a"))).isSameAs(identity);
        now.set(T0 + 4_999);
        assertThat(tokens.remembered(jwt("a"))).isSameAs(identity);
        now.set(T0 + 5_000); // exp itself: no longer valid, as jose4j has it with no grace
        assertThat(tokens.remembered(jwt("a"))).isNull();
        now.set(T0);
        assertThat(tokens.remembered(jwt("a"))).as("the ended entry is gone, not just hidden").isNull();
        assertThat(counted("verified")).isEqualTo(1.0);
    }

    @Test
    void anEntryEndsAfterTheTtlWhenTheTokenLivesLonger() {
        VerifiedTokens tokens = tokens(60_000, 100);
        tokens.remember(identity(jwt("long"), T0 / 1000 + 3_600));
        now.set(T0 + 59_999);
        assertThat(tokens.remembered(jwt("long"))).isNotNull();
        now.set(T0 + 60_000);
        assertThat(tokens.remembered(jwt("long"))).isNull();
    }

    @Test
    void onlyTheExactTextOfAVerifiedTokenIsFound() {
        VerifiedTokens tokens = tokens(60_000, 100);
        tokens.remember(identity(jwt("exact"), T0 / 1000 + 300));
        String token = jwt("exact");
        assertThat(tokens.remembered(token.substring(0, token.length() - 1) + "o")).isNull();
        assertThat(tokens.remembered(token + " ")).isNull();
        assertThat(tokens.remembered(jwt("exacT"))).isNull();
        assertThat(tokens.remembered(token)).isNotNull();
    }

    @Test
    void anonymousReusedOpaqueAndExpiryLessIdentitiesAreNotRemembered() {
        VerifiedTokens tokens = tokens(60_000, 100);
        tokens.remember(QuarkusSecurityIdentity.builder().setAnonymous(true).build());
        tokens.remember(identity(jwt("no-exp"), 0));
        tokens.remember(identity("opaque", T0 / 1000 + 300));
        tokens.remember(QuarkusSecurityIdentity.builder(identity(jwt("served"), T0 / 1000 + 300))
                .addAttribute(VerifiedTokens.REUSED, Boolean.TRUE).build());
        assertThat(tokens.remembered(jwt("no-exp"))).isNull();
        assertThat(tokens.remembered("opaque")).isNull();
        assertThat(tokens.remembered(jwt("served"))).isNull();
        assertThat(counted("verified")).isZero();
    }

    @Test
    void aZeroTtlOrSizeTurnsTheReuseOffAndStillCountsTheVerifications() {
        for (VerifiedTokens tokens : new VerifiedTokens[] {tokens(0, 100), tokens(60_000, 0)}) {
            tokens.remember(identity(jwt("a"), T0 / 1000 + 300));
            assertThat(tokens.remembered(jwt("a"))).isNull();
        }
        assertThat(counted("verified")).isEqualTo(2.0);
    }
}
