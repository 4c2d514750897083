package io.ballast.risk.market;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/**
 * One platform market-data tick from {@code ballast.prices}:
 * {@code {"source": "feed", "underlying": "BTC", "priceUsd": "60000.5", "annualVol": 0.55,
 * "sourceTime": "2026-12-01T14:00:00Z"}}.
 *
 * @param source     name of the producing source (lower case, e.g. {@code feed}, {@code replay})
 * @param underlying asset symbol, e.g. {@code BTC}
 * @param priceUsd   price, USD per unit (not yet guarded: may be non-positive or huge)
 * @param annualVol  annualised implied volatility as a fraction (0.55 = 55 %), or null when not given
 * @param sourceTime when the source observed the price (required; never replaced by the consumption time)
 */
public record Tick(String source, String underlying, BigDecimal priceUsd, BigDecimal annualVol, Instant sourceTime) {

    /** A message that is not a tick; its message is the reason sent to the dead-letter topic. */
    public static final class MalformedTickException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        /** @param reason why the message is not a tick */
        public MalformedTickException(String reason) {
            super(reason);
        }
    }

    /**
     * The reader {@link #parse} needs (decimals kept as {@code BigDecimal}), built once by the consumer.
     *
     * @param json the application's mapper
     * @return the reader
     */
    public static ObjectReader reader(ObjectMapper json) {
        return json.reader().with(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
    }

    /**
     * Parses a message value. Numbers may be JSON numbers or decimal strings; NaN and Infinity are not JSON.
     *
     * @param value the message value
     * @param reader {@link #reader}
     * @return the tick
     * @throws MalformedTickException naming the first problem (not JSON, a missing or malformed field)
     */
    public static Tick parse(String value, ObjectReader reader) {
        JsonNode n;
        try {
            n = value == null ? null : reader.readTree(value);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new MalformedTickException("not JSON: " + e.getOriginalMessage());
        }
        if (n == null || !n.isObject()) {
            throw new MalformedTickException("not a JSON object");
        }
        String source = text(n, "source");
        if (!SOURCE.matcher(source).matches()) {
            throw new MalformedTickException("source must be a lower-case name of [a-z0-9_-], at most 32 "
                    + "characters");
        }
        String underlying = text(n, "underlying");
        if (underlying.length() > 32) {
            throw new MalformedTickException("underlying longer than 32 characters");
        }
        BigDecimal price = decimal(n, "priceUsd");
        if (price == null) {
            throw new MalformedTickException("priceUsd missing");
        }
        BigDecimal vol = decimal(n, "annualVol");
        String time = text(n, "sourceTime");
        Instant at;
        try {
            at = OffsetDateTime.parse(time).toInstant();
        } catch (DateTimeParseException e) {
            throw new MalformedTickException("sourceTime is not an ISO-8601 time with offset: " + time);
        }
        return new Tick(source, underlying, price, vol, at);
    }

    private static final java.util.regex.Pattern SOURCE = java.util.regex.Pattern.compile("[a-z0-9_-]{1,32}");

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            throw new MalformedTickException(field + " missing");
        }
        if (!v.isTextual() || v.asText().isBlank()) {
            throw new MalformedTickException(field + " must be a non-blank string");
        }
        return v.asText();
    }

    private static BigDecimal decimal(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        try {
            if (v.isNumber()) {
                return v.decimalValue();
            }
            if (v.isTextual()) {
                return new BigDecimal(v.asText());
            }
        } catch (NumberFormatException e) {
            // falls through
        }
        throw new MalformedTickException(field + " must be a decimal number");
    }
}
