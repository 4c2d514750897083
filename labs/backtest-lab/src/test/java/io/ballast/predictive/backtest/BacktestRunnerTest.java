package io.ballast.predictive.backtest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.ballast.ml.api.ForecastSeries;
import io.ballast.ml.data.DailyBar;
import io.ballast.ml.data.HourlyBar;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BacktestRunnerTest {

    private static final LocalDate START = LocalDate.of(2018, 1, 1);
    private static final LocalDate OOS = LocalDate.of(2020, 1, 1);

    /** A seeded synthetic price path with GARCH-like volatility clustering, 2018-01-01 .. 2022-12-31. */
    static List<DailyBar> syntheticBars() {
        SplittableRandom rnd = new SplittableRandom(2024);
        List<DailyBar> bars = new ArrayList<>();
        double price = 10_000;
        double var = 0.0009;
        for (LocalDate d = START; !d.isAfter(LocalDate.of(2022, 12, 31)); d = d.plusDays(1)) {
            double z = Math.sqrt(-2 * Math.log(1 - rnd.nextDouble())) * Math.cos(2 * Math.PI * rnd.nextDouble());
            double r = Math.sqrt(var) * z;
            double open = price;
            price = price * Math.exp(r);
            double hi = Math.max(open, price) * (1 + 0.3 * Math.sqrt(var));
            double lo = Math.min(open, price) * (1 - 0.3 * Math.sqrt(var));
            bars.add(new DailyBar(d, open, hi, lo, price, 1000));
            var = 0.00002 + 0.1 * r * r + 0.88 * var;
        }
        return bars;
    }

    /** Test-only forecasts: a hand EWMA of squared close-to-close returns (lambda 0.94 as "EWMA", 0.97 as champion). */
    static ForecastSource handEwma(List<DailyBar> bars) {
        return (model, h, oos) -> {
            double lambda = model.equals("EWMA") ? 0.94 : 0.97;
            List<LocalDate> dates = new ArrayList<>();
            List<Double> vars = new ArrayList<>();
            double v = 0.0009;
            for (int i = 1; i < bars.size(); i++) {
                double r = Math.log(bars.get(i).close() / bars.get(i - 1).close());
                v = lambda * v + (1 - lambda) * r * r;
                if (!bars.get(i).date().isBefore(oos)) {
                    dates.add(bars.get(i).date());
                    vars.add(h * v);
                }
            }
            return new ForecastSeries("SYN", model.equals("EWMA") ? "EWMA" : "EWMA97", h,
                dates.toArray(new LocalDate[0]), vars.stream().mapToDouble(Double::doubleValue).toArray());
        };
    }

    private static BacktestConfig config(long seed) {
        BacktestConfig d = BacktestConfig.defaults();
        return new BacktestConfig(0.99, OOS, Double.NaN, d.mapping(), d.guardrails(), seed, 500, d.liquidation(),
            new double[] {0.8, 1.0, 1.2});
    }

    private static String runJson(long seed) throws Exception {
        List<DailyBar> bars = syntheticBars();
        List<HourlyBar> noHourly = List.of();
        BacktestResult r = new BacktestRunner("SYN", bars, noHourly, handEwma(bars), "champion", config(seed), line -> { })
            .run();
        return new ObjectMapper().writeValueAsString(BacktestReport.json(r)) + BacktestReport.markdown(r, List.of());
    }

    @Test
    void sameSeedGivesTheSameReport() throws Exception {
        String a = runJson(11);
        String b = runJson(11);
        assertThat(a).isEqualTo(b);
    }

    @Test
    void jsonHasEveryKeyTheIssueListsForEachPolicy() throws Exception {
        List<DailyBar> bars = syntheticBars();
        BacktestResult r = new BacktestRunner("SYN", bars, List.of(), handEwma(bars), "champion", config(3), line -> { }).run();
        Map<String, Object> json = BacktestReport.json(r);
        assertThat(json).containsKeys("asset", "coverage", "policies");
        assertThat(json.get("coverage")).isEqualTo(0.99);
        @SuppressWarnings("unchecked")
        Map<String, Map<String, Object>> policies = (Map<String, Map<String, Object>>) json.get("policies");
        assertThat(policies).containsOnlyKeys("static", "ewma", "predictive", "guarded");
        for (Map<String, Object> p : policies.values()) {
            assertThat(p).containsKeys("exceptions", "days", "kupiecP", "christoffersenCcP", "greenWindowShare",
                "avgMargin", "peakToTrough", "maxIncrease5d", "crashes", "staticEquivalentRatio",
                "medianStaticRatio");
            @SuppressWarnings("unchecked")
            Map<String, Map<String, Object>> crashes = (Map<String, Map<String, Object>>) p.get("crashes");
            // synthetic data 2018..2022 reaches 2020-03-12, 2021-05-19, 2022-05-09 and 2022-11-08 (daily bars)
            assertThat(crashes).containsOnlyKeys("2020-03-12", "2021-05-19", "2022-05-09", "2022-11-08");
            crashes.values().forEach(c -> assertThat(c).containsKeys("liquidated", "badDebt", "warnedHoursAhead",
                "badDebtPerOpenInterest", "badDebtPerOpenInterestCi95", "openInterest", "seeds"));
        }
        // the static policy's exceptions are exactly the moves above its fraction
        PolicyResult s = r.policies().get("static");
        long count = java.util.Arrays.stream(s.absMove()).filter(m -> m > r.staticMmf()).count();
        assertThat(s.coverage().exceptions()).isEqualTo((int) count);
        assertThat(s.staticEquivalentRatio()).isGreaterThanOrEqualTo(1.0);
    }
}
