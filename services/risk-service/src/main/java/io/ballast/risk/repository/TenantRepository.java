package io.ballast.risk.repository;

import io.ballast.risk.domain.Tenant;
import io.ballast.risk.paging.Keyset;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

/** Tenants. Not tenant-scoped itself: only platform operators reach it. */
@ApplicationScoped
@WithSession
public class TenantRepository implements PanacheRepositoryBase<Tenant, UUID> {

    /**
     * A page of all tenants, oldest first: {@code limit + 1} after the tenant created at {@code afterCreated} with
     * id {@code afterId} (nulls: from the first), a seek on the index {@code tenant_page} (V64).
     */
    public Uni<List<Tenant>> page(OffsetDateTime afterCreated, UUID afterId, int limit) {
        return Keyset.find(this, "id is not null", List.of(), List.of("createdAt", "id"),
                afterId == null ? null : List.of(afterCreated, afterId), false, limit);
    }

    /** The tenant with this slug, or null. */
    public Uni<Tenant> findBySlug(String slug) {
        return find("slug", slug).firstResult();
    }
}
