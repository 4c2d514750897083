package io.ballast.console.client;

import io.quarkus.oidc.AccessTokenCredential;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.client.ClientRequestContext;
import jakarta.ws.rs.client.ClientRequestFilter;
import jakarta.ws.rs.core.HttpHeaders;

/**
 * Token propagation: every call to the risk service carries the signed-in user's own access token (from the
 * authorization-code login), so the service applies its tenant and role checks to the user, not to the console.
 * A call made without a signed-in user carries no token and the service answers 401.
 *
 * <p>Quarkus' {@code quarkus-rest-client-oidc-token-propagation} extension does the same; its 3.33.2 parent POM is
 * not served by the Maven repository this project builds from, so this filter stands in for it.
 */
@ApplicationScoped
public class UserTokenFilter implements ClientRequestFilter {

    @Inject
    SecurityIdentity identity;

    /**
     * Adds {@code Authorization: Bearer <the user's access token>}.
     *
     * @param request the outgoing request
     */
    @Override
    public void filter(ClientRequestContext request) {
        AccessTokenCredential token = identity.isAnonymous() ? null
                : identity.getCredential(AccessTokenCredential.class);
        if (token != null && token.getToken() != null) {
            request.getHeaders().putSingle(HttpHeaders.AUTHORIZATION, "Bearer " + token.getToken());
        }
    }
}
