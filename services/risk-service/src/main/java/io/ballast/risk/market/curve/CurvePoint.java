package io.ballast.risk.market.curve;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * One point of an underlying's market curve (table {@code market_curve_point}): a dated futures basis per expiry
 * ({@link #BASIS}: value = forward / index - 1, no strike) or an implied volatility per expiry and strike
 * ({@link #VOL}: value = annualised vol as a fraction, strike in USD). The rows present are the curve in force.
 */
@Entity
@Table(name = "market_curve_point")
public class CurvePoint {
    /** Kind of a basis point. */
    public static final String BASIS = "BASIS";
    /** Kind of an implied-volatility point. */
    public static final String VOL = "VOL";

    /** Primary key. */
    @Id
    public UUID id;
    /** Owning tenant. */
    public UUID tenantId;
    /** The underlying asset (same tenant). */
    public UUID underlyingId;
    /** {@link #BASIS} or {@link #VOL}. */
    public String kind;
    /** Expiry the point is for (UTC). */
    public OffsetDateTime expiry;
    /** Strike in USD of a vol point; null for a basis point. */
    public BigDecimal strike;
    /** Basis fraction (&gt; -1) or annual vol (fraction, &gt; 0). */
    public BigDecimal value;
    /** When the curve was written (UTC). */
    public OffsetDateTime updatedAt;
}
