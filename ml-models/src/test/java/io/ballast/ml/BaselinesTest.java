package io.ballast.ml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.ballast.ml.data.DailySeries;
import io.ballast.ml.model.Ewma;
import io.ballast.ml.model.Garch11;
import io.ballast.ml.model.Har;
import io.ballast.ml.model.Progress;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BaselinesTest {

    @Test
    void ewmaFollowsTheRiskMetricsRecursionExactly() {
        Ewma e = new Ewma(0.94);
        double[] sq = {4e-4, 1e-4, 9e-4};
        double[] s = e.oneDayAhead(sq, 2e-4);
        // by hand: 0.94*2e-4 + 0.06*4e-4 = 2.12e-4; 0.94*2.12e-4 + 0.06*1e-4 = 2.0528e-4; 0.94*2.0528e-4 + 0.06*9e-4 = 2.469632e-4
        assertThat(s[0]).isCloseTo(2.12e-4, within(1e-18));
        assertThat(s[1]).isCloseTo(2.0528e-4, within(1e-18));
        assertThat(s[2]).isCloseTo(2.469632e-4, within(1e-18));
    }

    @Test
    void ewmaWalkForwardIsHTimesTheOneDayForecastOnTheSyntheticSeries() {
        DailySeries s = DailySeries.of(Synthetic.bars(400, 1));
        double[] sq = new double[s.size()];
        for (int i = 0; i < sq.length; i++) {
            sq[i] = s.logReturn(i) * s.logReturn(i);
        }
        double[] oneDay = new Ewma(0.94).oneDayAhead(sq, Garch11.backcast(sq));
        double[] f5 = new Ewma(0.94).forecast(s, 5, 300, 400 - 7, Progress.NONE);
        for (int i = 300; i < 393; i++) {
            assertThat(f5[i - 300]).isCloseTo(5 * oneDay[i], within(1e-18));
        }
    }

    /** Least squares by Householder QR (Hipparchus), independent of the model's LU on the normal equations. */
    private static double[] qr(double[][] x, double[] y) {
        return new org.hipparchus.linear.QRDecomposition(new org.hipparchus.linear.Array2DRowRealMatrix(x))
            .getSolver().solve(new org.hipparchus.linear.ArrayRealVector(y)).toArray();
    }

    private static double dot(double[] b, double[] x) {
        return b[0] * x[0] + b[1] * x[1] + b[2] * x[2] + b[3] * x[3];
    }

    @Test
    void harForecastEqualsAnIndependentOlsOnTheHarDesignWithTheMlModelsCalibration() {
        DailySeries s = DailySeries.of(Synthetic.bars(500, 2));
        for (boolean log : new boolean[] {true, false}) {
            for (int h : new int[] {1, 5}) {
                int i = 400;
                double[] f = new Har(log).forecast(s, h, i, i + 1, Progress.NONE);
                // independent construction of the HAR design from its definition: rows 29 .. i-h (targets complete)
                int rows = i - h - 29 + 1;
                double[][] x = new double[rows][];
                double[] y = new double[rows];
                for (int t = 29; t <= i - h; t++) {
                    double d = s.proxy(t);
                    double w = 0;
                    double m = 0;
                    for (int k = 0; k < 30; k++) {
                        m += s.proxy(t - k) / 30;
                        if (k < 7) {
                            w += s.proxy(t - k) / 7;
                        }
                    }
                    double target = 0;
                    for (int k = 1; k <= h; k++) {
                        target += s.proxy(t + k);
                    }
                    x[t - 29] = log ? new double[] {1, Math.log(d), Math.log(w), Math.log(m)} : new double[] {1, d, w, m};
                    y[t - 29] = log ? Math.log(target) : target;
                }
                double[] b = qr(x, y);
                double[] xi = new Har(log).regressors(s, i);
                double fit = dot(b, xi);
                double expected;
                if (log) {
                    // the ML models' calibration: a third of the training rows (fewer than 365) as the calibration
                    // block, predicted by a fit on the rows before it less h, clamped to that fit's target range;
                    // smearing = mean exp(residual); the forecast clamped to the full fit's target range
                    int calDays = (rows - h) / 3;
                    int calFrom = rows - calDays;
                    double[] bc = qr(java.util.Arrays.copyOf(x, calFrom - h), java.util.Arrays.copyOf(y, calFrom - h));
                    double lo = Double.POSITIVE_INFINITY;
                    double hi = Double.NEGATIVE_INFINITY;
                    for (int r = 0; r < calFrom - h; r++) {
                        lo = Math.min(lo, y[r]);
                        hi = Math.max(hi, y[r]);
                    }
                    double smear = 0;
                    for (int r = calFrom; r < rows; r++) {
                        smear += Math.exp(y[r] - Math.max(lo, Math.min(hi, dot(bc, x[r])))) / calDays;
                    }
                    double minY = java.util.Arrays.stream(y).min().orElseThrow();
                    double maxY = java.util.Arrays.stream(y).max().orElseThrow();
                    expected = Math.exp(Math.max(minY, Math.min(maxY, fit)) + Math.log(smear));
                    assertThat(new Har(true).fit(s, h, i).biasLog()).isCloseTo(Math.log(smear), within(1e-9));
                } else {
                    expected = fit;
                }
                assertThat(f[0]).as("log=%s h=%d", log, h).isCloseTo(expected, within(1e-9 * expected));
            }
        }
    }

    @Test
    void aHarRegisteredBeforeTheCalibrationChangeKeepsItsLogNormalCorrection() {
        // a v1 artifact has no biasLog nor maxTarget: its forecast stays exp(x'b + s2/2), unclamped
        DailySeries s = DailySeries.of(Synthetic.bars(500, 2));
        double[] beta = {-0.5, 0.4, 0.3, 0.2};
        io.ballast.ml.registry.FittedModel v1 = io.ballast.ml.registry.FittedModel.restore("HAR", 1, java.util.Map.of(
            "beta", java.util.List.of(-0.5, 0.4, 0.3, 0.2), "residualVariance", 0.8, "minTarget", 5.0, "rows", 300L),
            null);
        double[] xi = new Har(true).regressors(s, s.size() - 1);
        assertThat(v1.forecastVariance(s)).isCloseTo(Math.exp(dot(beta, xi) + 0.4), within(1e-12));
        // a v2 artifact round-trips with its smearing and clamp
        io.ballast.ml.registry.FittedModel v2 = new io.ballast.ml.registry.FittedModel.HarModel(
            new Har(true).fit(s, 1, s.size() - 1));
        assertThat(io.ballast.ml.registry.FittedModel.restore("HAR", 1, v2.parameters(), null).forecastVariance(s))
            .isEqualTo(v2.forecastVariance(s));
    }

    @Test
    void levelHarRecoversExactCoefficientsWhenTheTargetIsAnExactHarFunction() {
        // y_t = 1e-5 + 0.4 RV_t + 0.3 mean7 + 0.2 mean30 holds exactly when the proxy obeys this recursion
        Random rnd = new Random(3);
        double[] rv = new double[300];
        for (int t = 0; t < 30; t++) {
            rv[t] = 1e-4 * (1 + rnd.nextDouble());
        }
        double[][] x = new double[300 - 30][];
        double[] y = new double[300 - 30];
        for (int t = 29; t < 299; t++) {
            double w = 0;
            double m = 0;
            for (int k = 0; k < 30; k++) {
                m += rv[t - k] / 30;
                if (k < 7) {
                    w += rv[t - k] / 7;
                }
            }
            rv[t + 1] = 1e-5 + 0.4 * rv[t] + 0.3 * w + 0.2 * m; // noise-free
            x[t - 29] = new double[] {1, rv[t], w, m};
            y[t - 29] = rv[t + 1];
        }
        double[] b = qr(java.util.Arrays.copyOf(x, 40), java.util.Arrays.copyOf(y, 40));
        assertThat(b[0]).isCloseTo(1e-5, within(1e-9));
        assertThat(b[1]).isCloseTo(0.4, within(1e-4));
        assertThat(b[2]).isCloseTo(0.3, within(1e-4));
        assertThat(b[3]).isCloseTo(0.2, within(1e-4));
    }

    @Test
    void garchLogLikelihoodMatchesTheArchFormulaWithItsBackcast() {
        // Fixed series and parameters. Expected values computed independently with numpy/scipy (python 3, numpy 2.4.6)
        // from arch's definitions, NOT with the arch package (unavailable here):
        //   tau = min(75, n); w = 0.94**arange(tau); w /= w.sum(); backcast = sum(w * r[:tau]**2)       (arch VolatilityProcess.backcast)
        //   sigma2[0] = omega + alpha*backcast + beta*backcast; sigma2[t] = omega + alpha*r[t-1]**2 + beta*sigma2[t-1]
        //   normal: ll = -0.5 * sum(log(2 pi) + log(sigma2) + r**2/sigma2)                               (arch Normal.loglikelihood)
        //   std-t(nu): sum(gammaln((nu+1)/2) - gammaln(nu/2) - 0.5 log(pi (nu-2)) - 0.5 log sigma2 - (nu+1)/2 log(1 + r^2/(sigma2 (nu-2))))
        // Results: backcast 1.6054183112064986, ll_normal -20.612260921678384, ll_t(6) -21.102514831145857.
        double[] r = {0.5, -1.2, 0.3, 2.1, -0.7, -1.9, 0.4, 1.1, -0.2, 0.8, -2.5, 1.4};
        double[] sq = new double[r.length];
        for (int i = 0; i < r.length; i++) {
            sq[i] = r[i] * r[i];
        }
        double bc = Garch11.backcast(sq);
        assertThat(bc).isCloseTo(1.6054183112064986, within(1e-14));
        assertThat(Garch11.logLikelihood(r, r.length, 0.1, 0.1, 0.85, Double.POSITIVE_INFINITY, bc))
                .isCloseTo(-20.612260921678384, within(1e-11));
        assertThat(Garch11.logLikelihood(r, r.length, 0.1, 0.1, 0.85, 6.0, bc))
                .isCloseTo(-21.102514831145857, within(1e-10));
    }

    @Test
    void garchRecoversKnownParametersFrom5000SimulatedObservations() {
        // omega 0.05, alpha 0.10, beta 0.85 (percent-return units). Tolerances: alpha +-0.03, beta +-0.05,
        // alpha+beta +-0.02, omega within a factor 2: about 3 standard errors at n = 5000.
        int n = 5000;
        Random rnd = new Random(42);
        double[] r = simulateGarch(n, rnd::nextGaussian);
        Garch11.Params p = new Garch11(false).fit(r, n).requireConverged("simulated");
        assertThat(p.alpha()).isCloseTo(0.10, within(0.03));
        assertThat(p.beta()).isCloseTo(0.85, within(0.05));
        assertThat(p.alpha() + p.beta()).isCloseTo(0.95, within(0.02));
        assertThat(p.omega()).isBetween(0.025, 0.10);
        // the fit is a maximum: nudging each parameter lowers the likelihood
        double bc = Garch11.backcast(square(r));
        double best = Garch11.logLikelihood(r, n, p.omega(), p.alpha(), p.beta(), Double.POSITIVE_INFINITY, bc);
        assertThat(Garch11.logLikelihood(r, n, p.omega() * 1.05, p.alpha(), p.beta(), Double.POSITIVE_INFINITY, bc)).isLessThan(best);
        assertThat(Garch11.logLikelihood(r, n, p.omega(), p.alpha() + 0.005, p.beta(), Double.POSITIVE_INFINITY, bc)).isLessThan(best);
        assertThat(Garch11.logLikelihood(r, n, p.omega(), p.alpha(), p.beta() - 0.005, Double.POSITIVE_INFINITY, bc)).isLessThan(best);
    }

    @Test
    void studentTGarchEstimatesHeavyTails() {
        Random rnd = new Random(7);
        int n = 5000;
        double nu = 5;
        double[] r = simulateGarch(n, () -> {
            double chi = 0;
            for (int k = 0; k < nu; k++) {
                double g = rnd.nextGaussian();
                chi += g * g;
            }
            return rnd.nextGaussian() / Math.sqrt(chi / nu) * Math.sqrt((nu - 2) / nu);
        });
        Garch11.Params p = new Garch11(true).fit(r, n).requireConverged("simulated t");
        assertThat(p.nu()).isBetween(3.5, 8.0);
        assertThat(p.alpha() + p.beta()).isCloseTo(0.95, within(0.03));
    }

    @Test
    void garchHorizonVarianceMeanRevertsToTheLongRunVariance() {
        Garch11.Params p = new Garch11.Params(0.05, 0.1, 0.85, Double.POSITIVE_INFINITY);
        // s2 = 1; next = 2: 2 + (1 + 0.95) + (1 + 0.9025) = 5.8525
        assertThat(Garch11.horizonVariance(p, 2.0, 3)).isCloseTo(5.8525, within(1e-12));
    }

    /** GARCH(1,1) omega 0.05, alpha 0.10, beta 0.85 driven by unit-variance shocks z, after a 500-step burn-in. */
    private static double[] simulateGarch(int n, java.util.function.DoubleSupplier z) {
        double[] r = new double[n];
        double s2 = 1.0;
        double prev = 0;
        for (int t = 0; t < 500 + n; t++) {
            s2 = 0.05 + 0.10 * prev * prev + 0.85 * s2;
            prev = Math.sqrt(s2) * z.getAsDouble();
            if (t >= 500) {
                r[t - 500] = prev;
            }
        }
        return r;
    }

    private static double[] square(double[] r) {
        double[] s = new double[r.length];
        for (int i = 0; i < r.length; i++) {
            s[i] = r[i] * r[i];
        }
        return s;
    }
}
