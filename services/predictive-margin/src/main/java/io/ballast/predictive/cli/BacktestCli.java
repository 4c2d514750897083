package io.ballast.predictive.cli;

import io.ballast.ml.api.Forecasts;
import io.ballast.ml.data.DailyBar;
import io.ballast.ml.data.HourlyBar;
import io.ballast.ml.data.MarketData;
import io.ballast.predictive.GuardrailSettings;
import io.ballast.predictive.MappingSettings;
import io.ballast.predictive.backtest.BacktestConfig;
import io.ballast.predictive.backtest.BacktestPlots;
import io.ballast.predictive.backtest.BacktestReport;
import io.ballast.predictive.backtest.BacktestResult;
import io.ballast.predictive.backtest.BacktestRunner;
import io.ballast.predictive.backtest.Goals;
import io.ballast.predictive.backtest.LiquidationModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Locale;

/**
 * {@code ./ballast backtest --data <daily csv> [--hourly <hourly csv>] --out <dir> [options]}: runs the backtest lab
 * on one asset and writes backtest.md, backtest.json and PNG plots. Exit code 0 on success, 2 on bad arguments,
 * 1 on a failure while running.
 */
public final class BacktestCli {

    private static final String USAGE = """
        usage: ballast backtest --data <daily csv> [--hourly <hourly csv>] --out <dir>
                                [--asset NAME] [--model champion|HAR|...] [--coverage 0.99] [--oos-start 2020-01-01] [--static-mmf F]
                                [--seed 42] [--accounts 10000] [--floor-weight W] [--floor long|stressed|none]
                                [--buffer F] [--max-up F] [--max-down F] [--smoothing-down W]
                                [--tail-factor K]
        Replays the daily history under four margin policies (static, ewma, predictive, guarded), replays the
        crash events with a synthetic account population and writes backtest.md, backtest.json and PNG plots.
        """;

    private BacktestCli() {
    }

    /**
     * Entry point.
     *
     * @param args command-line arguments
     */
    public static void main(String[] args) {
        System.setProperty("java.awt.headless", "true");
        int code;
        try {
            code = run(args);
        } catch (IllegalArgumentException e) {
            System.err.println("ballast backtest: " + e.getMessage());
            System.err.print(USAGE);
            code = 2;
        } catch (RuntimeException | IOException e) {
            System.err.println("ballast backtest: failed: " + e);
            code = 1;
        }
        System.exit(code);
    }

    /**
     * Parses the arguments, runs the backtest and writes the outputs.
     *
     * @param args arguments
     * @return exit code
     * @throws IOException when the output cannot be written
     */
    public static int run(String[] args) throws IOException {
        Path data = null;
        Path hourlyCsv = null;
        Path out = null;
        String asset = null;
        String model = "champion";
        BacktestConfig d = BacktestConfig.defaults();
        double coverage = d.coverage();
        LocalDate oos = d.oosStart();
        double staticMmf = Double.NaN;
        long seed = d.seed();
        int accounts = d.accounts();
        GuardrailSettings g = d.guardrails();
        MappingSettings mapping = d.mapping();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("-h") || a.equals("--help")) {
                System.out.print(USAGE);
                return 0;
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("missing value after " + a);
            }
            String v = args[++i];
            switch (a) {
                case "--data" -> data = Path.of(v);
                case "--hourly" -> hourlyCsv = Path.of(v);
                case "--out" -> out = Path.of(v);
                case "--asset" -> asset = v;
                case "--model" -> model = v;
                case "--coverage" -> coverage = number(a, v);
                case "--oos-start" -> oos = LocalDate.parse(v);
                case "--static-mmf" -> staticMmf = number(a, v);
                case "--seed" -> seed = Long.parseLong(v);
                case "--accounts" -> accounts = Integer.parseInt(v);
                case "--floor-weight" -> g = g.withFloorWeight(number(a, v));
                case "--floor" -> g = g.withFloorMode(switch (v) {
                    case "long" -> GuardrailSettings.FloorMode.LONG_LOOKBACK;
                    case "stressed" -> GuardrailSettings.FloorMode.STRESSED_PERIOD;
                    case "none" -> GuardrailSettings.FloorMode.NONE;
                    default -> throw new IllegalArgumentException("--floor must be long, stressed or none: " + v);
                });
                case "--buffer" -> g = g.withBuffer(number(a, v));
                case "--max-up" -> g = g.withMaxDailyChange(number(a, v), g.maxDailyDecrease());
                case "--max-down" -> g = g.withMaxDailyChange(g.maxDailyIncrease(), number(a, v));
                case "--smoothing-down" -> g = g.withSmoothing(g.smoothingUp(), number(a, v));
                case "--tail-factor" -> mapping = mapping.withTailFactor(number(a, v));
                default -> throw new IllegalArgumentException("unknown option " + a);
            }
        }
        if (data == null || out == null) {
            throw new IllegalArgumentException("--data and --out are required");
        }
        if (!Files.isRegularFile(data)) {
            throw new IllegalArgumentException("no such file: " + data);
        }
        if (hourlyCsv != null && !Files.isRegularFile(hourlyCsv)) {
            throw new IllegalArgumentException("no such file: " + hourlyCsv);
        }
        if (asset == null) {
            String f = data.getFileName().toString();
            asset = f.contains("_") ? f.substring(0, f.indexOf('_')) : f.replaceFirst("\\.csv$", "");
        }
        BacktestConfig config = new BacktestConfig(coverage, oos, staticMmf, mapping, g, seed, accounts,
            LiquidationModel.defaults(d.mapping().imMultiplier()), d.frontierScales());
        String label = asset;
        long t0 = System.nanoTime();
        System.err.println("[backtest] reading " + data + (hourlyCsv == null ? "" : " and " + hourlyCsv));
        List<DailyBar> daily = MarketData.readDaily(data);
        List<HourlyBar> hourly = hourlyCsv == null ? List.of() : MarketData.readHourly(hourlyCsv);
        BacktestRunner runner = new BacktestRunner(asset, daily, hourly,
            (m, h, start) -> Forecasts.walkForward(label, daily, m, h, start), model, config,
            line -> System.err.println("[backtest] " + line));
        BacktestResult result = runner.run();
        Files.createDirectories(out);
        System.err.println("[backtest] writing plots, backtest.json and backtest.md to " + out);
        List<String> plots = BacktestPlots.write(result, out);
        BacktestReport.writeJson(result, out.resolve("backtest.json"));
        BacktestReport.writeMarkdown(result, plots, out.resolve("backtest.md"));
        for (Goals.Verdict v : Goals.check(result)) {
            System.out.println((v.met() ? "met    " : "MISSED ") + v.text());
        }
        System.err.printf(Locale.ROOT, "[backtest] done in %.1f s%n", (System.nanoTime() - t0) / 1e9);
        return 0;
    }

    private static double number(String option, String v) {
        try {
            return Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " needs a number, got '" + v + "'");
        }
    }
}
