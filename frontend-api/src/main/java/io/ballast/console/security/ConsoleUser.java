package io.ballast.console.security;

import io.quarkus.security.identity.SecurityIdentity;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * The signed-in user of this request, read from the verified access token: tenant ({@code tenant_id} claim, as the
 * risk service reads it), name and realm roles. The console uses the roles only to decide which buttons to offer;
 * the risk service decides what is allowed.
 */
@RequestScoped
public class ConsoleUser {

    /** Access-token claim holding the tenant id (same as the risk service's TenantAccess). */
    public static final String TENANT_CLAIM = "tenant_id";
    /** Realm role: tenant administrator. */
    public static final String TENANT_ADMIN = "tenant-admin";
    /** Realm role: risk-committee member. */
    public static final String RISK_COMMITTEE = "risk-committee";
    /** Realm role: read-only. */
    public static final String VIEWER = "viewer";

    @Inject
    SecurityIdentity identity;

    @Inject
    JsonWebToken accessToken;

    /** @return the tenant id from the access token, empty when the user has none (the service then refuses) */
    public Optional<String> tenantId() {
        Object claim = accessToken.getClaim(TENANT_CLAIM);
        return claim == null || claim.toString().isBlank() ? Optional.empty() : Optional.of(claim.toString());
    }

    /** @return the user's login name ({@code preferred_username}, else the subject) */
    public String name() {
        String preferred = accessToken.getClaim("preferred_username");
        return preferred != null ? preferred : identity.getPrincipal().getName();
    }

    /** @return the user's console-relevant realm roles, in a stable order */
    public List<String> roles() {
        return List.of(TENANT_ADMIN, RISK_COMMITTEE, VIEWER).stream().filter(identity::hasRole).toList();
    }

    /** @return true when the user may approve or reject proposals (risk-committee) */
    public boolean canDecide() {
        return identity.hasRole(RISK_COMMITTEE);
    }

    /** @return true when the user administers the tenant (policy, freeze, veto) */
    public boolean isAdmin() {
        return identity.hasRole(TENANT_ADMIN);
    }
}
