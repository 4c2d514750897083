package io.ballast.tools.replay;

import java.time.Instant;

/**
 * One tick the replay will publish.
 *
 * @param underlying  the underlying symbol (the Kafka key), e.g. {@code BTC}
 * @param barTime     open time of the historical bar it comes from, UTC
 * @param barCloseUsd the bar's historical close in USD
 * @param priceUsd    the price to publish in USD: the bar's close ({@code --levels}) or the start price moved by the
 *                    window's cumulative return up to this bar
 * @param annualVol   EWMA volatility of the bar returns up to this bar, annualised, as a fraction (0.8 = 80%), or
 *                    null when not published (too few returns yet, or {@code --no-vol})
 */
public record PlannedTick(String underlying, Instant barTime, double barCloseUsd, double priceUsd, Double annualVol) {
}
