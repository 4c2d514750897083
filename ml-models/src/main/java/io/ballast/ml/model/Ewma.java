package io.ballast.ml.model;

import io.ballast.ml.data.DailySeries;

/**
 * RiskMetrics EWMA: {@code sigma2_{t+1} = lambda sigma2_t + (1 - lambda) r_t^2}; h-day variance = {@code h sigma2_{t+1}}.
 * r_t^2 is the per-day squared return ({@link DailySeries#squaredReturn(int)}). The recursion starts from the
 * {@code arch}-style backcast of the first {@link Garch11#BACKCAST_WINDOW} squared returns, so forecasts at indices
 * below that window see those returns; walk-forward evaluations start far later.
 */
public final class Ewma implements WalkForwardModel {

    /** RiskMetrics daily decay. */
    public static final double RISKMETRICS_LAMBDA = 0.94;

    private final double lambda;

    /** @param lambda decay in (0, 1) */
    public Ewma(double lambda) {
        if (!(lambda > 0 && lambda < 1)) {
            throw new IllegalArgumentException("lambda must be in (0,1): " + lambda);
        }
        this.lambda = lambda;
    }

    @Override
    public String name() {
        return "EWMA";
    }

    /**
     * One-day-ahead EWMA variances: element i is {@code sigma2_{i+1}}, the forecast made at the close of day i.
     *
     * @param squared per-day squared returns r_0^2 .. r_{n-1}^2
     * @param initial sigma2_0, the variance before r_0 is seen
     */
    public double[] oneDayAhead(double[] squared, double initial) {
        double[] out = new double[squared.length];
        double s2 = initial;
        for (int i = 0; i < squared.length; i++) {
            s2 = lambda * s2 + (1 - lambda) * squared[i];
            out[i] = s2;
        }
        return out;
    }

    @Override
    public double[] forecast(DailySeries series, int h, int from, int to, Progress progress) {
        double[] sq = new double[to];
        for (int i = 0; i < to; i++) {
            sq[i] = series.squaredReturn(i);
        }
        double[] s2 = oneDayAhead(sq, Garch11.backcast(sq));
        double[] out = new double[to - from];
        for (int i = from; i < to; i++) {
            out[i - from] = h * s2[i];
        }
        return out;
    }
}
