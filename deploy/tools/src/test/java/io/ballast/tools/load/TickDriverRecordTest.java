package io.ballast.tools.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** Which margin events the tick phase counts: those of measured ticks, not those of the warm-up. */
class TickDriverRecordTest {

    private static final Instant FROM = Instant.parse("2026-12-02T11:00:00Z");

    private static String event(String type, String tickSourceTime) {
        String stamp = tickSourceTime == null ? "" : ",\"tickSourceTime\":\"" + tickSourceTime + "\","
                + "\"tickReceivedAt\":\"" + tickSourceTime + "\"";
        return "{\"eventId\":1,\"type\":\"" + type + "\",\"payload\":{\"type\":\"" + type + "\"" + stamp + "}}";
    }

    @Test
    void anEventOfAWarmUpTickIsNotCountedAndOneOfAMeasuredTickIs() {
        Latencies tickToEvent = new Latencies();
        Latencies servicePart = new Latencies();
        Map<String, Long> types = new TreeMap<>();
        Instant received = FROM.plusMillis(250);
        assertThat(TickDriver.record(event("MARGIN_CALL", "2026-12-02T10:59:59.900Z"), received, tickToEvent,
                servicePart, types, FROM)).isFalse();
        assertThat(types).isEmpty();
        assertThat(TickDriver.record(event("LIQUIDATABLE", "2026-12-02T11:00:00.050Z"), received, tickToEvent,
                servicePart, types, FROM)).isTrue();
        assertThat(types).containsExactly(Map.entry("LIQUIDATABLE", 1L));
        assertThat(tickToEvent.summary()).contains("p50 200.").contains("(1 samples)");
    }

    @Test
    void anEventWithoutATickIsCountedOnlyOnceMeasuringHasBegun() {
        Map<String, Long> types = new TreeMap<>();
        assertThat(TickDriver.record(event("RECOVERED", null), FROM, new Latencies(), new Latencies(), types,
                Instant.MAX)).isFalse();
        assertThat(TickDriver.record(event("RECOVERED", null), FROM, new Latencies(), new Latencies(), types,
                FROM)).isTrue();
        assertThat(types).containsExactly(Map.entry("RECOVERED", 1L));
    }
}
