package io.ballast.ml.model;

import io.ballast.ml.data.DailySeries;
import java.util.ArrayList;
import java.util.List;
import org.hipparchus.analysis.MultivariateFunction;
import org.hipparchus.exception.MathIllegalStateException;
import org.hipparchus.optim.InitialGuess;
import org.hipparchus.optim.MaxEval;
import org.hipparchus.optim.PointValuePair;
import org.hipparchus.optim.SimpleBounds;
import org.hipparchus.optim.nonlinear.scalar.GoalType;
import org.hipparchus.optim.nonlinear.scalar.ObjectiveFunction;
import org.hipparchus.optim.nonlinear.scalar.noderiv.BOBYQAOptimizer;
import org.hipparchus.special.Gamma;

/**
 * GARCH(1,1) with zero mean: {@code r_t = sigma_t z_t}, {@code sigma2_t = omega + alpha r_{t-1}^2 + beta sigma2_{t-1}},
 * fitted by maximum likelihood (normal, or standardised Student-t as an option), the way python {@code arch}
 * ({@code arch_model(r, mean="Zero", vol="GARCH", p=1, q=1)}) does it: the recursion starts from the backcast
 * {@code sigma2_0 = omega + (alpha + beta) * backcast}, where backcast is the EWMA(0.94)-weighted mean of the first
 * {@link #BACKCAST_WINDOW} squared residuals.
 *
 * <p>The likelihood is maximised by Hipparchus' BOBYQA inside bounds, from several starts, with a convergence check
 * ({@link #fit(double[], int, List)}). Returns are per-day log returns ({@code logReturn / sqrt(spanDays)}).
 * Walk-forward ({@link Schedule}): by default refitted every day on the expanding window, warm-started from the
 * previous day's estimate, and every {@link Schedule#DEFAULT_MULTI_START_DAYS} days from the standard starts as well
 * (the previous estimate one of them), so that a warm start cannot stay on a lower peak of the likelihood for long.
 * A fit that did not converge is never used: the previous converged estimate is kept and counted.
 * h-day forecast: {@code sum_{k=1..h} [s2 + (alpha + beta)^(k-1) (sigma2_{t+1} - s2)]},
 * {@code s2 = omega / (1 - alpha - beta)}.
 */
public final class Garch11 implements WalkForwardModel {

    /** Number of leading squared residuals in the backcast (as in arch). */
    public static final int BACKCAST_WINDOW = 75;
    /** Largest persistence {@code alpha + beta} a fit may reach (strictly below 1: covariance stationary). */
    public static final double MAX_PERSISTENCE = 0.9999;
    /** Smallest omega, as a fraction of the sample variance, the search may reach. */
    public static final double MIN_OMEGA_RATIO = 1e-8;
    /** Largest omega, as a multiple of the sample variance, the search may reach. */
    public static final double MAX_OMEGA_RATIO = 10;
    /** Bounds of the Student-t degrees of freedom. */
    public static final double MIN_NU = 2.05;
    /** Upper bound of the Student-t degrees of freedom (about normal beyond). */
    public static final double MAX_NU = 500;
    /** BOBYQA's initial trust-region radius, in the search variables. */
    public static final double INITIAL_RADIUS = 0.05;
    /** BOBYQA's final trust-region radius: the fit converged when the region shrank to it. */
    public static final double STOPPING_RADIUS = 1e-7;
    /** Evaluation budget of one start; a start that exhausts it did not converge. */
    public static final int MAX_EVALUATIONS = 3000;
    private static final double BACKCAST_DECAY = 0.94;
    private static final double LOG_2PI = Math.log(2 * Math.PI);
    /** (alpha, beta) of the standard starts; the first is v1's single fixed start. */
    private static final double[][] STANDARD_STARTS = {
        {0.08, 0.88}, {0.03, 0.96}, {0.15, 0.80}, {0.25, 0.60}, {0.40, 0.30}, {0.05, 0.50}};

    /**
     * Result of a maximum-likelihood fit.
     *
     * @param params           the estimate with the highest log-likelihood over the starts
     * @param logLikelihood    its log-likelihood, in the units of the residuals fitted
     * @param converged        whether the optimiser converged from the start that gave the estimate
     * @param starts           number of starts tried
     * @param convergedStarts  how many of them converged
     * @param evaluations      likelihood evaluations over all starts
     */
    public record Fit(Params params, double logLikelihood, boolean converged, int starts, int convergedStarts,
            int evaluations) {

        /**
         * The estimate, or an exception when the fit did not converge (a non-converged fit is never used silently).
         *
         * @param what names the fit in the message
         * @throws IllegalStateException when it did not converge
         */
        public Params requireConverged(String what) {
            if (!converged) {
                throw new IllegalStateException("GARCH fit of " + what + " did not converge (" + convergedStarts
                        + " of " + starts + " starts converged, " + evaluations + " evaluations)");
            }
            return params;
        }
    }

    /**
     * When the walk-forward refits.
     *
     * @param warmDaily       refit every day from the previous day's estimate
     * @param multiStartDays  every this many forecast days (and at the first) refit from the standard starts too,
     *                        the previous estimate one of them; {@code Integer.MAX_VALUE}: at the first day only
     */
    public record Schedule(boolean warmDaily, int multiStartDays) {

        /** Days between multi-start refits of the default schedule. */
        public static final int DEFAULT_MULTI_START_DAYS = 21;
        /** The default: warm-started every day, from every standard start as well every 21 days. */
        public static final Schedule DEFAULT = new Schedule(true, DEFAULT_MULTI_START_DAYS);
        /** The plain reference: refitted from the standard starts every 21 days, parameters held in between. */
        public static final Schedule REFIT_21 = new Schedule(false, DEFAULT_MULTI_START_DAYS);
        /** Warm-started every day, the standard starts at the first day only (v1's walk-forward, with BOBYQA). */
        public static final Schedule WARM_ONLY = new Schedule(true, Integer.MAX_VALUE);

        /** Validates the interval. */
        public Schedule {
            if (multiStartDays < 1) {
                throw new IllegalArgumentException("multiStartDays must be >= 1: " + multiStartDays);
            }
        }
    }

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
    private final Schedule schedule;

    /** @param studentT fit a standardised Student-t likelihood instead of the normal; default walk-forward schedule */
    public Garch11(boolean studentT) {
        this(studentT, Schedule.DEFAULT);
    }

    /**
     * @param studentT fit a standardised Student-t likelihood instead of the normal
     * @param schedule when the walk-forward refits
     */
    public Garch11(boolean studentT, Schedule schedule) {
        this.studentT = studentT;
        this.schedule = java.util.Objects.requireNonNull(schedule, "schedule");
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
     * Maximum-likelihood fit on the first {@code n} residuals from the {@link #standardStarts standard starts}
     * (several starts, the best likelihood kept).
     *
     * @param r residuals (per-day log returns)
     * @param n how many to use
     * @return the estimate, its log-likelihood and whether it converged
     */
    public Fit fit(double[] r, int n) {
        return fit(r, n, standardStarts(checkedVariance(r, n)));
    }

    /** The mean square of the residuals, refusing non-finite residuals and an all-zero series. */
    private static double checkedVariance(double[] r, int n) {
        double var = meanSquare(r, n);
        if (!(var > 0) || !Double.isFinite(var)) {
            throw new IllegalArgumentException("GARCH needs finite residuals, not all zero (mean square " + var + ")");
        }
        return var;
    }

    /**
     * Maximum-likelihood fit on the first {@code n} residuals: Hipparchus' BOBYQA (bounded, derivative-free) from each
     * start, the best log-likelihood kept.
     *
     * <p>The search runs on returns scaled to unit variance ({@code z = r / sd(r)}) in the variables
     * {@code (ln omega, phi, s)}: persistence {@code phi = alpha + beta} and ARCH share {@code s = alpha / phi} (and
     * {@code eta = 1 / nu} for Student-t), each inside a box ({@code omega} between {@link #MIN_OMEGA_RATIO} and
     * {@link #MAX_OMEGA_RATIO} times the sample variance,
     * {@code phi} in {@code [0, }{@link #MAX_PERSISTENCE}{@code ]}, {@code s} in {@code [0, 1]}, {@code eta} in
     * {@code [1 / 500, 1 / 2.05]}), so every point the optimiser tries has {@code omega > 0}, {@code alpha, beta >= 0}
     * and {@code alpha + beta < 1}. A start converged when BOBYQA stopped on its own criterion (trust region shrunk
     * to {@link #STOPPING_RADIUS}) within {@link #MAX_EVALUATIONS}; the fit converged when its best start did.
     *
     * @param r      residuals (per-day log returns)
     * @param n      how many to use
     * @param starts starting points, in the units of {@code r} (at least one)
     * @return the estimate, its log-likelihood (units of {@code r}) and whether it converged
     */
    public Fit fit(double[] r, int n, List<Params> starts) {
        if (starts.isEmpty()) {
            throw new IllegalArgumentException("a GARCH fit needs at least one start");
        }
        double var = checkedVariance(r, n);
        double scale = Math.sqrt(var);
        double[] z = new double[n];
        double[] z2 = new double[n];
        for (int i = 0; i < n; i++) {
            z[i] = r[i] / scale;
            z2[i] = z[i] * z[i];
        }
        double bc = backcast(z2);
        int dim = studentT ? 4 : 3;
        double lnLow = Math.log(MIN_OMEGA_RATIO);
        double lnHigh = Math.log(MAX_OMEGA_RATIO);
        double[] lo = studentT ? new double[] {lnLow, 0, 0, 1 / MAX_NU} : new double[] {lnLow, 0, 0};
        double[] hi = studentT ? new double[] {lnHigh, MAX_PERSISTENCE, 1, 1 / MIN_NU}
                : new double[] {lnHigh, MAX_PERSISTENCE, 1};
        MultivariateFunction negLl = x -> -logLikelihood(z, n, Math.exp(x[0]), x[2] * x[1], (1 - x[2]) * x[1],
                studentT ? 1 / x[3] : Double.POSITIVE_INFINITY, bc);
        double[] best = null;
        double bestValue = Double.POSITIVE_INFINITY;
        boolean bestConverged = false;
        int converged = 0;
        int evaluations = 0;
        for (Params start : starts) {
            double[] x0 = clamp(toSearch(start, var), lo, hi);
            BOBYQAOptimizer optimizer = new BOBYQAOptimizer(2 * dim + 1, INITIAL_RADIUS, STOPPING_RADIUS);
            BestSeen seen = new BestSeen(negLl);
            double[] point;
            double value;
            boolean ok;
            try {
                PointValuePair p = optimizer.optimize(new MaxEval(MAX_EVALUATIONS), new ObjectiveFunction(seen),
                        GoalType.MINIMIZE, new InitialGuess(x0), new SimpleBounds(lo, hi));
                point = p.getPoint();
                value = p.getValue();
                ok = Double.isFinite(value);
            } catch (MathIllegalStateException e) {
                // evaluation budget exhausted or a failed trust-region step: this start did not converge; its best
                // point still competes, marked as not converged
                point = seen.point;
                value = seen.value;
                ok = false;
            }
            evaluations += optimizer.getEvaluations();
            converged += ok ? 1 : 0;
            if (value < bestValue) {
                bestValue = value;
                best = point;
                bestConverged = ok;
            }
        }
        if (best == null) {
            throw new IllegalStateException("GARCH likelihood is not finite at any start (n=" + n + ")");
        }
        double phi = best[1];
        Params params = new Params(Math.exp(best[0]) * var, best[2] * phi, (1 - best[2]) * phi,
                studentT ? 1 / best[3] : Double.POSITIVE_INFINITY);
        double ll = -bestValue - n * Math.log(scale);
        return new Fit(params, ll, bestConverged, starts.size(), converged, evaluations);
    }

    /**
     * The standard starting points of a fit from scratch: {@code (alpha, beta)} = (0.08, 0.88) (v1's single fixed
     * start), (0.03, 0.96), (0.15, 0.80), (0.25, 0.60), (0.40, 0.30) and (0.05, 0.50), each with the long-run variance
     * {@code sampleVariance}; Student-t from nu = 8.
     *
     * @param sampleVariance mean square of the residuals the fit will use
     */
    public List<Params> standardStarts(double sampleVariance) {
        double nu = studentT ? 8 : Double.POSITIVE_INFINITY;
        List<Params> out = new ArrayList<>();
        for (double[] ab : STANDARD_STARTS) {
            out.add(new Params((1 - ab[0] - ab[1]) * sampleVariance, ab[0], ab[1], nu));
        }
        return out;
    }

    /** Mean of {@code r[i]^2} over the first {@code n} residuals (the zero-mean sample variance). */
    public static double meanSquare(double[] r, int n) {
        double s = 0;
        for (int i = 0; i < n; i++) {
            s += r[i] * r[i];
        }
        return s / n;
    }

    /** A start in the search variables {@code (ln omega, phi, s[, eta])} on the unit-variance scale. */
    private double[] toSearch(Params p, double var) {
        double phi = p.alpha() + p.beta();
        double lnOmega = Math.log(p.omega() / var);
        double share = phi > 0 ? p.alpha() / phi : 0.5;
        return studentT ? new double[] {lnOmega, phi, share, 1 / p.nu()} : new double[] {lnOmega, phi, share};
    }

    /** The objective, remembering the lowest value it returned and where (for a start that does not converge). */
    private static final class BestSeen implements MultivariateFunction {
        private final MultivariateFunction f;
        private double[] point;
        private double value = Double.NaN;

        BestSeen(MultivariateFunction f) {
            this.f = f;
        }

        @Override
        public double value(double[] x) {
            double v = f.value(x);
            if (point == null || v < value || Double.isNaN(value)) {
                point = x.clone();
                value = v;
            }
            return v;
        }
    }

    private static double[] clamp(double[] x, double[] lo, double[] hi) {
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = Math.max(lo[i], Math.min(hi[i], x[i]));
        }
        return out;
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
        int multiStarts = 0;
        int notConverged = 0;
        for (int i = from; i < to; i++) {
            int n = i + 1;
            boolean multi = p == null || (i - from) % schedule.multiStartDays() == 0;
            if (multi || schedule.warmDaily()) {
                List<Params> starts = new ArrayList<>();
                if (p != null && schedule.warmDaily()) {
                    starts.add(p); // the warm start (the reference schedule refits from the standard starts only)
                }
                if (multi) {
                    starts.addAll(standardStarts(meanSquare(r, n)));
                    multiStarts++;
                }
                Fit f = fit(r, n, starts);
                if (f.converged()) {
                    p = f.params();
                } else if (p == null) {
                    throw new IllegalStateException(name() + " fit at " + series.date(i) + " did not converge from any of "
                            + f.starts() + " starts: no estimate to forecast with");
                } else {
                    notConverged++;
                }
            }
            out[i - from] = forecast(p, r, n, h);
            if ((i - from) % 500 == 0) {
                progress.report(String.format("  %s h=%d %s: omega=%.3g alpha=%.3f beta=%.3f%s", name(), h,
                        series.date(i), p.omega(), p.alpha(), p.beta(), studentT ? String.format(" nu=%.1f", p.nu()) : ""));
            }
        }
        progress.report(String.format("  %s h=%d: %d forecasts, %d multi-start fits, %d fits not converged "
                + "(previous estimate kept)", name(), h, to - from, multiStarts, notConverged));
        return out;
    }
}
