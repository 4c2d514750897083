package io.ballast.console.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class MarginEventTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void readsTheEnvelopeAndItsPayload() throws Exception {
        MarginEvent e = MarginEvent.of("key-tenant", JSON.readTree("""
                {"eventId": "42", "tenantId": "t1", "type": "LIQUIDATABLE", "aggregateType": "account",
                 "aggregateId": "a1", "occurredAt": "2026-12-01T14:00:00Z",
                 "payload": {"accountId": "a1", "type": "LIQUIDATABLE", "previousStatus": "MARGIN_CALL",
                             "status": "LIQUIDATABLE", "equityUsd": "2000.5", "initialMarginUsd": 6000,
                             "maintenanceMarginUsd": 3000, "oracleHealth": {"BTC": "UNHEALTHY"}, "held": true,
                             "liquidationPlan": [{"instrument": "BTC-PERP", "reduceBy": 0.5}]}}"""));
        assertThat(e.eventId()).isEqualTo("42");
        assertThat(e.tenantId()).isEqualTo("t1");
        assertThat(e.accountId()).isEqualTo("a1");
        assertThat(e.previousStatus()).isEqualTo("MARGIN_CALL");
        assertThat(e.equityUsd()).isEqualTo(2000.5);
        assertThat(e.maintenanceMarginUsd()).isEqualTo(3000.0);
        assertThat(e.oracleHealth()).isEqualTo("{\"BTC\":\"UNHEALTHY\"}");
        assertThat(e.held()).isTrue();
        assertThat(e.hasLiquidationPlan()).isTrue();
    }

    @Test
    void takesTheTenantFromTheKeyAndTheAccountFromTheAggregateWhenAbsent() throws Exception {
        MarginEvent e = MarginEvent.of("t2", JSON.readTree("""
                {"eventId": "7", "type": "RECOVERED", "aggregateId": "a9", "payload": {"status": "HEALTHY"}}"""));
        assertThat(e.tenantId()).isEqualTo("t2");
        assertThat(e.accountId()).isEqualTo("a9");
        assertThat(e.type()).isEqualTo("RECOVERED");
        assertThat(e.equityUsd()).isNull();
        assertThat(e.held()).isFalse();
        assertThat(e.hasLiquidationPlan()).isFalse();
    }

    @Test
    void refusesAnEventWithoutIdTenantOrAccount() throws Exception {
        assertThatThrownBy(() -> MarginEvent.of("t", JSON.readTree("{\"payload\": {\"accountId\": \"a\"}}")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("eventId");
        assertThatThrownBy(() -> MarginEvent.of(null, JSON.readTree("{\"eventId\": \"1\", \"aggregateId\": \"a\"}")))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
