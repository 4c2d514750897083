package io.ballast.tools.replay;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Turns historical bars into the ticks of a replay window.
 *
 * <p>Returns mode (the default): the first tick of the window is {@code startPriceUsd × close₀ / reference} and
 * every later one {@code startPriceUsd × closeᵢ / reference}, where the reference is the close of the last bar before the
 * window (the open of the window's first bar when the file starts inside the window). The window's moves are thus
 * replayed bar by bar, in percent, from today's price level: a 40% hourly drop in 2020 is a 40% drop now.
 * Levels mode replays the closes as they were.
 *
 * <p>Volatility: an EWMA of the bars' log returns from the start of the file with RiskMetrics' daily decay 0.94 scaled
 * to the bar length ({@code λ = 0.94^(bar / 1 day)}, 0.9974 for hourly bars, so the memory is the same number of days
 * whatever the bar), seeded with the mean square of the first {@value #MIN_RETURNS} returns and published from then
 * on, annualised with the file's bar spacing (24 × 365.25 bars a year for hourly files).
 */
public final class TickPlan {

    /** RiskMetrics decay of the EWMA variance, per day. */
    public static final double DAILY_LAMBDA = 0.94;
    /** Returns needed before a volatility is published. */
    public static final int MIN_RETURNS = 24;

    private TickPlan() {
    }

    /**
     * Plans the ticks of one file's window.
     *
     * @param underlying    the symbol to publish under
     * @param bars          every bar of the file, ascending (the bars before the window warm up the volatility)
     * @param from          first bar time included
     * @param toExclusive   first bar time no longer included
     * @param startPriceUsd today's price to replay the returns from, or null to replay the levels
     * @param withVol       whether to publish the EWMA volatility
     * @return the ticks, ascending by bar time
     * @throws IllegalArgumentException if the window holds no bar
     */
    public static List<PlannedTick> plan(String underlying, List<Bar> bars, Instant from, Instant toExclusive,
            Double startPriceUsd, boolean withVol) {
        if (startPriceUsd != null && !(startPriceUsd > 0 && startPriceUsd < Double.POSITIVE_INFINITY)) {
            throw new IllegalArgumentException("the start price must be positive, got " + startPriceUsd);
        }
        double barsPerYear = barsPerYear(bars);
        double lambda = Math.pow(DAILY_LAMBDA, 365.25 / barsPerYear);
        List<PlannedTick> ticks = new ArrayList<>();
        double variance = Double.NaN;
        int returns = 0;
        double reference = Double.NaN;
        Bar previous = null;
        for (Bar bar : bars) {
            if (previous != null) {
                double r = Math.log(bar.closeUsd() / previous.closeUsd());
                returns++;
                variance = returns == 1 ? r * r
                        : returns <= MIN_RETURNS ? variance + (r * r - variance) / returns
                        : lambda * variance + (1 - lambda) * r * r;
            }
            boolean inWindow = !bar.time().isBefore(from) && bar.time().isBefore(toExclusive);
            if (inWindow) {
                if (Double.isNaN(reference)) {
                    reference = previous != null ? previous.closeUsd()
                            : bar.open() > 0 ? bar.open() : bar.closeUsd();
                }
                double price = startPriceUsd == null ? bar.closeUsd() : startPriceUsd * bar.closeUsd() / reference;
                Double vol = withVol && returns >= MIN_RETURNS ? Math.sqrt(variance * barsPerYear) : null;
                ticks.add(new PlannedTick(underlying, bar.time(), bar.closeUsd(), price, vol));
            }
            previous = bar;
        }
        if (ticks.isEmpty()) {
            throw new IllegalArgumentException("no " + underlying + " bar from " + from + " to before " + toExclusive
                    + (bars.isEmpty() ? " (the file is empty)"
                            : " (the file covers " + bars.get(0).time() + " .. " + bars.get(bars.size() - 1).time()
                                    + ")"));
        }
        return ticks;
    }

    /** Bars per year from the median spacing of the bars (gaps do not skew a median); one hour if unknown. */
    static double barsPerYear(List<Bar> bars) {
        if (bars.size() < 2) {
            return 24 * 365.25;
        }
        long[] gaps = new long[bars.size() - 1];
        for (int i = 1; i < bars.size(); i++) {
            gaps[i - 1] = Duration.between(bars.get(i - 1).time(), bars.get(i).time()).getSeconds();
        }
        Arrays.sort(gaps);
        return 365.25 * 86_400 / gaps[(gaps.length - 1) / 2];
    }
}
