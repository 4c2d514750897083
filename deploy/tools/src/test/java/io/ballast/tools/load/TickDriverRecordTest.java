package io.ballast.tools.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

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
        assertThat(TickDriver.record(event("MARGIN_CALL", "2026-12-02T10:59:59.900Z"), received, -1, tickToEvent,
                servicePart, new TickDriver.Stages(), types, FROM)).isFalse();
        assertThat(types).isEmpty();
        assertThat(TickDriver.record(event("LIQUIDATABLE", "2026-12-02T11:00:00.050Z"), received, -1, tickToEvent,
                servicePart, new TickDriver.Stages(), types, FROM)).isTrue();
        assertThat(types).containsExactly(Map.entry("LIQUIDATABLE", 1L));
        assertThat(tickToEvent.summary()).contains("p50 200.").contains("(1 samples)");
    }

    /**
     * A warm-up tick's event goes through the same recording as a measured one's, into the warm-up's sinks, so that
     * the measured part does not begin with this process compiling that code; the measured sinks stay empty.
     */
    @Test
    void anEventOfAWarmUpTickIsRecordedOnlyIntoTheWarmUpsSinks() {
        Latencies tickToEvent = new Latencies();
        TickDriver.Stages stages = new TickDriver.Stages();
        Map<String, Long> types = new TreeMap<>();
        EventLog log = new EventLog();
        TickDriver.WarmUp warmUp = new TickDriver.WarmUp();
        String value = "{\"payload\":{\"type\":\"MARGIN_CALL\",\"tickSourceTime\":\"2026-12-02T10:59:59.900Z\","
                + "\"tickReceivedAt\":\"2026-12-02T10:59:59.930Z\",\"evaluatedAt\":\"2026-12-02T10:59:59.990Z\"}}";
        assertThat(TickDriver.record(value, FROM.plusMillis(25), FROM.toEpochMilli(), tickToEvent, new Latencies(),
                stages, types, FROM, log, warmUp)).isFalse();
        assertThat(types).isEmpty();
        assertThat(tickToEvent.count()).isZero();
        assertThat(stages.out().count()).isZero();
        assertThat(log.size()).isZero();
        assertThat(warmUp.types).containsExactly(Map.entry("MARGIN_CALL", 1L));
        assertThat(warmUp.tickToEvent.percentileMillis(50)).isCloseTo(125.0, offset(0.1));
        assertThat(warmUp.stages.out().percentileMillis(50)).isCloseTo(25.0, offset(0.05));
        assertThat(warmUp.recorded()).isEqualTo(1);
    }

    @Test
    void anEventWithoutATickIsCountedOnlyOnceMeasuringHasBegun() {
        Map<String, Long> types = new TreeMap<>();
        assertThat(TickDriver.record(event("RECOVERED", null), FROM, -1, new Latencies(), new Latencies(),
                new TickDriver.Stages(), types, Instant.MAX)).isFalse();
        assertThat(TickDriver.record(event("RECOVERED", null), FROM, -1, new Latencies(), new Latencies(),
                new TickDriver.Stages(), types, FROM)).isTrue();
        assertThat(types).containsExactly(Map.entry("RECOVERED", 1L));
    }

    @Test
    void anEventsLatencyIsSplitAtTheServicesReceiptAndTheRecordsTimestamp() {
        TickDriver.Stages stages = new TickDriver.Stages();
        String value = "{\"payload\":{\"type\":\"MARGIN_CALL\",\"tickSourceTime\":\"2026-12-02T11:00:00.000Z\","
                + "\"tickReceivedAt\":\"2026-12-02T11:00:00.030Z\","
                + "\"evaluatedAt\":\"2026-12-02T11:00:00.090Z\"}}";
        Instant sent = FROM.plusMillis(100);
        assertThat(TickDriver.record(value, FROM.plusMillis(125), sent.toEpochMilli(), new Latencies(),
                new Latencies(), stages, new TreeMap<>(), FROM)).isTrue();
        assertThat(stages.in().percentileMillis(50)).isCloseTo(30.0, offset(0.05));
        assertThat(stages.evaluate().percentileMillis(50)).isCloseTo(60.0, offset(0.05));
        assertThat(stages.store().percentileMillis(50)).isCloseTo(10.0, offset(0.05));
        assertThat(stages.out().percentileMillis(50)).isCloseTo(25.0, offset(0.05));
        assertThat(TickDriver.record(value, FROM.plusMillis(125), -1, new Latencies(), new Latencies(), stages,
                new TreeMap<>(), FROM)).isTrue();
        assertThat(stages.in().count()).as("an event without a record timestamp is not split").isEqualTo(1);
    }
}
