package io.ballast.risk.collateral.domain;

import jakarta.persistence.Embeddable;
import jakarta.persistence.EmbeddedId;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * Collateral of one account allocated to its isolated position in one instrument, in one asset (table
 * {@code isolated_balance}); never negative. The isolated pool of (account, instrument) is margined on its own: its
 * equity is these balances after haircut plus that position's unrealized P&amp;L.
 */
@Entity
@Table(name = "isolated_balance")
public class IsolatedBalance {
    /** (tenant, account, instrument, asset). */
    @EmbeddedId
    public Key id;
    /** Balance in asset units. */
    public BigDecimal amount;
    /** Last change (UTC). */
    public OffsetDateTime updatedAt;

    /**
     * Composite key of an isolated balance.
     *
     * @param tenantId     owning tenant
     * @param accountId    the account
     * @param instrumentId the isolated position's instrument
     * @param assetId      the collateral asset
     */
    @Embeddable
    public record Key(UUID tenantId, UUID accountId, UUID instrumentId, UUID assetId) implements Serializable {
    }
}
