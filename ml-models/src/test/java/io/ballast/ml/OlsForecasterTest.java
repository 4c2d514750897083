package io.ballast.ml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.ballast.ml.data.DailySeries;
import io.ballast.ml.features.FeatureBuilder;
import io.ballast.ml.ml.OlsForecaster;
import io.ballast.ml.ml.TribuoForecaster;
import io.ballast.ml.model.Models;
import io.ballast.ml.model.Progress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The plain OLS reference gets the ML models' calibration: least squares, clamp to the target range, smearing. */
class OlsForecasterTest {

    private static final DailySeries S = DailySeries.of(Synthetic.bars(1000, 6));

    @Test
    void theFitIsLeastSquaresOnEveryFeatureWithTheMlModelsSmearingAndClamp() {
        int h = 1;
        int trainEnd = 800;
        double[][] x = FeatureBuilder.matrix(S, trainEnd + 40);
        OlsForecaster.Fit fit = OlsForecaster.fit(S, x, h, trainEnd);
        // least squares: the residuals are orthogonal to the intercept and to every feature column
        int first = FeatureBuilder.FIRST_ROW;
        double[] b = fit.beta();
        assertThat(b).hasSize(FeatureBuilder.NAMES.length + 1);
        double[] xe = new double[b.length];
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (int t = first; t < trainEnd; t++) {
            double y = Math.log(S.realized(t, h));
            lo = Math.min(lo, y);
            hi = Math.max(hi, y);
            double f = b[0];
            for (int j = 0; j < x[t].length; j++) {
                f += b[j + 1] * x[t][j];
            }
            xe[0] += y - f;
            for (int j = 0; j < x[t].length; j++) {
                xe[j + 1] += (y - f) * x[t][j];
            }
        }
        for (double v : xe) {
            assertThat(v).isCloseTo(0, within(1e-6));
        }
        assertThat(fit.range()).containsExactly(lo, hi);
        // the smearing is the ML models' (same block, same formula) on a fit of the rows before the block less h
        int calDays = Math.min(TribuoForecaster.CALIBRATION_DAYS, (trainEnd - first - h) / 3);
        int calStart = trainEnd - calDays;
        assertThat(TribuoForecaster.calibrationStart(first, trainEnd, h, "OLS", S)).isEqualTo(calStart);
        assertThat(fit.biasLog()).isBetween(-1.0, 1.0).isNotZero();
        // forecasts of the walk-forward from index trainEnd (h = 1): exp(clamped log forecast + smearing)
        double[] v = Models.byName("OLS").forecast(S, h, trainEnd, trainEnd + 30, Progress.NONE);
        List<double[]> rows = new ArrayList<>();
        for (int t = trainEnd; t < trainEnd + 30; t++) {
            rows.add(x[t]);
        }
        double[] l = fit.predictLog(rows);
        for (int k = 0; k < 30; k++) {
            assertThat(l[k]).isBetween(lo, hi);
            assertThat(v[k]).isCloseTo(Math.exp(l[k] + fit.biasLog()), within(1e-12 * v[k]));
        }
        assertThat(Models.isMl("OLS")).isTrue();
        assertThat(Models.candidates()).doesNotContain("OLS");
    }
}
