package io.ballast.ml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.ballast.ml.model.Garch11;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The GARCH(1,1) maximum-likelihood fit on Hipparchus' BOBYQA: bounds hold on every kind of series, several starts
 * find the higher of two likelihood peaks that the single fixed start of v1 misses, and a fit that did not converge is
 * refused.
 */
class Garch11FitTest {

    private static final double NORMAL = Double.POSITIVE_INFINITY;

    private static double[] squares(double[] r) {
        double[] s = new double[r.length];
        for (int i = 0; i < r.length; i++) {
            s[i] = r[i] * r[i];
        }
        return s;
    }

    private static double logLikelihood(double[] r, Garch11.Params p) {
        return Garch11.logLikelihood(r, r.length, p.omega(), p.alpha(), p.beta(), p.nu(),
                Garch11.backcast(squares(r)));
    }

    private static void assertInsideTheBounds(Garch11.Fit f, double[] r) {
        Garch11.Params p = f.params();
        assertThat(f.converged()).as("converged").isTrue();
        assertThat(p.omega()).isPositive();
        assertThat(p.alpha()).isGreaterThanOrEqualTo(0);
        assertThat(p.beta()).isGreaterThanOrEqualTo(0);
        assertThat(p.alpha() + p.beta()).isLessThanOrEqualTo(Garch11.MAX_PERSISTENCE).isLessThan(1);
        assertThat(p.nu()).satisfiesAnyOf(nu -> assertThat(nu).isEqualTo(NORMAL),
                nu -> assertThat(nu).isBetween(Garch11.MIN_NU, Garch11.MAX_NU));
        // the reported likelihood is the likelihood of the estimate, in the units of the data
        assertThat(f.logLikelihood()).isCloseTo(logLikelihood(r, p), within(1e-8 * Math.abs(f.logLikelihood())));
    }

    @Test
    void everyEstimateRespectsTheBoundsOnSeriesThatPushAgainstThem() {
        Random rnd = new Random(5);
        int n = 1500;
        // no clustering at all: alpha is pushed to 0 and persistence is unidentified
        double[] iid = new double[n];
        for (int i = 0; i < n; i++) {
            iid[i] = 0.03 * rnd.nextGaussian();
        }
        // a near-integrated process (alpha + beta = 0.9995): persistence is pushed to its upper bound
        double[] integrated = simulate(n, 1e-7, 0.06, 0.9395, rnd);
        // one +159 % day in a calm series
        double[] jump = simulate(n, 2e-5, 0.08, 0.90, rnd);
        jump[n / 2] = Math.log(2.59);
        for (double[] r : List.of(iid, integrated, jump)) {
            assertInsideTheBounds(new Garch11(false).fit(r, n), r);
            assertInsideTheBounds(new Garch11(true).fit(r, n), r);
        }
        Garch11.Fit flat = new Garch11(false).fit(iid, n);
        assertThat(flat.params().alpha()).isLessThan(0.02);
        assertThat(flat.params().longRunVariance()).isCloseTo(9e-4, within(1e-4));
        Garch11.Fit persistent = new Garch11(false).fit(integrated, n);
        assertThat(persistent.params().alpha() + persistent.params().beta()).isGreaterThan(0.98);
        // a start outside the search box (persistence 0.99999, omega 100 times the data's variance) is moved inside it
        Garch11.Params wild = new Garch11.Params(100 * Garch11.meanSquare(jump, n), 0.5, 0.49999, NORMAL);
        Garch11.Fit fromWild = new Garch11(false).fit(jump, n, List.of(wild));
        assertInsideTheBounds(fromWild, jump);
    }

    @Test
    void severalStartsFindTheHigherOfTwoPeaksThatTheFixedStartMisses() {
        // a volatile coin (daily vol 5 %) with one +159 % day: the normal likelihood has a peak that ignores the jump
        // (alpha 0, the variance a smooth trend) and a higher one that reacts to it (alpha about 0.28, beta 0)
        int n = 1000;
        double[] r = simulate(n, 1.25e-4, 0.10, 0.85, new Random(4));
        r[n / 2] = Math.log(2.59);
        Garch11 garch = new Garch11(false);
        List<Garch11.Params> starts = garch.standardStarts(Garch11.meanSquare(r, n));
        Garch11.Fit fixed = garch.fit(r, n, List.of(starts.get(0))); // v1's single fixed start (0.08, 0.88)
        Garch11.Fit several = garch.fit(r, n);
        assertInsideTheBounds(fixed, r);
        assertInsideTheBounds(several, r);
        assertThat(fixed.params().alpha()).isLessThan(0.01);
        assertThat(several.params().alpha()).isGreaterThan(0.2);
        assertThat(several.logLikelihood() - fixed.logLikelihood()).isGreaterThan(10);
        // the best likelihood over the starts is kept
        for (Garch11.Params start : starts) {
            assertThat(several.logLikelihood()).isGreaterThanOrEqualTo(garch.fit(r, n, List.of(start)).logLikelihood());
        }
        // the lower peak is a local maximum inside the bounds, not an unfinished search: nudging beta either way or
        // raising alpha from its bound lowers the likelihood
        Garch11.Params p = fixed.params();
        double at = logLikelihood(r, p);
        assertThat(logLikelihood(r, new Garch11.Params(p.omega(), p.alpha() + 0.01, p.beta(), NORMAL))).isLessThan(at);
        assertThat(logLikelihood(r, new Garch11.Params(p.omega(), p.alpha(), p.beta() + 0.01, NORMAL))).isLessThan(at);
        assertThat(logLikelihood(r, new Garch11.Params(p.omega(), p.alpha(), p.beta() - 0.01, NORMAL))).isLessThan(at);
    }

    @Test
    void aFitThatDidNotConvergeIsRefused() {
        Garch11.Fit notConverged = new Garch11.Fit(new Garch11.Params(1e-5, 0.1, 0.8, NORMAL), -1e3, false, 6, 0, 18000);
        assertThatThrownBy(() -> notConverged.requireConverged("BTC"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("did not converge");
        double[] broken = simulate(500, 2e-5, 0.08, 0.90, new Random(1));
        broken[100] = Double.NaN;
        assertThatThrownBy(() -> new Garch11(false).fit(broken, broken.length))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("finite");
    }

    /** GARCH(1,1) returns with normal shocks, after a 500-step burn-in. */
    static double[] simulate(int n, double omega, double alpha, double beta, Random rnd) {
        double[] r = new double[n];
        double s2 = omega / (1 - alpha - beta);
        double prev = 0;
        for (int t = 0; t < 500 + n; t++) {
            s2 = omega + alpha * prev * prev + beta * s2;
            prev = Math.sqrt(s2) * rnd.nextGaussian();
            if (t >= 500) {
                r[t - 500] = prev;
            }
        }
        return r;
    }
}
