package io.ballast.ml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.ballast.ml.data.DailySeries;
import io.ballast.ml.data.ImpliedVolDay;
import io.ballast.ml.data.MarketData;
import io.ballast.ml.data.MarketDataException;
import io.ballast.ml.features.FeatureBuilder;
import io.ballast.ml.ml.MlConfig;
import io.ballast.ml.ml.TrainedRegressor;
import io.ballast.ml.ml.TribuoForecaster;
import io.ballast.ml.model.Models;
import io.ballast.ml.model.Progress;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Implied volatility (BTC DVOL) as a forecaster input: the file is read and validated, a day takes the index value
 * known at its close (its own, or one at most 3 days old), the two feature columns equal their definitions, a series
 * without an index keeps v1's 15 features, a 15-feature model ignores the index and a 17-feature one needs it (the
 * look-ahead check is {@link ImpliedVolNoLookAheadTest}).
 */
class ImpliedVolTest {

    /** Series index from which the synthetic index exists (the walk-forward trains on rows with and without it). */
    private static final int IV_START = 400;

    @TempDir
    Path dir;

    /** Index days for series days {@code IV_START..}: 40-120 %, missing on every 37th day and for 5 days at 600..604. */
    static List<ImpliedVolDay> index(DailySeries s, long seed) {
        Random rnd = new Random(seed);
        List<ImpliedVolDay> out = new ArrayList<>();
        for (int i = IV_START; i < s.size(); i++) {
            double v = 40 + 80 * rnd.nextDouble();
            if (i % 37 != 0 && (i < 600 || i > 604)) {
                out.add(new ImpliedVolDay(s.date(i), v));
            }
        }
        return out;
    }

    @Test
    void theRealDvolFileIsReadAndABadOneIsRefusedRowByRow() throws IOException {
        List<ImpliedVolDay> dvol = MarketData.readImpliedVol(Path.of(System.getProperty("ballast.project.root", ".."), "..",
                "shared", "data", "market", "BTC_DVOL_1d.csv"));
        assertThat(dvol).hasSize(1766);
        assertThat(dvol.get(0)).isEqualTo(new ImpliedVolDay(LocalDate.of(2021, 3, 24), 95.04));
        assertThat(dvol.get(dvol.size() - 1).date()).isEqualTo(LocalDate.of(2026, 4, 19));
        assertThat(dvol.get(0).dailyVariance()).isCloseTo(0.9504 * 0.9504 / 365, within(1e-15));

        Path bad = dir.resolve("X_DVOL_1d.csv");
        Files.writeString(bad, """
                timestamp,close
                2021-01-01,50
                2021-01-01,51
                2021-01-03,-4
                2021-01-04,abc
                2021-01-05,50,1
                """);
        assertThatThrownBy(() -> MarketData.readImpliedVol(bad)).isInstanceOf(MarketDataException.class)
                .satisfies(e -> assertThat(((MarketDataException) e).problems()).hasSize(4)
                        .anyMatch(p -> p.startsWith("line 3") && p.endsWith("duplicate timestamp"))
                        .anyMatch(p -> p.startsWith("line 4") && p.contains("implied volatility must be finite and > 0"))
                        .anyMatch(p -> p.startsWith("line 5") && p.contains("unparseable close 'abc'"))
                        .anyMatch(p -> p.startsWith("line 6") && p.contains("expected 2 columns, found 3")));
        for (double v : new double[] {0, -1, Double.NaN, Double.POSITIVE_INFINITY}) {
            assertThatThrownBy(() -> new ImpliedVolDay(LocalDate.of(2021, 1, 1), v))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("finite and > 0");
        }
        assertThatThrownBy(() -> new ImpliedVolDay(null, 50)).isInstanceOf(NullPointerException.class);
        Path daily = dir.resolve("Y_DVOL_1d.csv");
        Files.writeString(daily, "timestamp,open,high,low,close,volume\n2021-01-01,1,1,1,1,1\n");
        assertThatThrownBy(() -> MarketData.readImpliedVol(daily)).hasMessageContaining("header must be 'timestamp,close'");
    }

    @Test
    void aDayTakesTheValueKnownAtItsCloseAtMostThreeDaysOld() {
        DailySeries s = DailySeries.of(Synthetic.bars(60, 5));
        assertThat(s.hasImpliedVol()).isFalse();
        assertThat(s.impliedVariance(40)).isNaN();
        assertThat(s.lastImpliedDay()).isNull();
        // values on days 40 (50 %) and 45 (80 %); none after 45
        List<ImpliedVolDay> iv = List.of(new ImpliedVolDay(s.date(40), 50), new ImpliedVolDay(s.date(45), 80));
        DailySeries w = s.withImpliedVol(iv);
        assertThat(w.hasImpliedVol()).isTrue();
        assertThat(w.impliedVariance(39)).as("the day before the first value").isNaN();
        assertThat(w.impliedVariance(40)).isCloseTo(0.25 / 365, within(1e-18));
        assertThat(w.impliedVariance(43)).as("3 days old").isCloseTo(0.25 / 365, within(1e-18));
        assertThat(w.impliedVariance(44)).as("4 days old: none").isNaN();
        assertThat(w.impliedVariance(45)).as("never an earlier day's value when the day has its own")
                .isCloseTo(0.64 / 365, within(1e-18));
        assertThat(w.impliedVariance(48)).isCloseTo(0.64 / 365, within(1e-18));
        assertThat(w.impliedVariance(49)).isNaN();
        assertThat(w.impliedDays()).isEqualTo(8);
        assertThat(w.impliedCarriedDays()).isEqualTo(6);
        assertThat(w.lastImpliedDay()).isEqualTo(s.date(48));
        // the index is a feature input only: prices, proxy and size unchanged
        assertThat(w.size()).isEqualTo(s.size());
        for (int i = 0; i < s.size(); i++) {
            assertThat(w.proxy(i)).isEqualTo(s.proxy(i));
        }
    }

    @Test
    void theTwoColumnsEqualTheirDefinitionAndASeriesWithoutAnIndexKeepsFifteen() {
        DailySeries s = DailySeries.of(Synthetic.bars(90, 21));
        DailySeries w = s.withImpliedVol(List.of(new ImpliedVolDay(s.date(50), 70)));
        double[][] x = FeatureBuilder.matrix(s, s.size());
        double[][] xw = FeatureBuilder.matrix(w, w.size());
        assertThat(x[60]).hasSize(15);
        assertThat(xw[60]).hasSize(17);
        assertThat(FeatureBuilder.names(17)).endsWith("liv_rel", "iv_known").startsWith("lp_1", "lp_7");
        assertThat(FeatureBuilder.names(15)).containsExactly(FeatureBuilder.NAMES);
        assertThatThrownBy(() -> FeatureBuilder.names(16)).hasMessageContaining("15 or 17 columns, not 16");
        for (int t = FeatureBuilder.FIRST_ROW; t < s.size(); t++) {
            assertThat(Arrays.copyOf(xw[t], 15)).as("row %d", t).containsExactly(x[t]);
            double mean30 = 0;
            for (int k = 0; k < 30; k++) {
                mean30 += s.proxy(t - k) / 30;
            }
            boolean known = t >= 50 && t <= 53;
            assertThat(xw[t][16]).as("iv_known at %d", t).isEqualTo(known ? 1.0 : 0.0);
            assertThat(xw[t][15]).as("liv_rel at %d", t)
                    .isCloseTo(known ? Math.log(0.49 / 365) - Math.log(mean30) : 0.0, within(1e-12));
        }
    }

    @Test
    void aFifteenFeatureModelIgnoresTheIndexAndASeventeenFeatureModelNeedsIt() {
        DailySeries s = DailySeries.of(Synthetic.bars(700, 3));
        DailySeries w = s.withImpliedVol(index(s, 8));
        double[][] x = FeatureBuilder.matrix(s, s.size());
        double[][] xw = FeatureBuilder.matrix(w, w.size());
        MlConfig c = MlConfig.grid("SGD").get(0);
        TrainedRegressor plain = TribuoForecaster.fit(c, s, x, 1, 650);
        TrainedRegressor withIv = TribuoForecaster.fit(c, w, xw, 1, 650);
        assertThat(plain.mean()).hasSize(15);
        assertThat(withIv.mean()).hasSize(17);
        assertThat(plain.predictVariance(List.of(xw[660]))).containsExactly(plain.predictVariance(List.of(x[660])));
        assertThat(withIv.predictVariance(List.of(xw[660]))[0]).isNotEqualTo(plain.predictVariance(List.of(x[660]))[0]);
        assertThatThrownBy(() -> withIv.predictVariance(List.of(x[660])))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("trained on 17 features").hasMessageContaining("needs the implied volatility");
        assertThatThrownBy(() -> Models.byName("HARX").forecast(s, 1, 650, 660, Progress.NONE))
                .hasMessageContaining("HARX needs an implied volatility index");
        assertThat(Models.byName("harx").name()).isEqualTo("HARX");
        assertThat(Models.isMl("HARX")).isTrue();
        assertThat(Models.candidates()).doesNotContain("HARX", "OLS");
    }
}
