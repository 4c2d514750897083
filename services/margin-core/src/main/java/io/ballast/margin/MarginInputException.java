package io.ballast.margin;

/**
 * Invalid input to the margin engine: names the offending field and value so a caller (or an HTTP problem response)
 * can say exactly what was wrong. The engine never returns NaN for bad input; it throws this instead.
 */
public class MarginInputException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    /** Name of the bad field, for example {@code "annualVol"} or {@code "underlying"}. */
    private final String field;

    /**
     * Creates the exception.
     *
     * @param field name of the bad field
     * @param message what is wrong, including the value
     */
    public MarginInputException(String field, String message) {
        super(field + ": " + message);
        this.field = field;
    }

    /**
     * The name of the bad field.
     *
     * @return field name as used in the record components
     */
    public String field() {
        return field;
    }
}
