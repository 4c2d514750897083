package io.ballast.ml.cli;

import io.ballast.ml.data.DailyBar;
import io.ballast.ml.data.DailySeries;
import io.ballast.ml.data.HourlyBar;
import io.ballast.ml.data.MarketData;
import io.ballast.ml.data.MarketDataException;
import io.ballast.ml.eval.Evaluation;
import io.ballast.ml.eval.ReportWriter;
import io.ballast.ml.features.FeatureBuilder;
import io.ballast.ml.ml.MlConfig;
import io.ballast.ml.ml.TrainedRegressor;
import io.ballast.ml.ml.TribuoForecaster;
import io.ballast.ml.model.Models;
import io.ballast.ml.model.Progress;
import io.ballast.ml.proxy.ProxyComparison;
import io.ballast.ml.registry.ModelRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Command line: {@code train | evaluate | predict} (run as {@code ./ballast forecast ...}; see docs/forecasting.md).
 *
 * <pre>
 * evaluate --data CSV --out DIR [--hourly CSV | --no-hourly] [--oos-start 2020-01-01] [--horizons 1,5] [--models EWMA,GARCH,...]
 * train    --data CSV --registry DIR [--hourly CSV | --no-hourly] [--horizons 1,5]
 * predict  --data CSV --registry DIR [--hourly CSV | --no-hourly] [--horizons 1,5]
 * </pre>
 * Without {@code --hourly}, a sibling file {@code <ASSET>_1h.csv} is used when it exists (target proxy: hourly RV).
 */
public final class ForecastCli {

    private static final List<String> ALL_MODELS = List.of("EWMA", "GARCH", "HAR", "HAR_LEVEL", "XGB", "CART", "SGD");

    private ForecastCli() {
    }

    /** Entry point; exit code 0 on success, 2 on usage or data errors. */
    public static void main(String[] args) {
        if (args.length == 0 || args[0].equals("help") || args[0].equals("--help")) {
            usage();
            return;
        }
        Map<String, String> opts = parse(Arrays.copyOfRange(args, 1, args.length));
        try {
            switch (args[0]) {
                case "evaluate" -> evaluate(opts);
                case "train" -> train(opts);
                case "predict" -> predict(opts);
                default -> {
                    System.err.println("unknown command '" + args[0] + "'");
                    usage();
                    System.exit(2);
                }
            }
        } catch (MarketDataException | IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            System.exit(2);
        } catch (IOException e) {
            System.err.println("I/O error: " + e.getMessage());
            System.exit(1);
        } catch (java.io.UncheckedIOException e) {
            System.err.println("I/O error: " + e.getMessage() + " (" + e.getCause().getMessage() + ")");
            System.exit(1);
        }
    }

    private static void usage() {
        System.err.println("""
                usage: ballast forecast <command> [options]
                  evaluate --data CSV --out DIR [--hourly CSV|--no-hourly] [--oos-start 2020-01-01] [--horizons 1,5] [--models EWMA,GARCH,HAR,HAR_LEVEL,XGB,CART,SGD]
                  train    --data CSV --registry DIR [--hourly CSV|--no-hourly] [--horizons 1,5]
                  predict  --data CSV --registry DIR [--hourly CSV|--no-hourly] [--horizons 1,5]""");
    }

    private static Map<String, String> parse(String[] a) {
        Map<String, String> m = new HashMap<>();
        for (int i = 0; i < a.length; i++) {
            if (!a[i].startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument '" + a[i] + "'");
            }
            String k = a[i].substring(2);
            if (k.equals("no-hourly")) {
                m.put(k, "true");
            } else if (i + 1 < a.length) {
                m.put(k, a[++i]);
            } else {
                throw new IllegalArgumentException("option --" + k + " needs a value");
            }
        }
        return m;
    }

    private static String required(Map<String, String> o, String k) {
        String v = o.get(k);
        if (v == null) {
            throw new IllegalArgumentException("missing --" + k);
        }
        return v;
    }

    /** Loaded input: asset label, series, file names. */
    private record Input(String asset, Path data, Path hourly, DailySeries series) {
    }

    private static Input load(Map<String, String> o) {
        Path data = Path.of(required(o, "data"));
        String file = data.getFileName().toString();
        String asset = o.getOrDefault("asset", file.contains("_") ? file.substring(0, file.indexOf('_')) : file.replace(".csv", ""));
        Path hourly = null;
        if (o.containsKey("hourly")) {
            hourly = Path.of(o.get("hourly"));
        } else if (!o.containsKey("no-hourly")) {
            Path sib = data.resolveSibling(asset + "_1h.csv");
            if (Files.exists(sib)) {
                hourly = sib;
            }
        }
        long t0 = System.nanoTime();
        List<DailyBar> bars = MarketData.readDaily(data);
        List<MarketData.Gap> gaps = MarketData.dailyGaps(bars);
        System.err.printf(Locale.ROOT, "read %s: %d daily bars %s..%s, %d gap(s)%s%n", data, bars.size(), bars.get(0).date(),
                bars.get(bars.size() - 1).date(), gaps.size(), gaps.isEmpty() ? "" : " " + gaps);
        List<HourlyBar> hb = null;
        if (hourly != null) {
            hb = MarketData.readHourly(hourly);
            System.err.printf(Locale.ROOT, "read %s: %d hourly bars, %d gap(s) covering %d hours%n", hourly, hb.size(),
                    MarketData.hourlyGaps(hb).size(), MarketData.hourlyGaps(hb).stream().mapToLong(MarketData.Gap::missing).sum());
        }
        DailySeries s = DailySeries.of(bars, hb);
        System.err.printf(Locale.ROOT, "series: %d days %s..%s, target proxy %s (%d days filled with Garman-Klass), loaded in %.1f s%n",
                s.size(), s.date(0), s.date(s.size() - 1), s.proxyName(), s.proxyFilledDays(), (System.nanoTime() - t0) / 1e9);
        return new Input(asset, data, hourly, s);
    }

    private static int[] horizons(Map<String, String> o) {
        return Arrays.stream(o.getOrDefault("horizons", "1,5").split(",")).mapToInt(x -> Integer.parseInt(x.trim())).toArray();
    }

    private static void evaluate(Map<String, String> o) throws IOException {
        Input in = load(o);
        Path out = Path.of(required(o, "out"));
        Files.createDirectories(out);
        LocalDate oos = LocalDate.parse(o.getOrDefault("oos-start", "2020-01-01"));
        List<String> models = o.containsKey("models") ? List.of(o.get("models").toUpperCase(Locale.ROOT).split(",")) : ALL_MODELS;
        for (String b : List.of("EWMA", "GARCH", "HAR")) {
            if (!models.contains(b)) {
                throw new IllegalArgumentException("--models must include the baselines EWMA, GARCH and HAR");
            }
        }
        int from = in.series().indexOnOrAfter(oos);
        if (from < 730) {
            throw new IllegalArgumentException("need at least 730 training days before " + oos + ", have " + from);
        }
        List<Evaluation.HorizonResult> results = new ArrayList<>();
        for (int h : horizons(o)) {
            results.add(Evaluation.run(in.series(), oos, h, models, Progress.STDERR));
        }
        DailySeries s = in.series();
        ReportWriter.Header hd = new ReportWriter.Header(in.asset(), in.data().toString() + (in.hourly() == null ? "" : " + " + in.hourly()),
                s.size(), s.proxyName(), s.proxyFilledDays(), oos, s.date(0), s.date(s.size() - 1));
        ReportWriter.writeJson(out.resolve("report.json"), hd, results);
        List<String> verdict = ReportWriter.writeMarkdown(out.resolve("report.md"), hd, results,
                ProxyComparison.compare(s, from, s.size()));
        for (Evaluation.HorizonResult r : results) {
            ReportWriter.writePlots(out, in.asset(), r);
        }
        System.out.println("wrote " + out.resolve("report.md") + ", report.json and plots");
        for (Evaluation.HorizonResult r : results) {
            System.out.printf(Locale.ROOT, "%s h=%d champion %s; full-period QLIKE:", in.asset(), r.h(), r.champion());
            r.windows().get("full").forEach((m, sc) -> System.out.printf(Locale.ROOT, " %s %.4f", m, sc.qlike()));
            System.out.println();
        }
        verdict.forEach(v -> System.out.println("goal: " + v));
    }

    private static void train(Map<String, String> o) throws IOException {
        Input in = load(o);
        DailySeries s = in.series();
        ModelRegistry reg = new ModelRegistry(Path.of(required(o, "registry")));
        String stamp = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss").withZone(ZoneOffset.UTC).format(Instant.now());
        int last = s.size() - 1;
        String fingerprint = ModelRegistry.fingerprint(s, s.size());
        for (int h : horizons(o)) {
            Map<String, Double> validation = new LinkedHashMap<>();
            Map<String, String> versions = new LinkedHashMap<>();
            double[][] x = FeatureBuilder.matrix(s, s.size());
            for (String name : Models.candidates()) {
                long t0 = System.nanoTime();
                double q = Models.validationQlike(s, name, h, last);
                validation.put(name, q);
                TrainedRegressor r = null;
                double trainSeconds = 0;
                if (Models.isMl(name)) {
                    long t1 = System.nanoTime();
                    TribuoForecaster tf = new TribuoForecaster(name);
                    MlConfig cfg = tf.tune(s, x, h, last, Progress.STDERR);
                    r = TribuoForecaster.fit(cfg, s, x, h, last - h + 1);
                    trainSeconds = (System.nanoTime() - t1) / 1e9;
                }
                Map<String, Object> meta = new LinkedHashMap<>();
                meta.put("trainedAt", Instant.now().toString());
                meta.put("dataFile", in.data().toString());
                meta.put("hourlyFile", in.hourly() == null ? null : in.hourly().toString());
                meta.put("proxy", s.proxyName());
                meta.put("trainingRows", s.size());
                meta.put("trainingFrom", s.date(0).toString());
                meta.put("trainingTo", s.date(last).toString());
                meta.put("trainingDataFingerprint", fingerprint);
                meta.put("features", Arrays.asList(FeatureBuilder.NAMES));
                meta.put("target", "ln(sum of proxy over the next " + h + " days), bias-corrected exp(pred + mu + s2/2)");
                meta.put("metrics", Map.of("validationQlike", q, "validationDays", Models.VALIDATION_DAYS));
                meta.put("trainSecondsFinalFit", trainSeconds);
                String version = stamp + "-" + name;
                reg.save(in.asset(), h, version, name, r, meta);
                versions.put(name, version);
                System.err.printf(Locale.ROOT, "h=%d %-9s validation QLIKE %.4f; final fit %.2f s (with tuning); total %.1f s%n", h, name, q,
                        trainSeconds, (System.nanoTime() - t0) / 1e9);
            }
            String champ = validation.entrySet().stream().min(Map.Entry.comparingByValue()).orElseThrow().getKey();
            reg.setChampion(in.asset(), h, versions.get(champ), champ, validation);
            System.out.printf(Locale.ROOT, "%s h=%d champion %s (validation QLIKE %.4f)%s -> %s%n", in.asset(), h, champ,
                    validation.get(champ), champ.startsWith("HAR") ? " — HAR baseline is the champion" : "",
                    reg.horizonDir(in.asset(), h).resolve(versions.get(champ)));
        }
    }

    private static void predict(Map<String, String> o) throws IOException {
        Input in = load(o);
        DailySeries s = in.series();
        ModelRegistry reg = new ModelRegistry(Path.of(required(o, "registry")));
        int last = s.size() - 1;
        for (int h : horizons(o)) {
            ModelRegistry.Stored st = reg.loadChampion(in.asset(), h);
            double v;
            if (st.regressor() != null) {
                double[][] x = FeatureBuilder.matrix(s, s.size());
                v = st.regressor().predictVariance(List.of(x[last]))[0];
            } else {
                v = Models.byName(st.model()).forecast(s, h, last, last + 1, Progress.NONE)[0];
            }
            System.out.printf(Locale.ROOT, "%s h=%d made at close of %s by %s (%s): variance %.6e (daily units, %d-day sum), "
                    + "vol %.2f%% over %d day(s), %.1f%% annualised%n", in.asset(), h, s.date(last), st.model(),
                    st.dir().getFileName(), v, h, 100 * Math.sqrt(v), h, 100 * Math.sqrt(v * 365.0 / h));
        }
    }
}
