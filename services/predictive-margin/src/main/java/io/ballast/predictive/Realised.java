package io.ballast.predictive;

/**
 * What the market did since the forecasts were made: the input of the regime trigger and of the intraday update.
 *
 * @param variance log-return variance realised since the last daily close, not annualised and not scaled to a day
 *                 (sum of squared hourly log returns, or a range estimate of a complete daily bar); NaN when unknown
 * @param elapsedHours hours the variance covers, in (0, 24]; 24 means a complete day (the recommendation at a close)
 * @param moveAbs absolute relative price move over the perp MPOR up to the latest price, |P_now / P_(MPOR ago) - 1|;
 *                NaN when unknown
 */
public record Realised(double variance, double elapsedHours, double moveAbs) {

    /** Validates the hours and that the variance, when known, is not negative. */
    public Realised {
        if (!(elapsedHours > 0 && elapsedHours <= 24)) {
            throw new IllegalArgumentException("elapsedHours must be in (0, 24], got " + elapsedHours);
        }
        if (variance < 0) {
            throw new IllegalArgumentException("variance must be >= 0 or NaN, got " + variance);
        }
    }

    /** @return whether this covers part of a day only (an intraday check, not a close) */
    public boolean intraday() {
        return elapsedHours < 24;
    }

    /** @return the realised variance at a daily rate ({@code variance * 24 / elapsedHours}), NaN when unknown */
    public double dailyRateVariance() {
        return variance * 24 / elapsedHours;
    }
}
