package io.ballast.margin;

/** Argument checks shared by the compact constructors; each throws {@link MarginInputException} naming the field. */
public final class Checks {

    private Checks() {
    }

    /**
     * Requires a finite number (not NaN, not infinite).
     *
     * @param field field name for the message
     * @param value value to check
     * @return the value
     */
    public static double finite(String field, double value) {
        if (!Double.isFinite(value)) {
            throw new MarginInputException(field, "must be a finite number, was " + value);
        }
        return value;
    }

    /**
     * Requires a finite number &gt; 0.
     *
     * @param field field name for the message
     * @param value value to check
     * @return the value
     */
    public static double positive(String field, double value) {
        if (!(Double.isFinite(value) && value > 0)) {
            throw new MarginInputException(field, "must be a finite number > 0, was " + value);
        }
        return value;
    }

    /**
     * Requires a finite number &gt;= 0.
     *
     * @param field field name for the message
     * @param value value to check
     * @return the value
     */
    public static double nonNegative(String field, double value) {
        if (!(Double.isFinite(value) && value >= 0)) {
            throw new MarginInputException(field, "must be a finite number >= 0, was " + value);
        }
        return value;
    }

    /**
     * Requires a fraction in [0, 1].
     *
     * @param field field name for the message
     * @param value value to check
     * @return the value
     */
    public static double fraction(String field, double value) {
        if (!(Double.isFinite(value) && value >= 0 && value <= 1)) {
            throw new MarginInputException(field, "must be a fraction in [0, 1], was " + value);
        }
        return value;
    }

    /**
     * Requires a non-blank string.
     *
     * @param field field name for the message
     * @param value value to check
     * @return the value
     */
    public static String text(String field, String value) {
        if (value == null || value.isBlank()) {
            throw new MarginInputException(field, "must not be blank");
        }
        return value;
    }

    /**
     * Requires a non-null reference.
     *
     * @param field field name for the message
     * @param value value to check
     * @param <T> type
     * @return the value
     */
    public static <T> T present(String field, T value) {
        if (value == null) {
            throw new MarginInputException(field, "must not be null");
        }
        return value;
    }
}
