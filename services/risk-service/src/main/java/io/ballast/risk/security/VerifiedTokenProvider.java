package io.ballast.risk.security;

import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.TokenAuthenticationRequest;
import io.quarkus.vertx.http.runtime.security.HttpSecurityUtils;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Answers a bearer token's authentication from {@link VerifiedTokens} when this instance has verified the same token
 * and its entry has not ended; answers nothing otherwise, and Quarkus then asks the next provider, OIDC's, which
 * verifies it.
 */
@ApplicationScoped
public class VerifiedTokenProvider implements IdentityProvider<TokenAuthenticationRequest> {

    private final VerifiedTokens tokens;

    /** Wires the cache. */
    public VerifiedTokenProvider(VerifiedTokens tokens) {
        this.tokens = tokens;
    }

    @Override
    public Class<TokenAuthenticationRequest> getRequestType() {
        return TokenAuthenticationRequest.class;
    }

    /** Asked before Quarkus OIDC's provider, which has the interface's default priority (1001). */
    @Override
    public int priority() {
        return 2000;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(TokenAuthenticationRequest request,
            AuthenticationRequestContext context) {
        SecurityIdentity identity = tokens.reuse(request.getToken(),
                HttpSecurityUtils.getRoutingContextAttribute(request));
        return identity == null ? Uni.createFrom().nullItem() : Uni.createFrom().item(identity);
    }
}
