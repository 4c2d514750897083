package io.ballast.predictive.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BacktestCliTest {

    private static Path market() {
        return Path.of(System.getProperty("ballast.project.root", "../.."), "..", "shared", "data", "market");
    }

    @Test
    void missingArgumentsAndUnknownOptionsAreClearErrors(@TempDir Path out) {
        assertThatThrownBy(() -> BacktestCli.run(new String[] {"--out", out.toString()}))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--data and --out are required");
        assertThatThrownBy(() -> BacktestCli.run(new String[] {"--data", "nope.csv", "--out", out.toString()}))
            .hasMessageContaining("no such file");
        assertThatThrownBy(() -> BacktestCli.run(new String[] {"--frobnicate", "1"}))
            .hasMessageContaining("unknown option --frobnicate");
        assertThatThrownBy(() -> BacktestCli.run(new String[] {"--coverage", "lots"}))
            .hasMessageContaining("--coverage needs a number");
    }

    @Test
    void realBtcHistoryProducesTheReportJsonAndPlots(@TempDir Path out) throws Exception {
        Path daily = market().resolve("BTC_1d.csv");
        Path hourly = market().resolve("BTC_1h.csv");
        int code = BacktestCli.run(new String[] {"--data", daily.toString(), "--hourly", hourly.toString(),
            "--out", out.toString(), "--accounts", "500", "--model", "HAR"});
        assertThat(code).isZero();
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
