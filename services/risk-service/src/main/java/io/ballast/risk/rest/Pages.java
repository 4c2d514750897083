package io.ballast.risk.rest;

import io.ballast.risk.paging.Cursor;
import io.ballast.risk.paging.Page;
import jakarta.ws.rs.core.UriInfo;
import java.util.List;
import org.jboss.resteasy.reactive.RestResponse;

/**
 * The HTTP form of a page of a list: the items as the JSON array of the body, and, when a page follows, its cursor
 * in the {@value #NEXT_CURSOR} header and the URI of the next page in a {@code Link: <...>; rel="next"} header
 * (RFC 8288). The last page carries neither.
 */
public final class Pages {

    /** The header carrying the cursor of the next page (pass it unchanged as {@code after}). */
    public static final String NEXT_CURSOR = "Next-Cursor";

    private Pages() {
    }

    /** The response of a page whose cursor is opaque ({@link Cursor#encode()}). */
    public static <T> RestResponse<List<T>> of(Page<T> page, UriInfo uri) {
        return of(page.items(), page.next() == null ? null : page.next().encode(), uri);
    }

    /** The response of a page whose cursor is the id of its last item (one part, sent as it is). */
    public static <T> RestResponse<List<T>> ofIds(Page<T> page, UriInfo uri) {
        return of(page.items(), page.next() == null ? null : page.next().text(0), uri);
    }

    /**
     * The response of a page.
     *
     * @param items the page's items
     * @param next  the text to pass as {@code after} for the next page, or null on the last page
     * @param uri   the request, whose URI (with {@code after} replaced) is the next page's link
     * @param <T>   the item type
     * @return a 200 with the items and, when a page follows, the two headers
     */
    public static <T> RestResponse<List<T>> of(List<T> items, String next, UriInfo uri) {
        RestResponse.ResponseBuilder<List<T>> b = RestResponse.ResponseBuilder.ok(items);
        if (next != null) {
            b.header(NEXT_CURSOR, next).header("Link", "<" + uri.getRequestUriBuilder()
                    .replaceQueryParam(Cursor.PARAMETER, next).build() + ">; rel=\"next\"");
        }
        return b.build();
    }
}
