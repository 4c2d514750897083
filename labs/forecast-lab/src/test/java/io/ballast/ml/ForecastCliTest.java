package io.ballast.ml;

import static org.assertj.core.api.Assertions.assertThat;

import io.ballast.ml.api.Forecasts;
import io.ballast.ml.cli.ForecastCli;
import io.ballast.ml.data.DailyBar;
import io.ballast.ml.data.DailySeries;
import io.ballast.ml.data.HourlyBar;
import io.ballast.ml.proxy.VarianceProxies;
import io.ballast.ml.registry.ModelRegistry;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The forecaster's command line as a new user meets it: defaults, refused options, the newest daily bar. */
class ForecastCliTest {

    private static Path market() {
        return Path.of(System.getProperty("ballast.project.root", "../.."), "..", "shared", "data", "market");
    }

    /** Exit code, standard output and standard error of one command. */
    private record Run(int code, String out, String err) {
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = ForecastCli.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Run(code, out.toString(), err.toString());
    }

    /** The date in the first column of a CSV file's last line. */
    private static String lastDate(Path csv) throws IOException {
        List<String> lines = Files.readAllLines(csv);
        return lines.get(lines.size() - 1).substring(0, 10);
    }

    @Test
    void unknownOptionsAndMissingValuesAreRefusedWithExitCode2(@TempDir Path out) {
        String data = market().resolve("BTC_1d.csv").toString();
        Run unknown = run("evaluate", "--data", data, "--out", out.toString(), "--frobnicate", "1");
        assertThat(unknown.code()).isEqualTo(2);
        assertThat(unknown.err()).contains("Unknown option").contains("--frobnicate");
        Run typo = run("predict", "--data", data, "--registy", out.toString());
        assertThat(typo.code()).isEqualTo(2);
        assertThat(typo.err()).contains("Missing required option: '--registry=DIR'");
        Run extra = run("predict", "--data", data, "--registry", out.toString(), "--horizon", "1");
        assertThat(extra.code()).isEqualTo(2);
        assertThat(extra.err()).contains("Unknown option").contains("--horizon");
        Run badDate = run("evaluate", "--data", data, "--out", out.toString(), "--oos-start", "2020-13-01");
        assertThat(badDate.code()).isEqualTo(2);
        assertThat(badDate.err()).contains("--oos-start");
        Run noCommand = run();
        assertThat(noCommand.code()).isEqualTo(2);
        assertThat(noCommand.err()).contains("evaluate").contains("predict");
        assertThat(out).isEmptyDirectory();
    }

    @Test
    void theDefaultOutOfSampleStartIs2020OrTheFirstDayWithEnoughHistory() throws IOException {
        // BTC: 2017-08-17 + 7 listing days dropped leaves 860 days before 2020-01-01, so the standard start holds
        DailySeries btc = DailySeries.of(io.ballast.ml.data.MarketData.readDaily(market().resolve("BTC_1d.csv")));
        assertThat(Forecasts.defaultOosStart(btc)).isEqualTo(LocalDate.of(2020, 1, 1));
        // AVAX lists on 2020-09-22: first day 2020-09-29 after the listing week, + 730 days (no gap before 2026)
        DailySeries avax = DailySeries.of(io.ballast.ml.data.MarketData.readDaily(market().resolve("AVAX_1d.csv")));
        assertThat(avax.date(0)).isEqualTo(LocalDate.of(2020, 9, 29));
        assertThat(Forecasts.defaultOosStart(avax)).isEqualTo(LocalDate.of(2020, 9, 29).plusDays(730));
        // too short a history is a clear error
        DailySeries shortOne = DailySeries.of(Synthetic.bars(700, 3));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Forecasts.defaultOosStart(shortOne))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("more than 730 days");
    }

    @Test
    void evaluateWorksOnAnAssetListedAfter2018WithoutExtraFlags(@TempDir Path out) throws IOException {
        Run r = run("evaluate", "--data", market().resolve("AVAX_1d.csv").toString(), "--out", out.toString(),
            "--models", "EWMA,GARCH,HAR", "--horizons", "1");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.err()).contains("out-of-sample start 2022-09-29 (default");
        assertThat(r.out()).contains("AVAX h=1 champion");
        assertThat(Files.readString(out.resolve("report.json"))).contains("2022-09-29");
    }

    @Test
    void untilReadsNoDataAfterItsDate(@TempDir Path out) throws IOException {
        Run r = run("evaluate", "--data", market().resolve("AVAX_1d.csv").toString(), "--out", out.toString(),
            "--models", "EWMA,GARCH,HAR", "--horizons", "1", "--until", "2023-12-31");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.err()).contains("--until 2023-12-31: no data after it is read")
            .contains("daily bars 2020-09-22..2023-12-31");
        assertThat(Files.readString(out.resolve("report.md"))).contains(".. 2023-12-31, listing week dropped")
            .doesNotContain("2024-");
    }

    @Test
    void predictForecastsFromTheNewestDailyBarAndSaysWhereHourlyDataStops(@TempDir Path registry)
            throws IOException {
        Path daily = market().resolve("BTC_1d.csv");
        String newest = lastDate(daily);
        String hourlyEnd = lastDate(market().resolve("BTC_1h.csv"));
        assertThat(hourlyEnd).isLessThan(newest); // the situation of issue 13 item 5
        // the hourly file stops at 04:00 of its last day, too few bars for that day's RV: RV ends the day before
        String rvEnd = LocalDate.parse(hourlyEnd).minusDays(1).toString();
        ModelRegistry reg = new ModelRegistry(registry);
        reg.save("BTC", 1, "v1", "HAR", null, Map.of("note", "baseline champion for the CLI test"));
        reg.setChampion("BTC", 1, "v1", "HAR", Map.of("HAR", 0.5));
        Run r = run("predict", "--data", daily.toString(), "--registry", registry.toString(), "--horizons", "1");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("BTC h=1 made at close of " + newest + " by HAR");
        assertThat(r.out()).contains("note: hourly realized variance ends on " + rvEnd).contains("range proxies");
        // the sibling BTC_DVOL_1d.csv ends 2026-04-19, before the newest bar: said, and carried at most 3 days
        assertThat(r.err()).contains("BTC_DVOL_1d.csv: 1766 implied volatility days 2021-03-24..2026-04-19");
        assertThat(r.out()).contains("note: no implied volatility at " + newest)
            .contains("the last day with one is 2026-04-22");
        Run noIv = run("predict", "--data", daily.toString(), "--registry", registry.toString(), "--horizons", "1",
            "--no-implied");
        assertThat(noIv.out()).contains("made at close of " + newest).doesNotContain("implied");
        assertThat(run("predict", "--data", daily.toString(), "--registry", registry.toString(), "--no-implied",
            "--implied", market().resolve("BTC_DVOL_1d.csv").toString()).err())
            .contains("--implied and --no-implied exclude each other");
        // without hourly data there is nothing to explain
        Run daysOnly = run("predict", "--data", daily.toString(), "--registry", registry.toString(), "--horizons", "1",
            "--no-hourly");
        assertThat(daysOnly.out()).contains("made at close of " + newest).doesNotContain("note: hourly");
    }

    @Test
    void aSeriesToTheNewestBarKeepsTheDaysAfterTheHourlyEndWithRangeProxies() {
        List<DailyBar> bars = Synthetic.bars(40, 5);
        // hourly bars for days 0..34 only: the last 5 daily bars have none
        List<HourlyBar> hourly = new ArrayList<>();
        for (int d = 0; d < 35; d++) {
            DailyBar b = bars.get(d);
            for (int hr = 0; hr < 24; hr++) {
                double p = b.open() * (1 + 0.001 * ((hr % 3) - 1));
                hourly.add(new HourlyBar(b.date().atStartOfDay(ZoneOffset.UTC).toInstant().plusSeconds(3600L * hr),
                    p, p * 1.001, p * 0.999, p, 1));
            }
        }
        DailySeries cut = DailySeries.of(bars, hourly);
        DailySeries full = DailySeries.toNewestBar(bars, hourly);
        assertThat(cut.date(cut.size() - 1)).isEqualTo(bars.get(34).date());
        assertThat(cut.rangeProxyTailDays()).isZero();
        assertThat(full.date(full.size() - 1)).isEqualTo(bars.get(39).date());
        assertThat(full.rangeProxyTailDays()).isEqualTo(5);
        assertThat(full.proxyFilledDays()).isZero();
        assertThat(full.size()).isEqualTo(cut.size() + 5);
        DailyBar last = bars.get(39);
        double gk = 0.5 * Math.pow(Math.log(last.high() / last.low()), 2)
            - (2 * Math.log(2) - 1) * Math.pow(Math.log(last.close() / last.open()), 2);
        assertThat(full.proxy(full.size() - 1)).isCloseTo(gk, org.assertj.core.api.Assertions.within(1e-15));
        assertThat(full.proxy(full.size() - 1))
            .isEqualTo(VarianceProxies.garmanKlass(last.open(), last.high(), last.low(), last.close()));
        // the days before the hourly end are the same in both
        assertThat(full.proxy(cut.size() - 1)).isEqualTo(cut.proxy(cut.size() - 1));
    }
}
