package io.ballast.ml.data;

/** OHLCV consistency rules shared by {@link DailyBar} and {@link HourlyBar}. */
final class BarChecks {

    private BarChecks() {
    }

    /** Returns a description of the first broken rule, or {@code null} when the bar is consistent. */
    static String problem(double open, double high, double low, double close, double volume) {
        if (!(open > 0) || !(high > 0) || !(low > 0) || !(close > 0)
                || Double.isInfinite(open) || Double.isInfinite(high) || Double.isInfinite(low) || Double.isInfinite(close)) {
            return "prices must be finite and > 0 (open=" + open + " high=" + high + " low=" + low + " close=" + close + ")";
        }
        if (high < Math.max(open, close)) {
            return "high " + high + " < max(open, close)";
        }
        if (low > Math.min(open, close)) {
            return "low " + low + " > min(open, close)";
        }
        if (!(volume >= 0) || Double.isInfinite(volume)) {
            return "volume must be finite and >= 0 (" + volume + ")";
        }
        return null;
    }
}
