package io.ballast.console.web;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.qute.TemplateData;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A proposal's evidence (issue 8: old and new values, forecast and realized volatility with the model version,
 * margin over time under both policies, coverage, impact preview) laid out as tables for the page. Time series
 * (arrays of objects with a {@code date}) become charts in the browser instead; they are not tabled.
 */
public final class EvidenceView {

    /** Longest array shown as a table (longer ones are series for charts). */
    static final int MAX_TABLE_ROWS = 50;

    private EvidenceView() {
    }

    /**
     * One table.
     *
     * @param title   section title (the evidence key, e.g. {@code coverage})
     * @param columns column headers
     * @param rows    cell texts, one list per row, aligned with the columns
     */
    @TemplateData
    public record Table(String title, List<String> columns, List<List<String>> rows) {
    }

    /**
     * @param evidence the evidence object, may be null
     * @return its tables: scalars of the top level in one table, each nested object of scalars as a key/value
     *     table (nested objects flattened with dotted keys), each short array of objects as a table
     */
    public static List<Table> tables(JsonNode evidence) {
        List<Table> tables = new ArrayList<>();
        if (evidence == null || !evidence.isObject()) {
            return tables;
        }
        List<List<String>> top = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = evidence.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            JsonNode value = field.getValue();
            if (value.isValueNode()) {
                top.add(List.of(field.getKey(), value.asText()));
            } else if (value.isObject()) {
                List<List<String>> rows = new ArrayList<>();
                flatten("", value, rows, tables, field.getKey());
                if (!rows.isEmpty()) {
                    tables.add(new Table(field.getKey(), List.of("item", "value"), rows));
                }
            } else if (value.isArray()) {
                arrayTable(field.getKey(), value).ifPresent(tables::add);
            }
        }
        if (!top.isEmpty()) {
            tables.add(0, new Table("summary", List.of("item", "value"), top));
        }
        return tables;
    }

    private static void flatten(String prefix, JsonNode object, List<List<String>> rows, List<Table> tables,
            String title) {
        for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            String key = prefix + field.getKey();
            JsonNode value = field.getValue();
            if (value.isValueNode()) {
                rows.add(List.of(key, value.asText()));
            } else if (value.isObject()) {
                flatten(key + ".", value, rows, tables, title);
            } else if (value.isArray()) {
                arrayTable(title + "." + key, value).ifPresent(tables::add);
            }
        }
    }

    private static java.util.Optional<Table> arrayTable(String title, JsonNode array) {
        if (array.isEmpty() || array.size() > MAX_TABLE_ROWS || !array.get(0).isObject()
                || array.get(0).has("date")) {
            return java.util.Optional.empty();
        }
        Set<String> columns = new LinkedHashSet<>();
        array.forEach(item -> item.fieldNames().forEachRemaining(columns::add));
        List<List<String>> rows = new ArrayList<>();
        for (JsonNode item : array) {
            List<String> row = new ArrayList<>();
            for (String column : columns) {
                JsonNode cell = item.get(column);
                row.add(cell == null || cell.isNull() ? "" : cell.isValueNode() ? cell.asText() : cell.toString());
            }
            rows.add(row);
        }
        return java.util.Optional.of(new Table(title, List.copyOf(columns), rows));
    }

    /**
     * @param evidence the evidence, may be null
     * @return its JSON for a {@code <script type="application/json">} block, with {@code <} escaped so that no value
     *     can close the script element
     */
    public static String scriptJson(JsonNode evidence) {
        return evidence == null ? "{}" : evidence.toString().replace("<", "\\u003c");
    }
}
