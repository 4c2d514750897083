package io.ballast.risk.market.curve;

import io.ballast.risk.domain.TenantId;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.UUID;

/** Market curve points; every query filters on the tenant. */
@ApplicationScoped
@WithSession
public class CurvePointRepository implements PanacheRepositoryBase<CurvePoint, UUID> {

    /** Every curve point of the tenant (all underlyings, both kinds). */
    public Uni<List<CurvePoint>> listFor(TenantId tenant) {
        return list("tenantId = ?1", tenant.value());
    }

    /** One underlying's curve of one kind, by expiry then strike. */
    public Uni<List<CurvePoint>> curve(TenantId tenant, UUID underlyingId, String kind) {
        return list("tenantId = ?1 and underlyingId = ?2 and kind = ?3 order by expiry, strike", tenant.value(),
                underlyingId, kind);
    }

    /** Deletes one underlying's curve of one kind; answers the number of rows removed. */
    public Uni<Long> deleteCurve(TenantId tenant, UUID underlyingId, String kind) {
        return delete("tenantId = ?1 and underlyingId = ?2 and kind = ?3", tenant.value(), underlyingId, kind);
    }
}
