package io.ballast.risk.repository;

import io.ballast.risk.domain.Tenant;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.UUID;

/** Tenants. Not tenant-scoped itself: only platform operators reach it. */
@ApplicationScoped
@WithSession
public class TenantRepository implements PanacheRepositoryBase<Tenant, UUID> {

    /** All tenants, oldest first. */
    public Uni<List<Tenant>> listAllOrdered() {
        return list("order by createdAt, id");
    }

    /** The tenant with this slug, or null. */
    public Uni<Tenant> findBySlug(String slug) {
        return find("slug", slug).firstResult();
    }
}
