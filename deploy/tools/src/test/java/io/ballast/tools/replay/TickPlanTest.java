package io.ballast.tools.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.ballast.devstack.ProjectRoot;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TickPlanTest {

    private static final Path DEMO_BTC = ProjectRoot.locate().resolve("deploy/demo-data/BTC_1h.csv");

    @Test
    void returnsModeMovesTodaysPriceByTheWindowsReturnsFromTheBarBeforeTheWindow() throws Exception {
        List<Bar> bars = BarFile.read(DEMO_BTC);
        Instant from = Instant.parse("2020-03-12T00:00:00Z");
        List<PlannedTick> ticks = TickPlan.plan("BTC", bars, from, Instant.parse("2020-03-13T00:00:00Z"), 90_000.0,
                true);
        assertThat(ticks).hasSize(24);
        double reference = close(bars, "2020-03-11T23:00:00Z");
        assertThat(ticks.get(0).priceUsd()).isCloseTo(90_000 * 7913.42 / reference, within(1e-6));
        // the 10:00 bar: 7354.21 -> 6014.9, an 18.2% drop, replayed as the same drop
        PlannedTick nine = ticks.get(9);
        PlannedTick ten = ticks.get(10);
        assertThat(ten.priceUsd() / nine.priceUsd()).isCloseTo(6014.9 / 7354.21, within(1e-12));
        assertThat(ticks.get(23).priceUsd()).isCloseTo(90_000 * 4800 / reference, within(1e-6));
        assertThat(ticks).allSatisfy(t -> assertThat(t.underlying()).isEqualTo("BTC"));
    }

    @Test
    void levelsModePublishesTheHistoricalCloses() throws Exception {
        List<PlannedTick> ticks = TickPlan.plan("BTC", BarFile.read(DEMO_BTC), Instant.parse("2020-03-12T23:00:00Z"),
                Instant.parse("2020-03-13T01:00:00Z"), null, false);
        assertThat(ticks).extracting(PlannedTick::priceUsd).containsExactly(4800.0, 4654.72);
        assertThat(ticks).extracting(PlannedTick::annualVol).containsOnlyNulls();
    }

    @Test
    void volatilityIsAnAnnualisedEwmaOfTheBarReturnsOnceThereAreEnough() throws Exception {
        List<Bar> bars = BarFile.read(DEMO_BTC);
        List<PlannedTick> ticks = TickPlan.plan("BTC", bars, bars.get(0).time(), Instant.MAX, 1.0, true);
        assertThat(ticks.subList(0, TickPlan.MIN_RETURNS)).extracting(PlannedTick::annualVol).containsOnlyNulls();
        assertThat(ticks.get(TickPlan.MIN_RETURNS).annualVol()).isNotNull();
        double lambda = Math.pow(0.94, 1 / 24.0);
        double variance = 0;
        for (int i = 1; i < bars.size(); i++) {
            double r = Math.log(bars.get(i).closeUsd() / bars.get(i - 1).closeUsd());
            variance = i <= TickPlan.MIN_RETURNS ? variance + r * r / TickPlan.MIN_RETURNS
                    : lambda * variance + (1 - lambda) * r * r;
        }
        assertThat(ticks.get(ticks.size() - 1).annualVol()).isCloseTo(Math.sqrt(variance * 24 * 365.25),
                within(1e-9));
        // the crash lifts the EWMA vol far above the calm days before it, to a level of its own kind (BTC's realised
        // vol of 2020 was 81%), not to the thousands of per cent that a one-day memory on hourly bars would give
        double before = ticks.get(48).annualVol();
        double after = ticks.get(ticks.size() - 1).annualVol();
        assertThat(after).isGreaterThan(1.5 * before).isBetween(0.5, 3.0);
    }

    @Test
    void anEmptyWindowSaysWhatTheFileCovers() throws Exception {
        assertThatThrownBy(() -> TickPlan.plan("BTC", BarFile.read(DEMO_BTC), Instant.parse("2021-01-01T00:00:00Z"),
                Instant.MAX, 90_000.0, true))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("2020-03-08T00:00:00Z .. 2020-03-16T23:00:00Z");
    }

    @Test
    void dailyFilesAndFilesWithOnlyTimestampAndCloseAreRead(@TempDir Path dir) throws Exception {
        Path dvol = dir.resolve("BTC_DVOL_1d.csv");
        Files.writeString(dvol, "timestamp,close\n2021-03-24,80.5\n2021-03-25,82\n2021-03-27,79\n");
        List<Bar> bars = BarFile.read(dvol);
        assertThat(bars).extracting(Bar::time).containsExactly(Instant.parse("2021-03-24T00:00:00Z"),
                Instant.parse("2021-03-25T00:00:00Z"), Instant.parse("2021-03-27T00:00:00Z"));
        assertThat(TickPlan.barsPerYear(bars)).isCloseTo(365.25, within(1e-9));
        assertThat(BarFile.underlyingOf(dvol)).isEqualTo("BTC");
        // the file starts inside the window and has no open: the first close is the reference
        assertThat(TickPlan.plan("BTC", bars, Instant.MIN, Instant.MAX, 100.0, false))
                .extracting(PlannedTick::priceUsd).containsExactly(100.0, 100.0 * 82 / 80.5, 100.0 * 79 / 80.5);
    }

    @Test
    void aDateHeaderCrlfAndBlankLinesAreRead(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("BTC_1d.csv");
        Files.writeString(file, "date,open,high,low,close,volume\r\n2020-03-11,7935,7970,7600,7910,1\r\n\r\n"
                + "2020-03-12,7910,7966,4410,4800,2\r\n");
        assertThat(BarFile.read(file)).extracting(Bar::time, Bar::open, Bar::closeUsd).containsExactly(
                org.assertj.core.groups.Tuple.tuple(Instant.parse("2020-03-11T00:00:00Z"), 7935.0, 7910.0),
                org.assertj.core.groups.Tuple.tuple(Instant.parse("2020-03-12T00:00:00Z"), 7910.0, 4800.0));
    }

    @Test
    void badRowsAreRefusedWithTheirLine(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("ETH_1h.csv");
        Files.writeString(file, "timestamp,open,high,low,close,volume\n"
                + "2020-03-12T00:00:00Z,1,1,1,1,1\n2020-03-12T01:00:00Z,1,1,1,-3,1\n");
        assertThatThrownBy(() -> BarFile.read(file)).hasMessageContaining("line 3").hasMessageContaining("-3");
        Files.writeString(file, "timestamp,open,high,low,close,volume\n"
                + "2020-03-12T01:00:00Z,1,1,1,1,1\n2020-03-12T00:00:00Z,1,1,1,2,1\n");
        assertThatThrownBy(() -> BarFile.read(file)).hasMessageContaining("line 3").hasMessageContaining("ascend");
        Files.writeString(file, "date,price\n2020-03-12,1\n");
        assertThatThrownBy(() -> BarFile.read(file)).hasMessageContaining("header");
        // a short line before a bad close: the first bad line is named
        Files.writeString(file, "timestamp,open,high,low,close,volume\n"
                + "2020-03-12T00:00:00Z,1,1,1,1,1\n2020-03-12T01:00:00Z,1,1,1,1\n2020-03-12T02:00:00Z,1,1,1,-3,1\n");
        assertThatThrownBy(() -> BarFile.read(file)).hasMessageContaining("line 3")
                .hasMessageContaining("expected 6 columns, found 5");
    }

    private static double close(List<Bar> bars, String time) {
        List<Bar> found = new ArrayList<>();
        bars.stream().filter(b -> b.time().equals(Instant.parse(time))).forEach(found::add);
        assertThat(found).hasSize(1);
        return found.get(0).closeUsd();
    }
}
