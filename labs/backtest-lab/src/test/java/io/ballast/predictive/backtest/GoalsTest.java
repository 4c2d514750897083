package io.ballast.predictive.backtest;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Each goal verdict of issue 5 at, just inside and just outside its bound, with the figures it prints. */
class GoalsTest {

    private static final LocalDate DAY = LocalDate.of(2024, 1, 1);

    /** The adjustable figures of the guarded policy (the static policy only supplies bad debt). */
    private static final class Figures {
        double kupiecP = 0.5;
        double ccP = 0.5;
        double green = 1.0;
        double avg = 0.1;
        double median = 0.07;
        double staticEq = 0.125;
        double inc5 = 1.5;
        boolean perOpenInterest;
        Map<String, Double> guardedDebt = new LinkedHashMap<>(Map.of("2020-03-12", 100.0, "2024-08-05", 0.0));
        Map<String, Double> staticDebt = new LinkedHashMap<>(Map.of("2020-03-12", 300.0, "2024-08-05", 0.0));
    }

    private static PolicyResult policy(String name, Figures f, Map<String, Double> debt) {
        CoverageTest c = new CoverageTest(21, 2317, 0.01, 0.2, f.kupiecP, 0.3, 0.4, 0.5, f.ccP);
        Map<String, ReplayResult> crashes = new LinkedHashMap<>();
        debt.forEach((k, v) -> crashes.put(k, f.perOpenInterest
            ? new ReplayResult(100, 10, 1e9, 2.0, 1, 1e6, v / 1e6, new double[] {v / 2e6, v / 5e5}, 20)
            : new ReplayResult(100, 10, v, 2.0, 1)));
        return new PolicyResult(name, new LocalDate[] {DAY}, new double[] {f.avg}, new double[] {0.01},
            new boolean[] {false}, c, f.green, f.avg, f.median, f.staticEq, 3.0, 1.1, f.inc5, 2.5, 0, 0, 0, crashes,
            null, 1.0, 0, 0);
    }

    private static Map<String, Goals.Verdict> check(Figures f) {
        Map<String, PolicyResult> policies = new LinkedHashMap<>();
        policies.put("static", policy("static", f, f.staticDebt));
        policies.put("guarded", policy("guarded", f, f.guardedDebt));
        BacktestResult r = new BacktestResult("BTC", 0.99, DAY, "HAR", 0.145, 42, 100, policies, Map.of(), Map.of());
        List<Goals.Verdict> v = Goals.check(r);
        Map<String, Goals.Verdict> byKey = new LinkedHashMap<>();
        v.forEach(x -> byKey.put(x.key(), x));
        assertThat(byKey.keySet()).containsExactly("kupiecAndCc", "green95", "avgVsStatic", "medianVsStatic",
            "badDebtEach", "badDebtHalf", "increase5d");
        return byKey;
    }

    @Test
    void comfortableFiguresMeetEveryGoalAndSayWhatWasMeasured() {
        Map<String, Goals.Verdict> v = check(new Figures());
        assertThat(v.values()).allMatch(Goals.Verdict::met);
        assertThat(v.get("kupiecAndCc").text()).isEqualTo("Kupiec p = 0.500 and Christoffersen conditional-coverage "
            + "p = 0.500 (both must exceed 0.05); 21 exceptions in 2317 days");
        assertThat(v.get("green95").text()).isEqualTo("green in 100.0 % of rolling 250-day windows (goal >= 95 %)");
        // 0.1 / 0.125 = 0.8; 0.07 / 0.125 = 0.56
        assertThat(v.get("avgVsStatic").text()).isEqualTo("average margin 0.1000 is 0.800x the static-equivalent "
            + "fraction 0.1250 (goal <= 1.0x)");
        assertThat(v.get("medianVsStatic").text()).isEqualTo("median margin 0.0700 is 0.560x the static-equivalent "
            + "fraction (goal <= 0.8x)");
        assertThat(v.get("badDebtEach").text()).isEqualTo("bad debt at most static's in every replay");
        assertThat(v.get("badDebtHalf").text()).isEqualTo("summed bad debt 100 USD vs static 300 USD (goal <= half)");
        assertThat(v.get("increase5d").text()).isEqualTo("largest 5-day margin increase 1.50x (goal <= 2x)");
    }

    @Test
    void withSeveralSeedsBadDebtIsJudgedPerUnitOfOpenInterest() {
        // the USD figure (1e9, the same for both) is ignored; per open interest 1e-4 vs static 3e-4
        Figures f = new Figures();
        f.perOpenInterest = true;
        Map<String, Goals.Verdict> v = check(f);
        assertThat(v.get("badDebtEach").met()).isTrue();
        assertThat(v.get("badDebtEach").text()).isEqualTo("bad debt at most static's in every replay (per unit of "
            + "open interest, mean over the seeds)");
        assertThat(v.get("badDebtHalf").met()).isTrue();
        assertThat(v.get("badDebtHalf").text()).isEqualTo("summed bad debt per unit of open interest 1.00e-04 vs "
            + "static 3.00e-04 (goal <= half; means over the seeds)");
        f.guardedDebt.put("2024-08-05", 1.0);
        Goals.Verdict worse = check(f).get("badDebtEach");
        assertThat(worse.met()).isFalse();
        assertThat(worse.text()).isEqualTo("bad debt above static's in: 2024-08-05: 1.00e-06 [5.00e-07, 2.00e-06] vs "
            + "static 0.00e+00 [0.00e+00, 0.00e+00] per unit of open interest;");
    }

    @Test
    void coverageNeedsBothPValuesStrictlyAboveFivePercent() {
        Figures f = new Figures();
        f.kupiecP = 0.05;
        assertThat(check(f).get("kupiecAndCc").met()).isFalse();
        f.kupiecP = 0.0501;
        assertThat(check(f).get("kupiecAndCc").met()).isTrue();
        f.ccP = 0.05;
        assertThat(check(f).get("kupiecAndCc").met()).isFalse();
        f.ccP = 0.0501;
        f.kupiecP = 0.01;
        assertThat(check(f).get("kupiecAndCc").met()).isFalse();
    }

    @Test
    void greenWindowsCountFromNinetyFivePercentInclusive() {
        Figures f = new Figures();
        f.green = 0.95;
        assertThat(check(f).get("green95").met()).isTrue();
        f.green = 0.9499;
        Goals.Verdict v = check(f).get("green95");
        assertThat(v.met()).isFalse();
        assertThat(v.text()).startsWith("green in 95.0 %");
    }

    @Test
    void averageAndMedianRatiosAreMetAtTheirBoundsAndMissedJustAbove() {
        Figures f = new Figures();
        f.avg = 0.125; // exactly 1.0x
        f.median = 0.1; // exactly 0.8x of 0.125
        Map<String, Goals.Verdict> atBound = check(f);
        assertThat(atBound.get("avgVsStatic").met()).isTrue();
        assertThat(atBound.get("medianVsStatic").met()).isTrue();
        f.avg = 0.126;
        f.median = 0.1001;
        Map<String, Goals.Verdict> above = check(f);
        assertThat(above.get("avgVsStatic").met()).isFalse();
        assertThat(above.get("avgVsStatic").text()).contains("1.008x");
        assertThat(above.get("medianVsStatic").met()).isFalse();
    }

    @Test
    void badDebtIsJudgedPerReplayAndSummed() {
        Figures f = new Figures();
        // equal in every replay: each met; 100 + 0 vs 100 + 0 is not at most half
        f.staticDebt.put("2020-03-12", 100.0);
        Map<String, Goals.Verdict> equal = check(f);
        assertThat(equal.get("badDebtEach").met()).isTrue();
        assertThat(equal.get("badDebtHalf").met()).isFalse();
        // exactly half in total: met
        f.staticDebt.put("2020-03-12", 150.0);
        f.staticDebt.put("2024-08-05", 50.0);
        assertThat(check(f).get("badDebtHalf").met()).isTrue();
        // worse by exactly the 1e-6 USD tolerance: still met
        f.guardedDebt.put("2024-08-05", 50.0 + 1e-6);
        assertThat(check(f).get("badDebtEach").met()).isTrue();
        // one replay worse than static by 1 USD: missed, and named with both figures
        f.guardedDebt.put("2024-08-05", 51.0);
        Goals.Verdict each = check(f).get("badDebtEach");
        assertThat(each.met()).isFalse();
        assertThat(each.text()).isEqualTo("bad debt above static's in: 2024-08-05: 51 vs static 50 USD;");
        assertThat(check(f).get("badDebtHalf").text()).isEqualTo(
            "summed bad debt 151 USD vs static 200 USD (goal <= half)");
    }

    @Test
    void theFiveDayRiseAllowsExactlyTheCompoundedDailyCap() {
        Figures f = new Figures();
        f.inc5 = Math.pow(Math.pow(2, 0.2), 5); // the default cap compounded, 2 up to rounding
        assertThat(check(f).get("increase5d").met()).isTrue();
        f.inc5 = 2.0 + 1e-9; // the tolerance itself is still met
        assertThat(check(f).get("increase5d").met()).isTrue();
        f.inc5 = 2.001;
        Goals.Verdict v = check(f).get("increase5d");
        assertThat(v.met()).isFalse();
        assertThat(v.text()).isEqualTo("largest 5-day margin increase 2.00x (goal <= 2x)");
    }
    @Test
    void perUnitOfOpenInterestHalfIsMetAtExactlyHalfAndUsdIsUsedWhenOnePolicyLacksIt() {
        Figures f = new Figures();
        f.perOpenInterest = true;
        f.guardedDebt.put("2020-03-12", 150.0); // 1.5e-4 against static's 3e-4: exactly half
        assertThat(check(f).get("badDebtHalf").met()).isTrue();
        f.guardedDebt.put("2020-03-12", 151.0);
        assertThat(check(f).get("badDebtHalf").met()).isFalse();
        // the guarded replays measured per open interest, static's not: both judged in USD (first seed)
        Map<String, ReplayResult> guarded = new LinkedHashMap<>();
        guarded.put("2020-03-12", new ReplayResult(100, 10, 400, 2.0, 1, 1e6, 1e-9, new double[] {0, 2e-9}, 20));
        Map<String, ReplayResult> stat = new LinkedHashMap<>();
        stat.put("2020-03-12", new ReplayResult(100, 10, 300, 2.0, 1));
        Map<String, PolicyResult> policies = new LinkedHashMap<>();
        Figures plain = new Figures();
        policies.put("static", withCrashes(policy("static", plain, Map.of()), stat));
        policies.put("guarded", withCrashes(policy("guarded", plain, Map.of()), guarded));
        List<Goals.Verdict> v = Goals.check(new BacktestResult("BTC", 0.99, DAY, "HAR", 0.145, 42, 100, policies,
            Map.of(), Map.of()));
        assertThat(v.get(4).met()).isFalse();
        assertThat(v.get(4).text()).isEqualTo("bad debt above static's in: 2020-03-12: 400 vs static 300 USD;");
        assertThat(v.get(5).text()).isEqualTo("summed bad debt 400 USD vs static 300 USD (goal <= half)");
        // and the other way round: static measured per open interest, the guarded replays not
        Map<String, ReplayResult> guardedUsd = new LinkedHashMap<>();
        guardedUsd.put("2020-03-12", new ReplayResult(100, 10, 400, 2.0, 1));
        Map<String, ReplayResult> staticOi = new LinkedHashMap<>();
        staticOi.put("2020-03-12", new ReplayResult(100, 10, 300, 2.0, 1, 1e6, 1e-3, new double[] {0, 2e-3}, 20));
        policies.put("static", withCrashes(policy("static", plain, Map.of()), staticOi));
        policies.put("guarded", withCrashes(policy("guarded", plain, Map.of()), guardedUsd));
        List<Goals.Verdict> w = Goals.check(new BacktestResult("BTC", 0.99, DAY, "HAR", 0.145, 42, 100, policies,
            Map.of(), Map.of()));
        assertThat(w.get(4).text()).isEqualTo("bad debt above static's in: 2020-03-12: 400 vs static 300 USD;");
    }

    private static PolicyResult withCrashes(PolicyResult p, Map<String, ReplayResult> crashes) {
        return new PolicyResult(p.name(), p.dates(), p.margin(), p.absMove(), p.exception(), p.coverage(),
            p.greenWindowShare(), p.avgMargin(), p.medianMargin(), p.staticEquivalent(), p.peakToTrough(),
            p.maxIncrease1d(), p.maxIncrease5d(), p.maxIncrease30d(), p.fallbackDays(), p.proposalDays(),
            p.clippedDays(), crashes, p.optionBook(), p.imfMaxIncrease5d(), p.stressDays(), p.intradayRaisedDays());
    }
}
