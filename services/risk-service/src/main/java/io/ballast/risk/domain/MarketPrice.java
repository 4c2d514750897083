package io.ballast.risk.domain;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * One observation of an asset's market data (table {@code market_price}, append-only): the index price in USD and,
 * for underlyings of options, the annualised implied volatility. The latest observation per asset is in force.
 */
@Entity
@Table(name = "market_price")
public class MarketPrice {
    /** Primary key. */
    @Id
    public UUID id;
    /** Owning tenant. */
    public UUID tenantId;
    /** The asset priced (same tenant). */
    public UUID assetId;
    /** Index price, USD per unit of the asset, positive. */
    public BigDecimal indexPriceUsd;
    /** Annualised implied volatility as a fraction (0.55 = 55 %), at least 0; null when not given. */
    public BigDecimal annualVol;
    /** When the value was observed (UTC). */
    public OffsetDateTime observedAt;
    /** When the row was written (UTC). */
    public OffsetDateTime createdAt;
    /** Who produced it: {@code tenant} (PUT /api/v1/market/prices) or {@code oracle} (index of the tenant's sources). */
    public String source;
}
