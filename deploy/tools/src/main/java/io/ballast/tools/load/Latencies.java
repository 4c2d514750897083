package io.ballast.tools.load;

import java.util.Locale;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/** A latency histogram in microseconds (HdrHistogram, 3 significant digits, up to 10 minutes), thread-safe. */
public final class Latencies {

    private final Histogram histogram = new ConcurrentHistogram(600_000_000L, 3);

    /**
     * Records one latency.
     *
     * @param micros the latency in microseconds; negative values (clock skew) are recorded as 0
     */
    public void recordMicros(long micros) {
        histogram.recordValue(Math.max(0, Math.min(micros, histogram.getHighestTrackableValue())));
    }

    /** @return how many latencies were recorded */
    public long count() {
        return histogram.getTotalCount();
    }

    /**
     * A percentile.
     *
     * @param percentile e.g. 99.0
     * @return the latency at it, in milliseconds
     */
    public double percentileMillis(double percentile) {
        return histogram.getValueAtPercentile(percentile) / 1_000.0;
    }

    /** @return the largest latency, in milliseconds */
    public double maxMillis() {
        return histogram.getMaxValue() / 1_000.0;
    }

    /** @return {@code p50 x ms, p99 y ms, max z ms (n samples)}, or {@code no samples} */
    public String summary() {
        if (count() == 0) {
            return "no samples";
        }
        return String.format(Locale.ROOT, "p50 %.2f ms, p99 %.2f ms, max %.2f ms (%,d samples)",
                percentileMillis(50), percentileMillis(99), maxMillis(), count());
    }

    /** @return {@code p50 / p99 ms}, or {@code none} */
    public String brief() {
        return count() == 0 ? "none" : String.format(Locale.ROOT, "p50 %.1f / p99 %.1f ms", percentileMillis(50),
                percentileMillis(99));
    }
}
