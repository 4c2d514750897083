package io.ballast.risk.security;

import io.ballast.risk.config.BallastConfig;
import io.ballast.risk.domain.ApiException;
import io.ballast.risk.domain.TenantId;
import io.ballast.risk.domain.TenantStatus;
import io.quarkus.oidc.runtime.OidcJwtCallerPrincipal;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jboss.logging.MDC;

/**
 * Resolves the tenant of the current request from the verified token's {@code tenant_id} claim and refuses (403)
 * tokens without one, tokens of unknown tenants and tokens of suspended tenants. The status is read per request
 * through a short cache that suspend and resume invalidate.
 */
@ApplicationScoped
public class TenantAccess {

    /** Name of the access-token claim holding the tenant id. */
    public static final String TENANT_CLAIM = "tenant_id";

    private record Cached(TenantStatus status, long expiresAtNanos) {
    }

    private final Pool pool;
    private final long ttlNanos;
    private final Map<UUID, Cached> cache = new ConcurrentHashMap<>();

    /** Wires the SQL client and cache lifetime. */
    public TenantAccess(Pool pool, BallastConfig config) {
        this.pool = pool;
        this.ttlNanos = config.api().tenantStatusCacheTtl().toNanos();
    }

    /** The caller's tenant, verified ACTIVE; fails with a 403 {@link ApiException} otherwise. */
    public Uni<TenantId> require(SecurityIdentity identity) {
        UUID tenant = claim(identity);
        if (tenant == null) {
            return Uni.createFrom().failure(ApiException.forbidden("the token carries no valid tenant_id claim"));
        }
        MDC.put("tenantId", tenant.toString());
        return status(tenant).map(status -> {
            if (status == null) {
                throw ApiException.forbidden("the token's tenant is not onboarded");
            }
            if (status != TenantStatus.ACTIVE) {
                throw ApiException.forbidden("tenant " + tenant + " is suspended");
            }
            return TenantId.of(tenant);
        });
    }

    /** Forgets the cached status of a tenant (after suspend or resume). */
    public void invalidate(UUID tenant) {
        cache.remove(tenant);
    }

    private Uni<TenantStatus> status(UUID tenant) {
        Cached cached = cache.get(tenant);
        long now = System.nanoTime();
        if (cached != null && cached.expiresAtNanos - now > 0) {
            return Uni.createFrom().item(cached.status);
        }
        return pool.preparedQuery("select status from tenant where id = $1").execute(Tuple.of(tenant))
                .map(rows -> {
                    TenantStatus status = null;
                    for (Row row : rows) {
                        status = TenantStatus.valueOf(row.getString(0));
                    }
                    if (status != null) {
                        cache.put(tenant, new Cached(status, System.nanoTime() + ttlNanos));
                    }
                    return status;
                });
    }

    private static UUID claim(SecurityIdentity identity) {
        if (identity == null || identity.isAnonymous() || !(identity.getPrincipal() instanceof JsonWebToken jwt)) {
            return null;
        }
        // JsonWebToken#getClaim first looks a name up among the standard claims' enum and throws for any other name
        // (an exception built per request); the OIDC principal's own claims are a map lookup
        Object value = jwt instanceof OidcJwtCallerPrincipal oidc ? oidc.getClaims().getClaimValue(TENANT_CLAIM)
                : jwt.getClaim(TENANT_CLAIM);
        if (value == null) {
            return null;
        }
        String text = value.toString().replace("\"", "").trim();
        try {
            return UUID.fromString(text);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
