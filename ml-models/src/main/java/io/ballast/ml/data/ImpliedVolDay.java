package io.ballast.ml.data;

import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Objects;

/**
 * One day of an implied volatility index (Deribit DVOL: 30-day implied volatility, annualised, in percent). The value
 * is the index at the end of the UTC day {@code date}, so it is known only at that day's close, the same moment as
 * the daily bar's close (shared/data/market SOURCES.md).
 *
 * @param date          UTC calendar day (the index candle's start)
 * @param annualVolPct  implied volatility at the end of that day, annualised, in percent (e.g. 63.1)
 */
public record ImpliedVolDay(LocalDate date, double annualVolPct) {

    /** Calendar days per year of the index's annualisation (crypto trades every day). */
    public static final double DAYS_PER_YEAR = 365.0;

    /** Validates: a date and a finite, strictly positive level. */
    public ImpliedVolDay {
        Objects.requireNonNull(date, "date");
        if (!(annualVolPct > 0) || Double.isInfinite(annualVolPct)) {
            throw new IllegalArgumentException("implied volatility must be finite and > 0 (" + annualVolPct + ")");
        }
    }

    /** The implied variance of one day's log return, in daily log-return units: {@code (pct / 100)^2 / 365}. */
    public double dailyVariance() {
        double v = annualVolPct / 100;
        return v * v / DAYS_PER_YEAR;
    }

    /**
     * The index aligned with a series' days.
     *
     * @param variance implied daily variance per day (NaN where none)
     * @param carried  days whose value is an earlier day's
     */
    public record Aligned(double[] variance, int carried) {
    }

    /**
     * Aligns index days with ascending series days: day i gets the implied daily variance of the latest index day d
     * with {@code d <= days[i]} and {@code days[i] - d <= maxAgeDays}, NaN otherwise (a value is known at its day's end,
     * the moment of the daily close; nothing later is ever used).
     *
     * @param index      ascending index days
     * @param days       ascending series days
     * @param maxAgeDays oldest value a day may take (calendar days)
     */
    public static Aligned align(List<ImpliedVolDay> index, LocalDate[] days, int maxAgeDays) {
        double[] iv = new double[days.length];
        int j = -1;
        int carried = 0;
        for (int i = 0; i < days.length; i++) {
            while (j + 1 < index.size() && !index.get(j + 1).date().isAfter(days[i])) {
                j++;
            }
            boolean fresh = j >= 0 && ChronoUnit.DAYS.between(index.get(j).date(), days[i]) <= maxAgeDays;
            iv[i] = fresh ? index.get(j).dailyVariance() : Double.NaN;
            carried += fresh && index.get(j).date().isBefore(days[i]) ? 1 : 0;
        }
        return new Aligned(iv, carried);
    }
}
