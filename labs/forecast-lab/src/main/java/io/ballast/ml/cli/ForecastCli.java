package io.ballast.ml.cli;

import io.ballast.ml.api.Forecasts;
import io.ballast.ml.data.DailyBar;
import io.ballast.ml.data.DailySeries;
import io.ballast.ml.data.HourlyBar;
import io.ballast.ml.data.ImpliedVolDay;
import io.ballast.ml.data.MarketData;
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
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Command line: {@code train | evaluate | predict} (run as {@code ./ballast forecast ...}; see docs/forecasting.md),
 * parsed by picocli: an unknown option or a missing value is refused with a message and exit code 2.
 *
 * <pre>
 * evaluate --data CSV --out DIR [--hourly CSV | --no-hourly] [--implied CSV | --no-implied] [--oos-start DATE]
 *          [--until DATE] [--horizons 1,5] [--models EWMA,GARCH,...]
 * train    --data CSV --registry DIR [--hourly CSV | --no-hourly] [--implied CSV | --no-implied] [--horizons 1,5]
 * predict  --data CSV --registry DIR [--hourly CSV | --no-hourly] [--implied CSV | --no-implied] [--horizons 1,5]
 * </pre>
 * Without {@code --hourly}, a sibling file {@code <ASSET>_1h.csv} is used when it exists (target proxy: hourly RV);
 * without {@code --implied}, a sibling {@code <ASSET>_DVOL_1d.csv} (implied volatility features) likewise.
 * Without {@code --oos-start}, evaluation starts at {@link Forecasts#defaultOosStart}.
 */
@Command(name = "ballast forecast", mixinStandardHelpOptions = true,
        subcommands = {ForecastCli.Evaluate.class, ForecastCli.Train.class, ForecastCli.Predict.class,
            CommandLine.HelpCommand.class},
        description = "Volatility forecaster: evaluate models walk-forward, train a champion, forecast with it.")
public final class ForecastCli implements Callable<Integer> {

    private static final List<String> ALL_MODELS = List.of("EWMA", "GARCH", "HAR", "HAR_LEVEL", "OLS", "XGB", "CART", "SGD");

    @Spec
    private CommandSpec spec;

    /** Entry point; exit code 0 on success, 2 on usage or data errors, 1 on I/O or other failures. */
    public static void main(String[] args) {
        System.exit(execute(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
    }

    /**
     * Runs a command with the given output streams.
     *
     * @param out    results
     * @param err    progress, notes and errors
     * @param args   command and options
     * @return exit code: 0 success, 2 usage or data error, 1 I/O or other failure ({@link LabCommandLine})
     */
    public static int execute(PrintWriter out, PrintWriter err, String... args) {
        return LabCommandLine.execute(new ForecastCli(), "error: ", out, err, args);
    }

    /** Without a command: the usage, exit code 2. */
    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return 2;
    }

    /** The input options every command shares: the lab's market-file options and the forecaster's own. */
    static final class InputOptions {
        @Mixin
        MarketFileOptions files;
        @Option(names = "--hourly", paramLabel = "CSV", description = "hourly bars (default: sibling <ASSET>_1h.csv)")
        Path hourly;
        @Option(names = "--no-hourly", description = "ignore hourly bars (target proxy Garman-Klass)")
        boolean noHourly;
        @Option(names = "--implied", paramLabel = "CSV",
                description = "implied volatility index, header timestamp,close (default: sibling <ASSET>_DVOL_1d.csv)")
        Path implied;
        @Option(names = "--no-implied", description = "ignore implied volatility (the 15 features of v1)")
        boolean noImplied;
        @Option(names = "--horizons", split = ",", paramLabel = "H", defaultValue = "1,5",
                description = "forecast horizons in days (default: ${DEFAULT-VALUE})")
        int[] horizons;
    }

    /** {@code evaluate}: walk-forward evaluation of every model, report and plots. */
    @Command(name = "evaluate", mixinStandardHelpOptions = true,
            description = "Walk-forward out-of-sample evaluation of the models; writes report.md, report.json, plots.")
    static final class Evaluate implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        InputOptions in;
        @Option(names = "--out", required = true, paramLabel = "DIR")
        Path out;
        @Option(names = "--oos-start", paramLabel = "DATE",
                description = "first out-of-sample day (default: 2020-01-01, or the first day with 730 days of "
                        + "history when the history starts later)")
        LocalDate oosStart;
        @Option(names = "--until", paramLabel = "DATE",
                description = "use no data after DATE (e.g. 2023-12-31 for the design window; default: all)")
        LocalDate until;
        @Option(names = "--models", split = ",", paramLabel = "MODEL",
                description = "models to evaluate, must include EWMA, GARCH and HAR (default: all)")
        List<String> models;

        @Override
        public Integer call() throws IOException {
            evaluate(this, spec.commandLine().getOut(), spec.commandLine().getErr());
            return 0;
        }
    }

    /** A command that works on a model registry: the shared input options plus {@code --registry}. */
    abstract static class RegistryCommand implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        InputOptions in;
        @Option(names = "--registry", required = true, paramLabel = "DIR", description = "model registry directory")
        Path registry;

        /** Runs the command on the parsed options. */
        abstract void run(PrintWriter out, PrintWriter err) throws IOException;

        @Override
        public Integer call() throws IOException {
            run(spec.commandLine().getOut(), spec.commandLine().getErr());
            return 0;
        }
    }

    /** {@code train}: scores every candidate, fits it and registers the champion per horizon. */
    @Command(name = "train", mixinStandardHelpOptions = true,
            description = "Trains every candidate on all history and registers the champion per horizon.")
    static final class Train extends RegistryCommand {
        @Override
        void run(PrintWriter out, PrintWriter err) throws IOException {
            train(this, out, err);
        }
    }

    /** {@code predict}: the registered champion's forecast made at the close of the newest daily bar. */
    @Command(name = "predict", mixinStandardHelpOptions = true,
            description = "Forecast of the registered champion, made at the close of the newest daily bar.")
    static final class Predict extends RegistryCommand {
        @Override
        void run(PrintWriter out, PrintWriter err) throws IOException {
            predict(this, out, err);
        }
    }

    /** Loaded input: asset label, series, file names. */
    private record Input(String asset, Path data, Path hourly, DailySeries series, LocalDate lastDailyBar) {
    }

    private static Input load(InputOptions o, boolean toNewestBar, PrintWriter err) {
        return load(o, toNewestBar, null, err);
    }

    private static Input load(InputOptions o, boolean toNewestBar, LocalDate until, PrintWriter err) {
        Path data = o.files.data();
        String asset = o.files.asset();
        if (o.hourly != null && o.noHourly) {
            throw new IllegalArgumentException("--hourly and --no-hourly exclude each other");
        }
        Path hourly = null;
        if (o.hourly != null) {
            hourly = o.hourly;
        } else if (!o.noHourly) {
            Path sib = data.resolveSibling(asset + "_1h.csv");
            if (Files.exists(sib)) {
                hourly = sib;
            }
        }
        long t0 = System.nanoTime();
        List<DailyBar> bars = MarketData.readDaily(data);
        if (until != null) {
            bars = bars.stream().filter(b -> !b.date().isAfter(until)).toList();
            err.println("--until " + until + ": no data after it is read");
        }
        List<MarketData.Gap> gaps = MarketData.dailyGaps(bars);
        LocalDate lastBar = bars.get(bars.size() - 1).date();
        err.printf(Locale.ROOT, "read %s: %d daily bars %s..%s, %d gap(s)%s%n", data, bars.size(), bars.get(0).date(),
                lastBar, gaps.size(), gaps.isEmpty() ? "" : " " + gaps);
        List<HourlyBar> hb = null;
        if (hourly != null) {
            hb = MarketData.readHourly(hourly);
            if (until != null) {
                LocalDate u = until;
                hb = hb.stream().filter(b -> !b.time().atZone(ZoneOffset.UTC).toLocalDate().isAfter(u)).toList();
            }
            err.printf(Locale.ROOT, "read %s: %d hourly bars, %d gap(s) covering %d hours%n", hourly, hb.size(),
                    MarketData.hourlyGaps(hb).size(), MarketData.hourlyGaps(hb).stream().mapToLong(MarketData.Gap::missing).sum());
        }
        DailySeries s = withImplied(o, asset, data, toNewestBar ? DailySeries.toNewestBar(bars, hb) : DailySeries.of(bars, hb),
                until, err);
        err.printf(Locale.ROOT, "series: %d days %s..%s, target proxy %s (%d days filled with Garman-Klass), loaded in %.1f s%n",
                s.size(), s.date(0), s.date(s.size() - 1), s.proxyName(), s.proxyFilledDays(), (System.nanoTime() - t0) / 1e9);
        if (!toNewestBar && s.date(s.size() - 1).isBefore(lastBar)) {
            err.printf(Locale.ROOT, "note: hourly realized variance ends on %s, so the daily bars after it (to %s) are not used: "
                    + "the target proxy must be hourly RV throughout; --no-hourly uses every daily bar (Garman-Klass)%n",
                    s.date(s.size() - 1), lastBar);
        }
        return new Input(asset, data, hourly, s, lastBar);
    }

    /** The series with the implied volatility of {@code --implied} or the sibling {@code <ASSET>_DVOL_1d.csv}, if any. */
    private static DailySeries withImplied(InputOptions o, String asset, Path data, DailySeries s, LocalDate until,
            PrintWriter err) {
        if (o.implied != null && o.noImplied) {
            throw new IllegalArgumentException("--implied and --no-implied exclude each other");
        }
        Path file = o.implied != null ? o.implied : o.noImplied ? null : data.resolveSibling(asset + "_DVOL_1d.csv");
        if (file == null || o.implied == null && !Files.exists(file)) {
            return s;
        }
        List<ImpliedVolDay> iv = MarketData.readImpliedVol(file).stream()
                .filter(d -> until == null || !d.date().isAfter(until)).toList();
        DailySeries out = s.withImpliedVol(iv);
        err.printf(Locale.ROOT, "read %s: %d implied volatility days%s; %d of %d series days have one (%d carried from "
                + "a day at most %d days earlier), features %s added%n", file, iv.size(), iv.isEmpty() ? ""
                : " " + iv.get(0).date() + ".." + iv.get(iv.size() - 1).date(), out.impliedDays(), out.size(),
                out.impliedCarriedDays(), DailySeries.MAX_IMPLIED_AGE_DAYS, String.join(", ", FeatureBuilder.IMPLIED_NAMES));
        return out;
    }

    private static void evaluate(Evaluate o, PrintWriter stdout, PrintWriter err) throws IOException {
        Input in = load(o.in, false, o.until, err);
        Path out = o.out;
        LocalDate oos = o.oosStart != null ? o.oosStart : Forecasts.defaultOosStart(in.series());
        if (o.oosStart == null) {
            err.println("out-of-sample start " + oos + " (default; --oos-start to change)");
        }
        List<String> models = o.models == null ? allModels(in.series())
                : o.models.stream().map(m -> m.trim().toUpperCase(Locale.ROOT)).toList();
        for (String b : List.of("EWMA", "GARCH", "HAR")) {
            if (!models.contains(b)) {
                throw new IllegalArgumentException("--models must include the baselines EWMA, GARCH and HAR");
            }
        }
        int from = in.series().indexOnOrAfter(oos);
        if (from < 730) {
            throw new IllegalArgumentException("need at least 730 training days before " + oos + ", have " + from);
        }
        if (from >= in.series().size()) {
            throw new IllegalArgumentException("no data on or after --oos-start " + oos);
        }
        Files.createDirectories(out);
        List<Evaluation.HorizonResult> results = new ArrayList<>();
        for (int h : o.in.horizons) {
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
        stdout.println("wrote " + out.resolve("report.md") + ", report.json and plots");
        for (Evaluation.HorizonResult r : results) {
            stdout.printf(Locale.ROOT, "%s h=%d champion %s; full-period QLIKE:", in.asset(), r.h(), r.champion());
            r.windows().get("full").forEach((m, sc) -> stdout.printf(Locale.ROOT, " %s %.4f", m, sc.qlike()));
            stdout.println();
        }
        verdict.forEach(v -> stdout.println("goal: " + v));
    }

    /** Every model; HARX only for a series with implied volatility. */
    private static List<String> allModels(DailySeries s) {
        List<String> all = new ArrayList<>(ALL_MODELS);
        if (s.hasImpliedVol()) {
            all.add(all.indexOf("OLS") + 1, "HARX");
        }
        return all;
    }

    private static void train(Train o, PrintWriter stdout, PrintWriter err) throws IOException {
        Input in = load(o.in, false, err);
        DailySeries s = in.series();
        ModelRegistry reg = new ModelRegistry(o.registry);
        String stamp = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss").withZone(ZoneOffset.UTC).format(Instant.now());
        int last = s.size() - 1;
        String fingerprint = ModelRegistry.fingerprint(s, s.size());
        for (int h : o.in.horizons) {
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
                meta.put("features", Arrays.asList(FeatureBuilder.names(x[last].length)));
                meta.put("target", "ln(sum of proxy over the next " + h + " days), bias-corrected exp(pred + mu + s2/2)");
                meta.put("metrics", Map.of("validationQlike", q, "validationDays", Models.VALIDATION_DAYS));
                meta.put("trainSecondsFinalFit", trainSeconds);
                String version = stamp + "-" + name;
                reg.save(in.asset(), h, version, name, r, meta);
                versions.put(name, version);
                err.printf(Locale.ROOT, "h=%d %-9s validation QLIKE %.4f; final fit %.2f s (with tuning); total %.1f s%n", h, name, q,
                        trainSeconds, (System.nanoTime() - t0) / 1e9);
            }
            String champ = validation.entrySet().stream().min(Map.Entry.comparingByValue()).orElseThrow().getKey();
            reg.setChampion(in.asset(), h, versions.get(champ), champ, validation);
            stdout.printf(Locale.ROOT, "%s h=%d champion %s (validation QLIKE %.4f)%s -> %s%n", in.asset(), h, champ,
                    validation.get(champ), champ.startsWith("HAR") ? " — HAR baseline is the champion" : "",
                    reg.horizonDir(in.asset(), h).resolve(versions.get(champ)));
        }
    }

    private static void predict(Predict o, PrintWriter stdout, PrintWriter err) throws IOException {
        Input in = load(o.in, true, err);
        DailySeries s = in.series();
        ModelRegistry reg = new ModelRegistry(o.registry);
        int last = s.size() - 1;
        int tail = s.rangeProxyTailDays();
        if (tail > 0) {
            stdout.printf(Locale.ROOT, "note: hourly realized variance ends on %s; the last %d day(s) to %s use range proxies "
                    + "(Garman-Klass, Rogers-Satchell) in place of hourly realized variance%n", s.date(last - tail),
                    tail, s.date(last));
        }
        if (s.hasImpliedVol() && Double.isNaN(s.impliedVariance(last))) {
            stdout.printf(Locale.ROOT, "note: no implied volatility at %s (a day uses an index value at most %d days old; "
                    + "the last day with one is %s): a model on the implied features forecasts with iv_known = 0%n",
                    s.date(last), DailySeries.MAX_IMPLIED_AGE_DAYS, s.lastImpliedDay());
        }
        for (int h : o.in.horizons) {
            ModelRegistry.Stored st = reg.loadChampion(in.asset(), h);
            double v;
            if (st.regressor() != null) {
                double[][] x = FeatureBuilder.matrix(s, s.size());
                v = st.regressor().predictVariance(List.of(x[last]))[0];
            } else {
                v = Models.byName(st.model()).forecast(s, h, last, last + 1, Progress.NONE)[0];
            }
            stdout.printf(Locale.ROOT, "%s h=%d made at close of %s by %s (%s): variance %.6e (daily units, %d-day sum), "
                    + "vol %.2f%% over %d day(s), %.1f%% annualised%n", in.asset(), h, s.date(last), st.model(),
                    st.dir().getFileName(), v, h, 100 * Math.sqrt(v), h, 100 * Math.sqrt(v * 365.0 / h));
        }
    }
}
