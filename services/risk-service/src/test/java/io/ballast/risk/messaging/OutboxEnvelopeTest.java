package io.ballast.risk.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** The relay's envelope: the stored payload spliced in as it is, the fields escaped, a bad payload refused. */
class OutboxEnvelopeTest {

    private static final String PAYLOAD = "{\"accountId\":\"a1\",\"plan\":{\"steps\":[{\"instrument\":\"BTC-PERP\","
            + "\"reduceBy\":\"0.5\"}],\"note\":\"quote \\\" and \\\\ and \\u00e9\"},\"equityUsd\":1234.5,"
            + "\"held\":false,\"reason\":null}";

    @Test
    void theEnvelopeIsJsonWithEveryFieldAndThePayloadUnchanged() {
        String json = OutboxRelay.envelopeJson(42L, "3f1c0c1e-0000-4000-8000-000000000001", "MarginCall",
                "account", "a\"1", "2026-12-02T14:00:00Z", PAYLOAD);
        JsonObject e = new JsonObject(json);
        assertThat(e.fieldNames()).containsExactly("eventId", "tenantId", "type", "aggregateType", "aggregateId",
                "occurredAt", "payload");
        assertThat(e.getLong("eventId")).isEqualTo(42L);
        assertThat(e.getString("tenantId")).isEqualTo("3f1c0c1e-0000-4000-8000-000000000001");
        assertThat(e.getString("type")).isEqualTo("MarginCall");
        assertThat(e.getString("aggregateId")).isEqualTo("a\"1");
        assertThat(e.getString("occurredAt")).isEqualTo("2026-12-02T14:00:00Z");
        // the same value as the stored text's, to the escaped characters and the explicit null
        assertThat(e.getJsonObject("payload")).isEqualTo(new JsonObject(PAYLOAD));
        assertThat(e.getJsonObject("payload").getJsonObject("plan").getString("note"))
                .isEqualTo("quote \" and \\ and é");
        assertThat(e.getJsonObject("payload").containsKey("reason")).isTrue();
        // and no more than one re-encoding away from what the tree-based envelope gave
        assertThat(e).isEqualTo(new JsonObject().put("eventId", 42L)
                .put("tenantId", "3f1c0c1e-0000-4000-8000-000000000001").put("type", "MarginCall")
                .put("aggregateType", "account").put("aggregateId", "a\"1").put("occurredAt", "2026-12-02T14:00:00Z")
                .put("payload", new JsonObject(PAYLOAD)));
    }

    @Test
    void aPayloadThatIsNotOneJsonObjectIsRefused() {
        for (String bad : new String[] {"not json", "[1,2]", "{\"a\":1} {\"b\":2}", "{\"a\":", "", "42"}) {
            assertThatThrownBy(() -> OutboxRelay.envelopeJson(1L, "t", "X", "account", "a", "2026-12-02T14:00:00Z",
                    bad)).as(bad).isInstanceOf(DecodeException.class);
        }
        assertThatThrownBy(() -> OutboxRelay.envelopeJson(1L, "t", "X", "account", "a", "2026-12-02T14:00:00Z",
                null)).isInstanceOf(DecodeException.class).hasMessageContaining("missing");
    }
}
