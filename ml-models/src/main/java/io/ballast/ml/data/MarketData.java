package io.ballast.ml.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Reads and validates the normalised market CSVs of {@code shared/data/market} (header
 * {@code timestamp,open,high,low,close,volume}; daily timestamps {@code YYYY-MM-DD}, hourly {@code YYYY-MM-DDTHH:00:00Z}).
 *
 * <p>Hard errors (the whole file is rejected with every offending row listed in a {@link MarketDataException}):
 * wrong header, wrong column count, unparseable or missing values, non-positive prices, OHLC inconsistency, negative
 * volume, duplicate or unordered timestamps, hourly timestamps not on the hour.
 *
 * <p>Gaps (missing days or hours) are NOT errors: the exchange or the export skipped them and nothing is filled.
 * {@link #dailyGaps} / {@link #hourlyGaps} report them. Gap policy downstream (see docs/forecasting.md): a log return
 * across a gap of k periods spans the whole gap and its square is divided by k to give a per-period variance; nothing
 * is interpolated.
 */
public final class MarketData {

    private static final String HEADER = "timestamp,open,high,low,close,volume";
    private static final String IMPLIED_HEADER = "timestamp,close";

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
        return read(csv, HEADER, LocalDate::parse, (t, v) -> new DailyBar(t, v[0], v[1], v[2], v[3], v[4]), t -> null);
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
        return read(csv, IMPLIED_HEADER, LocalDate::parse, (t, v) -> new ImpliedVolDay(t, v[0]), t -> null);
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
        return read(csv, HEADER, Instant::parse, (t, v) -> new HourlyBar(t, v[0], v[1], v[2], v[3], v[4]),
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
        B make(T time, double[] values);
    }

    private static <T extends Comparable<? super T>, B> List<B> read(Path csv, String header, Function<String, T> parseTime,
            BarFactory<T, B> factory, Function<T, String> timeCheck) {
        String[] columns = header.split(",");
        List<String> lines;
        try {
            lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + csv, e);
        }
        List<String> problems = new ArrayList<>();
        if (lines.isEmpty() || !lines.get(0).trim().equalsIgnoreCase(header)) {
            problems.add("line 1 '" + (lines.isEmpty() ? "" : lines.get(0)) + "': header must be '" + header + "'");
            throw new MarketDataException(csv.toString(), problems);
        }
        List<B> bars = new ArrayList<>(lines.size());
        T previous = null;
        for (int i = 1; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank()) {
                continue;
            }
            String where = "line " + (i + 1) + " '" + line + "': ";
            String[] f = line.split(",", -1);
            if (f.length != columns.length) {
                problems.add(where + "expected " + columns.length + " columns, found " + f.length);
                continue;
            }
            T time;
            try {
                time = parseTime.apply(f[0].trim());
            } catch (DateTimeParseException e) {
                problems.add(where + "unparseable timestamp");
                continue;
            }
            String timeProblem = timeCheck.apply(time);
            if (timeProblem != null) {
                problems.add(where + timeProblem);
                continue;
            }
            double[] v = new double[columns.length - 1];
            String bad = null;
            for (int k = 0; k < v.length; k++) {
                String s = f[k + 1].trim();
                if (s.isEmpty()) {
                    bad = "missing " + columns[k + 1];
                    break;
                }
                try {
                    v[k] = Double.parseDouble(s);
                } catch (NumberFormatException e) {
                    bad = "unparseable " + columns[k + 1] + " '" + s + "'";
                    break;
                }
            }
            if (bad != null) {
                problems.add(where + bad);
                continue;
            }
            B bar;
            try {
                bar = factory.make(time, v);
            } catch (IllegalArgumentException e) {
                problems.add(where + e.getMessage());
                continue;
            }
            if (previous != null) {
                int c = previous.compareTo(time);
                if (c == 0) {
                    problems.add(where + "duplicate timestamp");
                    continue;
                }
                if (c > 0) {
                    problems.add(where + "timestamp out of order (previous " + previous + ")");
                    continue;
                }
            }
            previous = time;
            bars.add(bar);
        }
        if (!problems.isEmpty()) {
            throw new MarketDataException(csv.toString(), problems);
        }
        if (bars.isEmpty()) {
            throw new MarketDataException(csv.toString(), List.of("no data rows"));
        }
        return List.copyOf(bars);
    }
}
