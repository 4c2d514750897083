package io.ballast.console.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ballast.console.client.ServiceAnswer;
import io.ballast.console.security.ConsoleUser;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns service answers into what Qute templates navigate easily (maps and lists instead of Jackson nodes), and
 * gathers the data every page shows in its header.
 */
@ApplicationScoped
public class PageData {

    private final ObjectMapper json;

    /**
     * @param json the object mapper
     */
    public PageData(ObjectMapper json) {
        this.json = json;
    }

    /**
     * @param node a JSON node, may be null
     * @return plain Java: Map, List, String, Number, Boolean or null
     */
    public Object plain(JsonNode node) {
        return node == null || node.isNull() ? null : json.convertValue(node, Object.class);
    }

    /**
     * @param answer a service answer
     * @return {@code {ok, error, status, body}} with the body as plain Java
     */
    public Map<String, Object> view(ServiceAnswer answer) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("ok", answer.ok());
        view.put("error", answer.error());
        view.put("status", answer.status());
        view.put("body", plain(answer.body()));
        return view;
    }

    /**
     * @param answer an answer whose body is a list, or a page {@code {"items": [...]}} / {@code {"content": [...]}}
     * @return the items, empty when there is none
     */
    public List<Object> items(ServiceAnswer answer) {
        if (!answer.ok()) {
            return List.of();
        }
        JsonNode body = answer.body();
        JsonNode list = body.isArray() ? body : body.has("items") ? body.get("items") : body.path("content");
        Object plain = plain(list);
        return plain instanceof List<?> l ? new ArrayList<>(l) : List.of();
    }

    /**
     * @param answer     an answer whose body is a list of objects
     * @param jsonFields fields to keep as compact JSON text (e.g. an audit entry's {@code before} and {@code after})
     * @return the items as plain Java, those fields as JSON text (null stays null)
     */
    public List<Object> itemsWithJson(ServiceAnswer answer, String... jsonFields) {
        List<Object> out = new ArrayList<>();
        if (!answer.ok() || !answer.body().isArray()) {
            return out;
        }
        for (JsonNode item : answer.body()) {
            Object plain = plain(item);
            if (plain instanceof Map<?, ?> map) {
                @SuppressWarnings("unchecked")
                Map<String, Object> row = (Map<String, Object>) map;
                for (String field : jsonFields) {
                    JsonNode value = item.get(field);
                    row.put(field, value == null || value.isNull() ? null : value.toString());
                }
            }
            out.add(plain);
        }
        return out;
    }

    /**
     * @param assets the service's asset list
     * @return asset symbols by asset id (empty when the list failed: pages then show ids)
     */
    public Map<String, String> symbols(ServiceAnswer assets) {
        Map<String, String> out = new LinkedHashMap<>();
        if (assets.ok()) {
            assets.body().forEach(a -> out.put(a.path("id").asText(), a.path("symbol").asText()));
        }
        return out;
    }

    /**
     * @param user the signed-in user
     * @return header data: name, tenant, roles, what the user may do
     */
    public Map<String, Object> header(ConsoleUser user) {
        Map<String, Object> header = new LinkedHashMap<>();
        header.put("name", user.name());
        header.put("tenant", user.tenantId().orElse(null));
        header.put("roles", user.roles().isEmpty() ? "no console role" : String.join(", ", user.roles()));
        header.put("canDecide", user.canDecide());
        header.put("isAdmin", user.isAdmin());
        return header;
    }
}
