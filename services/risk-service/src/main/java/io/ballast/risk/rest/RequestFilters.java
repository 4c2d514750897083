package io.ballast.risk.rest;

import io.ballast.risk.config.BallastConfig;
import io.ballast.risk.live.ConsistencyToken;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.lang.annotation.Annotation;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;
import org.jboss.logging.MDC;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

/**
 * Request-scoped plumbing: a request id in the logging context (MDC, which Quarkus keeps per Vert.x request context)
 * and in the {@code X-Request-Id} response header; the {@code Ballast-Consistency} token in and out
 * ({@link ConsistencyToken}); and the body size limit, answered with a 413 problem.
 */
public class RequestFilters {

    /** Header carrying the request id in and out. */
    public static final String REQUEST_ID = "X-Request-Id";
    private static final String PROPERTY = "ballast.requestId";
    private static final Pattern SAFE_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    private final long maxBodyBytes;

    /** Wires the limit. */
    public RequestFilters(BallastConfig config) {
        this.maxBodyBytes = config.api().maxBodyBytes();
    }

    /** Sets the request id and refuses declared oversize bodies before they are read. */
    @ServerRequestFilter(preMatching = true)
    public Response before(ContainerRequestContext ctx) {
        String given = ctx.getHeaderString(REQUEST_ID);
        String id = given != null && SAFE_ID.matcher(given).matches() ? given : UUID.randomUUID().toString();
        ctx.setProperty(PROPERTY, id);
        MDC.put("requestId", id);
        MDC.remove("tenantId");
        String token = ctx.getHeaderString(ConsistencyToken.HEADER);
        if (token != null) {
            try {
                ConsistencyToken.request(ConsistencyToken.parse(token));
            } catch (IllegalArgumentException e) {
                return Problem.of(400, "Bad Request", "the " + ConsistencyToken.HEADER + " header must be a token "
                        + "an answer of this API gave (two whole numbers, as 1234.56)", ctx.getUriInfo().getPath(),
                        List.of()).toResponse();
            }
        }
        String length = ctx.getHeaderString(HttpHeaders.CONTENT_LENGTH);
        if (length != null) {
            try {
                if (Long.parseLong(length.trim()) > maxBodyBytes) {
                    return Problem.of(413, "Content Too Large", "the request body exceeds " + maxBodyBytes
                            + " bytes", ctx.getUriInfo().getPath(), List.of()).toResponse();
                }
            } catch (NumberFormatException e) {
                return Problem.of(400, "Bad Request", "invalid Content-Length", ctx.getUriInfo().getPath(),
                        List.of()).toResponse();
            }
        }
        return null;
    }

    /**
     * Echoes the request id, and turns any error answer that is not yet a problem document (for example the
     * framework's own 400 for an unreadable body, 405 or 415) into one.
     */
    @ServerResponseFilter
    public void after(ContainerRequestContext request, ContainerResponseContext response) {
        Object id = request.getProperty(PROPERTY);
        if (id != null) {
            response.getHeaders().putSingle(REQUEST_ID, id.toString());
        }
        int status = response.getStatus();
        ConsistencyToken reflected = status < 300 ? ConsistencyToken.reflected() : null;
        if (reflected != null) {
            response.getHeaders().putSingle(ConsistencyToken.HEADER, reflected.toString());
        }
        MediaType type = response.getMediaType();
        boolean problem = type != null && Problem.MEDIA_TYPE.equals(type.getType() + "/" + type.getSubtype());
        if (status >= 400 && !problem) {
            Response.Status known = Response.Status.fromStatusCode(status);
            String title = known == null ? "Error" : known.getReasonPhrase();
            String detail = status == 400 ? "the request body is not readable JSON of the expected shape" : title;
            response.setEntity(Problem.of(status, title, detail, request.getUriInfo().getPath(), List.of()),
                    new Annotation[0], MediaType.valueOf(Problem.MEDIA_TYPE));
        }
    }
}
