package io.ballast.risk.governance.domain;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;
import java.util.UUID;

/** One committee member's vote on a proposal (table {@code governance_vote}, unique per member and proposal). */
@Entity
@Table(name = "governance_vote")
public class Vote {
    /** Primary key. */
    @Id
    public UUID id;
    /** Owning tenant. */
    public UUID tenantId;
    /** The proposal. */
    public UUID proposalId;
    /** Token subject of the member. */
    public String voterSubject;
    /** Client id (azp) of the member's token. */
    public String voterClient;
    /** The member's name ({@link Actor#name()}: preferred_username); null for votes cast before it was recorded. */
    public String voterName;
    /** APPROVE or REJECT. */
    public String vote;
    /** The member's comment. */
    public String comment;
    /** When. */
    public OffsetDateTime createdAt;
}
