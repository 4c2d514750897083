package io.ballast.ml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ballast.ml.api.ForecastSeries;
import io.ballast.ml.api.Forecasts;
import io.ballast.ml.data.DailyBar;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;

class ForecastsContractTest {

    @Test
    void walkForwardCoversEveryDayFromOosStartToTheLastBar() {
        List<DailyBar> bars = Synthetic.bars(1000, 8);
        LocalDate oos = bars.get(900).date();
        for (String m : List.of("EWMA", "GARCH", "HAR")) {
            ForecastSeries f1 = Forecasts.walkForward("SYN", bars, m, 1, oos);
            ForecastSeries f2 = Forecasts.walkForward("SYN", bars, m, 2, oos);
            assertThat(f1.size()).isEqualTo(100);
            assertThat(f1.date(0)).isEqualTo(oos);
            assertThat(f1.date(99)).isEqualTo(bars.get(999).date());
            assertThat(f1.model()).isEqualTo(m);
            for (int i = 0; i < f1.size(); i++) {
                assertThat(f2.variance(i)).isGreaterThan(f1.variance(i) * 1.2).isLessThan(f1.variance(i) * 3.5);
            }
        }
        ForecastSeries e1 = Forecasts.walkForward("SYN", bars, "EWMA", 1, oos);
        ForecastSeries e2 = Forecasts.walkForward("SYN", bars, "EWMA", 2, oos);
        assertThat(e2.variance(5)).isEqualTo(2 * e1.variance(5));
    }

    @Test
    void rejectsBadArguments() {
        List<DailyBar> bars = Synthetic.bars(400, 8);
        assertThatThrownBy(() -> Forecasts.walkForward("SYN", bars, "EWMA", 11, bars.get(300).date()))
                .hasMessageContaining("1..10");
        assertThatThrownBy(() -> Forecasts.walkForward("SYN", bars, "NOPE", 1, bars.get(300).date()))
                .hasMessageContaining("unknown model");
        assertThatThrownBy(() -> Forecasts.walkForward("SYN", bars, "CART", 1, bars.get(300).date()))
                .hasMessageContaining("730");
        // XGBoost is a lab model (labs/forecast-lab): the library, and so the risk service, does not know it
        assertThatThrownBy(() -> Forecasts.walkForward("SYN", bars, "XGB", 1, bars.get(300).date()))
                .hasMessageContaining("unknown model").hasMessageContaining("labs");
        assertThatThrownBy(() -> new ForecastSeries("A", "M", 1, new LocalDate[] {LocalDate.EPOCH}, new double[] {-1}))
                .hasMessageContaining("> 0");
    }
}
