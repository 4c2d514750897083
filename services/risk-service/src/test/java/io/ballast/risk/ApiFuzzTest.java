package io.ballast.risk;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ballast.devstack.PostgresServer;
import io.ballast.risk.support.BallastServersResource;
import io.ballast.risk.support.TestTenants;
import io.ballast.risk.support.TestTenants.Tenant;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import org.assertj.core.api.SoftAssertions;
import org.jboss.logging.Logger;
import org.junit.jupiter.api.Test;

/**
 * An API fuzzer driven by the service's own OpenAPI document ({@code /q/openapi}): for every operation it sends
 * generated bad input (wrong types, extreme numbers, deep nesting, huge strings, unknown fields, bad encodings, bad
 * path and query parameters, other tenants' ids) with the valid tokens of two tenants, and checks that every answer is
 * 2xx or a 4xx problem+json document (never a 5xx), that a rejected request wrote nothing (row counts of the tenant's
 * tables before and after), and that no answer holds an id of the other tenant.
 *
 * <p>Bounded: the generated requests of every operation (and caller) are sent in rounds, one request of each
 * operation per round, so every operation is always covered alike. Every operation gets at least
 * {@link #MIN_ROUNDS} requests (path, query and body variants first); after that no new round starts once
 * {@link #MAX_REQUESTS} requests were sent or {@link #BUDGET} has passed. The budget and what it left unsent are
 * logged.
 */
@QuarkusTest
@QuarkusTestResource(BallastServersResource.class)
class ApiFuzzTest {

    private static final Logger LOG = Logger.getLogger(ApiFuzzTest.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    /** Tables written in the background (live loop, jobs, price feed, outbox relay): not compared. */
    private static final Set<String> BACKGROUND = Set.of("account_margin_state", "outbox_event",
            "recommendation_run", "margin_recommendation", "vol_forecast", "forecast_model", "oracle_source_tick");
    /** Requests after which no new round starts ({@code -Dballast.fuzz.max-requests}). */
    static final int MAX_REQUESTS = Integer.getInteger("ballast.fuzz.max-requests", 2_500);
    /** Time after which no new round starts ({@code -Dballast.fuzz.seconds}). */
    static final Duration BUDGET = Duration.ofSeconds(Long.getLong("ballast.fuzz.seconds", 60));
    /** Rounds every operation gets whatever the budget: a path, query and body variant each, and more. */
    static final int MIN_ROUNDS = 6;
    private static final String HUGE = "x".repeat(200_000);
    private static final String DEEP = "[".repeat(50_000) + "]".repeat(50_000);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final Random random = new Random(11);
    /** The owner's connection (row-level security does not apply to it) used to count rows. */
    private Connection owner;
    /** Tables with a tenant_id column, less those written in the background. */
    private List<String> tables;

    /** A fuzzing principal: its tenant, token, the ids it owns and the other tenant's ids it must never see. */
    private record Caller(String name, Tenant tenant, String token, Map<String, String> own, Set<String> foreign) {
    }

    @Test
    void everyOperationAnswersBadInputWithoutA5xxWritesNothingWhenRejectedAndShowsNoOtherTenant() throws Exception {
        Tenant a = TestTenants.onboard("fuzz-a");
        Tenant b = TestTenants.onboard("fuzz-b");
        Map<String, String> idsA = seed(a);
        Map<String, String> idsB = seed(b);
        Set<String> foreignToA = Set.copyOf(idsB.values());
        Set<String> foreignToB = Set.copyOf(idsA.values());
        // the tenant-admin of one tenant and the integrator of the other: between them every tenant role's
        // endpoints, and each checked for the other's ids
        List<Caller> callers = List.of(
                new Caller("a-admin", a, TestTenants.token(a.adminId(), a.adminSecret()), idsA, foreignToA),
                new Caller("b-integrator", b, TestTenants.token(b.integratorId(), b.integratorSecret()), idsB,
                        foreignToB));
        PostgresServer pg = BallastServersResource.servers().postgres();
        owner = DriverManager.getConnection(pg.jdbcUrl(), pg.ownerUser(), pg.ownerPassword());
        tables = tenantTables(owner);

        JsonNode doc = JSON.readTree(get("/q/openapi?format=json"));
        SoftAssertions soft = new SoftAssertions();
        List<List<Attempt>> queues = new ArrayList<>();
        List<Caller> queueCallers = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> paths = doc.path("paths").fields(); paths.hasNext();) {
            Map.Entry<String, JsonNode> path = paths.next();
            if (!path.getKey().startsWith("/api/")) {
                continue;
            }
            for (Iterator<Map.Entry<String, JsonNode>> ops = path.getValue().fields(); ops.hasNext();) {
                Map.Entry<String, JsonNode> op = ops.next();
                String method = op.getKey().toUpperCase(java.util.Locale.ROOT);
                if (!Set.of("GET", "POST", "PUT", "PATCH", "DELETE").contains(method)) {
                    continue;
                }
                for (Caller caller : callers) {
                    queues.add(attempts(doc, path.getKey(), method, op.getValue(), caller));
                    queueCallers.add(caller);
                }
            }
        }
        int generated = queues.stream().mapToInt(List::size).sum();
        long start = System.nanoTime();
        int sent = 0;
        int rounds = 0;
        int longest = queues.stream().mapToInt(List::size).max().orElse(0);
        while (rounds < longest && (rounds < MIN_ROUNDS || sent < MAX_REQUESTS
                && Duration.ofNanos(System.nanoTime() - start).compareTo(BUDGET) < 0)) {
            for (int q = 0; q < queues.size(); q++) {
                if (rounds < queues.get(q).size()) {
                    check(soft, queueCallers.get(q), queues.get(q).get(rounds));
                    sent++;
                }
            }
            rounds++;
        }
        owner.close();
        int covered = rounds;
        LOG.infof("API fuzzer: %d of %d generated requests sent in %d rounds over %d operation-caller pairs in %d s "
                        + "(budget: at least %d rounds, then until %d requests or %d s); every operation got at least "
                        + "%d (or all it had)", sent, generated, rounds, queues.size(),
                Duration.ofNanos(System.nanoTime() - start).toSeconds(), MIN_ROUNDS, MAX_REQUESTS,
                BUDGET.toSeconds(), queues.stream().mapToInt(l -> Math.min(l.size(), covered)).min().orElse(0));
        soft.assertThat(queues).as("operation-caller pairs from /q/openapi").hasSizeGreaterThan(100);
        for (List<Attempt> queue : queues) {
            soft.assertThat(Math.min(queue.size(), covered)).as("requests of %s %s", queue.get(0).method(),
                    queue.get(0).uri()).isGreaterThanOrEqualTo(Math.min(queue.size(), MIN_ROUNDS));
        }
        soft.assertAll();
    }

    /** Reference data and an account for a tenant; its ids by name. */
    private static Map<String, String> seed(Tenant t) {
        Map<String, String> ids = new LinkedHashMap<>();
        ids.put("tenant", t.id());
        ids.put("asset", TestTenants.asset(t, "USDT"));
        ids.put("btc", TestTenants.asset(t, "BTC"));
        ids.put("instrument", TestTenants.perpetual(t, "BTC-PERP", "BTC", "USDT"));
        ids.put("account", TestTenants.account(t, "0xFUZZ"));
        t.asIntegrator().body(Map.of("asset", "USDT", "amount", "100", "externalRef", TestTenants.ref()))
                .post("/api/v1/accounts/" + ids.get("account") + "/deposits").then().statusCode(201);
        return ids;
    }

    /** One request to send. */
    private record Attempt(String method, String uri, String contentType, byte[] body, String what) {
    }

    /**
     * The generated requests of one operation for one caller, interleaved by kind (a path variant, a query variant,
     * a body variant, the next path variant, ...) so that the first rounds cover every kind.
     */
    private List<Attempt> attempts(JsonNode doc, String template, String method, JsonNode op, Caller caller) {
        List<Attempt> paths = new ArrayList<>();
        List<Attempt> queries = new ArrayList<>();
        List<Attempt> bodies = bodyAttempts(doc, template, method, op, caller, paths, queries);
        List<Attempt> out = new ArrayList<>();
        for (int i = 0; i < Math.max(paths.size(), Math.max(queries.size(), bodies.size())); i++) {
            for (List<Attempt> kind : List.of(paths, queries, bodies)) {
                if (i < kind.size()) {
                    out.add(kind.get(i));
                }
            }
        }
        return out;
    }

    /** Fills the path and query variants and returns the body variants (none for a GET or DELETE). */
    private List<Attempt> bodyAttempts(JsonNode doc, String template, String method, JsonNode op, Caller caller,
            List<Attempt> paths, List<Attempt> queries) {
        List<Attempt> out = new ArrayList<>();
        String own = caller.own().get("account");
        String foreign = caller.foreign().stream().sorted().findFirst().orElseThrow();
        List<String> pathValues = List.of(own, UUID.randomUUID().toString(), foreign, "not-a-uuid", "%00",
                HUGE.substring(0, 3000));
        JsonNode schema = requestSchema(doc, op);
        // path parameters (the body valid-ish)
        byte[] base = schema == null ? null : bytes(example(doc, schema, 0));
        for (String value : pathValues) {
            paths.add(new Attempt(method, fill(template, value, caller), base == null ? null : "application/json",
                    base, "path " + abbreviate(value)));
        }
        // query parameters of the operation, with bad values
        String uri = fill(template, own, caller);
        for (JsonNode p : op.path("parameters")) {
            if ("query".equals(p.path("in").asText())) {
                for (String bad : List.of("abc", "-1", "99999999999999999999999", "2020-13-45T99:99:99Z",
                        "%FF%FE")) {
                    queries.add(new Attempt(method, uri + "?" + p.path("name").asText() + "=" + enc(bad),
                            base == null ? null : "application/json", base, "query " + p.path("name").asText()));
                }
            }
        }
        if (!Set.of("POST", "PUT", "PATCH").contains(method)) {
            return out;
        }
        // bodies
        ObjectNode valid = schema == null ? NODES.objectNode() : asObject(example(doc, schema, 0));
        List<byte[]> bodies = new ArrayList<>();
        for (Iterator<String> names = valid.fieldNames(); names.hasNext();) {
            String name = names.next();
            ObjectNode nested = NODES.objectNode();
            nested.set("x", NODES.arrayNode().add(1));
            for (JsonNode bad : List.<JsonNode>of(nested, NODES.textNode("abc"),
                    NODES.numberNode(new java.math.BigDecimal("1e400")), NODES.numberNode(-1e308),
                    NODES.numberNode(new java.math.BigDecimal(
                            "123456789012345678901234567890.123456789012345678901234567890")),
                    NODES.textNode(HUGE), NODES.booleanNode(true), NODES.nullNode())) {
                ObjectNode copy = valid.deepCopy();
                copy.set(name, bad);
                bodies.add(bytes(copy));
            }
        }
        ObjectNode unknown = valid.deepCopy();
        unknown.put("unknownField", "x");
        unknown.set("__proto__", NODES.objectNode().put("admin", true));
        bodies.add(bytes(unknown));
        bodies.add(DEEP.getBytes(StandardCharsets.UTF_8));
        bodies.add(("{\"a\":" + "{\"a\":".repeat(5000) + "1" + "}".repeat(5001)).getBytes(StandardCharsets.UTF_8));
        bodies.add(new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'});
        bodies.add(new byte[] {(byte) 0xFE, (byte) 0xFF, 0, '{', 0, '}'});
        bodies.add("{\"truncated\": ".getBytes(StandardCharsets.UTF_8));
        bodies.add(new byte[0]);
        bodies.add("null".getBytes(StandardCharsets.UTF_8));
        bodies.add("[]".getBytes(StandardCharsets.UTF_8));
        bodies.add("\"just a string\"".getBytes(StandardCharsets.UTF_8));
        bodies.add("1e99999".getBytes(StandardCharsets.UTF_8));
        List<byte[]> picked = new ArrayList<>(bodies);
        java.util.Collections.shuffle(picked, random);
        for (byte[] body : picked.subList(0, Math.min(picked.size(), 14))) {
            out.add(new Attempt(method, uri, "application/json", body, "body " + abbreviate(
                    new String(body, 0, Math.min(body.length, 80), StandardCharsets.UTF_8))));
        }
        out.add(new Attempt(method, uri, "text/plain", bytes(valid), "content type text/plain"));
        out.add(new Attempt(method, uri, "application/json; charset=ISO-8859-1",
                "{\"asset\":\"\u00e9\u00e8\"}".getBytes(StandardCharsets.ISO_8859_1), "latin-1 body"));
        return out;
    }

    private void check(SoftAssertions soft, Caller caller, Attempt attempt) throws Exception {
        boolean write = !attempt.method().equals("GET");
        Map<String, Long> before = write ? counts(caller.tenant()) : Map.of();
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base() + attempt.uri()))
                .timeout(Duration.ofSeconds(60)).header("Authorization", "Bearer " + caller.token());
        if (attempt.contentType() != null) {
            request.header("Content-Type", attempt.contentType());
        }
        request.method(attempt.method(), attempt.body() == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofByteArray(attempt.body()));
        HttpResponse<String> r;
        try {
            r = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IllegalArgumentException e) {
            return; // a URI the client itself refuses to send
        }
        String where = caller.name() + " " + attempt.method() + " " + abbreviate(attempt.uri()) + " ("
                + attempt.what() + ") -> " + r.statusCode() + " " + abbreviate(r.body());
        soft.assertThat(r.statusCode()).as(where).isLessThan(500);
        if (r.statusCode() >= 400) {
            soft.assertThat(r.headers().firstValue("Content-Type").orElse("")).as(where)
                    .startsWith("application/problem+json");
            if (write) {
                soft.assertThat(counts(caller.tenant())).as("rows after a rejected " + where).isEqualTo(before);
            }
        }
        String sentText = attempt.uri() + (attempt.body() == null ? ""
                : new String(attempt.body(), StandardCharsets.UTF_8));
        for (String id : caller.foreign()) {
            if (!sentText.contains(id)) { // an id the request itself carried may be echoed (instance, detail)
                soft.assertThat(r.body()).as(where).doesNotContain(id);
            }
        }
    }

    // ---- the OpenAPI document ----

    private static JsonNode requestSchema(JsonNode doc, JsonNode op) {
        JsonNode content = op.path("requestBody").path("content");
        JsonNode schema = content.path("application/json").path("schema");
        return schema.isMissingNode() ? null : resolve(doc, schema);
    }

    private static JsonNode resolve(JsonNode doc, JsonNode schema) {
        String ref = schema.path("$ref").asText(null);
        if (ref == null) {
            return schema;
        }
        return doc.path("components").path("schemas").path(ref.substring(ref.lastIndexOf('/') + 1));
    }

    /** A plausible instance of a schema (enum's first value, small numbers, short strings). */
    private static JsonNode example(JsonNode doc, JsonNode schema, int depth) {
        JsonNode s = resolve(doc, schema);
        if (s.has("allOf")) {
            return example(doc, s.path("allOf").get(0), depth);
        }
        if (s.has("enum")) {
            return s.path("enum").get(0);
        }
        String type = s.path("type").asText(s.has("properties") ? "object" : "string");
        switch (type) {
            case "object": {
                ObjectNode o = NODES.objectNode();
                if (depth < 4) {
                    s.path("properties").fields().forEachRemaining(p -> o.set(p.getKey(),
                            example(doc, p.getValue(), depth + 1)));
                }
                return o;
            }
            case "array": {
                ArrayNode arr = NODES.arrayNode();
                if (depth < 4) {
                    arr.add(example(doc, s.path("items"), depth + 1));
                }
                return arr;
            }
            case "integer":
                return NODES.numberNode(1);
            case "number":
                return NODES.numberNode(1.5);
            case "boolean":
                return NODES.booleanNode(false);
            default:
                return NODES.textNode("USDT");
        }
    }

    private static ObjectNode asObject(JsonNode n) {
        return n instanceof ObjectNode o ? o : NODES.objectNode();
    }

    private static String fill(String template, String value, Caller caller) {
        String out = template;
        if (value.equals(caller.own().get("account"))) {
            value = template.startsWith("/api/v1/assets") ? caller.own().get("asset")
                    : template.startsWith("/api/v1/instruments") ? caller.own().get("instrument")
                    : template.startsWith("/api/v1/tenants") ? caller.own().get("tenant") : value;
        }
        for (String name : List.of("id", "proposalId", "userId", "tenantId")) {
            out = out.replace("{" + name + "}", value);
        }
        out = out.replace("{instrument}", "BTC-PERP").replace("{symbol}", "BTC").replace("{asset}", "BTC");
        // any other path parameter gets the caller's own account id
        return out.replaceAll("\\{[^}]+}", caller.own().get("account"));
    }

    // ---- plumbing ----

    private static String base() {
        return RestAssured.baseURI + ":" + RestAssured.port;
    }

    private String get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(base() + path)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    private static byte[] bytes(JsonNode n) {
        try {
            return JSON.writeValueAsBytes(n);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String enc(String v) {
        return v.startsWith("%") ? v : URLEncoder.encode(v, StandardCharsets.UTF_8);
    }

    private static String abbreviate(String s) {
        return s == null ? "" : s.length() > 200 ? s.substring(0, 200) + "..." : s;
    }

    /** Tables with a tenant_id column, except those written in the background. */
    private static List<String> tenantTables(Connection c) throws SQLException {
        List<String> out = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("select table_name from information_schema.columns "
                + "where table_schema = 'public' and column_name = 'tenant_id' order by table_name");
                ResultSet r = s.executeQuery()) {
            while (r.next()) {
                if (!BACKGROUND.contains(r.getString(1))) {
                    out.add(r.getString(1));
                }
            }
        }
        return out;
    }

    /** Rows of the tenant in each of {@link #tables}. */
    private Map<String, Long> counts(Tenant t) throws SQLException {
        StringBuilder sql = new StringBuilder();
        for (String table : tables) {
            sql.append(sql.length() == 0 ? "" : " union all ").append("select '").append(table)
                    .append("', count(*) from ").append(table).append(" where tenant_id = ?");
        }
        Map<String, Long> out = new LinkedHashMap<>();
        try (PreparedStatement s = owner.prepareStatement(sql.toString())) {
            for (int i = 1; i <= tables.size(); i++) {
                s.setObject(i, UUID.fromString(t.id()));
            }
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    out.put(r.getString(1), r.getLong(2));
                }
            }
        }
        return out;
    }
}
