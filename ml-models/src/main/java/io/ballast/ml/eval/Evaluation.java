package io.ballast.ml.eval;

import io.ballast.ml.data.DailySeries;
import io.ballast.ml.model.ChampionPolicy;
import io.ballast.ml.model.Models;
import io.ballast.ml.model.Progress;
import io.ballast.ml.model.WalkForwardModel;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Walk-forward evaluation of several models on one series: out-of-sample forecasts from {@code oosStart} to the last
 * date whose h-day target is in the data, losses, Mincer-Zarnowitz, Diebold-Mariano against each baseline, per
 * window (full period, stress months, calm periods), the model confidence set of the full window, and the champion
 * chosen by the {@link ChampionPolicy} on the year before {@code oosStart} among the evaluated models that are
 * champion candidates ({@link Models#candidates()}: not the evaluation references OLS and HARX), as the service
 * chooses.
 */
public final class Evaluation {

    /** Baselines DM tests are run against. */
    public static final List<String> DM_BASELINES = List.of("EWMA", "GARCH", "HAR");
    /** Stress months from the issue. */
    public static final List<YearMonth> STRESS = List.of(YearMonth.of(2020, 3), YearMonth.of(2021, 5), YearMonth.of(2022, 5),
            YearMonth.of(2022, 11), YearMonth.of(2024, 8));

    private Evaluation() {
    }

    /** Scores of one model on one window. */
    public record Score(int n, double qlike, double mse, double mzA, double mzB, double mzR2) {
    }

    /**
     * Everything measured for one horizon.
     *
     * @param h               horizon in days
     * @param dates           forecast dates
     * @param realized        realized h-day proxy sums
     * @param forecasts       model -> forecasts aligned with dates
     * @param champion        model chosen by the {@link ChampionPolicy} before the out-of-sample start
     * @param validationQlike model -> mean QLIKE over the policy's validation year (NaN when left out)
     * @param windows         window name -> model -> score
     * @param dm              window name -> "A_vs_B" -> DM result
     * @param seconds         model -> walk-forward wall time
     * @param mcs             model confidence set (90 %, {@link ModelConfidenceSet}) of the daily out-of-sample QLIKE
     *                        over the full window: which models the test period cannot tell from the best
     */
    public record HorizonResult(int h, LocalDate[] dates, double[] realized, Map<String, double[]> forecasts, String champion,
            Map<String, Double> validationQlike, Map<String, Map<String, Score>> windows,
            Map<String, Map<String, Metrics.DieboldMariano>> dm, Map<String, Double> seconds,
            ModelConfidenceSet.Result mcs) {
    }

    /**
     * Runs the evaluation.
     *
     * @param s        data
     * @param oosStart first out-of-sample date
     * @param h        horizon
     * @param models   model names (baselines EWMA, GARCH, HAR must be among them for the DM tests)
     * @param progress progress lines
     */
    public static HorizonResult run(DailySeries s, LocalDate oosStart, int h, List<String> models, Progress progress) {
        int from = s.indexOnOrAfter(oosStart);
        int to = s.size() - h;
        if (to - from < 30) {
            throw new IllegalArgumentException("fewer than 30 out-of-sample days with complete targets after " + oosStart);
        }
        LocalDate[] dates = new LocalDate[to - from];
        double[] realized = new double[to - from];
        for (int i = from; i < to; i++) {
            dates[i - from] = s.date(i);
            realized[i - from] = s.realized(i, h);
        }
        Map<String, double[]> forecasts = new LinkedHashMap<>();
        Map<String, Double> seconds = new LinkedHashMap<>();
        Map<String, String> leftOut = new LinkedHashMap<>();
        // the champion is chosen among the service's candidates only (not OLS or HARX, not a lab model such as XGB)
        List<String> candidates = models.stream().filter(Models.candidates()::contains).toList();
        ChampionPolicy.Decision decision = ChampionPolicy.select(s, h, from, candidates, leftOut, progress);
        Map<String, Double> validation = new LinkedHashMap<>(decision.meanQlike());
        leftOut.forEach((m, why) -> progress.report("h=" + h + " " + m + " left out of the champion choice: " + why));
        for (String name : models) {
            WalkForwardModel m = Models.byName(name);
            validation.putIfAbsent(name, Double.NaN);
            progress.report(String.format(Locale.ROOT, "h=%d %s: out-of-sample %s..%s (%d forecasts)", h, name, dates[0],
                    dates[dates.length - 1], dates.length));
            long t0 = System.nanoTime();
            forecasts.put(name, m.forecast(s, h, from, to, progress));
            seconds.put(name, (System.nanoTime() - t0) / 1e9);
            progress.report(String.format(Locale.ROOT, "h=%d %s: done in %.1f s, validation QLIKE %.4f", h, name,
                    seconds.get(name), validation.get(name)));
        }
        String champion = decision.champion();
        Map<String, boolean[]> windows = windows(s, from, to, dates);
        Map<String, Map<String, Score>> scores = new LinkedHashMap<>();
        Map<String, Map<String, Metrics.DieboldMariano>> dms = new LinkedHashMap<>();
        for (Map.Entry<String, boolean[]> w : windows.entrySet()) {
            Map<String, Score> ws = new LinkedHashMap<>();
            Map<String, double[]> losses = new LinkedHashMap<>();
            for (Map.Entry<String, double[]> f : forecasts.entrySet()) {
                double[] p = select(realized, w.getValue());
                double[] fc = select(f.getValue(), w.getValue());
                if (p.length < 3) {
                    continue;
                }
                double[] ql = new double[p.length];
                double[] se = new double[p.length];
                for (int i = 0; i < p.length; i++) {
                    ql[i] = Metrics.qlike(p[i], fc[i]);
                    se[i] = Metrics.se(p[i], fc[i]);
                }
                losses.put(f.getKey(), ql);
                Metrics.MincerZarnowitz mz = Metrics.mincerZarnowitz(p, fc);
                ws.put(f.getKey(), new Score(p.length, Metrics.mean(ql), Metrics.mean(se), mz.a(), mz.b(), mz.r2()));
            }
            scores.put(w.getKey(), ws);
            Map<String, Metrics.DieboldMariano> wd = new LinkedHashMap<>();
            for (String a : losses.keySet()) {
                for (String b : DM_BASELINES) {
                    if (a.equals(b) || !losses.containsKey(b)) {
                        continue;
                    }
                    double[] la = losses.get(a);
                    double[] lb = losses.get(b);
                    double[] d = new double[la.length];
                    for (int i = 0; i < d.length; i++) {
                        d[i] = la[i] - lb[i];
                    }
                    wd.put(a + "_vs_" + b, Metrics.dieboldMariano(d, h));
                }
            }
            dms.put(w.getKey(), wd);
        }
        Map<String, double[]> fullLosses = new LinkedHashMap<>();
        forecasts.forEach((name, f) -> {
            double[] l = new double[f.length];
            for (int i = 0; i < l.length; i++) {
                l[i] = Metrics.qlike(realized[i], f[i]);
            }
            fullLosses.put(name, l);
        });
        ModelConfidenceSet.Result mcs = ModelConfidenceSet.of(fullLosses, ChampionPolicy.ALPHA);
        return new HorizonResult(h, dates, realized, forecasts, champion, validation, scores, dms, seconds, mcs);
    }

    /**
     * Windows over the out-of-sample forecasts: "full"; each stress month (forecast date in it); "calm": forecast dates
     * whose trailing 30-day mean proxy (known at the date) is in the lowest third of the out-of-sample period.
     */
    static Map<String, boolean[]> windows(DailySeries s, int from, int to, LocalDate[] dates) {
        Map<String, boolean[]> w = new LinkedHashMap<>();
        boolean[] all = new boolean[dates.length];
        Arrays.fill(all, true);
        w.put("full", all);
        for (YearMonth m : STRESS) {
            boolean[] in = new boolean[dates.length];
            boolean any = false;
            for (int i = 0; i < dates.length; i++) {
                in[i] = YearMonth.from(dates[i]).equals(m);
                any |= in[i];
            }
            if (any) {
                w.put(m.toString(), in);
            }
        }
        double[] trailing = new double[dates.length];
        for (int i = from; i < to; i++) {
            double sum = 0;
            for (int k = 0; k < 30; k++) {
                sum += s.proxy(i - k);
            }
            trailing[i - from] = sum; // the 30-day sum ranks the days as the mean does
        }
        double[] sorted = trailing.clone();
        Arrays.sort(sorted);
        double cut = sorted[sorted.length / 3];
        boolean[] calm = new boolean[dates.length];
        for (int i = 0; i < dates.length; i++) {
            calm[i] = trailing[i] <= cut;
        }
        w.put("calm", calm);
        return w;
    }

    private static double[] select(double[] x, boolean[] mask) {
        List<Double> out = new ArrayList<>();
        for (int i = 0; i < x.length; i++) {
            if (mask[i]) {
                out.add(x[i]);
            }
        }
        return out.stream().mapToDouble(Double::doubleValue).toArray();
    }
}
