package io.ballast.risk.governance.domain;

import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;
import java.util.UUID;
import org.hibernate.annotations.ColumnTransformer;

/** One step of the audit trail (table {@code governance_audit}); the database refuses UPDATE and DELETE. */
@Entity
@Table(name = "governance_audit")
public class AuditEntry {
    /** Monotonic id (append order). */
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;
    /** Owning tenant. */
    public UUID tenantId;
    /** When (UTC). */
    public OffsetDateTime occurredAt;
    /** What happened. */
    @Enumerated(EnumType.STRING)
    public AuditAction action;
    /** Token subject, or {@code model:<version>} for automatic steps, {@code scheduler} for timed ones. */
    public String actorSubject;
    /** Client id (azp) of the token, or null. */
    public String actorClient;
    /** Name shown for the actor ({@link Actor#name()}); null for entries written before it was recorded. */
    public String actorName;
    /** Asset concerned, or null. */
    public UUID assetId;
    /** Proposal concerned, or null. */
    public UUID proposalId;
    /** Values before (JSON), or null. */
    @ColumnTransformer(read = "cast(before as text)", write = "cast(cast(? as text) as jsonb)")
    public String before;
    /** Values after (JSON), or null. */
    @ColumnTransformer(read = "cast(after as text)", write = "cast(cast(? as text) as jsonb)")
    public String after;
    /** Reason or comment. */
    public String reason;
    /** SHA-256 (hex) of the evidence, or null. */
    public String evidenceDigest;
}
