package io.ballast.risk.market;

import io.ballast.risk.domain.MarketPrice;
import jakarta.persistence.Embeddable;
import jakarta.persistence.EmbeddedId;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * The market data in force per tenant and asset (table {@code market_price_latest}): one row, kept by a trigger on
 * {@code market_price} inserts, so reading it is O(1) per asset. Read-only for the service.
 */
@Entity
@Table(name = "market_price_latest")
public class MarketPriceLatest {
    /** (tenant, asset). */
    @EmbeddedId
    public Key key;
    /** Id of the history row in force (the price version). */
    public UUID id;
    /** Index price, USD per unit. */
    public BigDecimal indexPriceUsd;
    /** Annualised implied vol (fraction), or null. */
    public BigDecimal annualVol;
    /** Observation time. */
    public OffsetDateTime observedAt;
    /** When the history row was written. */
    public OffsetDateTime createdAt;
    /** {@code tenant} (a mark put through the API) or {@code oracle} (the index of the tenant's sources). */
    public String source;
    /** How many times the row moved (1 for the first price). */
    public long version;

    /** Composite key. */
    @Embeddable
    public record Key(UUID tenantId, UUID assetId) implements Serializable {
    }

    /** @return a detached history-row view of it, the form margin inputs take */
    public MarketPrice asMarketPrice() {
        MarketPrice p = new MarketPrice();
        p.id = id;
        p.tenantId = key.tenantId();
        p.assetId = key.assetId();
        p.indexPriceUsd = indexPriceUsd;
        p.annualVol = annualVol;
        p.observedAt = observedAt;
        p.createdAt = createdAt;
        p.source = source;
        return p;
    }
}
