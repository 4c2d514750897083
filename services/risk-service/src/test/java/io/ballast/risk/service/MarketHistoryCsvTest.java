package io.ballast.risk.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ballast.ml.data.DailyBar;
import io.ballast.risk.domain.ApiException;
import io.ballast.risk.domain.FieldError;
import io.ballast.risk.service.MarketHistoryService.Csv;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The CSV body of {@code PUT /api/v1/market/history/{underlying}} without a server: what the shared reader makes of
 * it and the 400 that {@link MarketHistoryService#validate} then answers (RecommendationApiTest covers the endpoint).
 */
class MarketHistoryCsvTest {

    private static final String HEADER = "timestamp,open,high,low,close,volume\n";

    @Test
    void aGoodBodyGivesEveryRowWithItsLine() {
        Csv csv = MarketHistoryService.parseCsv(HEADER + "2024-01-01,100,110,90,105,1\n2024-01-02,105,106,95,96,2\n");
        assertThat(csv.unreadable()).isEmpty();
        assertThat(csv.lines()).containsExactly(2, 3);
        assertThat(csv.rows()).containsExactly(
                new MarketHistoryService.BarInput(LocalDate.of(2024, 1, 1), 100.0, 110.0, 90.0, 105.0, 1.0),
                new MarketHistoryService.BarInput(LocalDate.of(2024, 1, 2), 105.0, 106.0, 95.0, 96.0, 2.0));
        List<DailyBar> bars = MarketHistoryService.validate(csv.rows(), csv.lines(), csv.unreadable());
        assertThat(bars).extracting(DailyBar::close).containsExactly(105.0, 96.0);
    }

    @Test
    void aDateHeaderAndCrlfLineEndsAreAccepted() {
        Csv csv = MarketHistoryService.parseCsv("date,open,high,low,close,volume\r\n2024-01-01,100,110,90,105,1\r\n");
        assertThat(csv.rows()).extracting(MarketHistoryService.BarInput::date)
                .containsExactly(LocalDate.of(2024, 1, 1));
    }

    @Test
    void aBadHeaderIsA400OnLineOne() {
        for (String body : new String[] {"", "time,o,h,l,c,v\n2024-01-01,1,1,1,1,1\n", "2024-01-01,1,1,1,1,1\n"}) {
            assertThatThrownBy(() -> MarketHistoryService.parseCsv(body)).isInstanceOf(ApiException.class)
                    .satisfies(e -> {
                        ApiException api = (ApiException) e;
                        assertThat(api.status()).isEqualTo(400);
                        assertThat(api.errors()).extracting(FieldError::field).containsExactly("line 1");
                    });
        }
    }

    @Test
    void unreadableLinesAreListedWithTheInvalidRowsByLineNumberAndNothingPasses() {
        Csv csv = MarketHistoryService.parseCsv(HEADER
                + "2024-01-01,100,110,90,105,1\n"
                + "2024-01-02,100,110,90,105\n" // line 3: 5 fields
                + "\n"
                + "2024-01-04,100,x,90,105,1\n" // line 5: not a number
                + "2024-01-05T00:00:00Z,100,110,90,105,1\n" // line 6: an hour, not a day
                + "2024-01-06,100,99,90,95,1\n" // line 7: high below the open
                + "2024-01-07,NaN,110,90,105,1\n"); // line 8: NaN
        assertThat(csv.lines()).containsExactly(2, 7, 8);
        assertThat(csv.unreadable()).extracting(FieldError::index).containsExactly(3, 5, 6);
        assertThat(csv.unreadable()).extracting(FieldError::field).containsExactly("line 3", "line 5", "line 6");
        assertThat(csv.unreadable().get(0).message()).isEqualTo("unreadable: expected 6 columns, found 5");
        assertThat(csv.unreadable().get(1).message()).isEqualTo("unreadable: unparseable high 'x'");
        assertThat(csv.unreadable().get(2).message()).startsWith("unreadable: Text '2024-01-05T00:00:00Z'");
        assertThatThrownBy(() -> MarketHistoryService.validate(csv.rows(), csv.lines(), csv.unreadable()))
                .isInstanceOf(ApiException.class)
                .hasMessageContaining("5 invalid bar(s); nothing written")
                .satisfies(e -> assertThat(((ApiException) e).errors()).extracting(FieldError::index)
                        .containsExactly(3, 5, 6, 7, 8));
    }
}
