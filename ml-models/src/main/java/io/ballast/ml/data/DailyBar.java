package io.ballast.ml.data;

import java.time.LocalDate;
import java.util.Objects;

/**
 * One daily OHLCV bar: the UTC calendar day {@code date} (Binance kline open 00:00 UTC); prices in quote currency
 * (USDT for the Binance files), {@code volume} in base-asset units.
 *
 * <p>Validated: prices finite and strictly positive, {@code high >= max(open, close)}, {@code low <= min(open, close)},
 * volume finite and non-negative.
 *
 * @param date   UTC calendar day of the bar
 * @param open   first trade price of the day
 * @param high   highest trade price of the day
 * @param low    lowest trade price of the day
 * @param close  last trade price before the next 00:00 UTC
 * @param volume traded volume in base-asset units
 */
public record DailyBar(LocalDate date, double open, double high, double low, double close, double volume) {

    /** Validates the bar; throws {@link IllegalArgumentException} naming the date and the broken rule. */
    public DailyBar {
        Objects.requireNonNull(date, "date");
        String problem = BarChecks.problem(open, high, low, close, volume);
        if (problem != null) {
            throw new IllegalArgumentException("bad daily bar " + date + ": " + problem);
        }
    }
}
