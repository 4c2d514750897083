package io.ballast.risk.live;

import jakarta.persistence.Embeddable;
import jakarta.persistence.EmbeddedId;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * An account's margin state as the live loop last published it (table {@code account_margin_state}). {@code seq}
 * grows by one with every change and guards the update ({@code where seq = expected}).
 */
@Entity
@Table(name = "account_margin_state")
public class AccountMarginState {
    /** (tenant, account). */
    @EmbeddedId
    public Key id;
    /** The status. */
    @Enumerated(EnumType.STRING)
    public MarginStatus status;
    /** Whether a LIQUIDATABLE alert was held because an oracle the account depends on is unhealthy. */
    public boolean held;
    /** Equity at the change, USD. */
    public BigDecimal equityUsd;
    /** Initial requirement at the change, USD. */
    public BigDecimal initialMarginUsd;
    /** Maintenance requirement at the change, USD. */
    public BigDecimal maintenanceMarginUsd;
    /** Sequence number, 1 for the first state. */
    public long seq;
    /** The price versions used: {@code SYMBOL=price-row-id} joined by commas. */
    public String priceVersions;
    /** The parameter version used (see {@code TenantBook#parameterVersion}). */
    public String parameterVersion;
    /** When written (UTC). */
    public OffsetDateTime updatedAt;

    /** Composite key. */
    @Embeddable
    public record Key(UUID tenantId, UUID accountId) implements Serializable {
    }
}
