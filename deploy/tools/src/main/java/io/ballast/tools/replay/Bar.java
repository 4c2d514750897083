package io.ballast.tools.replay;

import java.time.Instant;
import java.util.Objects;

/**
 * One bar of a market data file in the shared format: its open time and its close (the open when the file has one).
 *
 * @param time     bar open time, UTC
 * @param open     first price of the bar in USD (USDT), or {@code NaN} when the file has no {@code open} column
 * @param closeUsd last price of the bar in USD (USDT), positive
 */
public record Bar(Instant time, double open, double closeUsd) {

    /** Validates that the time is present and the close is a positive finite number. */
    public Bar {
        Objects.requireNonNull(time, "time");
        if (!(closeUsd > 0) || Double.isInfinite(closeUsd)) {
            throw new IllegalArgumentException("close must be a positive finite price, got " + closeUsd);
        }
    }
}
