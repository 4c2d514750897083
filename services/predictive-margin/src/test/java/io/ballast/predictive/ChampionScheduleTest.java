package io.ballast.predictive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ballast.ml.data.DailyBar;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The service's weekly schedule as the backtest replays it (the real-data check is in OneCodePathTest). */
class ChampionScheduleTest {

    @Test
    void aForecastIsServedByTheRetrainingOnTheLatestSaturdayCloseOnOrBeforeIt() {
        // 2020-01-01 is a Wednesday: the retraining of Sunday 2019-12-29 00:05 UTC used the bars up to Saturday's
        LocalDate saturday = LocalDate.of(2019, 12, 28);
        assertThat(ChampionSchedule.decisionDate(LocalDate.of(2020, 1, 1))).isEqualTo(saturday);
        assertThat(ChampionSchedule.decisionDate(saturday)).isEqualTo(saturday);
        assertThat(ChampionSchedule.decisionDate(saturday.plusDays(1))).isEqualTo(saturday);
        assertThat(ChampionSchedule.decisionDate(saturday.plusDays(6))).isEqualTo(saturday);
        assertThat(ChampionSchedule.decisionDate(saturday.plusDays(7))).isEqualTo(saturday.plusDays(7));
        assertThat(ChampionSchedule.decisionDate(saturday.minusDays(1))).isEqualTo(saturday.minusDays(7));
    }

    @Test
    void horizonsDaysWithoutABarAndTooShortAHistoryAreRefused() {
        List<DailyBar> bars = new ArrayList<>();
        double close = 100;
        for (LocalDate d = LocalDate.of(2020, 1, 1); d.isBefore(LocalDate.of(2020, 3, 1)); d = d.plusDays(1)) {
            double next = close * (d.getDayOfMonth() % 2 == 0 ? 1.02 : 0.98);
            bars.add(new DailyBar(d, close, Math.max(close, next) * 1.01, Math.min(close, next) * 0.99, next, 1));
            close = next;
        }
        assertThatThrownBy(() -> new ChampionSchedule("SYN", bars, 0, l -> { }))
            .isInstanceOf(IllegalArgumentException.class).hasMessage("horizonDays must be 1..10: 0");
        assertThatThrownBy(() -> new ChampionSchedule("SYN", bars, 11, l -> { }))
            .hasMessage("horizonDays must be 1..10: 11");
        ChampionSchedule s = new ChampionSchedule("SYN", bars, 1, l -> { });
        assertThatThrownBy(() -> s.forecastAt(LocalDate.of(2019, 12, 31)))
            .hasMessage("no bar on or before 2019-12-31");
        assertThatThrownBy(() -> s.weekOf(LocalDate.of(2020, 2, 15)))
            .hasMessageStartingWith("training needs at least 250 days of history before 2020-02-15");
        assertThat(s.weeks()).isEmpty();
        assertThat(s.horizonDays()).isEqualTo(1);
    }
}
