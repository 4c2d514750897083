package io.ballast.risk.domain;

import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * A tradable instrument of one tenant (table {@code instrument}): perpetual, dated future or European option.
 * The symbol is unique within the tenant.
 */
@Entity
@Table(name = "instrument")
public class Instrument {
    /** Primary key. */
    @Id
    public UUID id;
    /** Owning tenant. */
    public UUID tenantId;
    /** Ticker, e.g. {@code BTC-PERP}. */
    public String symbol;
    /** Perpetual, future or option. */
    @Enumerated(EnumType.STRING)
    public InstrumentKind kind;
    /** Asset the instrument references (same tenant). */
    public UUID underlyingId;
    /** Asset in which profit and loss settle (same tenant). */
    public UUID settlementId;
    /**
     * Per contract (positive): units of underlying, or USD of face value for an inverse perpetual or future.
     */
    public BigDecimal contractSize;
    /**
     * Whether coin-settled (inverse): P&amp;L and margin in the underlying coin, valued in USD for cross-collateral
     * (docs/margin.md, "Inverse contracts"); settles in the underlying.
     */
    public boolean inverse;
    /** Expiry (UTC) of futures and options; null for perpetuals. */
    public OffsetDateTime expiry;
    /** Option strike in the settlement asset; null unless an option. */
    public BigDecimal strike;
    /** Call or put; null unless an option. */
    @Enumerated(EnumType.STRING)
    public OptionType optionType;
    /** {@code EUROPEAN} for options, null otherwise. */
    public String exerciseStyle;
    /** Creation time (UTC). */
    public OffsetDateTime createdAt;

    /**
     * Whether the instrument has expired at a time (its expiry at or before it): its positions wait for settlement
     * and no write may change them. Perpetuals never expire.
     *
     * @param time the time
     * @return true once expired
     */
    public boolean expiredAt(OffsetDateTime time) {
        return expiry != null && !expiry.isAfter(time);
    }
}
