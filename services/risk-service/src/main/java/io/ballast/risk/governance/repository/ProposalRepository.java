package io.ballast.risk.governance.repository;

import io.ballast.risk.domain.TenantId;
import io.ballast.risk.governance.domain.Proposal;
import io.ballast.risk.governance.domain.ProposalStatus;
import io.ballast.risk.paging.Keyset;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** Proposals; every query filters on the tenant except the scheduler's due/expired scans, which lock and skip. */
@ApplicationScoped
@WithSession
public class ProposalRepository implements PanacheRepositoryBase<Proposal, UUID> {

    /** One proposal of the tenant, or null (another tenant's is null too). */
    public Uni<Proposal> find(TenantId tenant, UUID id) {
        return find("tenantId = ?1 and id = ?2", tenant.value(), id).firstResult();
    }

    /** One proposal of the tenant locked for update (serialises votes, vetoes and the effect), or null. */
    public Uni<Proposal> lock(TenantId tenant, UUID id) {
        return find("tenantId = ?1 and id = ?2", tenant.value(), id).withLock(LockModeType.PESSIMISTIC_WRITE)
                .firstResult();
    }

    /**
     * A page of the tenant's proposals, newest first (ties by id, descending): {@code limit + 1} rows after the
     * cursor {@code (createdAt, id)} (null: from the newest) and {@code offset}, a seek on the index
     * {@code governance_proposal_page} (V64).
     */
    public Uni<List<Proposal>> page(TenantId tenant, ProposalStatus status, UUID assetId, List<Object> after,
            int offset, int limit) {
        StringBuilder q = new StringBuilder("tenantId = ?1");
        List<Object> args = new ArrayList<>(List.of(tenant.value()));
        if (status != null) {
            args.add(status);
            q.append(" and status = ?").append(args.size());
        }
        if (assetId != null) {
            args.add(assetId);
            q.append(" and assetId = ?").append(args.size());
        }
        Keyset.after(q, args, List.of("createdAt", "id"), after, true, false);
        return find(q.toString(), args.toArray()).range(offset, offset + limit).list();
    }

    /**
     * Proposals of every tenant in {@code status} whose time has come ({@code column <= now}), locked with
     * {@code for update skip locked} so that several instances share the work without doing it twice.
     */
    public Uni<List<Proposal>> dueForUpdate(ProposalStatus status, String column, OffsetDateTime now, int limit) {
        return Panache.getSession().flatMap(s -> s.createNativeQuery("select id from governance_proposal where "
                        + "status = :s and " + column + " <= :now order by " + column + " limit :n "
                        + "for update skip locked", UUID.class)
                .setParameter("s", status.name()).setParameter("now", now).setParameter("n", limit)
                .getResultList())
                .flatMap(ids -> ids.isEmpty() ? Uni.createFrom().item(List.<Proposal>of())
                        : list("id in ?1 order by " + (column.equals("expires_at") ? "expiresAt" : "effectiveAt"),
                                ids));
    }
}
