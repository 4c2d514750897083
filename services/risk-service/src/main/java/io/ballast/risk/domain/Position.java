package io.ballast.risk.domain;

import jakarta.persistence.Embeddable;
import jakarta.persistence.EmbeddedId;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.util.UUID;

/** An open position of one account in one instrument (table {@code position}). */
@Entity
@Table(name = "position")
public class Position {
    /** (tenant, account, instrument). */
    @EmbeddedId
    public Key id;
    /** Signed quantity in contracts: positive long, negative short. */
    public BigDecimal quantity;
    /** Average entry price in the settlement asset per unit of underlying. */
    public BigDecimal entryPrice;
    /** Last change (UTC). */
    public OffsetDateTime updatedAt;

    /** Composite key of a position. */
    @Embeddable
    public record Key(UUID tenantId, UUID accountId, UUID instrumentId) implements Serializable {
    }
}
