package io.ballast.risk.domain;

import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.OffsetDateTime;
import java.util.UUID;

/** A margin account of one tenant (table {@code account}); the external id is unique within the tenant. */
@Entity
@Table(name = "account")
public class Account {
    /** Primary key, the id used in {@code /api/v1/accounts/{id}}. */
    @Id
    public UUID id;
    /** Owning tenant. */
    public UUID tenantId;
    /** The tenant's own identifier, e.g. a wallet address. */
    public String externalId;
    /** Isolated, cross or portfolio. */
    @Enumerated(EnumType.STRING)
    public MarginMode marginMode;
    /** Lifecycle status. */
    @Enumerated(EnumType.STRING)
    public AccountStatus status;
    /** Optimistic-lock version of the account row. */
    @Version
    public long version;
    /** Creation time (UTC). */
    public OffsetDateTime createdAt;
    /** Last change (UTC). */
    public OffsetDateTime updatedAt;
}
