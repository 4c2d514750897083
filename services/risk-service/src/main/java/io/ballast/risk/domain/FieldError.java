package io.ballast.risk.domain;

/**
 * One thing wrong with a request.
 *
 * @param index   row index in a bulk payload (0-based), or null for a plain request
 * @param field   JSON path of the offending field, e.g. {@code quantity} or {@code positions[12].instrument}
 * @param message what is wrong, for a human
 */
public record FieldError(Integer index, String field, String message) {

    /** An error on a plain (non-bulk) field. */
    public static FieldError of(String field, String message) {
        return new FieldError(null, field, message);
    }
}
