package io.ballast.risk.governance.repository;

import io.ballast.risk.domain.TenantId;
import io.ballast.risk.governance.domain.GovernancePolicy;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import java.util.UUID;

/** One governance policy row per tenant. */
@ApplicationScoped
@WithSession
public class PolicyRepository implements PanacheRepositoryBase<GovernancePolicy, UUID> {

    /** The tenant's policy, or null (tenants onboarded before issue 8). */
    public Uni<GovernancePolicy> of(TenantId tenant) {
        return findById(tenant.value());
    }

    /** The tenant's policy locked for update (serialises policy changes, freezes and auto-applies), or null. */
    public Uni<GovernancePolicy> lock(TenantId tenant) {
        return findById(tenant.value(), LockModeType.PESSIMISTIC_WRITE);
    }
}
