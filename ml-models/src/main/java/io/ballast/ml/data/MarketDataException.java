package io.ballast.ml.data;

import java.util.List;

/** Thrown when a market-data CSV is malformed; {@link #problems()} lists every offending row (line number, text, reason). */
public final class MarketDataException extends RuntimeException {

    private static final long serialVersionUID = 1L;
    private static final int SHOWN = 20;

    private final transient List<String> problems;

    /**
     * @param source   file or description of the input
     * @param problems one entry per offending row, e.g. {@code "line 12 '2020-01-01,...': duplicate timestamp"}
     */
    public MarketDataException(String source, List<String> problems) {
        super(message(source, problems));
        this.problems = List.copyOf(problems);
    }

    /** Every offending row, in file order. */
    public List<String> problems() {
        return problems;
    }

    private static String message(String source, List<String> problems) {
        StringBuilder sb = new StringBuilder();
        sb.append(source).append(": ").append(problems.size()).append(" bad row(s)");
        for (int i = 0; i < Math.min(SHOWN, problems.size()); i++) {
            sb.append("\n  ").append(problems.get(i));
        }
        if (problems.size() > SHOWN) {
            sb.append("\n  ... ").append(problems.size() - SHOWN).append(" more");
        }
        return sb.toString();
    }
}
