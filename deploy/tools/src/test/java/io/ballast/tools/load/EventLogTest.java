package io.ballast.tools.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The tick run's event log: one CSV row per counted event, and the per-second figures and chart drawn from it. */
class EventLogTest {

    private static final Instant FROM = Instant.parse("2026-12-02T11:00:00Z");

    private static String event(String type, Instant source, String account) {
        return "{\"payload\":{\"type\":\"" + type + "\",\"accountId\":\"" + account + "\",\"tickSourceTime\":\""
                + source + "\",\"tickReceivedAt\":\"" + source.plusMillis(4) + "\",\"evaluatedAt\":\""
                + source.plusMillis(10) + "\"}}";
    }

    @Test
    void countedEventsAreLoggedWithTheirStampsLatencyAndStagesAndWarmUpOnesAreNot(@TempDir Path dir)
            throws Exception {
        EventLog log = new EventLog();
        Instant source = FROM.plusMillis(100);
        Instant received = source.plusMillis(25);
        assertThat(TickDriver.record(event("MARGIN_CALL", FROM.minusMillis(5), "a-0"), received, -1,
                new Latencies(), new Latencies(), new TickDriver.Stages(), new TreeMap<>(), FROM, log, null))
                .isFalse();
        assertThat(TickDriver.record(event("LIQUIDATABLE", source, "a-1"), received,
                source.plusMillis(20).toEpochMilli(), new Latencies(), new Latencies(), new TickDriver.Stages(),
                new TreeMap<>(), FROM, log, null)).isTrue();
        assertThat(log.size()).isEqualTo(1);
        Path csv = dir.resolve("sub/events.csv");
        log.write(csv);
        List<String> lines = Files.readAllLines(csv);
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0)).isEqualTo(EventLog.HEADER);
        String[] cells = lines.get(1).split(",");
        assertThat(cells).hasSize(EventLog.HEADER.split(",").length);
        assertThat(cells[0]).isEqualTo(source.toString());
        assertThat(cells[5]).as("latency").isEqualTo("25.000");
        assertThat(cells[6]).as("in").isEqualTo("4.000");
        assertThat(cells[7]).as("evaluate").isEqualTo("6.000");
        assertThat(cells[8]).as("store").isEqualTo("10.000");
        assertThat(cells[9]).as("out").isEqualTo("5.000");
        assertThat(cells[10]).isEqualTo("LIQUIDATABLE");
        assertThat(cells[11]).isEqualTo("a-1");
    }

    @Test
    void eachSecondGetsItsOwnPercentilesAndTheChartDrawsThem(@TempDir Path dir) throws Exception {
        EventLog log = new EventLog();
        // second 0: latencies 1..100 ms; second 2: one event of 500 ms; nothing in second 1
        for (int k = 1; k <= 100; k++) {
            Instant s = FROM.plusMillis(k * 5);
            log.add(s.toString(), "", "", -1, s.plusMillis(k), "MARGIN_CALL", "x");
        }
        Instant late = FROM.plusMillis(2_300);
        log.add(late.toString(), "", "", -1, late.plusMillis(500), "RECOVERED", "y,\"z\"");
        List<double[]> seconds = log.perSecond();
        assertThat(seconds).hasSize(2);
        assertThat(seconds.get(0)[0]).isEqualTo(0);
        assertThat(seconds.get(0)[1]).isEqualTo(100);
        assertThat(seconds.get(0)[2]).as("p50").isCloseTo(50.0, offset(1e-9));
        assertThat(seconds.get(0)[3]).as("p99").isCloseTo(99.0, offset(1e-9));
        assertThat(seconds.get(0)[4]).as("max").isCloseTo(100.0, offset(1e-9));
        assertThat(seconds.get(1)).containsExactly(2, 1, 500, 500, 500);
        Path svg = dir.resolve("events.svg");
        log.writeChart(svg, "a <test>");
        String text = Files.readString(svg);
        assertThat(text).startsWith("<svg").contains("a &lt;test&gt;").contains("p99 per second");
        assertThat(text.split("<polyline", -1)).hasSize(4);
        assertThat(text).as("the y axis reaches the largest max").contains(">500 ms<");
        Path csv = dir.resolve("events.csv");
        log.write(csv);
        assertThat(Files.readAllLines(csv).get(101)).endsWith(",RECOVERED,\"y,\"\"z\"\"\"");
    }

    @Test
    void aNiceCeilingIsOneTwoOrFiveTimesAPowerOfTen() {
        assertThat(SecondsChart.niceCeiling(0.7)).isCloseTo(1.0, offset(1e-12));
        assertThat(SecondsChart.niceCeiling(130)).isCloseTo(200.0, offset(1e-9));
        assertThat(SecondsChart.niceCeiling(200)).isCloseTo(200.0, offset(1e-9));
        assertThat(SecondsChart.niceCeiling(420)).isCloseTo(500.0, offset(1e-9));
        assertThat(SecondsChart.niceCeiling(501)).isCloseTo(1000.0, offset(1e-9));
    }
}
