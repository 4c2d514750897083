package io.ballast.ml.eval;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.ballast.ml.model.ChampionPolicy;
import io.ballast.ml.model.Models;
import io.ballast.ml.proxy.ProxyComparison;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** Writes report.md, report.json and the PNG plots of an evaluation. */
public final class ReportWriter {

    /** Goal: best ML QLIKE at most this fraction of HAR's (with the model confidence set's support). */
    public static final double GOAL_RATIO = 0.95;

    private ReportWriter() {
    }

    /** Header facts of a report. */
    public record Header(String asset, String dataFile, int rows, String proxy, int proxyFilledDays, LocalDate oosStart,
            LocalDate firstDate, LocalDate lastDate) {
    }

    /** Writes report.json exactly in the issue-4 shape. */
    public static void writeJson(Path out, Header hd, List<Evaluation.HorizonResult> results) throws IOException {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("asset", hd.asset());
        root.put("rows", hd.rows());
        root.put("oosStart", hd.oosStart().toString());
        Map<String, Object> hs = new LinkedHashMap<>();
        for (Evaluation.HorizonResult r : results) {
            Map<String, Object> h = new LinkedHashMap<>();
            Map<String, Object> models = new LinkedHashMap<>();
            r.windows().get("full").forEach((m, sc) -> {
                Map<String, Object> e = new LinkedHashMap<>();
                e.put("qlike", sc.qlike());
                e.put("mse", sc.mse());
                e.put("mzA", sc.mzA());
                e.put("mzB", sc.mzB());
                e.put("mzR2", sc.mzR2());
                models.put(m, e);
            });
            h.put("models", models);
            h.put("champion", r.champion());
            h.put("mcsIncluded", List.copyOf(r.mcs().included()));
            h.put("mcsPValues", r.mcs().pValues());
            Map<String, Object> dm = new LinkedHashMap<>();
            r.dm().get("full").forEach((k, v) -> {
                Map<String, Object> e = new LinkedHashMap<>();
                e.put("stat", v.stat());
                e.put("p", v.p());
                e.put("neweyWestLags", v.lags());
                dm.put(k, e);
            });
            h.put("dm", dm);
            hs.put(Integer.toString(r.h()), h);
        }
        root.put("horizons", hs);
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.toFile(), root);
    }

    /** Writes report.md with the tables; returns the goal verdict lines. */
    public static List<String> writeMarkdown(Path out, Header hd, List<Evaluation.HorizonResult> results,
            Map<String, ProxyComparison.Row> proxies) throws IOException {
        StringBuilder sb = new StringBuilder();
        sb.append("# Volatility forecast evaluation: ").append(hd.asset()).append("\n\n");
        sb.append(String.format(Locale.ROOT, "- data: `%s`, %d daily rows used (%s .. %s, listing week dropped)%n", hd.dataFile(),
                hd.rows(), hd.firstDate(), hd.lastDate()));
        sb.append(String.format(Locale.ROOT, "- target proxy: %s%s%n", hd.proxy(), hd.proxyFilledDays() > 0
                ? " (" + hd.proxyFilledDays() + " days without enough hourly bars took Garman-Klass)" : ""));
        sb.append("- out-of-sample from ").append(hd.oosStart()).append(", expanding window; baselines refitted daily, ")
                .append("Tribuo models every 30 days; champion by the champion policy: HAR unless the 90 % model confidence set ")
                .append("of the ").append(ChampionPolicy.EVALUATION_DAYS)
                .append(" forecast days before the out-of-sample start excludes it (never the test period)\n");
        sb.append("- losses on variance of the h-day log-return sum (daily units); DM: HLN-corrected, Newey-West with max(h-1, automatic) lags (Newey-West 1994), ")
                .append("Student-t n-1, one-sided p for \"row model has lower loss than the baseline\"\n\n");
        sb.append("## Variance proxies over the out-of-sample period\n\n")
                .append("| proxy | mean vol % (annualised) | corr(ln proxy, ln target) |\n|---|---|---|\n");
        proxies.forEach((name, row) -> sb.append(String.format(Locale.ROOT, "| %s | %.1f | %.3f |%n", name,
                row.meanAnnualVolPct(), row.corrLogWithTarget())));
        sb.append("\n");
        List<String> verdict = new ArrayList<>();
        for (Evaluation.HorizonResult r : results) {
            sb.append("## h = ").append(r.h()).append(" day").append(r.h() > 1 ? "s" : "").append("\n\n");
            sb.append("Champion (champion policy): **").append(r.champion()).append("**");
            if (r.champion().startsWith("HAR")) {
                sb.append(" — a HAR baseline won the validation, so it is the champion and no ML model is promoted");
            }
            sb.append("\n\nModel confidence set (90 %, full out-of-sample window, stationary bootstrap, seed ")
                    .append(ModelConfidenceSet.DEFAULT_SEED).append("): ").append(String.join(", ", r.mcs().included()))
                    .append("; MCS p-values ");
            r.mcs().pValues().forEach((m, p) -> sb.append(String.format(Locale.ROOT, "%s %.3f ", m, p)));
            sb.append("\n\n| model | validation QLIKE (year before the out-of-sample start) | walk-forward s |\n|---|---|---|\n");
            r.validationQlike().forEach((m, q) -> sb.append(String.format(Locale.ROOT, "| %s | %.4f | %.1f |%n", m, q,
                    r.seconds().get(m))));
            for (Map.Entry<String, Map<String, Evaluation.Score>> w : r.windows().entrySet()) {
                sb.append("\n### window: ").append(w.getKey()).append("\n\n");
                sb.append("| model | n | QLIKE | QLIKE / HAR | MSE | MZ a | MZ b | MZ R^2 |\n|---|---|---|---|---|---|---|---|\n");
                Evaluation.Score har = w.getValue().get("HAR");
                w.getValue().forEach((m, sc) -> sb.append(String.format(Locale.ROOT, "| %s | %d | %.4f | %s | %.3e | %.2e | %.3f | %.3f |%n",
                        m, sc.n(), sc.qlike(), har == null ? "-" : String.format(Locale.ROOT, "%.3f", sc.qlike() / har.qlike()),
                        sc.mse(), sc.mzA(), sc.mzB(), sc.mzR2())));
                sb.append("\n| DM test | stat | one-sided p | NW lags |\n|---|---|---|---|\n");
                r.dm().get(w.getKey()).forEach((k, v) -> sb.append(String.format(Locale.ROOT, "| %s | %.3f | %.4f | %d |%n", k,
                        v.stat(), v.p(), v.lags())));
            }
            verdict.add(goal(r));
            sb.append("\n**Goal check h=").append(r.h()).append(":** ").append(verdict.get(verdict.size() - 1)).append("\n\n");
            sb.append("![forecast vs realized](forecast_vs_realized_h").append(r.h()).append(".png)\n\n");
            sb.append("![cumulative QLIKE difference vs HAR](cum_qlike_vs_har_h").append(r.h()).append(".png)\n\n");
        }
        Files.writeString(out, sb.toString());
        return verdict;
    }

    /**
     * Issue 13's forecast goal on the full period, stated with the figures: the champion's QLIKE at most HAR's, and the
     * best ML model's at most 0.95 x HAR's where the model confidence set supports it (the ML model in the set, HAR
     * out of it); the one-sided DM p (Newey-West) is reported beside it.
     */
    static String goal(Evaluation.HorizonResult r) {
        Map<String, Evaluation.Score> full = r.windows().get("full");
        String best = null;
        for (String m : Models.ML) {
            if (full.containsKey(m) && (best == null || full.get(m).qlike() < full.get(best).qlike())) {
                best = m;
            }
        }
        if (best == null || !full.containsKey("HAR")) {
            return "not assessed (no ML model or no HAR in the run)";
        }
        double har = full.get("HAR").qlike();
        double champ = full.get(r.champion()).qlike() / har;
        double ratio = full.get(best).qlike() / har;
        Metrics.DieboldMariano dm = r.dm().get("full").get(best + "_vs_HAR");
        boolean supported = r.mcs().contains(best) && !r.mcs().contains("HAR");
        boolean met = ratio <= GOAL_RATIO && supported;
        return String.format(Locale.ROOT, "champion %s QLIKE/HAR = %.3f (goal <= 1): %s; best ML %s QLIKE/HAR = %.3f "
                + "(goal <= %.2f), DM stat %.2f, one-sided p = %.4f, MCS: %s %s, HAR %s (goal: ML in, HAR out): %s",
                r.champion(), champ, champ <= 1 ? "MET" : "NOT MET", best, ratio, GOAL_RATIO, dm.stat(), dm.p(), best,
                r.mcs().contains(best) ? "in" : "out", r.mcs().contains("HAR") ? "in" : "out", met ? "MET" : "NOT MET");
    }

    /** Writes the two PNG plots of one horizon. */
    public static void writePlots(Path dir, String asset, Evaluation.HorizonResult r) throws IOException {
        System.setProperty("java.awt.headless", "true");
        List<Date> x = new ArrayList<>();
        for (LocalDate d : r.dates()) {
            x.add(Date.from(d.atStartOfDay(ZoneOffset.UTC).toInstant()));
        }
        XYChart fc = new XYChartBuilder().width(1200).height(600)
                .title(asset + " h=" + r.h() + ": forecast vs realized (annualised vol %, log scale)")
                .xAxisTitle("forecast date").yAxisTitle("vol % (annualised)").build();
        fc.getStyler().setYAxisLogarithmic(true);
        dateAxis(fc);
        addSeries(fc, "realized " + r.h() + "d", x, annualVol(r.realized(), r.h()));
        addSeries(fc, "HAR", x, annualVol(r.forecasts().get("HAR"), r.h()));
        if (!"HAR".equals(r.champion())) {
            addSeries(fc, r.champion() + " (champion)", x, annualVol(r.forecasts().get(r.champion()), r.h()));
        }
        BitmapEncoder.saveBitmap(fc, dir.resolve("forecast_vs_realized_h" + r.h() + ".png").toString(), BitmapEncoder.BitmapFormat.PNG);

        XYChart cq = new XYChartBuilder().width(1200).height(600)
                .title(asset + " h=" + r.h() + ": cumulative QLIKE(model) - QLIKE(HAR); below 0 = model better")
                .xAxisTitle("forecast date").yAxisTitle("cumulative QLIKE difference").build();
        dateAxis(cq);
        double[] har = r.forecasts().get("HAR");
        for (Map.Entry<String, double[]> e : r.forecasts().entrySet()) {
            if (e.getKey().equals("HAR")) {
                continue;
            }
            double[] cum = new double[har.length];
            double acc = 0;
            for (int i = 0; i < har.length; i++) {
                acc += Metrics.qlike(r.realized()[i], e.getValue()[i]) - Metrics.qlike(r.realized()[i], har[i]);
                cum[i] = acc;
            }
            addSeries(cq, e.getKey(), x, cum);
        }
        BitmapEncoder.saveBitmap(cq, dir.resolve("cum_qlike_vs_har_h" + r.h() + ".png").toString(), BitmapEncoder.BitmapFormat.PNG);
    }

    /** UTC calendar dates on the x axis ("yyyy" is the calendar year; XChart's default pattern can show week years). */
    private static void dateAxis(XYChart c) {
        c.getStyler().setMarkerSize(0);
        c.getStyler().setDatePattern("yyyy-MM");
        c.getStyler().setTimezone(java.util.TimeZone.getTimeZone("UTC"));
        c.getStyler().setLocale(Locale.ROOT);
    }

    private static void addSeries(XYChart c, String name, List<Date> x, double[] y) {
        List<Double> ys = new ArrayList<>(y.length);
        for (double v : y) {
            ys.add(v);
        }
        XYSeries s = c.addSeries(name, x, ys);
        s.setMarker(SeriesMarkers.NONE);
    }

    private static double[] annualVol(double[] var, int h) {
        double[] out = new double[var.length];
        for (int i = 0; i < var.length; i++) {
            out[i] = 100 * Math.sqrt(Math.max(var[i], 1e-12) * 365.0 / h);
        }
        return out;
    }
}
