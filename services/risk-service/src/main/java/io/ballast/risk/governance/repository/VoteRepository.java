package io.ballast.risk.governance.repository;

import io.ballast.risk.domain.TenantId;
import io.ballast.risk.governance.domain.Vote;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.UUID;

/** Committee votes; every query filters on the tenant. */
@ApplicationScoped
@WithSession
public class VoteRepository implements PanacheRepositoryBase<Vote, UUID> {

    /** The votes on a proposal, oldest first. */
    public Uni<List<Vote>> of(TenantId tenant, UUID proposalId) {
        return list("tenantId = ?1 and proposalId = ?2 order by createdAt", tenant.value(), proposalId);
    }

    /** Whether this member already voted on the proposal. */
    public Uni<Boolean> voted(TenantId tenant, UUID proposalId, String subject) {
        return count("tenantId = ?1 and proposalId = ?2 and voterSubject = ?3", tenant.value(), proposalId, subject)
                .map(n -> n > 0);
    }
}
