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
     * @param call        the call (every status returns: the REST client's default exception mapper is off, and a
     *                    refusal raised as a WebApplicationException is unwrapped)
     * @param missingWhat when not null, a 404 means this endpoint is not deployed yet and is answered as
     *                    {@link ServiceAnswer#notAvailable()} naming it
     * @return the answer
     */
    public ServiceAnswer run(Supplier<Response> call, String missingWhat) {
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
            if (status == 404 && missingWhat != null) {
                return ServiceAnswer.missing(missingWhat);
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

    /** One sentence out of a problem+json body (title, detail, each field error), or the status alone. */
    String describe(int status, String text) {
        StringBuilder out = new StringBuilder();
        try {
            JsonNode problem = json.readTree(text);
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
            out.append("HTTP ").append(status);
            if (!text.isBlank() && text.length() < 300) {
                out.append(": ").append(text.strip());
            }
        }
        return out + " (HTTP " + status + ")";
    }
}
