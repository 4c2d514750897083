package io.ballast.risk.domain;

import java.util.List;

/**
 * A failure the API reports as an RFC 9457 problem: a status, a short title, a detail and optional field errors.
 * Thrown by services; turned into {@code application/problem+json} at the HTTP edge.
 */
public class ApiException extends RuntimeException {

    private final int status;
    private final String title;
    private final List<FieldError> errors;
    private final Object figures;

    /** A problem with the given HTTP status, title, detail and field errors (may be empty). */
    public ApiException(int status, String title, String detail, List<FieldError> errors) {
        this(status, title, detail, errors, null);
    }

    /**
     * A problem that also carries figures (an RFC 9457 extension member {@code margin}, e.g. the equity and initial
     * margin that refused a withdrawal).
     *
     * @param status  HTTP status
     * @param title   short, stable summary of the problem type
     * @param detail  what went wrong in this request
     * @param errors  field errors, possibly empty
     * @param figures a JSON-serialisable value, or null for none
     */
    public ApiException(int status, String title, String detail, List<FieldError> errors, Object figures) {
        super(detail);
        this.status = status;
        this.title = title;
        this.errors = List.copyOf(errors);
        this.figures = figures;
    }

    /** 404: the thing does not exist for this tenant (a foreign tenant's row is the same as no row). */
    public static ApiException notFound(String what, Object id) {
        return new ApiException(404, "Not Found", what + " " + id + " does not exist", List.of());
    }

    /** 404 for references inside a body (asset symbols, instrument symbols, account ids) that do not exist. */
    public static ApiException unknownReferences(String detail, List<FieldError> errors) {
        return new ApiException(404, "Not Found", detail, errors);
    }

    /** 409: the request conflicts with the current state. */
    public static ApiException conflict(String detail) {
        return new ApiException(409, "Conflict", detail, List.of());
    }

    /** 422: the request is well-formed but breaks a domain rule. */
    public static ApiException unprocessable(String detail, List<FieldError> errors) {
        return new ApiException(422, "Unprocessable Content", detail, errors);
    }

    /** 400: the request is malformed or fails validation. */
    public static ApiException badRequest(String detail, List<FieldError> errors) {
        return new ApiException(400, "Bad Request", detail, errors);
    }

    /** 403: the caller may not do this. */
    public static ApiException forbidden(String detail) {
        return new ApiException(403, "Forbidden", detail, List.of());
    }

    /** HTTP status code. */
    public int status() {
        return status;
    }

    /** Short, stable summary of the problem type. */
    public String title() {
        return title;
    }

    /** Field-level errors, possibly empty. */
    public List<FieldError> errors() {
        return errors;
    }

    /** The figures behind the problem (answered as the problem's {@code margin} member), or null. */
    public Object figures() {
        return figures;
    }
}
