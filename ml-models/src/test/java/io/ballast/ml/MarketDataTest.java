package io.ballast.ml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ballast.ml.data.DailyBar;
import io.ballast.ml.data.DailySeries;
import io.ballast.ml.data.HourlyBar;
import io.ballast.ml.data.MarketData;
import io.ballast.ml.data.MarketDataException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MarketDataTest {

    @TempDir
    Path dir;

    private Path write(String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, text);
        return p;
    }

    @Test
    void readsValidDailyFileAndReportsGapsWithoutFailing() throws IOException {
        Path p = write("X_1d.csv", """
                timestamp,open,high,low,close,volume
                2020-01-01,10,11,9,10.5,100
                2020-01-02,10.5,12,10,11,50
                2020-01-05,11,11.5,10.5,11.2,0
                """);
        List<DailyBar> bars = MarketData.readDaily(p);
        assertThat(bars).hasSize(3);
        assertThat(bars.get(2).close()).isEqualTo(11.2);
        assertThat(MarketData.dailyGaps(bars)).containsExactly(new MarketData.Gap("2020-01-02", "2020-01-05", 2));
    }

    @Test
    void readsADateHeaderCrlfLineEndsAndBlankLinesWithTheRightLineNumbers() throws IOException {
        Path p = write("Y_1d.csv", "date,open,high,low,close,volume\r\n2020-01-01,10,11,9,10.5,100\r\n\r\n"
                + "2020-01-02,10.5,12,10,11,50\r\n2020-01-03,11,11.5,10.5,x,0\r\n");
        assertThatThrownBy(() -> MarketData.readDaily(p)).isInstanceOf(MarketDataException.class)
                .satisfies(e -> assertThat(((MarketDataException) e).problems())
                        .containsExactly("line 5 '2020-01-03,11,11.5,10.5,x,0': unparseable close 'x'"));
        Files.writeString(p, "date,open,high,low,close,volume\r\n2020-01-01,10,11,9,10.5,100\r\n\r\n"
                + "2020-01-02,10.5,12,10,11,50\r\n");
        assertThat(MarketData.readDaily(p)).extracting(DailyBar::close).containsExactly(10.5, 11.0);
    }

    @Test
    void rejectsFileListingEveryOffendingRow() throws IOException {
        Path p = write("bad_1d.csv", """
                timestamp,open,high,low,close,volume
                2020-01-01,10,11,9,10.5,100
                2020-01-01,10,11,9,10.5,100
                2020-01-03,10,11,9,,100
                2020-01-04,-1,11,9,10,100
                2020-01-05,10,9,9,10,100
                2019-12-31,10,11,9,10,100
                2020-01-07,10,11,9,10,-5
                2020-01-08,abc,11,9,10,5
                2020-01-09,10,11,9,10
                """);
        assertThatThrownBy(() -> MarketData.readDaily(p))
                .isInstanceOf(MarketDataException.class)
                .satisfies(e -> {
                    List<String> problems = ((MarketDataException) e).problems();
                    assertThat(problems).hasSize(8);
                    assertThat(problems.get(0)).contains("line 3").contains("duplicate");
                    assertThat(problems.get(1)).contains("line 4").contains("missing close");
                    assertThat(problems.get(2)).contains("line 5").contains("> 0");
                    assertThat(problems.get(3)).contains("line 6").contains("high");
                    assertThat(problems.get(4)).contains("line 7").contains("out of order");
                    assertThat(problems.get(5)).contains("line 8").contains("volume");
                    assertThat(problems.get(6)).contains("line 9").contains("unparseable open");
                    assertThat(problems.get(7)).contains("line 10").contains("expected 6 columns, found 5");
                });
    }

    @Test
    void rejectsWrongHeaderAndOffHourTimestamps() throws IOException {
        Path h = write("bad_header.csv", "time,o,h,l,c,v\n2020-01-01,1,1,1,1,1\n");
        assertThatThrownBy(() -> MarketData.readDaily(h)).isInstanceOf(MarketDataException.class).hasMessageContaining("header");
        Path p = write("X_1h.csv", """
                timestamp,open,high,low,close,volume
                2020-01-01T00:00:00Z,10,11,9,10.5,100
                2020-01-01T01:30:00Z,10,11,9,10.5,100
                """);
        assertThatThrownBy(() -> MarketData.readHourly(p)).hasMessageContaining("not on the hour");
    }

    @Test
    void realBtcSliceParsesWithTheDocumentedGapsAndRealizedVarianceProxy() {
        Path market = Path.of(System.getProperty("ballast.project.root", ".."), "..", "shared", "data", "market");
        List<DailyBar> daily = MarketData.readDaily(market.resolve("BTC_1d.csv"));
        assertThat(daily).hasSize(3190);
        // SOURCES.md: 8 missing days in 2026, in 5 runs
        assertThat(MarketData.dailyGaps(daily).stream().mapToLong(MarketData.Gap::missing).sum()).isEqualTo(8);
        List<HourlyBar> hourly = MarketData.readHourly(market.resolve("BTC_1h.csv"));
        DailySeries s = DailySeries.of(daily, hourly);
        assertThat(s.proxyName()).isEqualTo(DailySeries.PROXY_RV);
        int covid = s.indexOnOrAfter(LocalDate.of(2020, 3, 12));
        // 2020-03-12: close-to-close -50% day; RV must be large and the close must match SOURCES.md
        assertThat(s.close(covid)).isEqualTo(4800.0, org.assertj.core.data.Offset.offset(1.0));
        assertThat(Math.sqrt(s.proxy(covid))).isGreaterThan(0.15);
        assertThat(s.date(s.size() - 1)).isBefore(LocalDate.of(2025, 12, 3));
    }
}
