package io.ballast.risk.governance.repository;

import io.ballast.risk.domain.TenantId;
import io.ballast.risk.governance.domain.RiskSettings;
import io.ballast.risk.governance.domain.SettingsScope;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

/** Versioned risk settings rows; every query filters on the tenant. */
@ApplicationScoped
@WithSession
public class RiskSettingsRepository implements PanacheRepositoryBase<RiskSettings, UUID> {

    /** The version in force at {@code at} of the tenant row and of every asset row of the tenant. */
    public Uni<List<RiskSettings>> inForce(TenantId tenant, OffsetDateTime at) {
        return Panache.getSession().flatMap(s -> s.createNativeQuery(
                        "select distinct on (scope, target_id) * from risk_settings "
                                + "where tenant_id = :t and effective_from <= :at "
                                + "order by scope, target_id, effective_from desc, version desc", RiskSettings.class)
                .setParameter("t", tenant.value()).setParameter("at", at).getResultList());
    }

    /** The version of one target in force at {@code at}, or null. */
    public Uni<RiskSettings> effectiveAt(TenantId tenant, SettingsScope scope, UUID targetId, OffsetDateTime at) {
        return find("tenantId = ?1 and scope = ?2 and targetId = ?3 and effectiveFrom <= ?4 "
                + "order by effectiveFrom desc, version desc", tenant.value(), scope, targetId, at).firstResult();
    }

    /** The highest version number of one target, 0 when there is none. */
    public Uni<Integer> latestVersion(TenantId tenant, SettingsScope scope, UUID targetId) {
        return find("select coalesce(max(version), 0) from RiskSettings where tenantId = ?1 and scope = ?2 "
                + "and targetId = ?3", tenant.value(), scope, targetId).project(Integer.class).firstResult();
    }

    /** Every version of the tenant row and, when {@code assetId} is given, of that asset's rows; oldest first. */
    public Uni<List<RiskSettings>> history(TenantId tenant, UUID assetId) {
        return list("tenantId = ?1 and (scope = ?2 or targetId = ?3) order by createdAt, version", tenant.value(),
                SettingsScope.TENANT, assetId == null ? tenant.value() : assetId);
    }
}
