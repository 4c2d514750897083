package io.ballast.ml.data;

import io.ballast.marketdata.MarketCsv;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;

/**
 * Reads and validates the normalised market CSVs of {@code shared/data/market} (header
 * {@code timestamp,open,high,low,close,volume}, {@code date} accepted for the first column; daily timestamps
 * {@code YYYY-MM-DD}, hourly {@code YYYY-MM-DDTHH:00:00Z}). The text is read by the shared reader
 * ({@link MarketCsv}, module services/market-data); the bar rules are this class's.
 *
 * <p>Hard errors (the whole file is rejected with every offending row listed in a {@link MarketDataException}, in
 * file order): wrong header, wrong column count, unparseable or missing values, non-positive prices, OHLC
 * inconsistency, negative volume, duplicate or unordered timestamps, hourly timestamps not on the hour.
 *
 * <p>Gaps (missing days or hours) are NOT errors: the exchange or the export skipped them and nothing is filled.
 * {@link #dailyGaps} / {@link #hourlyGaps} report them. Gap policy downstream (see docs/forecasting.md): a log return
 * across a gap of k periods spans the whole gap and its square is divided by k to give a per-period variance; nothing
 * is interpolated.
 */
public final class MarketData {

    private MarketData() {
    }

    /** A run of missing periods: {@code after} is the last bar before the gap, {@code missing} how many periods are absent. */
    public record Gap(String after, String before, long missing) {
    }

    /**
     * Reads a daily CSV.
     *
     * @param csv path of the file
     * @return bars in ascending date order
     * @throws MarketDataException listing every offending row when the file is malformed
     * @throws UncheckedIOException when the file cannot be read
     */
    public static List<DailyBar> readDaily(Path csv) {
        return read(csv, MarketCsv.Layout.OHLCV, LocalDate::parse,
                (t, r) -> new DailyBar(t, r.open(), r.high(), r.low(), r.close(), r.volume()), t -> null);
    }

    /**
     * Reads a daily implied volatility CSV (header {@code timestamp,close}, the close in annualised percent, e.g.
     * {@code BTC_DVOL_1d.csv}). Missing days are not errors (nothing is filled here; see
     * {@link DailySeries#withImpliedVol}).
     *
     * @param csv path of the file
     * @return days in ascending date order
     * @throws MarketDataException listing every offending row when the file is malformed
     * @throws UncheckedIOException when the file cannot be read
     */
    public static List<ImpliedVolDay> readImpliedVol(Path csv) {
        return read(csv, MarketCsv.Layout.CLOSE, LocalDate::parse, (t, r) -> new ImpliedVolDay(t, r.close()), t -> null);
    }

    /**
     * Reads an hourly CSV.
     *
     * @param csv path of the file
     * @return bars in ascending time order
     * @throws MarketDataException listing every offending row when the file is malformed
     * @throws UncheckedIOException when the file cannot be read
     */
    public static List<HourlyBar> readHourly(Path csv) {
        return read(csv, MarketCsv.Layout.OHLCV, Instant::parse,
                (t, r) -> new HourlyBar(t, r.open(), r.high(), r.low(), r.close(), r.volume()),
                t -> t.truncatedTo(ChronoUnit.HOURS).equals(t) ? null : "timestamp not on the hour");
    }

    /** Missing calendar days between consecutive bars (bars must be ascending). */
    public static List<Gap> dailyGaps(List<DailyBar> bars) {
        List<Gap> gaps = new ArrayList<>();
        for (int i = 1; i < bars.size(); i++) {
            long d = ChronoUnit.DAYS.between(bars.get(i - 1).date(), bars.get(i).date());
            if (d > 1) {
                gaps.add(new Gap(bars.get(i - 1).date().toString(), bars.get(i).date().toString(), d - 1));
            }
        }
        return gaps;
    }

    /** Missing hours between consecutive bars (bars must be ascending). */
    public static List<Gap> hourlyGaps(List<HourlyBar> bars) {
        List<Gap> gaps = new ArrayList<>();
        for (int i = 1; i < bars.size(); i++) {
            long d = Duration.between(bars.get(i - 1).time(), bars.get(i).time()).toHours();
            if (d > 1) {
                gaps.add(new Gap(bars.get(i - 1).time().toString(), bars.get(i).time().toString(), d - 1));
            }
        }
        return gaps;
    }

    private interface BarFactory<T, B> {
        B make(T time, MarketCsv.Row row);
    }

    /** A problem and the line it is on, to list the reader's and the bars' problems in file order. */
    private record Numbered(int line, String problem) {
    }

    private static <T extends Comparable<? super T>, B> List<B> read(Path csv, MarketCsv.Layout layout,
            Function<String, T> parseTime, BarFactory<T, B> factory, Function<T, String> timeCheck) {
        MarketCsv.Table table;
        try {
            table = MarketCsv.read(csv, layout);
        } catch (MarketCsv.HeaderException e) {
            throw new MarketDataException(csv.toString(),
                    List.of("line 1 '" + e.found() + "': header must be '" + layout.header() + "'"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + csv, e);
        }
        List<Numbered> problems = new ArrayList<>();
        table.problems().forEach(p -> problems.add(new Numbered(p.line(), p.toString())));
        List<B> bars = new ArrayList<>(table.rows().size());
        T previous = null;
        for (MarketCsv.Row row : table.rows()) {
            String where = "line " + row.line() + " '" + row.text() + "': ";
            T time;
            try {
                time = parseTime.apply(row.timestamp());
            } catch (DateTimeParseException e) {
                problems.add(new Numbered(row.line(), where + "unparseable timestamp"));
                continue;
            }
            String timeProblem = timeCheck.apply(time);
            if (timeProblem != null) {
                problems.add(new Numbered(row.line(), where + timeProblem));
                continue;
            }
            B bar;
            try {
                bar = factory.make(time, row);
            } catch (IllegalArgumentException e) {
                problems.add(new Numbered(row.line(), where + e.getMessage()));
                continue;
            }
            if (previous != null) {
                int c = previous.compareTo(time);
                if (c == 0) {
                    problems.add(new Numbered(row.line(), where + "duplicate timestamp"));
                    continue;
                }
                if (c > 0) {
                    problems.add(new Numbered(row.line(), where + "timestamp out of order (previous " + previous + ")"));
                    continue;
                }
            }
            previous = time;
            bars.add(bar);
        }
        if (!problems.isEmpty()) {
            problems.sort(Comparator.comparingInt(Numbered::line));
            throw new MarketDataException(csv.toString(), problems.stream().map(Numbered::problem).toList());
        }
        if (bars.isEmpty()) {
            throw new MarketDataException(csv.toString(), List.of("no data rows"));
        }
        return List.copyOf(bars);
    }
}
