package io.ballast.predictive.backtest;

import java.time.LocalDate;
import java.util.List;

/**
 * A stress event to replay (risk-methodology.md section 6). The replay window runs from 7 days before the first day
 * to the end of the 3rd day after the last.
 *
 * @param key the key in reports and backtest.json (the first day, ISO)
 * @param first first day of the event
 * @param last last day of the event
 * @param label short description
 */
public record CrashEvent(String key, LocalDate first, LocalDate last, String label) {

    /** Days of history before the event in the replay window. */
    public static final int DAYS_BEFORE = 7;
    /** Days after the event in the replay window. */
    public static final int DAYS_AFTER = 3;

    /** The six events of issue 5. */
    public static final List<CrashEvent> STANDARD = List.of(
        of("2020-03-12", "2020-03-12", "COVID crash"),
        of("2021-05-19", "2021-05-19", "May 2021 crash"),
        of("2022-05-09", "2022-05-12", "LUNA week"),
        of("2022-11-08", "2022-11-09", "FTX"),
        of("2024-08-05", "2024-08-05", "yen-carry unwind"),
        of("2025-10-10", "2025-10-10", "Oct 2025 liquidations"));

    private static CrashEvent of(String first, String last, String label) {
        return new CrashEvent(first, LocalDate.parse(first), LocalDate.parse(last), label);
    }

    /** @return first day of the replay window */
    public LocalDate windowStart() {
        return first.minusDays(DAYS_BEFORE);
    }

    /** @return last day of the replay window (inclusive) */
    public LocalDate windowEnd() {
        return last.plusDays(DAYS_AFTER);
    }
}
