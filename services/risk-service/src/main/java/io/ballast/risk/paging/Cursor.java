package io.ballast.risk.paging;

import io.ballast.risk.domain.ApiException;
import io.ballast.risk.domain.FieldError;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * The position of a page in a list: the sort key of the last item of the previous page, as an opaque text (URL-safe
 * base64 of the key's parts). A list reads the page after it with a keyset condition on its order ({@link Keyset}),
 * always filtered on the caller's tenant: a cursor made for another tenant's list only positions this tenant's
 * rows and reveals nothing of the other tenant.
 *
 * @param parts the key's parts, in the list's order (text forms: UUIDs, ISO-8601 times and dates, decimal integers)
 */
public record Cursor(List<String> parts) {

    /** The query parameter carrying a cursor. */
    public static final String PARAMETER = "after";

    private static final char SEPARATOR = '\u001f';
    private static final int MAX_LENGTH = 2_000;

    /** A cursor of these key parts (each rendered with {@code toString()}; none may be null). */
    public static Cursor of(Object... parts) {
        return new Cursor(Arrays.stream(parts).map(p -> Objects.requireNonNull(p, "cursor part").toString()).toList());
    }

    /** The opaque text of this cursor. */
    public String encode() {
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString(String.join(String.valueOf(SEPARATOR), parts).getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Reads a cursor of a list whose key has {@code arity} parts.
     *
     * @param text  the {@code after} query parameter, or null for the first page
     * @param arity the number of parts of the list's key
     * @return the cursor, or null for the first page
     * @throws ApiException 400 naming {@code after} when the text is not a cursor of such a list
     */
    public static Cursor decode(String text, int arity) {
        if (text == null) {
            return null;
        }
        try {
            if (text.isEmpty() || text.length() > MAX_LENGTH) {
                throw new IllegalArgumentException("length");
            }
            String joined = new String(Base64.getUrlDecoder().decode(text), StandardCharsets.UTF_8);
            List<String> parts = new ArrayList<>(Arrays.asList(joined.split(String.valueOf(SEPARATOR), -1)));
            if (parts.size() != arity || parts.stream().anyMatch(p -> p.isEmpty() || p.chars()
                    .anyMatch(Character::isISOControl))) {
                throw new IllegalArgumentException("arity");
            }
            return new Cursor(List.copyOf(parts));
        } catch (IllegalArgumentException e) {
            throw bad();
        }
    }

    /** Part {@code i} as text. */
    public String text(int i) {
        return parts.get(i);
    }

    /** Part {@code i} as a UUID; 400 when it is not one. */
    public UUID uuid(int i) {
        try {
            return UUID.fromString(parts.get(i));
        } catch (IllegalArgumentException e) {
            throw bad();
        }
    }

    /** Part {@code i} as a time; 400 when it is not one. */
    public OffsetDateTime time(int i) {
        try {
            return OffsetDateTime.parse(parts.get(i));
        } catch (RuntimeException e) {
            throw bad();
        }
    }

    /** Part {@code i} as a date; 400 when it is not one. */
    public LocalDate date(int i) {
        try {
            return LocalDate.parse(parts.get(i));
        } catch (RuntimeException e) {
            throw bad();
        }
    }

    /** Part {@code i} as an int; 400 when it is not one. */
    public int integer(int i) {
        try {
            return Integer.parseInt(parts.get(i));
        } catch (NumberFormatException e) {
            throw bad();
        }
    }

    /** Part {@code i} as a long; 400 when it is not one. */
    public long longInteger(int i) {
        try {
            return Long.parseLong(parts.get(i));
        } catch (NumberFormatException e) {
            throw bad();
        }
    }

    /** The 400 answer to a text that is not a cursor of the list asked for. */
    public static ApiException bad() {
        return ApiException.badRequest("bad cursor", List.of(FieldError.of(PARAMETER,
                "not a cursor of this list: pass the Next-Cursor of the previous page unchanged")));
    }
}
