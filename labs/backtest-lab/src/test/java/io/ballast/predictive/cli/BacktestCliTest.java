package io.ballast.predictive.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BacktestCliTest {

    private static Path market() {
        return Path.of(System.getProperty("ballast.project.root", "../.."), "..", "shared", "data", "market");
    }

    /** Exit code, standard output and standard error of one run. */
    private record Run(int code, String out, String err) {
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = BacktestCli.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void missingArgumentsAndUnknownOptionsAreClearErrors(@TempDir Path out) {
        Run missing = run("--out", out.toString());
        assertThat(missing.code()).isEqualTo(2);
        assertThat(missing.err()).contains("Missing required option").contains("--data");
        Run noFile = run("--data", "nope.csv", "--out", out.toString());
        assertThat(noFile.code()).isEqualTo(2);
        assertThat(noFile.err()).contains("no such file: nope.csv");
        Run unknown = run("--data", "nope.csv", "--out", out.toString(), "--frobnicate", "1");
        assertThat(unknown.code()).isEqualTo(2);
        assertThat(unknown.err()).contains("Unknown option").contains("--frobnicate");
        Run notANumber = run("--data", "nope.csv", "--out", out.toString(), "--coverage", "lots");
        assertThat(notANumber.code()).isEqualTo(2);
        assertThat(notANumber.err()).contains("--coverage").contains("lots");
        Run badFloor = run("--data", market().resolve("BTC_1d.csv").toString(), "--out", out.toString(),
            "--floor", "sideways");
        assertThat(badFloor.code()).isEqualTo(2);
        assertThat(badFloor.err()).contains("--floor must be long, stressed or none: sideways");
        Run badWindow = run("--data", market().resolve("BTC_1d.csv").toString(), "--out", out.toString(),
            "--window", "sideways");
        assertThat(badWindow.code()).isEqualTo(2);
        assertThat(badWindow.err()).contains("--window must be dev, test or all: sideways");
        Run badPreset = run("--data", market().resolve("BTC_1d.csv").toString(), "--out", out.toString(),
            "--preset", "basel");
        assertThat(badPreset.code()).isEqualTo(2);
        assertThat(badPreset.err()).contains("--preset must be crypto or emir: basel");
        assertThat(out).isEmptyDirectory();
    }

    @Test
    void anAssetListedAfter2018RunsWithoutExtraFlags(@TempDir Path out) throws Exception {
        // AVAX lists on 2020-09-22; after the listing week and 730 days of history the first margined day is
        // 2020-09-29 + 730 days = 2022-09-29
        Run r = run("--data", market().resolve("AVAX_1d.csv").toString(), "--out", out.toString(), "--accounts",
            "200", "--model", "HAR");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.err()).contains("out-of-sample start 2022-09-29 (default");
        JsonNode json = new ObjectMapper().readTree(out.resolve("backtest.json").toFile());
        assertThat(json.get("oosStart").asText()).isEqualTo("2022-09-29");
        assertThat(json.get("policies").get("guarded").get("days").asInt()).isGreaterThan(1000);
        // crashes before the margined days are skipped, later ones replayed on daily bars (no hourly file)
        assertThat(json.get("policies").get("guarded").get("crashes").has("2020-03-12")).isFalse();
        assertThat(json.get("policies").get("guarded").get("crashes").get("2024-08-05").get("barHours").asInt())
            .isEqualTo(24);
        assertThat(r.out()).startsWith("ALL margined days from 2022-09-29");

        // the untouched test window is measured from the split and says so
        Path testOut = out.resolve("test");
        Run t = run("--data", market().resolve("AVAX_1d.csv").toString(), "--out", testOut.toString(), "--accounts",
            "200", "--model", "HAR", "--window", "test", "--split", "2025-01-01", "--frontier", "1.0");
        assertThat(t.code()).as(t.err()).isZero();
        assertThat(t.out()).startsWith("TEST window 2025-01-01 .. end of data (untouched");
        JsonNode test = new ObjectMapper().readTree(testOut.resolve("backtest.json").toFile());
        assertThat(test.get("oosStart").asText()).isEqualTo("2025-01-01");
        assertThat(test.get("policies").get("guarded").get("days").asInt()).isBetween(250, 480);
        assertThat(test.get("policies").get("guarded").get("crashes").has("2024-08-05")).isFalse();
    }

    @Test
    void realBtcHistoryProducesTheReportJsonAndPlots(@TempDir Path out) throws Exception {
        Path daily = market().resolve("BTC_1d.csv");
        Path hourly = market().resolve("BTC_1h.csv");
        Run r = run("--data", daily.toString(), "--hourly", hourly.toString(), "--out", out.toString(), "--accounts",
            "500", "--model", "HAR");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("Kupiec"); // the goal verdicts go to standard output
        JsonNode json = new ObjectMapper().readTree(out.resolve("backtest.json").toFile());
        assertThat(json.get("asset").asText()).isEqualTo("BTC");
        assertThat(json.get("champion").asText()).isEqualTo("HAR");
        JsonNode guarded = json.get("policies").get("guarded");
        assertThat(guarded.get("days").asInt()).isGreaterThan(2000);
        assertThat(guarded.get("crashes").get("2020-03-12").get("barHours").asInt()).isEqualTo(1);
        assertThat(guarded.get("crashes").has("2025-10-10")).isTrue();
        assertThat(Files.readString(out.resolve("backtest.md"))).contains("## Goals");
        for (String png : new String[] {"margin-guarded.png", "bad-debt.png", "frontier.png"}) {
            assertThat(Files.size(out.resolve(png))).isGreaterThan(1000);
        }
    }
}
