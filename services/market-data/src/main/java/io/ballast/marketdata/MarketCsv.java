package io.ballast.marketdata;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.csv.CsvFactory;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The one reader of the shared market-data CSV format ({@code shared/data/market/SOURCES.md}): a header
 * {@code timestamp,open,high,low,close,volume} ({@code date} is accepted for the first column, names are
 * case-insensitive), then one row per bar, the timestamp first: {@code yyyy-MM-dd} for daily bars (the UTC day),
 * {@code yyyy-MM-ddTHH:00:00Z} for hourly bars (the bar open time).
 *
 * <p>Jackson CSV splits the text (quotes, CRLF or LF line ends, spaces around fields); this class checks the header,
 * skips blank lines and turns each row into a {@link Row} of numbers, or into a {@link Problem} naming its line (the
 * header is line 1; blank lines count): a row with the wrong number of fields, a missing timestamp, a missing or
 * non-numeric value. It reads every row and lists every problem, so that a caller can report them all at once.
 *
 * <p>It does not judge the bars: the timestamps stay text ({@link Row#day()}, {@link Row#time()} parse them), and
 * the order of the rows, duplicates and OHLC consistency are the callers' rules (ml-models {@code MarketData}, the
 * risk service's history upload, {@code ./ballast replay}). Numbers are read with {@link Double#parseDouble}, so a
 * written {@code NaN} arrives as NaN for the caller to refuse.
 */
public final class MarketCsv {

    /** The names accepted for the first (time) column. */
    public static final List<String> TIME_COLUMNS = List.of("timestamp", "date");

    private static final List<String> VALUES = List.of("open", "high", "low", "close", "volume");

    private static final CsvFactory CSV = CsvFactory.builder()
            .enable(CsvParser.Feature.TRIM_SPACES)
            .enable(CsvParser.Feature.SKIP_EMPTY_LINES)
            .build();

    private MarketCsv() {
    }

    /** Which columns a file must have. */
    public enum Layout {
        /** Exactly {@code timestamp,open,high,low,close,volume}: the bar files. */
        OHLCV(true, VALUES),
        /** Exactly {@code timestamp,close}: an index such as {@code BTC_DVOL_1d.csv}. */
        CLOSE(true, List.of("close")),
        /**
         * A time column first and a {@code close} column; {@code open}, {@code high}, {@code low} and {@code volume}
         * are read when present, other columns are ignored: a bar file or an index alike.
         */
        ANY_WITH_CLOSE(false, List.of("close"));

        private final boolean exact;
        private final List<String> columns;

        Layout(boolean exact, List<String> columns) {
            this.exact = exact;
            this.columns = columns;
        }

        /**
         * The header this layout asks for, e.g. {@code timestamp,open,high,low,close,volume}.
         *
         * @return the header with {@code timestamp} first (a minimum for {@link #ANY_WITH_CLOSE})
         */
        public String header() {
            return "timestamp," + String.join(",", columns);
        }

        private String expectation() {
            return exact ? "header must be '" + header() + "' ('date' accepted for 'timestamp')"
                    : "header must name timestamp (or date) first and a close column";
        }
    }

    /**
     * One readable row.
     *
     * @param line      line number in the text (the header is line 1)
     * @param text      the row's fields joined by commas (the line as read, without surrounding spaces)
     * @param timestamp the first field, trimmed, never blank
     * @param open      first price of the bar, NaN when the file has no {@code open} column
     * @param high      highest price, NaN when the file has no {@code high} column
     * @param low       lowest price, NaN when the file has no {@code low} column
     * @param close     last price (or the index level)
     * @param volume    traded volume in base-asset units, NaN when the file has no {@code volume} column
     */
    public record Row(int line, String text, String timestamp, double open, double high, double low, double close,
            double volume) {

        /**
         * The timestamp as a daily bar's UTC day.
         *
         * @return the day
         * @throws DateTimeParseException when the timestamp is not {@code yyyy-MM-dd}
         */
        public LocalDate day() {
            return LocalDate.parse(timestamp);
        }

        /**
         * The timestamp as an instant, see {@link MarketCsv#instant(String)}.
         *
         * @return 00:00 UTC of a daily row's day, or an hourly row's instant
         * @throws IllegalArgumentException when the timestamp is neither
         */
        public Instant time() {
            return instant(timestamp);
        }
    }

    /**
     * A line that could not be read as a row.
     *
     * @param line   line number in the text (the header is line 1)
     * @param text   the line's fields joined by commas (empty when the CSV itself could not be split)
     * @param reason what is wrong, e.g. {@code unparseable close 'abc'}
     */
    public record Problem(int line, String text, String reason) {

        /** {@code line N 'text': reason}. */
        @Override
        public String toString() {
            return "line " + line + " '" + text + "': " + reason;
        }
    }

    /**
     * What a text holds.
     *
     * @param header   the column names, lower case, as the file gives them
     * @param rows     the readable rows, in file order
     * @param problems the unreadable lines, in file order
     */
    public record Table(List<String> header, List<Row> rows, List<Problem> problems) {

        /** Copies the lists. */
        public Table {
            header = List.copyOf(header);
            rows = List.copyOf(rows);
            problems = List.copyOf(problems);
        }
    }

    /** The header does not fit the layout (or there is none): nothing of the file can be read. */
    public static final class HeaderException extends IllegalArgumentException {

        private static final long serialVersionUID = 1L;

        private final String found;

        HeaderException(Layout layout, String found) {
            super(layout.expectation() + ", found '" + found + "'");
            this.found = found;
        }

        /**
         * The first line as read.
         *
         * @return its fields joined by commas; empty for an empty text
         */
        public String found() {
            return found;
        }
    }

    /**
     * Reads a UTF-8 file.
     *
     * @param file   the file
     * @param layout the columns it must have
     * @return its rows and problems
     * @throws HeaderException when the header does not fit the layout
     * @throws IOException     when the file cannot be read
     */
    public static Table read(Path file, Layout layout) throws IOException {
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return read(in, layout);
        }
    }

    /**
     * Reads a text held in memory (an uploaded body).
     *
     * @param text   the CSV text; null reads as empty
     * @param layout the columns it must have
     * @return its rows and problems
     * @throws HeaderException when the header does not fit the layout
     */
    public static Table parse(String text, Layout layout) {
        try {
            return read(new StringReader(text == null ? "" : text), layout);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a StringReader does not fail
        }
    }

    /**
     * Reads CSV text.
     *
     * @param in     the text (closed at the end)
     * @param layout the columns it must have
     * @return its rows and problems
     * @throws HeaderException when the header does not fit the layout
     * @throws IOException     when the reader fails
     */
    public static Table read(Reader in, Layout layout) throws IOException {
        List<String> header = new ArrayList<>();
        List<Row> rows = new ArrayList<>();
        List<Problem> problems = new ArrayList<>();
        try (JsonParser parser = CSV.createParser(in)) {
            Fields first;
            try {
                first = next(parser);
            } catch (JsonProcessingException e) {
                throw new HeaderException(layout, "");
            }
            if (first == null) {
                throw new HeaderException(layout, "");
            }
            for (String name : first.fields()) {
                header.add(strip(name).toLowerCase(Locale.ROOT));
            }
            if (!header.isEmpty()) {
                header.set(0, header.get(0).replace("\uFEFF", "")); // a byte-order mark before the first name
            }
            int[] index = columns(header, layout);
            if (index == null) {
                throw new HeaderException(layout, first.text());
            }
            while (true) {
                Fields record;
                try {
                    record = next(parser);
                } catch (JsonProcessingException e) {
                    // broken quoting: the rest of the text cannot be split into fields
                    int line = e.getLocation() == null ? -1 : e.getLocation().getLineNr();
                    problems.add(new Problem(line, "", "unreadable CSV: " + e.getOriginalMessage()));
                    break;
                }
                if (record == null) {
                    break;
                }
                if (record.fields().size() == 1 && record.fields().get(0).isBlank()) {
                    continue; // a line of blanks (tabs) that the parser does not skip itself
                }
                String problem = row(record, header.size(), index, rows);
                if (problem != null) {
                    problems.add(new Problem(record.line(), record.text(), problem));
                }
            }
        }
        return new Table(header, rows, problems);
    }

    /**
     * Parses a timestamp of the format, or an ISO-8601 instant.
     *
     * @param text {@code yyyy-MM-dd} (00:00 UTC of that day) or an instant such as {@code 2020-03-12T10:00:00Z}
     * @return the instant
     * @throws IllegalArgumentException when the text is blank or neither
     */
    public static Instant instant(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("missing timestamp");
        }
        String t = text.strip();
        try {
            return t.length() == 10 ? LocalDate.parse(t).atStartOfDay(ZoneOffset.UTC).toInstant() : Instant.parse(t);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("timestamp '" + t + "' is neither YYYY-MM-DD nor an ISO instant");
        }
    }

    /** Position of each of open, high, low, close, volume in the header (-1: absent), or null if it does not fit. */
    private static int[] columns(List<String> header, Layout layout) {
        if (header.isEmpty() || !TIME_COLUMNS.contains(header.get(0))) {
            return null;
        }
        if (layout.exact && !header.subList(1, header.size()).equals(layout.columns)) {
            return null;
        }
        if (!header.containsAll(layout.columns)) {
            return null;
        }
        int[] index = new int[VALUES.size()];
        for (int k = 0; k < index.length; k++) {
            index[k] = layout.exact && !layout.columns.contains(VALUES.get(k)) ? -1 : header.indexOf(VALUES.get(k));
        }
        return index;
    }

    /** Adds the record as a row, or answers why it cannot be one. */
    private static String row(Fields record, int width, int[] index, List<Row> rows) {
        List<String> f = record.fields();
        if (f.size() != width) {
            return "expected " + width + " columns, found " + f.size();
        }
        String timestamp = strip(f.get(0));
        if (timestamp.isEmpty()) {
            return "missing timestamp";
        }
        double[] v = new double[VALUES.size()];
        Arrays.fill(v, Double.NaN);
        for (int k = 0; k < v.length; k++) {
            if (index[k] < 0) {
                continue;
            }
            String s = strip(f.get(index[k]));
            if (s.isEmpty()) {
                return "missing " + VALUES.get(k);
            }
            try {
                v[k] = Double.parseDouble(s);
            } catch (NumberFormatException e) {
                return "unparseable " + VALUES.get(k) + " '" + s + "'";
            }
        }
        rows.add(new Row(record.line(), record.text(), timestamp, v[0], v[1], v[2], v[3], v[4]));
        return null;
    }

    /** One CSV record: the line it starts on and its fields. */
    private record Fields(int line, List<String> fields) {
        String text() {
            return String.join(",", fields);
        }
    }

    /** The next record, or null at the end of the text. */
    private static Fields next(JsonParser parser) throws IOException {
        JsonToken token = parser.nextToken();
        if (token == null) {
            return null;
        }
        // without a schema, Jackson CSV gives each record as an array of strings
        List<String> fields = new ArrayList<>();
        int line = -1;
        while ((token = parser.nextToken()) == JsonToken.VALUE_STRING) {
            if (line < 0) {
                line = parser.currentTokenLocation().getLineNr();
            }
            fields.add(parser.getText());
        }
        return new Fields(line, fields);
    }

    private static String strip(String s) {
        return s == null ? "" : s.strip();
    }
}
