package io.ballast.ml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.ballast.ml.data.DailyBar;
import io.ballast.ml.data.DailySeries;
import io.ballast.ml.features.FeatureBuilder;
import io.ballast.ml.proxy.VarianceProxies;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every feature of one row recomputed from the raw bars with the definitions of docs/forecasting.md (daily bars only:
 * Garman-Klass proxy, downside = GK on a down day and half Rogers-Satchell otherwise, recent and bipower = GK).
 */
class FeatureBuilderTest {

    private static final int DROPPED = DailySeries.LISTING_DAYS_DROPPED;

    private static double gk(DailyBar b) {
        return VarianceProxies.garmanKlass(b.open(), b.high(), b.low(), b.close());
    }

    private static double rs(DailyBar b) {
        return VarianceProxies.rogersSatchell(b.open(), b.high(), b.low(), b.close());
    }

    @Test
    void rowsBeforeTheFirstCompleteWindowAreEmptyAndTheNamesMatchTheVector() {
        DailySeries s = DailySeries.of(Synthetic.bars(60, 11));
        double[][] x = FeatureBuilder.matrix(s, s.size());
        assertThat(x.length).isEqualTo(s.size());
        assertThat(x[FeatureBuilder.FIRST_ROW - 1]).isNull();
        assertThat(x[FeatureBuilder.FIRST_ROW]).hasSize(FeatureBuilder.NAMES.length).hasSize(15);
        assertThat(FeatureBuilder.matrix(s, 0).length).isZero();
    }

    @Test
    void eachFeatureOfARowEqualsItsDefinitionOnTheRawBars() {
        List<DailyBar> bars = Synthetic.bars(90, 21);
        DailySeries s = DailySeries.of(bars);
        double[][] x = FeatureBuilder.matrix(s, s.size());
        for (int t : new int[] {FeatureBuilder.FIRST_ROW, 47, s.size() - 1}) {
            DailyBar b = bars.get(t + DROPPED);
            double p7 = 0;
            double p30 = 0;
            double rs7 = 0;
            double down7 = 0;
            double v30 = 0;
            for (int k = 0; k < 30; k++) {
                DailyBar d = bars.get(t + DROPPED - k);
                p30 += gk(d);
                v30 += d.volume();
                if (k < 7) {
                    p7 += gk(d);
                    rs7 += rs(d);
                    down7 += d.close() < d.open() ? gk(d) : rs(d) / 2;
                }
            }
            double r = Math.log(b.close() / bars.get(t + DROPPED - 1).close());
            double r7 = Math.log(b.close() / bars.get(t + DROPPED - 7).close());
            // EWMA(0.94) of squared returns, started from the first return of the series (bar DROPPED)
            double ewma = Math.pow(Math.log(bars.get(DROPPED).close() / bars.get(DROPPED - 1).close()), 2);
            for (int i = 1; i <= t; i++) {
                double ri = Math.log(bars.get(i + DROPPED).close() / bars.get(i + DROPPED - 1).close());
                ewma = 0.94 * ewma + 0.06 * ri * ri;
            }
            double[] o = new double[31];
            double[] h = new double[31];
            double[] l = new double[31];
            double[] c = new double[31];
            for (int k = 0; k <= 30; k++) {
                DailyBar d = bars.get(t + DROPPED - 30 + k);
                o[k] = d.open();
                h[k] = d.high();
                l[k] = d.low();
                c[k] = d.close();
            }
            double down = b.close() < b.open() ? gk(b) : rs(b) / 2;
            double[] expected = {Math.log(gk(b)), Math.log(p7 / 7), Math.log(p30 / 30),
                Math.log(Math.pow(Math.log(b.high() / b.low()), 2) / (4 * Math.log(2))), Math.log(rs7 / 7),
                Math.log(VarianceProxies.yangZhang(o, h, l, c, 30, 30)), r, Math.min(r, 0), r7,
                Math.log(b.volume() / (v30 / 30)), Math.log(ewma), Math.log(down), Math.log(down7 / 7),
                Math.log(gk(b)), 0.0};
            for (int j = 0; j < expected.length; j++) {
                assertThat(x[t][j]).as("row %d feature %s", t, FeatureBuilder.NAMES[j])
                    .isCloseTo(expected[j], within(1e-9));
            }
        }
    }

    @Test
    void aDayWithoutVolumeGetsZeroRelativeVolumeAndAFlatDayTheLogFloor() {
        List<DailyBar> bars = new ArrayList<>(Synthetic.bars(60, 4));
        int t = 40;
        DailyBar b = bars.get(t + DROPPED);
        bars.set(t + DROPPED, new DailyBar(b.date(), b.open(), b.high(), b.low(), b.close(), 0));
        DailyBar f = bars.get(t + 1 + DROPPED);
        double p = f.open();
        bars.set(t + 1 + DROPPED, new DailyBar(f.date(), p, p, p, p, f.volume()));
        DailySeries s = DailySeries.of(bars);
        double[][] x = FeatureBuilder.matrix(s, s.size());
        assertThat(x[t][9]).isZero();
        // the flat day has a zero range: log of the 1e-10 floor
        assertThat(x[t + 1][3]).isCloseTo(Math.log(1e-10), within(1e-12));
        assertThat(x[t + 1][6]).isCloseTo(Math.log(p / b.close()), within(1e-15));
        assertThat(x[t + 1][7]).isCloseTo(Math.min(Math.log(p / b.close()), 0), within(1e-15));
    }
}
