package io.ballast.risk.repository;

import io.ballast.risk.domain.RiskParameter;
import io.ballast.risk.domain.RiskParameterScope;
import io.ballast.risk.domain.TenantId;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

/** Versioned risk parameter rows; every query filters on the tenant. */
@ApplicationScoped
@WithSession
public class RiskParameterRepository implements PanacheRepositoryBase<RiskParameter, UUID> {

    /** Every version for one target, oldest version first. */
    public Uni<List<RiskParameter>> versions(TenantId tenant, RiskParameterScope scope, UUID targetId) {
        return list("tenantId = ?1 and scope = ?2 and targetId = ?3 order by version", tenant.value(), scope,
                targetId);
    }

    /** The highest version number for one target, 0 when there is none. */
    public Uni<Integer> latestVersion(TenantId tenant, RiskParameterScope scope, UUID targetId) {
        return find("select coalesce(max(version), 0) from RiskParameter where tenantId = ?1 and scope = ?2 "
                + "and targetId = ?3", tenant.value(), scope, targetId)
                .project(Integer.class).firstResult();
    }

    /** The version in force at {@code at}: latest effectiveFrom at or before it, ties broken by version; or null. */
    public Uni<RiskParameter> effectiveAt(TenantId tenant, RiskParameterScope scope, UUID targetId,
            OffsetDateTime at) {
        return find("tenantId = ?1 and scope = ?2 and targetId = ?3 and effectiveFrom <= ?4 "
                + "order by effectiveFrom desc, version desc", tenant.value(), scope, targetId, at).firstResult();
    }
}
