package io.ballast.marketdata;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ballast.marketdata.MarketCsv.Layout;
import io.ballast.marketdata.MarketCsv.Problem;
import io.ballast.marketdata.MarketCsv.Row;
import io.ballast.marketdata.MarketCsv.Table;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MarketCsvTest {

    private static final String HEADER = "timestamp,open,high,low,close,volume\n";

    @Test
    void aGoodDailyFileGivesEveryRowWithItsLineAndValues(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("BTC_1d.csv");
        Files.writeString(file, HEADER + "2020-03-11,7935,7970,7600,7910.5,75000.25\n"
                + "2020-03-12,7910.5,7966,4410,4800,261000\n");
        Table table = MarketCsv.read(file, Layout.OHLCV);
        assertThat(table.problems()).isEmpty();
        assertThat(table.header()).containsExactly("timestamp", "open", "high", "low", "close", "volume");
        assertThat(table.rows()).containsExactly(
                new Row(2, "2020-03-11,7935,7970,7600,7910.5,75000.25", "2020-03-11", 7935, 7970, 7600, 7910.5,
                        75000.25),
                new Row(3, "2020-03-12,7910.5,7966,4410,4800,261000", "2020-03-12", 7910.5, 7966, 4410, 4800,
                        261000));
        assertThat(table.rows().get(1).day()).isEqualTo(LocalDate.of(2020, 3, 12));
        assertThat(table.rows().get(1).time()).isEqualTo(Instant.parse("2020-03-12T00:00:00Z"));
    }

    @Test
    void anHourlyRowKeepsItsTimeAndIsNoDay() {
        Table table = MarketCsv.parse(HEADER + "2020-03-12T10:00:00Z,7354.21,7354.21,5900,6014.9,12000\n",
                Layout.OHLCV);
        Row row = table.rows().get(0);
        assertThat(row.time()).isEqualTo(Instant.parse("2020-03-12T10:00:00Z"));
        assertThatThrownBy(row::day).isInstanceOf(DateTimeParseException.class);
    }

    @Test
    void theFirstColumnMayBeNamedDateInAnyCase() {
        Table table = MarketCsv.parse(" Date , Open,HIGH,low,close,volume\n2024-01-01,100,110,90,105,1\n",
                Layout.OHLCV);
        assertThat(table.header().get(0)).isEqualTo("date");
        assertThat(table.rows()).extracting(Row::day).containsExactly(LocalDate.of(2024, 1, 1));
    }

    @Test
    void aBadHeaderRefusesTheWholeText() {
        assertThatThrownBy(() -> MarketCsv.parse("time,o,h,l,c,v\n2020-01-01,1,1,1,1,1\n", Layout.OHLCV))
                .isInstanceOf(MarketCsv.HeaderException.class)
                .hasMessageContaining("header must be 'timestamp,open,high,low,close,volume'")
                .hasMessageContaining("found 'time,o,h,l,c,v'");
        // the right names in another order, or a column more, are not the format either
        assertThatThrownBy(() -> MarketCsv.parse("timestamp,close,open,high,low,volume\n", Layout.OHLCV))
                .isInstanceOf(MarketCsv.HeaderException.class);
        assertThatThrownBy(() -> MarketCsv.parse("timestamp,open,high,low,close,volume,trades\n", Layout.OHLCV))
                .isInstanceOf(MarketCsv.HeaderException.class);
        assertThatThrownBy(() -> MarketCsv.parse("", Layout.OHLCV)).isInstanceOf(MarketCsv.HeaderException.class)
                .satisfies(e -> assertThat(((MarketCsv.HeaderException) e).found()).isEmpty());
        assertThatThrownBy(() -> MarketCsv.parse("timestamp,open,close\n", Layout.CLOSE))
                .hasMessageContaining("header must be 'timestamp,close'");
        assertThatThrownBy(() -> MarketCsv.parse("date,price\n2020-03-12,1\n", Layout.ANY_WITH_CLOSE))
                .isInstanceOf(MarketCsv.HeaderException.class).hasMessageContaining("close column");
    }

    @Test
    void aLineWithFiveFieldsIsAProblemAndTheOthersAreStillRead() {
        Table table = MarketCsv.parse(HEADER + "2024-01-01,100,110,90,105\n2024-01-02,100,110,90,105,1\n"
                + "2024-01-03,100,110,90,105,1,7\n", Layout.OHLCV);
        assertThat(table.rows()).extracting(Row::line).containsExactly(3);
        assertThat(table.problems()).containsExactly(
                new Problem(2, "2024-01-01,100,110,90,105", "expected 6 columns, found 5"),
                new Problem(4, "2024-01-03,100,110,90,105,1,7", "expected 6 columns, found 7"));
        assertThat(table.problems().get(0)).hasToString(
                "line 2 '2024-01-01,100,110,90,105': expected 6 columns, found 5");
    }

    @Test
    void aNonNumberOrAnEmptyValueIsAProblemNamingTheColumn() {
        Table table = MarketCsv.parse(HEADER + "2024-01-01,100,x,90,105,1\n2024-01-02,100,110,90,,1\n"
                + ",100,110,90,105,1\n2024-01-04,NaN,110,90,105,1\n", Layout.OHLCV);
        assertThat(table.problems()).extracting(Problem::line, Problem::reason).containsExactly(
                org.assertj.core.groups.Tuple.tuple(2, "unparseable high 'x'"),
                org.assertj.core.groups.Tuple.tuple(3, "missing close"),
                org.assertj.core.groups.Tuple.tuple(4, "missing timestamp"));
        // a written NaN is a number to the reader: the callers' bar rules refuse it
        assertThat(table.rows()).singleElement().satisfies(r -> {
            assertThat(r.line()).isEqualTo(5);
            assertThat(r.open()).isNaN();
        });
    }

    @Test
    void blankLinesAreSkippedAndStillCountInTheLineNumbers() {
        Table table = MarketCsv.parse(HEADER + "\n2024-01-01,100,110,90,105,1\n\n   \n\t\n2024-01-02,1,1,1,x,1\n\n",
                Layout.OHLCV);
        assertThat(table.rows()).extracting(Row::line).containsExactly(3);
        assertThat(table.problems()).extracting(Problem::line).containsExactly(7);
    }

    @Test
    void crlfLineEndsReadLikeLf() {
        String lf = HEADER + "2024-01-01,100,110,90,105,1\n2024-01-02,100,110,90,x,1\n2024-01-03,1,1,1,1,1\n";
        Table unix = MarketCsv.parse(lf, Layout.OHLCV);
        Table windows = MarketCsv.parse(lf.replace("\n", "\r\n"), Layout.OHLCV);
        assertThat(windows).isEqualTo(unix);
        assertThat(windows.rows()).extracting(Row::line, Row::volume).containsExactly(
                org.assertj.core.groups.Tuple.tuple(2, 1.0), org.assertj.core.groups.Tuple.tuple(4, 1.0));
        assertThat(windows.problems()).extracting(Problem::line).containsExactly(3);
    }

    @Test
    void quotedFieldsAndAByteOrderMarkAreRead() {
        Table table = MarketCsv.parse("\uFEFF" + HEADER + "\"2024-01-01\",\"100\",110,90,105,1\n", Layout.OHLCV);
        assertThat(table.header().get(0)).isEqualTo("timestamp");
        assertThat(table.rows()).extracting(Row::timestamp, Row::open).containsExactly(
                org.assertj.core.groups.Tuple.tuple("2024-01-01", 100.0));
    }

    @Test
    void anUnclosedQuoteStopsTheReadingWithAProblemOnItsLine() {
        Table table = MarketCsv.parse(HEADER + "2024-01-01,100,110,90,105,1\n2024-01-02,\"100,110,90,105,1\n"
                + "2024-01-03,100,110,90,105,1\n", Layout.OHLCV);
        assertThat(table.rows()).extracting(Row::line).containsExactly(2);
        assertThat(table.problems()).singleElement().satisfies(p -> {
            assertThat(p.line()).isGreaterThanOrEqualTo(3);
            assertThat(p.reason()).startsWith("unreadable CSV");
        });
    }

    @Test
    void anIndexFileHasOnlyAClose() {
        Table table = MarketCsv.parse("timestamp,close\n2021-03-24,95.04\n2021-03-25,89.74,1\n", Layout.CLOSE);
        assertThat(table.rows()).singleElement().satisfies(r -> {
            assertThat(r.close()).isEqualTo(95.04);
            assertThat(r.open()).isNaN();
            assertThat(r.volume()).isNaN();
        });
        assertThat(table.problems()).extracting(Problem::reason).containsExactly("expected 2 columns, found 3");
    }

    @Test
    void anyWithCloseReadsTheColumnsItKnowsByNameAndIgnoresTheOthers() {
        Table bars = MarketCsv.parse(HEADER + "2020-03-12T00:00:00Z,1,2,0.5,1.5,9\n", Layout.ANY_WITH_CLOSE);
        assertThat(bars.rows()).extracting(Row::open, Row::close).containsExactly(
                org.assertj.core.groups.Tuple.tuple(1.0, 1.5));
        Table other = MarketCsv.parse("date,trades,close\n2020-03-12,77,4800\n", Layout.ANY_WITH_CLOSE);
        assertThat(other.rows()).extracting(Row::close, Row::open).containsExactly(
                org.assertj.core.groups.Tuple.tuple(4800.0, Double.NaN));
    }

    @Test
    void theSharedDailyAndHourlyFilesReadWithoutProblems() throws Exception {
        Path market = Path.of(System.getProperty("ballast.project.root", "../.."), "..", "shared", "data", "market");
        Table daily = MarketCsv.read(market.resolve("BTC_1d.csv"), Layout.OHLCV);
        assertThat(daily.problems()).isEmpty();
        assertThat(daily.rows()).hasSize(3190); // SOURCES.md
        assertThat(daily.rows().get(0).line()).isEqualTo(2);
        Table dvol = MarketCsv.read(market.resolve("BTC_DVOL_1d.csv"), Layout.CLOSE);
        assertThat(dvol.problems()).isEmpty();
        assertThat(dvol.rows()).hasSize(1766);
    }

    @Test
    void instantsAreDaysAtMidnightUtcOrIsoInstants() {
        assertThat(MarketCsv.instant(" 2020-03-12 ")).isEqualTo(Instant.parse("2020-03-12T00:00:00Z"));
        assertThat(MarketCsv.instant("2020-03-12T10:00:00Z")).isEqualTo(Instant.parse("2020-03-12T10:00:00Z"));
        assertThatThrownBy(() -> MarketCsv.instant("12/03/2020")).hasMessageContaining("neither YYYY-MM-DD");
        assertThatThrownBy(() -> MarketCsv.instant(" ")).hasMessageContaining("missing timestamp");
    }

    @Test
    void aFileThatIsNotUtf8FailsToRead(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("bad.csv");
        Files.write(file, (HEADER + "2024-01-01,1,1,1,1,1\n").replace("timestamp", "tim\u00e9stamp")
                .getBytes(StandardCharsets.ISO_8859_1));
        assertThatThrownBy(() -> MarketCsv.read(file, Layout.OHLCV)).isInstanceOf(java.io.IOException.class);
    }
}
