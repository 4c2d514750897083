package io.ballast.console.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * Turns raw answers of the risk service into {@link ServiceAnswer}s: a 2xx body as JSON, an RFC 9457 problem as
 * one sentence ("Forbidden: the token lacks the role this endpoint needs; field: message"), an unreachable service
 * as "the risk service did not answer".
 */
@ApplicationScoped
public class ServiceCalls {

    private static final Logger LOG = Logger.getLogger(ServiceCalls.class);

    private final ObjectMapper json;

    /**
     * @param json the application's object mapper
     */
    public ServiceCalls(ObjectMapper json) {
        this.json = json;
    }

    /**
     * Runs one REST-client call.
     *
     * @param call the call (every status returns: the REST client's default exception mapper is off, and a refusal
     *             raised as a WebApplicationException is unwrapped)
     * @return the answer; a 404 is the service's problem in words (a missing row and another tenant's row read the
     *     same, "Not Found: proposal ... does not exist (HTTP 404)")
     */
    public ServiceAnswer run(Supplier<Response> call) {
        Response response;
        try {
            response = call.get();
        } catch (WebApplicationException e) {
            response = e.getResponse(); // a refusal mapped to an exception still carries the service's answer
        } catch (ProcessingException e) {
            LOG.warnf("risk service unreachable: %s", e.getMessage());
            return ServiceAnswer.failed(0, "the risk service did not answer (" + e.getMessage() + ")");
        }
        try (Response answer = response) {
            int status = answer.getStatus();
            String text = answer.hasEntity() ? answer.readEntity(String.class) : "";
            if (status >= 200 && status < 300) {
                return ServiceAnswer.of(status, text.isBlank() ? json.createObjectNode() : parse(text));
            }
            return ServiceAnswer.failed(status, describe(status, text));
        }
    }

    private JsonNode parse(String text) {
        try {
            return json.readTree(text);
        } catch (Exception e) {
            return json.getNodeFactory().textNode(text);
        }
    }

    /**
     * @param status HTTP status of a refusal
     * @param text   its body
     * @return one sentence out of a problem+json body (title, detail, each field error), or the status alone
     */
    public String describe(int status, String text) {
        StringBuilder out = new StringBuilder();
        try {
            JsonNode problem = json.readTree(text);
            if (problem == null || !problem.isObject() || !problem.has("title")) {
                throw new IllegalArgumentException("not a problem+json body");
            }
            out.append(problem.path("title").asText("HTTP " + status));
            if (problem.hasNonNull("detail")) {
                out.append(": ").append(problem.get("detail").asText());
            }
            for (JsonNode error : problem.path("errors")) {
                out.append("; ").append(error.path("field").asText("?")).append(": ")
                        .append(error.path("message").asText());
            }
        } catch (Exception notJson) {
            out.setLength(0);
            out.append(status == 404 ? "Not Found: the risk service has no such resource" : "HTTP " + status);
            if (!text.isBlank() && text.length() < 300) {
                out.append(": ").append(text.strip());
            }
        }
        return out + " (HTTP " + status + ")";
    }
}
