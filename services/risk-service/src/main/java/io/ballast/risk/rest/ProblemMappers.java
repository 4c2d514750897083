package io.ballast.risk.rest;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import io.ballast.risk.domain.ApiException;
import io.ballast.risk.domain.FieldError;
import io.ballast.risk.security.KeycloakAdmin.IdentityProviderException;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import io.vertx.pgclient.PgException;
import org.hibernate.JDBCException;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Turns every failure into {@code application/problem+json}; nothing leaks as a bare 500 or an empty body. */
public class ProblemMappers {

    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);

    /** Domain and validation failures raised by services. */
    @ServerExceptionMapper
    public Response api(ApiException e, UriInfo uri) {
        return Problem.of(e.status(), e.title(), e.getMessage(), path(uri), e.errors()).withMargin(e.figures())
                .toResponse();
    }

    /** Bean Validation failures on request bodies and parameters: 400 with one error per field. */
    @ServerExceptionMapper
    public Response validation(ConstraintViolationException e, UriInfo uri) {
        List<FieldError> errors = new ArrayList<>();
        for (ConstraintViolation<?> v : e.getConstraintViolations()) {
            errors.add(FieldError.of(fieldOf(v.getPropertyPath().toString()), v.getMessage()));
        }
        errors.sort((a, b) -> a.field().compareTo(b.field()));
        return Problem.of(400, "Bad Request", "the request failed validation", path(uri), errors).toResponse();
    }

    /** Malformed JSON, NaN/Infinity, wrong types, unknown fields: 400 naming the place. */
    @ServerExceptionMapper
    public Response json(JsonProcessingException e, UriInfo uri) {
        return jsonProblem(e, uri);
    }

    /** Wrong JSON types and unknown fields (takes precedence over the framework's own mapper). */
    @ServerExceptionMapper
    public Response mismatched(MismatchedInputException e, UriInfo uri) {
        return jsonProblem(e, uri);
    }

    private static Response jsonProblem(JsonProcessingException e, UriInfo uri) {
        String field = "$";
        if (e instanceof JsonMappingException m && !m.getPath().isEmpty()) {
            StringBuilder sb = new StringBuilder();
            for (JsonMappingException.Reference r : m.getPath()) {
                if (r.getFieldName() != null) {
                    sb.append(sb.length() == 0 ? "" : ".").append(r.getFieldName());
                } else if (r.getIndex() >= 0) {
                    sb.append('[').append(r.getIndex()).append(']');
                }
            }
            field = sb.toString();
        }
        String detail = e instanceof JsonParseException ? "malformed JSON (NaN and Infinity are not JSON numbers)"
                : "the JSON does not match the expected shape";
        String message = e.getOriginalMessage();
        if (message != null && message.length() > 300) {
            message = message.substring(0, 300) + "...";
        }
        return Problem.of(400, "Bad Request", detail, path(uri), List.of(FieldError.of(field, message)))
                .toResponse();
    }

    /** Keycloak failed during onboarding or rotation (the steps done were undone): 502. */
    @ServerExceptionMapper
    public Response identityProvider(IdentityProviderException e, UriInfo uri) {
        LOG.warnf("identity provider failure: %s", e.getMessage());
        return Problem.of(502, "Identity Provider Failure", e.getMessage(), path(uri), List.of()).toResponse();
    }

    /** Missing, malformed, expired or foreign tokens: 401. */
    @ServerExceptionMapper({AuthenticationFailedException.class, UnauthorizedException.class})
    public Response unauthorized(Exception e, UriInfo uri) {
        return Response.fromResponse(Problem.of(401, "Unauthorized",
                        "a valid bearer token from the ballast realm is required", path(uri), List.of()).toResponse())
                .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer").build();
    }

    /** A valid token without the needed role: 403. */
    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e, UriInfo uri) {
        return Problem.of(403, "Forbidden", "the token lacks the role this endpoint needs", path(uri), List.of())
                .toResponse();
    }

    /** JAX-RS failures (unknown path, wrong method, unsupported media type, bad parameter): their status. */
    @ServerExceptionMapper
    public Response web(WebApplicationException e, UriInfo uri) {
        if (e.getCause() instanceof JsonProcessingException j) {
            return jsonProblem(j, uri);
        }
        int status = e.getResponse() == null ? 500 : e.getResponse().getStatus();
        Throwable bad = e.getCause();
        if (status == 404 && (bad instanceof IllegalArgumentException || bad instanceof java.time.DateTimeException)
                && !uri.getQueryParameters().isEmpty()) {
            // JAX-RS answers a parameter it cannot convert (a malformed date, an unknown enum value) with a 404
            // wrapping the conversion failure. A path segment that is not an id stays a 404 (no such resource); with
            // query parameters present, the resource exists and the request is bad
            return Problem.of(400, "Bad Request", "a query parameter has a malformed value"
                            + (bad instanceof java.time.format.DateTimeParseException dt ? ": '" + dt.getParsedString()
                            + "' is not an ISO-8601 date" : ""), path(uri), List.of()).toResponse();
        }
        Response.Status known = Response.Status.fromStatusCode(status);
        String title = known == null ? "Error" : known.getReasonPhrase();
        return Problem.of(status, title, e.getMessage(), path(uri), List.of()).toResponse();
    }

    /** Everything else, including database errors: constraint violations become 409/422, the rest 500. */
    @ServerExceptionMapper
    public Response other(Throwable e, UriInfo uri) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ApiException api) {
                return api(api, uri);
            }
            if (t instanceof JsonProcessingException j) {
                return jsonProblem(j, uri);
            }
            if (t instanceof org.hibernate.StaleStateException || t instanceof jakarta.persistence.OptimisticLockException) {
                return Problem.of(409, "Conflict", "the resource was changed by a concurrent request; read it again "
                        + "and retry", path(uri), List.of()).toResponse();
            }
            String state = sqlState(t);
            if (state != null) {
                if ("23505".equals(state) || "40001".equals(state) || "40P01".equals(state)) {
                    return Problem.of(409, "Conflict", "the request conflicts with a concurrent or earlier write "
                            + "(for example the same Idempotency-Key in flight); retry to get the stored answer",
                            path(uri), List.of()).toResponse();
                }
                if (state.startsWith("22") || state.startsWith("23")) {
                    return Problem.of(422, "Unprocessable Content", "the data breaks a database rule (SQLSTATE "
                            + state + ")", path(uri), List.of()).toResponse();
                }
            }
        }
        LOG.errorf(e, "unexpected failure on %s", path(uri));
        return Problem.of(500, "Internal Server Error", "unexpected failure; see the service log", path(uri),
                List.of()).toResponse();
    }

    /** The SQLSTATE of a database failure (reactive client or Hibernate wrapper), or null. */
    private static String sqlState(Throwable t) {
        if (t instanceof PgException pg) {
            return pg.getSqlState();
        }
        if (t instanceof JDBCException jdbc) {
            return jdbc.getSQLState();
        }
        if (t instanceof SQLException sql) {
            return sql.getSQLState();
        }
        return null;
    }

    private static String path(UriInfo uri) {
        return uri == null ? null : uri.getPath();
    }

    /** {@code create.body.externalId} becomes {@code externalId}; parameters keep their name. */
    static String fieldOf(String propertyPath) {
        String[] parts = propertyPath.split("\\.");
        if (parts.length >= 3) {
            return String.join(".", java.util.Arrays.copyOfRange(parts, 2, parts.length));
        }
        return parts[parts.length - 1];
    }
}
