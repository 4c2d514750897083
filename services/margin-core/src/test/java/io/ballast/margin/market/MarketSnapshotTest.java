package io.ballast.margin.market;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.ballast.margin.Fixtures;
import io.ballast.margin.MarginInputException;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MarketSnapshotTest {

    @Test
    void withPriceReturnsACopyAndLeavesTheOriginalUnchanged() {
        MarketSnapshot m = Fixtures.market();
        MarketSnapshot moved = m.withPrice("BTC", 90_000);
        assertThat(moved.indexPrice("BTC")).isEqualTo(90_000);
        assertThat(m.indexPrice("BTC")).isEqualTo(100_000);
        assertThat(moved.indexPrice("ETH")).isEqualTo(4_000);
        assertThatThrownBy(() -> m.indexPriceUsd().put("BTC", 1.0)).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void volTermStructureIsLinearBetweenPillarsAndFlatOutside() {
        Instant a = Instant.parse("2026-02-01T00:00:00Z");
        Instant b = Instant.parse("2026-03-01T00:00:00Z");
        FlatSmileVolSurface s = FlatSmileVolSurface.of(Map.of(a, 0.5, b, 0.7));
        assertThat(s.annualVol(a, 1, 1)).isEqualTo(0.5);
        assertThat(s.annualVol(Instant.parse("2026-01-01T00:00:00Z"), 1, 1)).isEqualTo(0.5);
        assertThat(s.annualVol(Instant.parse("2027-01-01T00:00:00Z"), 1, 1)).isEqualTo(0.7);
        Instant mid = Instant.ofEpochSecond((a.getEpochSecond() + b.getEpochSecond()) / 2);
        assertThat(s.annualVol(mid, 1, 1)).isCloseTo(0.6, within(1e-12));
        assertThat(s.scaled(2).annualVol(b, 1, 1)).isCloseTo(1.4, within(1e-15));
    }

    @Test
    void yearFractionUses365DayYearsAndIsZeroOnceExpired() {
        MarketSnapshot m = Fixtures.market();
        assertThat(m.yearFraction(Fixtures.IN_30_DAYS)).isCloseTo(30.0 / 365.0, within(1e-15));
        assertThat(m.yearFraction(Fixtures.NOW)).isZero();
        assertThat(m.yearFraction(Fixtures.NOW.minusSeconds(3600))).isZero();
    }
}
