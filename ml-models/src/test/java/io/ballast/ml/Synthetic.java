package io.ballast.ml;

import io.ballast.ml.data.DailyBar;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Synthetic daily bars from a GARCH(1,1) price path with intraday ranges, for tests. */
public final class Synthetic {

    private Synthetic() {
    }

    /** {@code n} daily bars from 2015-01-01, GARCH(1,1) daily returns (omega 2e-5, alpha 0.1, beta 0.85), seeded. */
    public static List<DailyBar> bars(int n, long seed) {
        Random rnd = new Random(seed);
        List<DailyBar> out = new ArrayList<>(n);
        double close = 1000;
        double s2 = 4e-4;
        double prevR = 0;
        LocalDate d = LocalDate.of(2015, 1, 1);
        for (int i = 0; i < n; i++) {
            s2 = 2e-5 + 0.1 * prevR * prevR + 0.85 * s2;
            double r = Math.sqrt(s2) * rnd.nextGaussian();
            double open = close;
            close = open * Math.exp(r);
            double hi = Math.max(open, close) * Math.exp(Math.abs(rnd.nextGaussian()) * Math.sqrt(s2) * 0.5);
            double lo = Math.min(open, close) * Math.exp(-Math.abs(rnd.nextGaussian()) * Math.sqrt(s2) * 0.5);
            out.add(new DailyBar(d.plusDays(i), open, hi, lo, close, 100 + 50 * rnd.nextDouble()));
            prevR = r;
        }
        return out;
    }
}
