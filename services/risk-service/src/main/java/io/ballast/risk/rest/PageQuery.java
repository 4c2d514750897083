package io.ballast.risk.rest;

import io.ballast.risk.domain.ApiException;
import io.ballast.risk.domain.FieldError;
import io.ballast.risk.paging.Cursor;
import io.ballast.risk.paging.Page;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.QueryParam;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;

/**
 * The paging parameters every list endpoint takes ({@code @Valid @BeanParam PageQuery page}): the cursor
 * {@code after} and the page size {@code limit}. A limit outside [1, {@value Page#MAX_LIMIT}] and a text that is not a
 * cursor of the list are 400 problems.
 */
public class PageQuery {

    /** The {@code Next-Cursor} of the previous page, unchanged; absent for the first page. */
    @QueryParam(Cursor.PARAMETER)
    @Parameter(description = "the Next-Cursor header of the previous page, unchanged; absent for the first page")
    public String after;

    /** The page size. */
    @QueryParam("limit")
    @DefaultValue("" + Page.DEFAULT_LIMIT)
    @Min(1)
    @Max(Page.MAX_LIMIT)
    @Parameter(description = "page size, 1 to " + Page.MAX_LIMIT + ", default " + Page.DEFAULT_LIMIT)
    public int limit;

    /** The cursor of a list whose key has {@code arity} parts, or null for the first page (400 when malformed). */
    public Cursor cursor(int arity) {
        checkLimit();
        return Cursor.decode(after, arity);
    }

    /** The bean validation of {@code limit}, repeated: a page of 0 rows has no last row to make a cursor of. */
    private void checkLimit() {
        if (limit < 1 || limit > Page.MAX_LIMIT) {
            throw ApiException.badRequest("bad limit", List.of(FieldError.of("limit",
                    "must be between 1 and " + Page.MAX_LIMIT)));
        }
    }

    /**
     * The cursor of a list that also pages by {@code offset} (kept for older callers); 400 when both are given.
     *
     * @param arity  the number of parts of the list's key
     * @param offset the {@code offset} query parameter (0 when absent)
     * @return the cursor, or null
     */
    public Cursor cursor(int arity, int offset) {
        notWithOffset(offset);
        return cursor(arity);
    }

    /** The page of a list assembled in memory, keyed by text ({@link Page#slice}). */
    public <T> Page<T> slice(List<T> all, Function<T, String> key) {
        return Page.slice(all, key, cursor(1), limit);
    }

    /**
     * The cursor of the lists whose cursor is the id of their last item (accounts, an account's ledger), or null;
     * 400 when it is not a UUID or comes with an {@code offset}.
     */
    public UUID lastId(int offset) {
        checkLimit();
        notWithOffset(offset);
        return after == null ? null : Cursor.of(after).uuid(0);
    }

    private void notWithOffset(int offset) {
        if (after != null && offset != 0) {
            throw ApiException.badRequest("after and offset together", List.of(FieldError.of(Cursor.PARAMETER,
                    "page either with after (a cursor) or with offset, not both")));
        }
    }
}
