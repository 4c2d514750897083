package io.ballast.risk.paging;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import java.util.ArrayList;
import java.util.List;

/**
 * The keyset ("seek") condition of a page: the rows after the cursor in the list's order, so that an index on the
 * tenant and the order's columns answers any page, however deep, by a seek.
 */
public final class Keyset {

    private Keyset() {
    }

    /**
     * Appends {@code and (c1 > ?a or (c1 = ?a and c2 > ?b) ...)} (or {@code <} for a descending order) and the
     * order clause to an HQL or SQL query with numbered parameters.
     *
     * @param query      the query so far (its conditions); the condition and the {@code order by} are appended
     * @param args       the query's arguments so far; the cursor's values are appended
     * @param columns    the order's columns (HQL attribute or SQL column names), the last one unique
     * @param values     the cursor's values for these columns, or null for the first page
     * @param descending whether the list runs from the largest key down
     * @param sqlStyle   {@code $n} parameters (reactive SQL client) rather than {@code ?n} (HQL)
     */
    public static void after(StringBuilder query, List<Object> args, List<String> columns, List<?> values,
            boolean descending, boolean sqlStyle) {
        String marker = sqlStyle ? "$" : "?";
        if (values != null) {
            int first = args.size() + 1;
            args.addAll(values);
            query.append(" and (");
            for (int i = 0; i < columns.size(); i++) {
                if (i > 0) {
                    query.append(" or ");
                }
                query.append('(');
                for (int j = 0; j < i; j++) {
                    query.append(columns.get(j)).append(" = ").append(marker).append(first + j).append(" and ");
                }
                query.append(columns.get(i)).append(descending ? " < " : " > ").append(marker).append(first + i)
                        .append(')');
            }
            query.append(')');
        }
        query.append(" order by ");
        for (int i = 0; i < columns.size(); i++) {
            query.append(i > 0 ? ", " : "").append(columns.get(i)).append(descending ? " desc" : "");
        }
    }

    /**
     * One page of a Panache entity list: {@code limit + 1} rows after the cursor (see {@link Page#of}).
     *
     * @param repository the entity's repository (its methods bind the tenant's transaction)
     * @param where      the list's HQL conditions, including {@code tenantId = ?1}
     * @param args       their arguments
     * @param columns    the order's attributes, the last one unique within the list
     * @param values     the cursor's values for them, or null for the first page
     * @param descending whether the list runs from the largest key down
     * @param limit      the page size
     * @param <E>        the entity
     * @return up to {@code limit + 1} rows in the list's order
     */
    public static <E> Uni<List<E>> find(PanacheRepositoryBase<E, ?> repository, String where, List<Object> args,
            List<String> columns, List<?> values, boolean descending, int limit) {
        StringBuilder q = new StringBuilder(where);
        List<Object> all = new ArrayList<>(args);
        after(q, all, columns, values, descending, false);
        return repository.find(q.toString(), all.toArray()).range(0, limit).list();
    }
}
