package io.ballast.risk.paging;

import java.util.Comparator;
import java.util.List;
import java.util.function.Function;

/**
 * One page of a list and the cursor of the next one.
 *
 * @param items the items of this page, in the list's order
 * @param next  the cursor of the page after it, or null when this page is the last
 * @param <T>   the item type
 */
public record Page<T>(List<T> items, Cursor next) {

    /** The default page size of every list. */
    public static final int DEFAULT_LIMIT = 100;
    /** The largest page size a list answers. */
    public static final int MAX_LIMIT = 1000;

    /**
     * The page of rows read with one row more than asked for ({@code limit + 1}, which tells whether a next page
     * exists without counting).
     *
     * @param rows  at most {@code limit + 1} rows in the list's order
     * @param limit the page size
     * @param key   the sort key of a row, as the parts of a cursor
     * @param <T>   the row type
     * @return the first {@code limit} rows and, when there were more, the cursor of the last of them
     */
    public static <T> Page<T> of(List<T> rows, int limit, Function<T, Cursor> key) {
        if (rows.size() <= limit) {
            return new Page<>(rows, null);
        }
        List<T> items = List.copyOf(rows.subList(0, limit));
        return new Page<>(items, key.apply(items.get(limit - 1)));
    }

    /**
     * The page of a list assembled in memory from several tables (a list bounded by the tenant's assets or
     * instruments, such as an account's balances or the oracles): the items after the cursor, in the order of their
     * text key.
     *
     * @param all   every item of the list
     * @param key   the item's key, distinct per item; the list runs in its {@link String#compareTo} order
     * @param after the cursor of the previous page (one part: the last key), or null
     * @param limit the page size
     * @param <T>   the item type
     * @return the page
     */
    public static <T> Page<T> slice(List<T> all, Function<T, String> key, Cursor after, int limit) {
        String from = after == null ? null : after.text(0);
        List<T> rows = all.stream().filter(x -> from == null || key.apply(x).compareTo(from) > 0)
                .sorted(Comparator.comparing(key)).limit(limit + 1L).toList();
        return of(rows, limit, x -> Cursor.of(key.apply(x)));
    }

    /** This page's items converted (the cursor stays). */
    public <R> Page<R> map(Function<T, R> f) {
        return new Page<>(items.stream().map(f).toList(), next);
    }
}
