package io.ballast.risk.rest;

import io.ballast.risk.live.ConsistencyToken;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.PathItem;
import org.eclipse.microprofile.openapi.models.parameters.Parameter;
import org.eclipse.microprofile.openapi.models.media.Schema;
import org.eclipse.microprofile.openapi.models.responses.APIResponse;
import org.eclipse.microprofile.openapi.models.responses.APIResponses;

/**
 * Declares in the OpenAPI document the error answers every {@code /api/v1} operation can give, as the
 * {@link Problem} document ({@code application/problem+json}) that {@link ProblemMappers} writes: 400 (bad input:
 * malformed JSON, a field out of range, an unknown property), 401 (no valid token), 403 (a role the operation does not
 * allow), 404 for operations with a path parameter (an id unknown to the caller's tenant, including another tenant's),
 * and 409 for writes (a state conflict: a version, a vote, a proposal no longer open). An operation's own
 * declarations stay as they are. It also declares the paging headers ({@link Pages#NEXT_CURSOR}, {@code Link}) of
 * every list (a GET whose 200 answer is an array), the {@link ConsistencyToken} header every operation accepts and
 * its successful answers may carry, and the document's licence. Registered through {@code mp.openapi.filter}.
 */
public class ProblemResponses implements OASFilter {

    private static final String SCHEMA = "Problem";
    private static final Map<String, String> ALWAYS = Map.of(
            "400", "Bad input: the body or a parameter is malformed or out of range (field errors listed); "
                    + "nothing changed",
            "401", "No valid bearer token for this API",
            "403", "The token's roles do not allow this operation");

    /** The licence the document declares (no open-source licence: all rights reserved). */
    static final String LICENCE = "Proprietary (all rights reserved)";
    /** Its SPDX identifier (a {@code LicenseRef-}, SPDX's form for a licence outside its list). */
    static final String LICENCE_ID = "LicenseRef-Ballast-Proprietary";

    /** The component naming the consistency token, as request parameter and as answer header. */
    static final String CONSISTENCY = "BallastConsistency";

    /** Adds the problem schema, the error responses, the paging headers of lists, the token and the licence. */
    @Override
    public void filterOpenAPI(OpenAPI openAPI) {
        if (openAPI.getInfo() != null && openAPI.getInfo().getLicense() == null) {
            openAPI.getInfo().setLicense(OASFactory.createLicense().name(LICENCE).identifier(LICENCE_ID));
        }
        if (openAPI.getComponents() == null) {
            openAPI.setComponents(OASFactory.createComponents());
        }
        openAPI.getComponents().addSchema(SCHEMA, problemSchema());
        consistencyComponents(openAPI);
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
                } else {
                    pagingHeaders(responses.getAPIResponse("200"));
                }
                consistency(op, responses);
                op.setResponses(responses);
            });
        });
    }

    /** The headers of a page, on a 200 answer that is a JSON array. */
    private static void pagingHeaders(APIResponse ok) {
        if (ok == null || ok.getContent() == null || ok.getContent().getMediaType("application/json") == null) {
            return;
        }
        Schema schema = ok.getContent().getMediaType("application/json").getSchema();
        if (schema == null || schema.getType() == null || !schema.getType().contains(Schema.SchemaType.ARRAY)) {
            return;
        }
        Schema text = OASFactory.createSchema().type(List.of(Schema.SchemaType.STRING));
        ok.addHeader(Pages.NEXT_CURSOR, OASFactory.createHeader().schema(text).description("the cursor of the next "
                + "page: pass it unchanged as after; absent on the last page"));
        ok.addHeader("Link", OASFactory.createHeader().schema(text).description("<URI of the next page>; "
                + "rel=\"next\" (RFC 8288); absent on the last page"));
    }

    /** The token as a request header parameter and as an answer header, once each in the components. */
    private static void consistencyComponents(OpenAPI openAPI) {
        Schema token = OASFactory.createSchema().type(List.of(Schema.SchemaType.STRING))
                .pattern("^" + ConsistencyToken.FORM_REGEX + "$").examples(List.of("48211.310"));
        openAPI.getComponents().addParameter(CONSISTENCY, OASFactory.createParameter()
                .name(ConsistencyToken.HEADER).in(Parameter.In.HEADER).required(false).schema(token)
                .description("A token an earlier answer gave (`<events>.<parameters>`). A margin, what-if, pre-trade "
                        + "check or summary read that sends it is answered from the hot book without a database "
                        + "round trip once the book holds those changes, and otherwise checked as a read without "
                        + "one; either way the answer includes them. Other operations accept and ignore it. "
                        + "A malformed token is a 400 and changes nothing (docs/api.md section 10)."));
        openAPI.getComponents().addHeader(CONSISTENCY, OASFactory.createHeader().schema(token)
                .description("The changes this answer includes: the outbox rows a write wrote, or the marks a "
                        + "margin, what-if, pre-trade check or summary was computed from. Absent when the answer "
                        + "names none (a replayed write, a ?from=database read)."));
    }

    /** Declares the token on an operation: accepted in the request, possibly present in its successful answers. */
    private static void consistency(Operation op, APIResponses responses) {
        String ref = "#/components/parameters/" + CONSISTENCY;
        if (op.getParameters() == null || op.getParameters().stream().noneMatch(p -> ref.equals(p.getRef()))) {
            op.addParameter(OASFactory.createParameter().ref(ref));
        }
        if (responses.getAPIResponses() == null) {
            return;
        }
        responses.getAPIResponses().forEach((code, r) -> {
            if (code.startsWith("2") && r.getRef() == null
                    && (r.getHeaders() == null || !r.getHeaders().containsKey(ConsistencyToken.HEADER))) {
                r.addHeader(ConsistencyToken.HEADER, OASFactory.createHeader().ref("#/components/headers/"
                        + CONSISTENCY));
            }
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
