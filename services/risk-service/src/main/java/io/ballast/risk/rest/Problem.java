package io.ballast.risk.rest;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.ballast.risk.domain.FieldError;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Locale;

/**
 * An RFC 9457 problem document, the body of every error answer ({@code application/problem+json}).
 *
 * @param type     URI naming the problem type, {@code urn:ballast:problem:<slug>}
 * @param title    short summary of the type
 * @param status   HTTP status
 * @param detail   what went wrong in this request
 * @param instance path of the request
 * @param errors   field-level errors (index set for rows of bulk payloads); empty when none
 * @param margin   extension member: the figures behind a margin refusal (e.g. a withdrawal that would leave a pool
 *                 below its initial margin); absent otherwise
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(String type, String title, int status, String detail, String instance,
        List<FieldError> errors, Object margin) {

    /** A problem without extension members. */
    public Problem(String type, String title, int status, String detail, String instance, List<FieldError> errors) {
        this(type, title, status, detail, instance, errors, null);
    }

    /** Media type of problem documents. */
    public static final String MEDIA_TYPE = "application/problem+json";

    /** A problem whose type is derived from the title. */
    public static Problem of(int status, String title, String detail, String instance, List<FieldError> errors) {
        String slug = title.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("(^-|-$)", "");
        return new Problem("urn:ballast:problem:" + slug, title, status, detail, instance,
                errors == null ? List.of() : errors);
    }

    /** The same problem with figures (the {@code margin} extension member); null leaves it absent. */
    public Problem withMargin(Object figures) {
        return new Problem(type, title, status, detail, instance, errors, figures);
    }

    /** This problem as an HTTP response. */
    public Response toResponse() {
        return Response.status(status).type(MediaType.valueOf(MEDIA_TYPE)).entity(this).build();
    }
}
