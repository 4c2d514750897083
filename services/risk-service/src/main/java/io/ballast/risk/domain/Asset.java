package io.ballast.risk.domain;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;
import java.util.UUID;

/** A collateral asset of one tenant (table {@code asset}); the symbol is unique within the tenant. */
@Entity
@Table(name = "asset")
public class Asset {
    /** Primary key. */
    @Id
    public UUID id;
    /** Owning tenant. */
    public UUID tenantId;
    /** Ticker, e.g. {@code BTC}. */
    public String symbol;
    /** Number of decimal places the asset is denominated in on chain (informational). */
    public int decimals;
    /** Where its price comes from, e.g. {@code pyth:BTC/USD}. */
    public String priceSource;
    /** Creation time (UTC). */
    public OffsetDateTime createdAt;
}
