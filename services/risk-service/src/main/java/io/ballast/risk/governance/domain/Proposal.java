package io.ballast.risk.governance.domain;

import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;
import java.util.UUID;
import org.hibernate.annotations.ColumnTransformer;

/**
 * A proposed change with its evidence (table {@code governance_proposal}). The JSON columns travel as text
 * (cast in SQL), so the entity holds JSON strings. Status changes happen under a row lock on this row.
 */
@Entity
@Table(name = "governance_proposal")
public class Proposal {
    /** Primary key. */
    @Id
    public UUID id;
    /** Owning tenant. */
    public UUID tenantId;
    /** What it changes. */
    @Enumerated(EnumType.STRING)
    public ProposalKind kind;
    /** Who started it. */
    @Enumerated(EnumType.STRING)
    public ProposalOrigin origin;
    /** The asset whose parameters change, or null (tenant-wide settings or policy). */
    public UUID assetId;
    /** Workflow state. */
    @Enumerated(EnumType.STRING)
    public ProposalStatus status;
    /** Token subject of the proposer ({@code model:<version>} for a recommendation). */
    public String proposerSubject;
    /** Client id (azp) of the proposer. */
    public String proposerClient;
    /** Name shown for the proposer ({@link Actor#name()}); null for proposals made before it was recorded. */
    public String proposerName;
    /** The recommendation it came from, or null. */
    public UUID recommendationId;
    /** The forecasting model version behind it, or null. */
    public String modelVersion;
    /** The proposer's reason. */
    public String reason;
    /** New values by name (JSON object). */
    @ColumnTransformer(read = "cast(changes as text)", write = "cast(cast(? as text) as jsonb)")
    public String changes;
    /** Values in force when it was made, by name (JSON object). */
    @ColumnTransformer(read = "cast(before as text)", write = "cast(cast(? as text) as jsonb)")
    public String before;
    /**
     * Evidence (JSON object): forecast, accuracy, coverage, impact preview. Stored verbatim as text, so that
     * {@link #evidenceDigest} can be recomputed from it byte for byte.
     */
    public String evidence;
    /** SHA-256 (hex) of the evidence text. */
    public String evidenceDigest;
    /** Approvals it needs (the policy's value when it was made). */
    public int approvalsRequired;
    /** Approvals recorded. */
    public int approvals;
    /** When it was made. */
    public OffsetDateTime createdAt;
    /** After this it can no longer be approved. */
    public OffsetDateTime expiresAt;
    /** When it reached its approvals. */
    public OffsetDateTime approvedAt;
    /** When it takes (or took) effect: approval + timelock. */
    public OffsetDateTime effectiveAt;
    /** When it was closed (rejected, expired, vetoed, effective). */
    public OffsetDateTime closedAt;
    /** Who closed it. */
    public String closedBy;
    /** Name shown for who closed it ({@link Actor#name()}), or null. */
    public String closedByName;
    /** The closing comment. */
    public String closedComment;
}
