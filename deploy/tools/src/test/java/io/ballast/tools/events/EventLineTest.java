package io.ballast.tools.events;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class EventLineTest {

    private static final String TENANT = "3f2a9c1e-0000-4000-8000-000000000001";
    private static final String LIQUIDATABLE = "{\"eventId\":42,\"tenantId\":\"" + TENANT + "\","
            + "\"type\":\"LIQUIDATABLE\",\"aggregateType\":\"Account\",\"aggregateId\":\"7c1d2e3f-1111\","
            + "\"occurredAt\":\"2026-12-01T14:00:05.123Z\",\"payload\":{\"accountId\":\"7c1d2e3f-1111\","
            + "\"type\":\"LIQUIDATABLE\",\"previousStatus\":\"MARGIN_CALL\",\"status\":\"LIQUIDATABLE\","
            + "\"equityUsd\":\"9500.50\",\"initialMarginUsd\":\"20000\",\"maintenanceMarginUsd\":\"10000\","
            + "\"oracleHealth\":\"UNHEALTHY\",\"held\":true,\"liquidationPlan\":{\"steps\":["
            + "{\"instrument\":\"BTC-PERP\",\"reduceQuantity\":\"0.25\"},{\"instrument\":\"ETH-PERP\","
            + "\"reduceQuantity\":\"3\"}],\"bufferFraction\":0.1},\"tickSourceTime\":\"2026-12-01T14:00:05Z\"}}";

    @Test
    void aLiquidatableEventShowsEveryPartInOneLine() {
        String line = new EventLine(false).format(TENANT, LIQUIDATABLE);
        assertThat(line).startsWith("2026-12-01 14:00:05.123  tenant 3f2a9c1e  acct 7c1d2e3f  LIQUIDATABLE")
                .contains("MARGIN_CALL -> LIQUIDATABLE")
                .contains("equity 9,500.50 < MM 10,000.00 (95%), IM 20,000.00")
                .contains("oracle UNHEALTHY")
                .contains("HELD")
                .contains("plan: 2 steps (BTC-PERP 0.25, ETH-PERP 3)")
                .doesNotContain("\u001b[");
    }

    @Test
    void planQuantitiesAreShownToSixSignificantDigits() {
        assertThat(EventLine.readable("-0.3078627586364746")).isEqualTo("-0.307863");
        assertThat(EventLine.readable("0.50")).isEqualTo("0.5");
        assertThat(EventLine.readable("1200000")).isEqualTo("1200000");
        assertThat(EventLine.readable("all")).isEqualTo("all");
    }

    @Test
    void coloursOnlyWhenAsked() {
        assertThat(new EventLine(true).format(TENANT, LIQUIDATABLE)).contains("\u001b[31m").contains("\u001b[0m");
    }

    @Test
    void missingFieldsAreLeftOutAndAStringPayloadIsRead() {
        String value = "{\"tenantId\":\"" + TENANT + "\",\"type\":\"RECOVERED\",\"payload\":"
                + "\"{\\\"status\\\":\\\"HEALTHY\\\",\\\"equityUsd\\\":12000.5}\"}";
        String line = new EventLine(false).format(null, value);
        assertThat(line).contains("tenant 3f2a9c1e").contains("RECOVERED").contains("? -> HEALTHY")
                .contains("equity 12,000.50").doesNotContain("MM").doesNotContain("HELD").doesNotContain("plan");
    }

    @Test
    void anUnreadableValueIsShownRawAndTheTenantComesFromTheKey() {
        assertThat(new EventLine(false).format("k1", "not json {")).startsWith("(unreadable) key=k1 value=not json");
        assertThat(EventLine.tenantOf("k1", "not json {")).isEqualTo("k1");
        assertThat(EventLine.tenantOf("k1", LIQUIDATABLE)).isEqualTo(TENANT);
    }
}
