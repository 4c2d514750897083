package io.ballast.ml.proxy;

import io.ballast.ml.data.DailySeries;
import java.util.LinkedHashMap;
import java.util.Map;

/** Compares the daily variance proxies of a series with its target proxy over a range of days. */
public final class ProxyComparison {

    private ProxyComparison() {
    }

    /**
     * One proxy's summary.
     *
     * @param meanAnnualVolPct {@code 100 sqrt(365 mean(proxy))}
     * @param corrLogWithTarget correlation of ln(proxy) with ln(target proxy), days with a positive value only
     */
    public record Row(double meanAnnualVolPct, double corrLogWithTarget) {
    }

    /**
     * Close-to-close, Parkinson, Garman-Klass, Rogers-Satchell, Yang-Zhang (7-day window) and the target proxy over
     * days {@code [from, to)}; {@code from >= 7}.
     */
    public static Map<String, Row> compare(DailySeries s, int from, int to) {
        int n = to - from;
        double[][] ohlc = s.ohlc(to);
        double[] o = ohlc[0];
        double[] h = ohlc[1];
        double[] l = ohlc[2];
        double[] c = ohlc[3];
        Map<String, double[]> p = new LinkedHashMap<>();
        String[] names = {"close-to-close", "Parkinson", "Garman-Klass", "Rogers-Satchell", "Yang-Zhang (7d)", "target: " + s.proxyName()};
        for (String name : names) {
            p.put(name, new double[n]);
        }
        for (int i = from; i < to; i++) {
            int k = i - from;
            p.get(names[0])[k] = s.squaredReturn(i);
            p.get(names[1])[k] = VarianceProxies.parkinson(h[i], l[i]);
            p.get(names[2])[k] = VarianceProxies.garmanKlass(o[i], h[i], l[i], c[i]);
            p.get(names[3])[k] = VarianceProxies.rogersSatchell(o[i], h[i], l[i], c[i]);
            p.get(names[4])[k] = VarianceProxies.yangZhang(o, h, l, c, i, 7);
            p.get(names[5])[k] = s.proxy(i);
        }
        double[] target = p.get(names[5]);
        Map<String, Row> out = new LinkedHashMap<>();
        p.forEach((name, v) -> {
            double mean = 0;
            for (double x : v) {
                mean += x / n;
            }
            out.put(name, new Row(100 * Math.sqrt(365 * mean), logCorrelation(v, target)));
        });
        return out;
    }

    private static double logCorrelation(double[] a, double[] b) {
        double sa = 0;
        double sb = 0;
        double saa = 0;
        double sbb = 0;
        double sab = 0;
        int n = 0;
        for (int i = 0; i < a.length; i++) {
            if (a[i] > 0 && b[i] > 0) {
                double x = Math.log(a[i]);
                double y = Math.log(b[i]);
                sa += x;
                sb += y;
                saa += x * x;
                sbb += y * y;
                sab += x * y;
                n++;
            }
        }
        double cov = sab / n - sa / n * sb / n;
        return cov / Math.sqrt((saa / n - sa * sa / n / n) * (sbb / n - sb * sb / n / n));
    }
}
