package io.ballast.risk.repository;

import io.ballast.risk.domain.RiskParameter;
import io.ballast.risk.domain.RiskParameterScope;
import io.ballast.risk.domain.TenantId;
import io.ballast.risk.paging.Keyset;
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

    /**
     * A page of one target's versions, oldest first: {@code limit + 1} after version {@code after} (null: from the
     * first), a seek on the unique index {@code (tenant_id, scope, target_id, version)}.
     */
    public Uni<List<RiskParameter>> page(TenantId tenant, RiskParameterScope scope, UUID targetId, Integer after,
            int limit) {
        return Keyset.find(this, "tenantId = ?1 and scope = ?2 and targetId = ?3",
                List.of(tenant.value(), scope, targetId), List.of("version"), after == null ? null : List.of(after),
                false, limit);
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
