package io.ballast.risk.governance.repository;

import io.ballast.risk.domain.TenantId;
import io.ballast.risk.governance.domain.AuditAction;
import io.ballast.risk.governance.domain.AuditEntry;
import io.ballast.risk.paging.Keyset;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** The audit trail: appended and read, never changed (the database refuses it). */
@ApplicationScoped
@WithSession
public class AuditRepository implements PanacheRepositoryBase<AuditEntry, Long> {

    /**
     * Filters of an audit query; null means any.
     *
     * @param action  one step type
     * @param actor   token subject or name (preferred_username, client id, {@code model <version>})
     * @param assetId asset
     * @param from    at or after (inclusive)
     * @param to      before (exclusive)
     */
    public record Filter(AuditAction action, String actor, UUID assetId, OffsetDateTime from, OffsetDateTime to) {
    }

    /**
     * A page ({@code offset}, {@code limit}) of the tenant's audit entries, oldest first (append order), after the
     * entry {@code after} (null: from the first); a seek on the index {@code governance_audit_page} (V64).
     */
    public Uni<List<AuditEntry>> page(TenantId tenant, Filter f, Long after, int offset, int limit) {
        StringBuilder q = new StringBuilder("tenantId = ?1");
        List<Object> args = new ArrayList<>(List.of(tenant.value()));
        add(q, args, "action", f.action());
        if (f.actor() != null) {
            args.add(f.actor());
            q.append(" and (actorSubject = ?").append(args.size()).append(" or actorName = ?").append(args.size())
                    .append(')');
        }
        add(q, args, "assetId", f.assetId());
        if (f.from() != null) {
            args.add(f.from());
            q.append(" and occurredAt >= ?").append(args.size());
        }
        if (f.to() != null) {
            args.add(f.to());
            q.append(" and occurredAt < ?").append(args.size());
        }
        Keyset.after(q, args, List.of("id"), after == null ? null : List.of(after), false, false);
        return find(q.toString(), args.toArray()).range(offset, offset + limit - 1).list();
    }

    /**
     * Whether governance already received this recommendation (its RECOMMENDATION_RECEIVED entry exists): a hand-over
     * repeated after a crash or retry must not apply or propose it twice.
     *
     * @param tenant           the tenant
     * @param recommendationId the stored recommendation's id
     * @return true when received before
     */
    public Uni<Boolean> received(TenantId tenant, UUID recommendationId) {
        return getSession().flatMap(s -> s.createNativeQuery("select count(*) from governance_audit where "
                        + "tenant_id = :tenant and action = 'RECOMMENDATION_RECEIVED' "
                        + "and after ->> 'recommendationId' = :rec", Long.class)
                .setParameter("tenant", tenant.value()).setParameter("rec", recommendationId.toString())
                .getSingleResult()).map(n -> n > 0);
    }

    private static void add(StringBuilder q, List<Object> args, String field, Object value) {
        if (value != null) {
            args.add(value);
            q.append(" and ").append(field).append(" = ?").append(args.size());
        }
    }
}
