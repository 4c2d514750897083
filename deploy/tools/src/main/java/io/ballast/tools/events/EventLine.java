package io.ballast.tools.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Renders one {@code ballast.margin-events} record as a terminal line: time, tenant (short id), account (short id),
 * event type, status change, equity against maintenance margin, oracle health, held flag, liquidation plan summary.
 *
 * <p>Tolerant: every field may be missing (it is left out), the payload may be an object or a JSON string, and a
 * value that is not JSON at all is shown raw, marked unreadable.
 */
public final class EventLine {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS")
            .withZone(ZoneOffset.UTC);
    private static final String RESET = "\u001b[0m";
    private static final String BOLD = "\u001b[1m";
    private static final String DIM = "\u001b[2m";
    private static final String RED = "\u001b[31m";
    private static final String GREEN = "\u001b[32m";
    private static final String YELLOW = "\u001b[33m";
    private static final String CYAN = "\u001b[36m";
    private static final String MAGENTA = "\u001b[35m";

    private final boolean colour;

    /**
     * @param colour whether to use ANSI colours
     */
    public EventLine(boolean colour) {
        this.colour = colour;
    }

    /**
     * The tenant id of a record: the envelope's {@code tenantId}, else the Kafka key.
     *
     * @param key   the record key (may be null)
     * @param value the record value (may be anything)
     * @return the tenant id, or an empty string
     */
    public static String tenantOf(String key, String value) {
        try {
            String id = JSON.readTree(value).path("tenantId").asText("");
            return id.isEmpty() && key != null ? key : id;
        } catch (Exception e) {
            return key == null ? "" : key;
        }
    }

    /**
     * Formats one record.
     *
     * @param key   the Kafka key (tenant id)
     * @param value the envelope JSON
     * @return one line, without a line break
     */
    public String format(String key, String value) {
        JsonNode envelope;
        try {
            envelope = JSON.readTree(value == null ? "" : value);
        } catch (Exception e) {
            envelope = null;
        }
        if (envelope == null || !envelope.isObject()) {
            return paint(DIM, "(unreadable) key=" + key + " value=" + abbreviate(String.valueOf(value), 200));
        }
        JsonNode payload = envelope.path("payload");
        if (payload.isTextual()) {
            try {
                payload = JSON.readTree(payload.asText());
            } catch (Exception e) {
                payload = JSON.createObjectNode();
            }
        }
        String type = first(payload, "type").isEmpty() ? first(envelope, "type") : first(payload, "type");
        StringBuilder line = new StringBuilder();
        line.append(time(envelope.path("occurredAt").asText(""))).append("  ");
        String tenant = first(envelope, "tenantId");
        line.append(paint(DIM, "tenant ")).append(shortId(tenant.isEmpty() && key != null ? key : tenant))
                .append("  ");
        line.append(paint(DIM, "acct ")).append(shortId(first(payload, "accountId", "aggregateId").isEmpty()
                ? first(envelope, "aggregateId") : first(payload, "accountId"))).append("  ");
        line.append(paint(BOLD + colourOf(type), String.format(Locale.ROOT, "%-14s", type))).append(' ');
        String before = first(payload, "previousStatus");
        String after = first(payload, "status");
        if (!before.isEmpty() || !after.isEmpty()) {
            line.append(before.isEmpty() ? "?" : before).append(" -> ").append(paint(colourOf(after),
                    after.isEmpty() ? "?" : after)).append("  ");
        }
        BigDecimal equity = decimal(payload.path("equityUsd"));
        BigDecimal mm = decimal(payload.path("maintenanceMarginUsd"));
        BigDecimal im = decimal(payload.path("initialMarginUsd"));
        if (equity != null) {
            line.append("equity ").append(money(equity));
            if (mm != null) {
                line.append(equity.compareTo(mm) < 0 ? paint(RED, " < ") : " >= ").append("MM ").append(money(mm));
                if (mm.signum() > 0) {
                    line.append(String.format(Locale.ROOT, " (%.0f%%)", 100 * equity.doubleValue() / mm.doubleValue()));
                }
            }
            if (im != null) {
                line.append(", IM ").append(money(im));
            }
            line.append("  ");
        }
        String oracle = first(payload, "oracleHealth");
        if (!oracle.isEmpty()) {
            line.append("oracle ").append("HEALTHY".equalsIgnoreCase(oracle) ? oracle : paint(MAGENTA, oracle))
                    .append("  ");
        }
        if (payload.path("held").asBoolean(false)) {
            line.append(paint(BOLD + MAGENTA, "HELD")).append("  ");
        }
        JsonNode plan = payload.path("liquidationPlan");
        if (!plan.isMissingNode() && !plan.isNull()) {
            line.append("plan: ").append(planSummary(plan)).append("  ");
        }
        String tickTime = first(payload, "tickSourceTime");
        if (!tickTime.isEmpty()) {
            line.append(paint(DIM, "tick " + tickTime));
        }
        return line.toString().stripTrailing();
    }

    /**
     * A liquidation plan in a few words: each step's instrument and quantity when the plan is (or holds) a list of
     * steps, else its compact JSON, cut at 80 characters.
     */
    static String planSummary(JsonNode plan) {
        JsonNode steps = plan.isArray() ? plan : null;
        if (steps == null) {
            for (JsonNode child : plan) {
                if (child.isArray()) {
                    steps = child;
                    break;
                }
            }
        }
        if (steps == null || steps.isEmpty()) {
            return abbreviate(plan.toString(), 80);
        }
        List<String> parts = new ArrayList<>();
        for (JsonNode step : steps) {
            String instrument = first(step, "instrument", "symbol", "instrumentSymbol", "instrumentId");
            String quantity = first(step, "reduceContracts", "reduceQuantity", "reduceBy", "quantityDelta",
                    "closeQuantity", "quantity");
            parts.add(step.isObject() ? (instrument + " " + readable(quantity)).trim() : step.asText());
        }
        return abbreviate(steps.size() + " step" + (steps.size() == 1 ? "" : "s") + " (" + String.join(", ", parts)
                + ")", 100);
    }

    /** A quantity to at most 6 significant digits ({@code -0.3078627586364746} reads {@code -0.307863}). */
    static String readable(String quantity) {
        try {
            return new java.math.BigDecimal(quantity).round(new java.math.MathContext(6)).stripTrailingZeros()
                    .toPlainString();
        } catch (NumberFormatException notANumber) {
            return quantity;
        }
    }

    private String colourOf(String typeOrStatus) {
        String t = typeOrStatus.toUpperCase(Locale.ROOT);
        if (t.contains("LIQUID")) {
            return RED;
        }
        if (t.contains("MARGIN_CALL")) {
            return YELLOW;
        }
        if (t.contains("WARNING")) {
            return CYAN;
        }
        if (t.contains("RECOVER") || t.contains("HEALTHY") || t.equals("OK")) {
            return GREEN;
        }
        return "";
    }

    private String paint(String code, String text) {
        return colour && !code.isEmpty() ? code + text + RESET : text;
    }

    private static String time(String iso) {
        try {
            return TIME.format(Instant.parse(iso));
        } catch (Exception e) {
            return String.format("%-23s", iso.isEmpty() ? "-" : iso);
        }
    }

    private static String first(JsonNode node, String... fields) {
        for (String f : fields) {
            JsonNode v = node.path(f);
            if (v.isValueNode() && !v.isNull() && !v.asText().isEmpty()) {
                return v.asText();
            }
        }
        return "";
    }

    private static BigDecimal decimal(JsonNode node) {
        if (node.isNumber()) {
            return node.decimalValue();
        }
        if (node.isTextual()) {
            try {
                return new BigDecimal(node.asText().trim());
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return null;
    }

    private static String money(BigDecimal usd) {
        return String.format(Locale.ROOT, "%,.2f", usd);
    }

    private static String shortId(String id) {
        if (id.isEmpty()) {
            return "-";
        }
        return id.length() > 8 ? id.substring(0, 8) : id;
    }

    private static String abbreviate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 3) + "...";
    }
}
