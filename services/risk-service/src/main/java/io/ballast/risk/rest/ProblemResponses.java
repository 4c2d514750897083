package io.ballast.risk.rest;

import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.PathItem;
import org.eclipse.microprofile.openapi.models.media.Schema;
import org.eclipse.microprofile.openapi.models.responses.APIResponse;
import org.eclipse.microprofile.openapi.models.responses.APIResponses;

/**
 * Declares in the OpenAPI document the error answers every {@code /api/v1} operation can give, as the
 * {@link Problem} document ({@code application/problem+json}) that {@link ProblemMappers} writes: 400 (bad input:
 * malformed JSON, a field out of range, an unknown property), 401 (no valid token), 403 (a role the operation does not
 * allow), 404 for operations with a path parameter (an id unknown to the caller's tenant, including another tenant's),
 * and 409 for writes (a state conflict: a version, a vote, a proposal no longer open). An operation's own
 * declarations stay as they are. Registered through {@code mp.openapi.filter}.
 */
public class ProblemResponses implements OASFilter {

    private static final String SCHEMA = "Problem";
    private static final Map<String, String> ALWAYS = Map.of(
            "400", "Bad input: the body or a parameter is malformed or out of range (field errors listed); "
                    + "nothing changed",
            "401", "No valid bearer token for this API",
            "403", "The token's roles do not allow this operation");

    /** Adds the problem schema and the error responses. */
    @Override
    public void filterOpenAPI(OpenAPI openAPI) {
        if (openAPI.getComponents() == null) {
            openAPI.setComponents(OASFactory.createComponents());
        }
        openAPI.getComponents().addSchema(SCHEMA, problemSchema());
        if (openAPI.getPaths() == null || openAPI.getPaths().getPathItems() == null) {
            return;
        }
        openAPI.getPaths().getPathItems().forEach((path, item) -> {
            if (!path.startsWith("/api/v1")) {
                return;
            }
            boolean hasId = path.contains("{");
            item.getOperations().forEach((method, op) -> {
                APIResponses responses = op.getResponses() == null ? OASFactory.createAPIResponses()
                        : op.getResponses();
                ALWAYS.forEach((code, text) -> add(responses, code, text));
                if (hasId) {
                    add(responses, "404", "Unknown id in the caller's tenant (another tenant's id included)");
                }
                if (method != PathItem.HttpMethod.GET) {
                    add(responses, "409", "Conflict with the current state; nothing changed");
                }
                op.setResponses(responses);
            });
        });
    }

    private static void add(APIResponses responses, String code, String description) {
        if (responses.hasAPIResponse(code)) {
            return;
        }
        APIResponse r = OASFactory.createAPIResponse().description(description)
                .content(OASFactory.createContent().addMediaType(Problem.MEDIA_TYPE, OASFactory.createMediaType()
                        .schema(OASFactory.createSchema().ref(SCHEMA))));
        responses.addAPIResponse(code, r);
    }

    private static Schema problemSchema() {
        return OASFactory.createSchema().type(List.of(Schema.SchemaType.OBJECT))
                .description("RFC 9457 problem document")
                .addProperty("type", string("urn:ballast:problem:<slug>"))
                .addProperty("title", string("short summary of the problem type"))
                .addProperty("status", OASFactory.createSchema().type(List.of(Schema.SchemaType.INTEGER)))
                .addProperty("detail", string("what went wrong in this request"))
                .addProperty("instance", string("path of the request"))
                .addProperty("errors", OASFactory.createSchema().type(List.of(Schema.SchemaType.ARRAY))
                        .items(OASFactory.createSchema().type(List.of(Schema.SchemaType.OBJECT))
                                .description("a field error: field, message, and index for rows of bulk payloads")))
                .addProperty("margin", OASFactory.createSchema().type(List.of(Schema.SchemaType.OBJECT))
                        .description("only on 409 Insufficient Margin (a withdrawal or transfer that would leave a "
                                + "pool below its initial margin): pool, asset, amount, equityUsd, equityAfterUsd, "
                                + "initialMarginAfterUsd, maintenanceMarginAfterUsd, maxWithdrawable (asset units), "
                                + "maxWithdrawableUsd"))
                .required(List.of("type", "title", "status"));
    }

    private static Schema string(String description) {
        return OASFactory.createSchema().type(List.of(Schema.SchemaType.STRING)).description(description);
    }
}
