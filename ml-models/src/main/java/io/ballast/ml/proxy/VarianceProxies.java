package io.ballast.ml.proxy;

/**
 * Daily variance proxies from one OHLC bar (all in daily log-return variance units, not annualised).
 * Notation: u = ln(H/O), d = ln(L/O), c = ln(C/O).
 */
public final class VarianceProxies {

    private static final double LN2 = Math.log(2.0);

    private VarianceProxies() {
    }

    /** Close-to-close: squared log return {@code ln(close/prevClose)}, divided by {@code spanDays} (gap policy). */
    public static double closeToClose(double prevClose, double close, int spanDays) {
        double r = Math.log(close / prevClose);
        return r * r / spanDays;
    }

    /** Parkinson (1980): {@code (ln(H/L))^2 / (4 ln 2)}. */
    public static double parkinson(double high, double low) {
        double hl = Math.log(high / low);
        return hl * hl / (4.0 * LN2);
    }

    /** Garman-Klass (1980): {@code 0.5 (ln(H/L))^2 - (2 ln 2 - 1) c^2}. Can be slightly negative: floored at 0. */
    public static double garmanKlass(double open, double high, double low, double close) {
        double hl = Math.log(high / low);
        double c = Math.log(close / open);
        return Math.max(0.0, 0.5 * hl * hl - (2.0 * LN2 - 1.0) * c * c);
    }

    /** Rogers-Satchell (1991): {@code u(u - c) + d(d - c)}; drift-independent, always >= 0. */
    public static double rogersSatchell(double open, double high, double low, double close) {
        double u = Math.log(high / open);
        double d = Math.log(low / open);
        double c = Math.log(close / open);
        return u * (u - c) + d * (d - c);
    }

    /**
     * Yang-Zhang (2000) over the {@code n} bars ending at {@code end} (inclusive):
     * {@code sigma2_open + k sigma2_close + (1 - k) mean(RS)}, {@code k = 0.34 / (1.34 + (n + 1)/(n - 1))}, where the
     * open ("overnight") return of bar i is {@code ln(O_i / C_{i-1})}. Needs {@code end - n >= 0} and n >= 2.
     *
     * @return per-day variance estimate for the window
     */
    public static double yangZhang(double[] open, double[] high, double[] low, double[] close, int end, int n) {
        if (n < 2 || end - n < 0) {
            throw new IllegalArgumentException("Yang-Zhang needs n >= 2 bars and a previous close (end=" + end + ", n=" + n + ")");
        }
        double mo = 0;
        double mc = 0;
        double rs = 0;
        for (int i = end - n + 1; i <= end; i++) {
            mo += Math.log(open[i] / close[i - 1]);
            mc += Math.log(close[i] / open[i]);
            rs += rogersSatchell(open[i], high[i], low[i], close[i]);
        }
        mo /= n;
        mc /= n;
        rs /= n;
        double vo = 0;
        double vc = 0;
        for (int i = end - n + 1; i <= end; i++) {
            double o = Math.log(open[i] / close[i - 1]) - mo;
            double c = Math.log(close[i] / open[i]) - mc;
            vo += o * o;
            vc += c * c;
        }
        vo /= (n - 1);
        vc /= (n - 1);
        double k = 0.34 / (1.34 + (n + 1.0) / (n - 1.0));
        return vo + k * vc + (1.0 - k) * rs;
    }
}
