package io.ballast.risk.market;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.ballast.risk.market.OracleGuard.SourceTick;
import io.ballast.risk.market.OracleGuard.Verdict;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The oracle guard, index and health rules without a server. */
class OracleGuardTest {

    private static final Instant NOW = Instant.parse("2026-12-01T14:00:00Z");
    private static final OracleGuard GUARD = new OracleGuard(Duration.ofSeconds(2));
    private static final OracleConfig CONFIG = OracleConfig.defaults(List.of("feed", "replay"));

    private static Tick tick(String source, String price, Instant at) {
        return new Tick(source, "BTC", new BigDecimal(price), null, at);
    }

    private static SourceTick source(String source, String price, Instant at) {
        return new SourceTick(source, new BigDecimal(price), null, at);
    }

    @Test
    void parsesATickAndNamesWhatIsWrongWithAMessage() {
        ObjectMapper json = new ObjectMapper();
        Tick t = Tick.parse("{\"source\":\"feed\",\"underlying\":\"BTC\",\"priceUsd\":\"60000.5\",\"annualVol\":0.55,"
                + "\"sourceTime\":\"2026-12-01T14:00:00Z\"}", Tick.reader(json));
        assertThat(t.priceUsd()).isEqualByComparingTo("60000.5");
        assertThat(t.annualVol()).isEqualByComparingTo("0.55");
        assertThat(t.sourceTime()).isEqualTo(NOW);
        assertThatThrownBy(() -> Tick.parse("not json", Tick.reader(json))).hasMessageContaining("not JSON");
        assertThatThrownBy(() -> Tick.parse("{\"source\":\"feed\",\"underlying\":\"BTC\",\"priceUsd\":1}",
                Tick.reader(json)))
                .hasMessage("sourceTime missing");
        assertThatThrownBy(() -> Tick.parse("{\"source\":\"feed\",\"underlying\":\"BTC\",\"priceUsd\":\"x\","
                + "\"sourceTime\":\"2026-12-01T14:00:00Z\"}", Tick.reader(json)))
                .hasMessage("priceUsd must be a decimal number");
        assertThatThrownBy(() -> Tick.parse("{\"source\":\"feed\",\"underlying\":\"BTC\",\"priceUsd\":1,"
                + "\"sourceTime\":\"yesterday\"}", Tick.reader(json)))
                .hasMessageContaining("sourceTime is not an ISO-8601");
    }

    @Test
    void tenantIndependentChecksRejectNonPositiveTinyHugeAndFutureTicks() {
        assertThat(GUARD.checkTick(tick("feed", "0", NOW), NOW).reason()).isEqualTo("non-positive");
        assertThat(GUARD.checkTick(tick("feed", "-5", NOW), NOW).reason()).isEqualTo("non-positive");
        assertThat(GUARD.checkTick(tick("feed", "1e-30", NOW), NOW).reason()).isEqualTo("rounds-to-zero");
        assertThat(GUARD.checkTick(tick("feed", "1e20", NOW), NOW).reason()).isEqualTo("out-of-range");
        assertThat(GUARD.checkTick(tick("feed", "60000", NOW.plusSeconds(3)), NOW).reason()).isEqualTo("future");
        assertThat(GUARD.checkTick(tick("feed", "60000", NOW.plusSeconds(1)), NOW).accepted()).isTrue();
    }

    @Test
    void tenantChecksRejectStaleOutOfOrderAndUnconfirmedJumps() {
        Map<String, SourceTick> latest = new HashMap<>();
        latest.put("feed", source("feed", "60000", NOW.minusSeconds(10)));
        BigDecimal index = new BigDecimal("60000");
        assertThat(GUARD.checkForTenant(tick("feed", "60100", NOW.minusSeconds(301)), CONFIG, latest, List.of(),
                index, NOW).reason()).isEqualTo("stale");
        assertThat(GUARD.checkForTenant(tick("feed", "60100", NOW.minusSeconds(10)), CONFIG, latest, List.of(),
                index, NOW).reason()).isEqualTo("out-of-order");
        assertThat(GUARD.checkForTenant(tick("feed", "90000", NOW), CONFIG, latest, List.of(), index, NOW).reason())
                .isEqualTo("jump");
        assertThat(GUARD.checkForTenant(tick("feed", "70000", NOW), CONFIG, latest, List.of(), index, NOW)
                .accepted()).as("a 16.7 % move is within the 25 % default").isTrue();
        // a second source at the new level (its own rejected jump) confirms it
        Verdict confirmed = GUARD.checkForTenant(tick("feed", "90000", NOW), CONFIG, latest,
                List.of(source("replay", "90100", NOW.minusSeconds(1))), index, NOW);
        assertThat(confirmed.accepted()).isTrue();
        assertThat(confirmed.confirmedBy().source()).isEqualTo("replay");
        // a source that is not configured does not confirm
        assertThat(GUARD.checkForTenant(tick("feed", "90000", NOW), CONFIG, latest,
                List.of(source("other", "90000", NOW)), index, NOW).accepted()).isFalse();
        OracleConfig bounded = new OracleConfig(1, List.of("feed"), 300, new BigDecimal("0.05"),
                new BigDecimal("0.25"), new BigDecimal("1000"), new BigDecimal("100000"));
        assertThat(GUARD.checkForTenant(tick("feed", "999", NOW), bounded, Map.of(), List.of(), null, NOW).reason())
                .isEqualTo("out-of-range");
    }

    @Test
    void indexIsTheMedianOfFreshConfiguredSourcesAndHealthSaysWhenTheyDisagreeOrAreStale() {
        List<SourceTick> two = List.of(source("feed", "60000", NOW.minusSeconds(5)),
                source("replay", "60200", NOW.minusSeconds(2)), source("other", "1", NOW));
        OracleGuard.Index i = GUARD.index(CONFIG, two, NOW).orElseThrow();
        assertThat(i.priceUsd()).isEqualByComparingTo("60100");
        assertThat(i.sources()).isEqualTo(2);
        assertThat(i.observedAt()).isEqualTo(NOW.minusSeconds(2));
        assertThat(i.health()).isEqualTo(OracleHealth.HEALTHY);
        List<SourceTick> three = List.of(source("feed", "60000", NOW), source("replay", "60200", NOW),
                source("x", "1", NOW));
        OracleConfig wide = new OracleConfig(1, List.of("feed", "replay", "x"), 300, new BigDecimal("0.05"),
                new BigDecimal("0.25"), new BigDecimal("1e-18"), new BigDecimal("1e15"));
        assertThat(GUARD.index(wide, three, NOW).orElseThrow().priceUsd()).isEqualByComparingTo("60000");
        assertThat(GUARD.index(wide, three, NOW).orElseThrow().health()).isEqualTo(OracleHealth.UNHEALTHY);
        // stale sources do not count; a stale price in force is unhealthy
        assertThat(GUARD.index(CONFIG, List.of(source("feed", "60000", NOW.minusSeconds(301))), NOW)).isEmpty();
        assertThat(GUARD.health(CONFIG, NOW.minusSeconds(301), two, NOW)).isEqualTo(OracleHealth.UNHEALTHY);
        assertThat(GUARD.health(CONFIG, NOW.minusSeconds(2), two, NOW)).isEqualTo(OracleHealth.HEALTHY);
        assertThat(GUARD.health(CONFIG, null, List.of(), NOW)).isEqualTo(OracleHealth.UNHEALTHY);
    }

    @Test
    void aConfigurationRefusesNonsense() {
        assertThatThrownBy(() -> new OracleConfig(1, List.of(), 300, BigDecimal.ONE, BigDecimal.ONE, BigDecimal.ONE,
                BigDecimal.TEN)).hasMessageStartingWith("sources");
        assertThatThrownBy(() -> new OracleConfig(1, List.of("Feed"), 300, BigDecimal.ONE, BigDecimal.ONE,
                BigDecimal.ONE, BigDecimal.TEN)).hasMessageStartingWith("sources");
        assertThatThrownBy(() -> new OracleConfig(1, List.of("feed"), 0, BigDecimal.ONE, BigDecimal.ONE,
                BigDecimal.ONE, BigDecimal.TEN)).hasMessageStartingWith("stalenessSeconds");
        assertThatThrownBy(() -> new OracleConfig(1, List.of("feed"), 10, BigDecimal.ZERO, BigDecimal.ONE,
                BigDecimal.ONE, BigDecimal.TEN)).hasMessageStartingWith("maxDeviationFraction");
        assertThatThrownBy(() -> new OracleConfig(1, List.of("feed"), 10, BigDecimal.ONE, BigDecimal.ONE,
                BigDecimal.TEN, BigDecimal.ONE)).hasMessageStartingWith("maxPriceUsd");
    }
}
