package io.ballast.risk.repository;

import io.ballast.risk.domain.Instrument;
import io.ballast.risk.domain.TenantId;
import io.ballast.risk.paging.Keyset;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.UUID;

/** Instruments; every query filters on the tenant. */
@ApplicationScoped
@WithSession
public class InstrumentRepository implements PanacheRepositoryBase<Instrument, UUID> {

    /** The tenant's instrument with this id, or null (also null for another tenant's id). */
    public Uni<Instrument> find(TenantId tenant, UUID id) {
        return find("tenantId = ?1 and id = ?2", tenant.value(), id).firstResult();
    }

    /** The tenant's instrument with this symbol, or null. */
    public Uni<Instrument> findBySymbol(TenantId tenant, String symbol) {
        return find("tenantId = ?1 and symbol = ?2", tenant.value(), symbol).firstResult();
    }

    /** All the tenant's instruments, by symbol. */
    public Uni<List<Instrument>> listFor(TenantId tenant) {
        return list("tenantId = ?1 order by symbol", tenant.value());
    }

    /**
     * A page of the tenant's instruments by symbol: {@code limit + 1} after the symbol {@code after} (null: from the
     * first), a seek on the unique index {@code (tenant_id, symbol)}.
     */
    public Uni<List<Instrument>> page(TenantId tenant, String after, int limit) {
        return Keyset.find(this, "tenantId = ?1", List.of(tenant.value()), List.of("symbol"),
                after == null ? null : List.of(after), false, limit);
    }
}
