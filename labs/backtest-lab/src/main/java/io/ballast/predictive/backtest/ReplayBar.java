package io.ballast.predictive.backtest;

import java.time.Instant;
import java.util.Objects;

/**
 * One price bar of a crash replay (hourly where the data has it, daily otherwise).
 *
 * @param time bar open time (UTC)
 * @param high highest price in the bar, >= low
 * @param low lowest price in the bar, > 0
 * @param close last price of the bar, within [low, high]
 * @param volumeUsd traded volume in the bar, USD (base volume times close); NaN when unknown
 */
public record ReplayBar(Instant time, double high, double low, double close, double volumeUsd) {

    /** A bar without volume. */
    public ReplayBar(Instant time, double high, double low, double close) {
        this(time, high, low, close, Double.NaN);
    }

    /** Validates the prices. */
    public ReplayBar {
        Objects.requireNonNull(time, "time");
        if (!(low > 0) || !(high >= low) || !(close >= low && close <= high) || !Double.isFinite(high)) {
            throw new IllegalArgumentException("bad bar at " + time + ": high=" + high + " low=" + low + " close="
                + close);
        }
    }
}
