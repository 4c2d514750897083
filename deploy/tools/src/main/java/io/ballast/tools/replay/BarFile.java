package io.ballast.tools.replay;

import io.ballast.marketdata.MarketCsv;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reads a market data file in the shared format ({@code ../shared/data/market/SOURCES.md}) with the shared reader
 * ({@link MarketCsv}): a header with a time column ({@code timestamp} or {@code date}) first and a {@code close}
 * column ({@code open} read when present, as in the bar files; the DVOL file has only {@code timestamp,close}),
 * timestamps {@code YYYY-MM-DD} (daily, the UTC day) or {@code YYYY-MM-DDTHH:00:00Z} (hourly, the bar open time),
 * rows ascending without duplicates, gaps not filled.
 */
public final class BarFile {

    private BarFile() {
    }

    /**
     * Reads every bar of a file.
     *
     * @param file the CSV file
     * @return the bars, ascending by time
     * @throws IllegalArgumentException naming the line of the first bad row (wrong number of fields, bad time, bad
     *                                  close, rows out of order), or a bad header
     * @throws IOException              when the file cannot be read
     */
    public static List<Bar> read(Path file) throws IOException {
        MarketCsv.Table table;
        try {
            table = MarketCsv.read(file, MarketCsv.Layout.ANY_WITH_CLOSE);
        } catch (MarketCsv.HeaderException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
        MarketCsv.Problem unreadable = table.problems().isEmpty() ? null : table.problems().get(0);
        List<Bar> bars = new ArrayList<>();
        for (MarketCsv.Row row : table.rows()) {
            if (unreadable != null && unreadable.line() < row.line()) {
                break;
            }
            Bar bar;
            try {
                bar = new Bar(row.time(), row.open(), row.close());
            } catch (RuntimeException e) {
                throw bad(file, row.line(), e.getMessage(), e);
            }
            if (!bars.isEmpty() && !bar.time().isAfter(bars.get(bars.size() - 1).time())) {
                throw bad(file, row.line(), bar.time() + " is not after the previous row; rows must ascend without "
                        + "duplicates", null);
            }
            bars.add(bar);
        }
        if (unreadable != null) {
            throw bad(file, unreadable.line(), unreadable.reason(), null);
        }
        return bars;
    }

    private static IllegalArgumentException bad(Path file, int line, String reason, Throwable cause) {
        return new IllegalArgumentException(file + " line " + line + ": " + reason, cause);
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
}
