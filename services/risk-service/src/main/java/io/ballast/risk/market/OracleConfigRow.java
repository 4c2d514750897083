package io.ballast.risk.market;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.util.UUID;

/** One stored version of a tenant's oracle configuration for an asset (table {@code oracle_config}, append-only). */
@Entity
@Table(name = "oracle_config")
public class OracleConfigRow {
    /** Primary key. */
    @Id
    public UUID id;
    /** Owning tenant. */
    public UUID tenantId;
    /** The underlying (asset of the same tenant). */
    public UUID assetId;
    /** Version, 1, 2, ... per tenant and asset; the highest is in force. */
    public int version;
    /** Comma-separated source names. */
    public String sources;
    /** Staleness limit, seconds. */
    public int stalenessSeconds;
    /** Maximum deviation between fresh sources, fraction. */
    public BigDecimal maxDeviationFraction;
    /** Maximum jump of a tick against the index, fraction. */
    public BigDecimal maxJumpFraction;
    /** Lowest accepted price, USD. */
    public BigDecimal minPriceUsd;
    /** Highest accepted price, USD. */
    public BigDecimal maxPriceUsd;
    /** Client id of the token that wrote it. */
    public String createdBy;
    /** When written (UTC). */
    public OffsetDateTime createdAt;

    /** @return the configuration value */
    public OracleConfig config() {
        return OracleConfig.stored(version, sources, stalenessSeconds, maxDeviationFraction, maxJumpFraction,
                minPriceUsd, maxPriceUsd);
    }
}
