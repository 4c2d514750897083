package io.ballast.ml.model;

import io.ballast.ml.data.DailySeries;
import org.hipparchus.special.Gamma;

/**
 * GARCH(1,1) with zero mean: {@code r_t = sigma_t z_t}, {@code sigma2_t = omega + alpha r_{t-1}^2 + beta sigma2_{t-1}},
 * fitted by maximum likelihood (normal, or standardised Student-t as an option), the way python {@code arch}
 * ({@code arch_model(r, mean="Zero", vol="GARCH", p=1, q=1)}) does it: the recursion starts from the backcast
 * {@code sigma2_0 = omega + (alpha + beta) * backcast}, where backcast is the EWMA(0.94)-weighted mean of the first
 * {@link #BACKCAST_WINDOW} squared residuals.
 *
 * <p>Returns are per-day log returns ({@code logReturn / sqrt(spanDays)}). Walk-forward: refitted every day on the
 * expanding window, warm-started from the previous day's estimate. h-day forecast:
 * {@code sum_{k=1..h} [s2 + (alpha + beta)^(k-1) (sigma2_{t+1} - s2)]}, {@code s2 = omega / (1 - alpha - beta)}.
 */
public final class Garch11 implements WalkForwardModel {

    /** Number of leading squared residuals in the backcast (as in arch). */
    public static final int BACKCAST_WINDOW = 75;
    private static final double BACKCAST_DECAY = 0.94;
    private static final double LOG_2PI = Math.log(2 * Math.PI);

    /**
     * Fitted parameters, in the units of the returns they were fitted on.
     *
     * @param omega constant, > 0
     * @param alpha ARCH coefficient, >= 0
     * @param beta  GARCH coefficient, >= 0, alpha + beta < 1
     * @param nu    Student-t degrees of freedom (> 2), or {@code Double.POSITIVE_INFINITY} for the normal
     */
    public record Params(double omega, double alpha, double beta, double nu) {

        /** Validates the stationarity and positivity constraints. */
        public Params {
            if (!(omega > 0) || !(alpha >= 0) || !(beta >= 0) || !(alpha + beta < 1) || !(nu > 2)) {
                throw new IllegalArgumentException("invalid GARCH params: " + omega + ", " + alpha + ", " + beta + ", " + nu);
            }
        }

        /** Unconditional variance {@code omega / (1 - alpha - beta)}. */
        public double longRunVariance() {
            return omega / (1 - alpha - beta);
        }
    }

    private final boolean studentT;

    /** @param studentT fit a standardised Student-t likelihood instead of the normal */
    public Garch11(boolean studentT) {
        this.studentT = studentT;
    }

    @Override
    public String name() {
        return studentT ? "GARCH_T" : "GARCH";
    }

    /** arch's backcast: EWMA(0.94) weights, normalised, over the first min(75, n) squared residuals. */
    public static double backcast(double[] squared) {
        int tau = Math.min(BACKCAST_WINDOW, squared.length);
        double w = 1;
        double sw = 0;
        double s = 0;
        for (int i = 0; i < tau; i++) {
            s += w * squared[i];
            sw += w;
            w *= BACKCAST_DECAY;
        }
        return s / sw;
    }

    /**
     * Conditional variances {@code sigma2_0 .. sigma2_{n-1}} of the first {@code n} residuals, with
     * {@code sigma2_0 = omega + (alpha + beta) backcast}.
     */
    public static double[] variances(double[] r, int n, double omega, double alpha, double beta, double backcast) {
        double[] s2 = new double[n];
        s2[0] = omega + (alpha + beta) * backcast;
        for (int t = 1; t < n; t++) {
            s2[t] = omega + alpha * r[t - 1] * r[t - 1] + beta * s2[t - 1];
        }
        return s2;
    }

    /**
     * Log-likelihood of the first {@code n} residuals (normal when {@code nu} is infinite, standardised Student-t otherwise).
     */
    public static double logLikelihood(double[] r, int n, double omega, double alpha, double beta, double nu, double backcast) {
        double ll = 0;
        double s2 = omega + (alpha + beta) * backcast;
        boolean normal = Double.isInfinite(nu);
        double tConst = normal ? 0 : Gamma.logGamma((nu + 1) / 2) - Gamma.logGamma(nu / 2) - 0.5 * Math.log(Math.PI * (nu - 2));
        for (int t = 0; t < n; t++) {
            if (t > 0) {
                s2 = omega + alpha * r[t - 1] * r[t - 1] + beta * s2;
            }
            double e2 = r[t] * r[t];
            if (normal) {
                ll += -0.5 * (LOG_2PI + Math.log(s2) + e2 / s2);
            } else {
                ll += tConst - 0.5 * Math.log(s2) - (nu + 1) / 2 * Math.log1p(e2 / (s2 * (nu - 2)));
            }
        }
        return ll;
    }

    /**
     * Maximum-likelihood fit on the first {@code n} residuals.
     *
     * @param r     residuals (per-day log returns)
     * @param n     how many to use
     * @param start warm start, or {@code null}
     * @return the estimate
     */
    public Params fit(double[] r, int n, Params start) {
        double var = 0;
        for (int i = 0; i < n; i++) {
            var += r[i] * r[i];
        }
        var /= n;
        double scale = Math.sqrt(var);
        double[] z = new double[n];
        double[] z2 = new double[n];
        for (int i = 0; i < n; i++) {
            z[i] = r[i] / scale;
            z2[i] = z[i] * z[i];
        }
        double bc = backcast(z2);
        double[] x0;
        if (start == null) {
            x0 = studentT ? new double[] {0.05, 0.08, 0.88, 8} : new double[] {0.05, 0.08, 0.88};
        } else {
            double om = Math.max(1e-6, start.omega() / var);
            x0 = studentT ? new double[] {om, start.alpha(), start.beta(), start.nu()} : new double[] {om, start.alpha(), start.beta()};
        }
        double[] step = studentT ? new double[] {0.02, 0.03, 0.03, 1.0} : new double[] {0.02, 0.03, 0.03};
        if (start != null) {
            for (int i = 0; i < step.length; i++) {
                step[i] *= 0.2;
            }
        }
        double[] best = NelderMead.minimise(p -> {
            double nu = studentT ? p[3] : Double.POSITIVE_INFINITY;
            if (!(p[0] > 1e-8) || p[1] < 0 || p[2] < 0 || p[1] + p[2] >= 0.9999 || (studentT && !(nu > 2.05 && nu < 500))) {
                return Double.POSITIVE_INFINITY;
            }
            return -logLikelihood(z, n, p[0], p[1], p[2], nu, bc);
        }, x0, step, 1e-10, 4000);
        return new Params(best[0] * var, best[1], best[2], studentT ? best[3] : Double.POSITIVE_INFINITY);
    }

    /** h-day-sum variance from the one-step-ahead variance {@code next} and the parameters. */
    public static double horizonVariance(Params p, double next, int h) {
        double s2 = p.longRunVariance();
        double phi = p.alpha() + p.beta();
        double sum = 0;
        double pow = 1;
        for (int k = 1; k <= h; k++) {
            sum += s2 + pow * (next - s2);
            pow *= phi;
        }
        return sum;
    }

    /** Per-day log returns {@code logReturn / sqrt(spanDays)} of rows {@code [0, to)}: the residuals GARCH is fitted on. */
    public static double[] residuals(DailySeries series, int to) {
        double[] r = new double[to];
        for (int i = 0; i < to; i++) {
            r[i] = series.logReturn(i) / Math.sqrt(series.spanDays(i));
        }
        return r;
    }

    /**
     * h-day-sum variance forecast made after the first {@code n} residuals with fixed parameters (the variance
     * recursion is filtered through the data; nothing is refitted).
     */
    public static double forecast(Params p, double[] r, int n, int h) {
        double[] sq = new double[Math.min(BACKCAST_WINDOW, n)];
        for (int k = 0; k < sq.length; k++) {
            sq[k] = r[k] * r[k];
        }
        double[] s2 = variances(r, n, p.omega(), p.alpha(), p.beta(), backcast(sq));
        double next = p.omega() + p.alpha() * r[n - 1] * r[n - 1] + p.beta() * s2[n - 1];
        return horizonVariance(p, next, h);
    }

    @Override
    public double[] forecast(DailySeries series, int h, int from, int to, Progress progress) {
        double[] r = residuals(series, to);
        double[] out = new double[to - from];
        Params p = null;
        for (int i = from; i < to; i++) {
            int n = i + 1;
            p = fit(r, n, p);
            out[i - from] = forecast(p, r, n, h);
            if ((i - from) % 500 == 0) {
                progress.report(String.format("  %s h=%d %s: omega=%.3g alpha=%.3f beta=%.3f%s", name(), h,
                        series.date(i), p.omega(), p.alpha(), p.beta(), studentT ? String.format(" nu=%.1f", p.nu()) : ""));
            }
        }
        return out;
    }
}
