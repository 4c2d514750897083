package io.ballast.risk.repository;

import io.smallrye.mutiny.Uni;
import java.util.List;
import java.util.function.Function;

/**
 * Multi-row statements (one round trip for many rows) split so that none passes PostgreSQL's limit of 65,535 bind
 * parameters per statement.
 */
public final class MultiRowStatements {

    /** Rows per statement: with up to 8 parameters a row, 8,000 parameters, well below the limit. */
    public static final int ROWS_PER_STATEMENT = 1000;

    private MultiRowStatements() {
    }

    /**
     * Runs one statement per chunk of at most {@code size} rows, one after the other, in the rows' order.
     *
     * @param rows      the rows (none: no statement)
     * @param size      rows per statement, at least 1
     * @param statement writes one chunk, giving the rows written
     * @param <T>       the row type
     * @return the rows written, summed
     */
    public static <T> Uni<Integer> inChunks(List<T> rows, int size, Function<List<T>, Uni<Integer>> statement) {
        if (size < 1) {
            throw new IllegalArgumentException("rows per statement must be at least 1, was " + size);
        }
        if (rows.isEmpty()) {
            return Uni.createFrom().item(0);
        }
        int end = Math.min(size, rows.size());
        return statement.apply(rows.subList(0, end)).flatMap(n -> inChunks(rows.subList(end, rows.size()), size,
                statement).map(m -> n + m));
    }

    /**
     * The {@code VALUES} list of a multi-row statement: per row, each named parameter suffixed with the row's index,
     * for example {@code values(2, "t", "a")} is {@code (:t0, :a0), (:t1, :a1)}.
     *
     * @param rows  number of rows, at least 1
     * @param names parameter names of one row, in column order
     * @return the list, to follow {@code values}
     */
    public static String values(int rows, String... names) {
        if (rows < 1 || names.length == 0) {
            throw new IllegalArgumentException("a VALUES list needs rows and columns, was " + rows + " x "
                    + names.length);
        }
        StringBuilder sql = new StringBuilder();
        for (int i = 0; i < rows; i++) {
            sql.append(i == 0 ? "(" : ", (");
            for (int c = 0; c < names.length; c++) {
                sql.append(c == 0 ? ":" : ", :").append(names[c]).append(i);
            }
            sql.append(')');
        }
        return sql.toString();
    }
}
