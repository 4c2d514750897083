package io.ballast.risk.support;

import io.ballast.risk.domain.TenantId;
import io.ballast.risk.tenancy.rls.CrossTenant;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.UUID;

/**
 * Test bean: Panache units of work that deliberately forget the tenant filter ({@code select tenant_id from
 * account}), to show what row-level security leaves them: a method with a {@link TenantId} parameter sees that
 * tenant's rows only, one without sees none, a {@link CrossTenant} one sees all.
 */
@ApplicationScoped
public class UnfilteredProbe {

    private static final String UNFILTERED = "select distinct tenant_id from account";

    /**
     * @param tenant the tenant the transaction is bound to (and deliberately not used in the query)
     * @return the tenant ids of every account visible
     */
    @WithTransaction
    public Uni<List<UUID>> inTransactionOf(TenantId tenant) {
        return unfiltered();
    }

    /**
     * @param tenant the tenant the session is bound to (a transaction is opened for it)
     * @return the tenant ids of every account visible
     */
    @WithSession
    public Uni<List<UUID>> inSessionOf(TenantId tenant) {
        return unfiltered();
    }

    /** @return the tenant ids of every account visible to a transaction bound to no tenant */
    @WithTransaction
    public Uni<List<UUID>> withoutTenant() {
        return unfiltered();
    }

    /** @return the tenant ids of every account visible to platform work */
    @WithTransaction
    @CrossTenant("test: shows the platform path sees every tenant")
    public Uni<List<UUID>> acrossTenants() {
        return unfiltered();
    }

    private static Uni<List<UUID>> unfiltered() {
        return Panache.getSession().chain(s -> s.createNativeQuery(UNFILTERED, UUID.class).getResultList());
    }
}
