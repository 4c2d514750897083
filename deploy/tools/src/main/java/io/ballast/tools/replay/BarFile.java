package io.ballast.tools.replay;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads a market data file in the shared format ({@code ../shared/data/market/SOURCES.md}): a header
 * {@code timestamp,open,high,low,close,volume} (only {@code timestamp} and {@code close} are required, as in the DVOL
 * file), timestamps {@code YYYY-MM-DD} (daily, the UTC day) or {@code YYYY-MM-DDTHH:00:00Z} (hourly, the bar open
 * time), rows ascending without duplicates, gaps not filled.
 */
public final class BarFile {

    private BarFile() {
    }

    /**
     * Reads every bar of a file.
     *
     * @param file the CSV file
     * @return the bars, ascending by time
     * @throws IllegalArgumentException naming the line of the first bad row (bad time, bad close, rows out of order)
     */
    public static List<Bar> read(Path file) throws IOException {
        CsvMapper mapper = new CsvMapper();
        CsvSchema schema = CsvSchema.emptySchema().withHeader();
        List<Bar> bars = new ArrayList<>();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8);
                MappingIterator<Map<String, String>> rows = mapper.readerForMapOf(String.class).with(schema)
                        .readValues(in)) {
            int line = 1;
            while (rows.hasNext()) {
                line++;
                Map<String, String> row = rows.next();
                if (line == 2 && (!row.containsKey("timestamp") || !row.containsKey("close"))) {
                    throw new IllegalArgumentException(file + ": header must name timestamp and close, got "
                            + row.keySet());
                }
                Bar bar;
                try {
                    bar = new Bar(time(row.get("timestamp")), number(row.get("open")), number(row.get("close")));
                } catch (RuntimeException e) {
                    throw new IllegalArgumentException(file + " line " + line + ": " + e.getMessage(), e);
                }
                if (!bars.isEmpty() && !bar.time().isAfter(bars.get(bars.size() - 1).time())) {
                    throw new IllegalArgumentException(file + " line " + line + ": " + bar.time()
                            + " is not after the previous row; rows must ascend without duplicates");
                }
                bars.add(bar);
            }
        }
        return bars;
    }

    /**
     * The underlying a file is about, from its name: {@code BTC_1h.csv} is BTC.
     *
     * @param file the file
     * @return the part of the file name before the first underscore or dot, upper case
     */
    public static String underlyingOf(Path file) {
        String name = file.getFileName().toString();
        int end = name.length();
        for (char c : new char[] {'_', '.', '-'}) {
            int i = name.indexOf(c);
            if (i > 0) {
                end = Math.min(end, i);
            }
        }
        return name.substring(0, end).toUpperCase(Locale.ROOT);
    }

    /**
     * Parses a timestamp of the shared format, or an ISO instant.
     *
     * @param text {@code YYYY-MM-DD} (00:00 UTC of that day) or an ISO-8601 instant
     * @return the instant
     */
    public static Instant time(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("missing timestamp");
        }
        String t = text.trim();
        try {
            return t.length() == 10 ? LocalDate.parse(t).atStartOfDay(ZoneOffset.UTC).toInstant() : Instant.parse(t);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("timestamp '" + t + "' is neither YYYY-MM-DD nor an ISO instant");
        }
    }

    private static double number(String text) {
        if (text == null || text.isBlank()) {
            return Double.NaN;
        }
        try {
            return Double.parseDouble(text.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is not a number");
        }
    }
}
