package io.ballast.predictive.cli;

import io.ballast.ml.api.Forecasts;
import io.ballast.ml.cli.LabCommandLine;
import io.ballast.ml.cli.MarketFileOptions;
import io.ballast.ml.data.DailyBar;
import io.ballast.ml.data.DailySeries;
import io.ballast.ml.data.HourlyBar;
import io.ballast.ml.data.MarketData;
import io.ballast.predictive.ChampionSchedule;
import io.ballast.predictive.GuardrailSettings;
import io.ballast.predictive.MappingSettings;
import io.ballast.predictive.Preset;
import io.ballast.predictive.RegimeSettings;
import io.ballast.predictive.backtest.ForecastSource;
import io.ballast.predictive.backtest.PolicyResult;
import io.ballast.ml.api.ForecastSeries;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import io.ballast.predictive.backtest.BacktestConfig;
import io.ballast.predictive.backtest.BacktestPlots;
import io.ballast.predictive.backtest.BacktestReport;
import io.ballast.predictive.backtest.BacktestResult;
import io.ballast.predictive.backtest.BacktestRunner;
import io.ballast.predictive.backtest.Goals;
import io.ballast.predictive.backtest.LiquidationModel;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ./ballast backtest --data <daily csv> [--hourly <hourly csv>] --out <dir> [options]}: runs the backtest lab
 * on one asset and writes backtest.md, backtest.json and PNG plots. Parsed by picocli: an unknown option, a missing
 * value or a malformed number is refused with a message. Exit code 0 on success, 2 on bad arguments or data,
 * 1 on a failure while running.
 */
@Command(name = "ballast backtest", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Replays the daily history under four margin policies (static, ewma, predictive, guarded), "
            + "replays the crash events with a synthetic account population and writes backtest.md, backtest.json "
            + "and PNG plots."})
public final class BacktestCli implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Mixin
    private MarketFileOptions files;
    @Option(names = "--hourly", paramLabel = "CSV", description = "hourly bars for the crash replays")
    private Path hourlyCsv;
    @Option(names = "--out", required = true, paramLabel = "DIR", description = "output directory")
    private Path out;
    @Option(names = "--model", defaultValue = "champion", description = "champion|HAR|GARCH|... (default: champion)")
    private String model;
    @Option(names = "--coverage", description = "coverage level (default: 0.99)")
    private Double coverage;
    @Option(names = "--oos-start", paramLabel = "DATE",
            description = "first margined day (default: 2020-01-01, or the first day with 730 days of history when "
                + "the history starts later)")
    private LocalDate oosStart;
    @Option(names = "--static-mmf", description = "static MMF (default: calibrated before the out-of-sample start)")
    private Double staticMmf;
    @Option(names = "--seed", description = "population seed (default: 42)")
    private Long seed;
    @Option(names = "--accounts", description = "accounts in the population (default: 10000)")
    private Integer accounts;
    @Option(names = "--replay-seeds", description = "populations replayed per crash, seeds --seed .. --seed + n - 1; "
        + "bad debt per open interest is their mean with a 95 %% interval (default: 20)")
    private Integer replaySeeds;
    @Option(names = "--floor-weight", description = "weight of the anti-procyclicality floor")
    private Double floorWeight;
    @Option(names = "--floor", description = "long|stressed|none")
    private String floor;
    @Option(names = "--buffer", description = "art. 28(a) buffer fraction")
    private Double buffer;
    @Option(names = "--max-up", description = "largest relative rise per day")
    private Double maxUp;
    @Option(names = "--max-down", description = "largest relative fall per day")
    private Double maxDown;
    @Option(names = "--smoothing-down", description = "smoothing weight on falls")
    private Double smoothingDown;
    @Option(names = "--tail-factor", description = "tail factor of the mapping")
    private Double tailFactor;
    @Option(names = "--frontier", split = ",", paramLabel = "SCALE", description = "frontier scales (default: "
        + "0.6,0.7,0.8,0.9,1.0,1.1,1.2,1.4,1.6)")
    private double[] frontier;
    @Option(names = "--preset", defaultValue = "crypto",
            description = "crypto (the crypto defaults, MPOR 1 day) or emir (literal EMIR: MPOR 2 days, 25 %% buffer, "
                + "10-year floor at full weight); default: crypto")
    private String preset;
    @Option(names = "--window", defaultValue = "all",
            description = "dev (margined days before --split: the design was chosen here, BTC and ETH), test (from "
                + "--split on: untouched), all; default: all")
    private String window;
    @Option(names = "--split", paramLabel = "DATE", defaultValue = "2024-01-01",
            description = "first day of the untouched test window (default: 2024-01-01)")
    private LocalDate split;
    @Option(names = "--stress-k", description = "regime trigger: realised vol above k x forecast (default 2)")
    private Double stressK;
    @Option(names = "--stress-max-up", description = "largest rise in one stressed step (default 1.0 = +100 %%)")
    private Double stressMaxUp;
    @Option(names = "--intraday-half-hours", description = "hours after which the intraday update weighs 1/2 "
        + "(default 6; Infinity = off)")
    private Double intradayHalfHours;
    @Option(names = "--exception-trigger", description = "whether an exception declares stress (default true)")
    private Boolean exceptionTrigger;
    @Option(names = "--regime", description = "on (default) or off (the v1 guardrails: no trigger, no intraday "
        + "update, IMF capped)")
    private String regime;
    @Option(names = "--sweep-k", split = ",", paramLabel = "K", description = "dev tuning: rerun with each k (no "
        + "files written, one line per setting)")
    private List<Double> sweepK;
    @Option(names = "--sweep-buffer", split = ",", paramLabel = "B", description = "dev tuning: rerun with each "
        + "buffer fraction (combined with --sweep-k)")
    private List<Double> sweepBuffer;
    @Option(names = "--sweep-floor-weight", split = ",", paramLabel = "W", description = "dev tuning: rerun with "
        + "each floor weight (combined with the other sweeps)")
    private List<Double> sweepFloorWeight;
    @Option(names = "--sweep-stress-max-up", split = ",", paramLabel = "U", description = "dev tuning: rerun with "
        + "each stressed-step limit (combined with the other sweeps)")
    private List<Double> sweepStressMaxUp;

    /**
     * Entry point.
     *
     * @param args command-line arguments
     */
    public static void main(String[] args) {
        System.setProperty("java.awt.headless", "true");
        System.exit(execute(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
    }

    /**
     * Parses the arguments, runs the backtest and writes the outputs.
     *
     * @param out  goal verdicts
     * @param err  progress, notes and errors
     * @param args arguments
     * @return exit code: 0 success, 2 bad arguments or data, 1 failure while running
     */
    public static int execute(PrintWriter out, PrintWriter err, String... args) {
        return LabCommandLine.execute(new BacktestCli(), "ballast backtest: ", out, err, args);
    }

    /**
     * Runs the backtest with the parsed options.
     *
     * @return exit code 0
     * @throws IOException when the output cannot be written
     */
    @Override
    public Integer call() throws IOException {
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        BacktestConfig d = BacktestConfig.defaults();
        Preset chosen = Preset.byLabel(preset);
        if (chosen == null) {
            throw new IllegalArgumentException("--preset must be " + String.join(" or ", Preset.labels()) + ": "
                + preset);
        }
        GuardrailSettings g = chosen.guardrails();
        MappingSettings mapping = chosen.mapping();
        RegimeSettings rg = g.regime();
        if (regime != null) {
            rg = switch (regime) {
                case "on" -> RegimeSettings.defaults();
                case "off" -> RegimeSettings.off();
                default -> throw new IllegalArgumentException("--regime must be on or off: " + regime);
            };
        }
        rg = new RegimeSettings(stressK == null ? rg.stressTriggerRatio() : stressK,
            exceptionTrigger == null ? rg.exceptionTrigger() : exceptionTrigger,
            stressMaxUp == null ? rg.stressMaxDailyIncrease() : stressMaxUp,
            intradayHalfHours == null ? rg.intradayHalfWeightHours() : intradayHalfHours, rg.capInitialMargin());
        g = g.withRegime(rg);
        if (floorWeight != null) {
            g = g.withFloorWeight(floorWeight);
        }
        if (floor != null) {
            g = g.withFloorMode(switch (floor) {
                case "long" -> GuardrailSettings.FloorMode.LONG_LOOKBACK;
                case "stressed" -> GuardrailSettings.FloorMode.STRESSED_PERIOD;
                case "none" -> GuardrailSettings.FloorMode.NONE;
                default -> throw new IllegalArgumentException("--floor must be long, stressed or none: " + floor);
            });
        }
        if (buffer != null) {
            g = g.withBuffer(buffer);
        }
        if (maxUp != null) {
            g = g.withMaxDailyChange(maxUp, g.maxDailyDecrease());
        }
        if (maxDown != null) {
            g = g.withMaxDailyChange(g.maxDailyIncrease(), maxDown);
        }
        if (smoothingDown != null) {
            g = g.withSmoothing(g.smoothingUp(), smoothingDown);
        }
        if (tailFactor != null) {
            mapping = mapping.withTailFactor(tailFactor);
        }
        Path data = files.data();
        if (!Files.isRegularFile(data)) {
            throw new IllegalArgumentException("no such file: " + data);
        }
        if (hourlyCsv != null && !Files.isRegularFile(hourlyCsv)) {
            throw new IllegalArgumentException("no such file: " + hourlyCsv);
        }
        String asset = files.asset();
        long t0 = System.nanoTime();
        err.println("[backtest] reading " + data + (hourlyCsv == null ? "" : " and " + hourlyCsv));
        List<DailyBar> daily = MarketData.readDaily(data);
        List<HourlyBar> hourly = hourlyCsv == null ? List.of() : MarketData.readHourly(hourlyCsv);
        LocalDate oos = oosStart;
        if (oos == null) {
            oos = Forecasts.defaultOosStart(DailySeries.of(daily));
            err.println("[backtest] out-of-sample start " + oos + " (default; --oos-start to change)");
        }
        BacktestConfig config = new BacktestConfig(coverage == null ? d.coverage() : coverage, oos,
            staticMmf == null ? Double.NaN : staticMmf, mapping, g, seed == null ? d.seed() : seed,
            accounts == null ? d.accounts() : accounts, LiquidationModel.defaults(d.mapping().imMultiplier()),
            frontier == null ? d.frontierScales() : frontier)
            .withReplaySeeds(replaySeeds == null ? d.replaySeeds() : replaySeeds);
        String windowLabel = switch (window) {
            case "dev" -> {
                config = config.withWindow(null, split.minusDays(1));
                yield "DEV window " + oos + " .. " + split.minusDays(1)
                    + " (the design choices were frozen on BTC and ETH here)";
            }
            case "test" -> {
                config = config.withWindow(split, null);
                yield "TEST window " + split + " .. end of data (untouched: no design choice looked at it)";
            }
            case "all" -> "ALL margined days from " + oos + " (dev and test together; for assets other than BTC "
                + "and ETH every day is untouched)";
            default -> throw new IllegalArgumentException("--window must be dev, test or all: " + window);
        };
        err.println("[backtest] preset " + chosen.label() + "; " + windowLabel);
        String label = asset;
        Map<String, ForecastSeries> cache = new ConcurrentHashMap<>();
        ForecastSource source = (m, h, start) -> cache.computeIfAbsent(m + "/" + h + "/" + start,
            key -> Forecasts.walkForward(label, daily, m, h, start));
        // "champion": re-decided at every weekly retraining, as the risk service does
        ChampionSchedule schedule = "champion".equalsIgnoreCase(model) ? new ChampionSchedule(asset, daily,
            config.mapping().mporPerpDays(), line -> err.println("[backtest] " + line)) : null;
        if (sweepK != null || sweepBuffer != null || sweepFloorWeight != null || sweepStressMaxUp != null) {
            sweep(config, daily, hourly, source, schedule, stdout, err);
            return 0;
        }
        BacktestRunner runner = new BacktestRunner(asset, daily, hourly, source, model, config,
            line -> err.println("[backtest] " + line), schedule);
        BacktestResult result = runner.run();
        stdout.println(windowLabel + ", preset " + chosen.label() + ":");
        if (!result.championWeeks().isEmpty()) {
            stdout.println("champion h=" + config.mapping().mporPerpDays() + ": "
                + BacktestRunner.championSummary(result.championWeeks()));
        }
        Files.createDirectories(out);
        err.println("[backtest] writing plots, backtest.json and backtest.md to " + out);
        List<String> plots = BacktestPlots.write(result, out);
        BacktestReport.writeJson(result, out.resolve("backtest.json"));
        BacktestReport.writeMarkdown(result, plots, out.resolve("backtest.md"));
        for (Goals.Verdict v : Goals.check(result)) {
            stdout.println((v.met() ? "met    " : "MISSED ") + v.text());
        }
        err.printf(Locale.ROOT, "[backtest] done in %.1f s%n", (System.nanoTime() - t0) / 1e9);
        return 0;
    }

    /**
     * Reruns the backtest for every combination of the swept settings (frontier at scale 1 only); one line of the
     * guarded policy's figures per setting.
     */
    private void sweep(BacktestConfig full, List<DailyBar> daily, List<HourlyBar> hourly, ForecastSource source,
                       ChampionSchedule schedule, PrintWriter stdout, PrintWriter err) {
        BacktestConfig base = new BacktestConfig(full.coverage(), full.oosStart(), full.staticMmf(), full.mapping(),
            full.guardrails(), full.seed(), full.accounts(), full.liquidation(), new double[] {1.0}, full.evalFrom(),
            full.evalTo(), full.replaySeeds());
        GuardrailSettings g0 = base.guardrails();
        List<Double> ups = sweepStressMaxUp == null ? List.of(g0.regime().stressMaxDailyIncrease()) : sweepStressMaxUp;
        List<Double> ks = sweepK == null ? List.of(g0.regime().stressTriggerRatio()) : sweepK;
        List<Double> buffers = sweepBuffer == null ? List.of(g0.bufferFraction()) : sweepBuffer;
        List<Double> weights = sweepFloorWeight == null ? List.of(g0.floorWeight()) : sweepFloorWeight;
        stdout.println("k\tstressUp\tbuffer\tfloorW\texc\tdays\tkupiecP\tccP\tgreen\tavg/static\tmedian/static\tmax5d\t"
            + "imf5d\tbadDebt\tstaticBadDebt");
        for (double k : ks) {
            for (double u : ups) {
                for (double b : buffers) {
                    for (double w : weights) {
                        RegimeSettings r = g0.regime();
                        GuardrailSettings g = g0.withBuffer(b).withFloorWeight(w).withRegime(new RegimeSettings(k,
                            r.exceptionTrigger(), u, r.intradayHalfWeightHours(), r.capInitialMargin()));
                        BacktestResult res = new BacktestRunner(files.asset(), daily, hourly, source, model,
                            base.withGuardrails(g), line -> { }, schedule).run();
                        PolicyResult p = res.policies().get("guarded");
                        stdout.printf(Locale.ROOT, "%.2f\t%.2f\t%.2f\t%.2f\t%d\t%d\t%.3f\t%.3f\t%.3f\t%.3f\t%.3f"
                            + "\t%.2f\t%.2f\t%.0f\t%.0f%n",
                            k, u, b, w, p.coverage().exceptions(), p.coverage().days(), p.coverage().kupiecP(),
                            p.coverage().conditionalCoverageP(), p.greenWindowShare(), p.staticEquivalentRatio(),
                            p.medianStaticRatio(), p.maxIncrease5d(), p.imfMaxIncrease5d(), p.totalBadDebt(),
                            res.policies().get("static").totalBadDebt());
                        stdout.flush();
                    }
                }
            }
        }
    }
}
