package io.ballast.ml.data;

import java.time.Instant;
import java.util.Objects;

/**
 * One hourly OHLCV bar: {@code time} is the bar open time (UTC, on the hour); prices in quote currency,
 * {@code volume} in base-asset units. Validated like {@link DailyBar}.
 *
 * @param time   bar open time, UTC
 * @param open   first trade price of the hour (legacy BTC/ETH segment before ~2020-12: previous bar's close)
 * @param high   highest trade price of the hour
 * @param low    lowest trade price of the hour
 * @param close  last trade price of the hour
 * @param volume traded volume in base-asset units
 */
public record HourlyBar(Instant time, double open, double high, double low, double close, double volume) {

    /** Validates the bar; throws {@link IllegalArgumentException} naming the time and the broken rule. */
    public HourlyBar {
        Objects.requireNonNull(time, "time");
        String problem = BarChecks.problem(open, high, low, close, volume);
        if (problem != null) {
            throw new IllegalArgumentException("bad hourly bar " + time + ": " + problem);
        }
    }
}
