package io.ballast.risk.domain;

import jakarta.persistence.Embeddable;
import jakarta.persistence.EmbeddedId;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.util.UUID;

/** Collateral balance of one account in one asset (table {@code balance}); never negative. */
@Entity
@Table(name = "balance")
public class Balance {
    /** (tenant, account, asset). */
    @EmbeddedId
    public Key id;
    /** Balance in asset units. */
    public BigDecimal amount;
    /** Last change (UTC). */
    public OffsetDateTime updatedAt;

    /** Composite key of a balance. */
    @Embeddable
    public record Key(UUID tenantId, UUID accountId, UUID assetId) implements Serializable {
    }
}
