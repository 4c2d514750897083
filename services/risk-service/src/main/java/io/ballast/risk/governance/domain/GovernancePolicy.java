package io.ballast.risk.governance.domain;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * A tenant's governance policy (table {@code governance_policy}, one row per tenant, written at onboarding): how many
 * committee approvals a proposal needs, how long it stays open, how long an approved change waits (the veto window),
 * and whether automatic adjustments are frozen. Every change is audited with the before and after values.
 */
@Entity
@Table(name = "governance_policy")
public class GovernancePolicy {
    /** Default approvals required (four eyes beyond the proposer: two committee members). */
    public static final int DEFAULT_APPROVALS = 2;
    /** Default proposal lifetime. */
    public static final Duration DEFAULT_TTL = Duration.ofHours(24);
    /** Default timelock between approval and effect. */
    public static final Duration DEFAULT_TIMELOCK = Duration.ofHours(1);

    /** The tenant. */
    @Id
    public UUID tenantId;
    /** Distinct committee approvals a proposal needs, 1 to 10. */
    public int approvalsRequired;
    /** How long a proposal may be voted on, seconds. */
    public long proposalTtlSeconds;
    /** Time between approval and effect, seconds (the veto window). */
    public long timelockSeconds;
    /** Whether automatic adjustments are frozen (emergency stop). */
    public boolean frozen;
    /** Why they were frozen. */
    public String frozenReason;
    /** Token subject of who froze them. */
    public String frozenBy;
    /** Name shown for who froze them ({@link Actor#name()}), or null. */
    public String frozenByName;
    /** When they were frozen. */
    public OffsetDateTime frozenAt;
    /** 1, 2, 3 ...: incremented by every policy change. */
    public int version;
    /** Last change. */
    public OffsetDateTime updatedAt;
}
