package io.ballast.predictive.backtest;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The goals of issue 5 for the guarded predictive policy, checked against a result.
 */
public final class Goals {

    private Goals() {
    }

    /**
     * One goal's verdict.
     *
     * @param key short machine-readable key
     * @param met whether the goal is met
     * @param text the goal and the measured figures, in plain words
     */
    public record Verdict(String key, boolean met, String text) {
    }

    /**
     * Checks every goal.
     *
     * @param r the backtest result (must contain the static and guarded policies)
     * @return one verdict per goal, in the order
     */
    public static List<Verdict> check(BacktestResult r) {
        PolicyResult g = r.policies().get("guarded");
        PolicyResult s = r.policies().get("static");
        List<Verdict> out = new ArrayList<>();
        CoverageTest c = g.coverage();
        out.add(new Verdict("kupiecAndCc", c.kupiecP() > 0.05 && c.conditionalCoverageP() > 0.05,
            f("Kupiec p = %.3f and Christoffersen conditional-coverage p = %.3f (both must exceed 0.05); %d exceptions"
                + " in %d days", c.kupiecP(), c.conditionalCoverageP(), c.exceptions(), c.days())));
        out.add(new Verdict("green95", g.greenWindowShare() >= 0.95,
            f("green in %.1f %% of rolling 250-day windows (goal >= 95 %%)", 100 * g.greenWindowShare())));
        out.add(new Verdict("avgVsStatic", g.staticEquivalentRatio() <= 1.0,
            f("average margin %.4f is %.3fx the static-equivalent fraction %.4f (goal <= 1.0x)", g.avgMargin(),
                g.staticEquivalentRatio(), g.staticEquivalent())));
        out.add(new Verdict("medianVsStatic", g.medianStaticRatio() <= 0.8,
            f("median margin %.4f is %.3fx the static-equivalent fraction (goal <= 0.8x)", g.medianMargin(),
                g.medianStaticRatio())));
        // per unit of open interest (means over the seeds) where the replays measured it, else USD of one seed
        boolean perOi = g.crashes().values().stream().allMatch(x -> Double.isFinite(x.badDebtPerOpenInterest()))
            && s.crashes().values().stream().allMatch(x -> Double.isFinite(x.badDebtPerOpenInterest()));
        boolean each = true;
        StringBuilder worse = new StringBuilder();
        for (Map.Entry<String, ReplayResult> e : g.crashes().entrySet()) {
            ReplayResult other = s.crashes().get(e.getKey());
            double mine = perOi ? e.getValue().badDebtPerOpenInterest() : e.getValue().badDebtUsd();
            double theirs = perOi ? other.badDebtPerOpenInterest() : other.badDebtUsd();
            if (mine > theirs + (perOi ? 1e-12 : 1e-6)) {
                each = false;
                worse.append(perOi
                    ? f(" %s: %.2e [%.2e, %.2e] vs static %.2e [%.2e, %.2e] per unit of open interest;", e.getKey(),
                        mine, e.getValue().badDebtPerOpenInterestCi95()[0],
                        e.getValue().badDebtPerOpenInterestCi95()[1], theirs, other.badDebtPerOpenInterestCi95()[0],
                        other.badDebtPerOpenInterestCi95()[1])
                    : f(" %s: %.0f vs static %.0f USD;", e.getKey(), mine, theirs));
            }
        }
        out.add(new Verdict("badDebtEach", each, each ? "bad debt at most static's in every replay"
            + (perOi ? " (per unit of open interest, mean over the seeds)" : "")
            : "bad debt above static's in:" + worse));
        if (perOi) {
            double gs = g.totalBadDebtPerOpenInterest();
            double ss = s.totalBadDebtPerOpenInterest();
            out.add(new Verdict("badDebtHalf", gs <= 0.5 * ss,
                f("summed bad debt per unit of open interest %.2e vs static %.2e (goal <= half; means over the seeds)",
                    gs, ss)));
        } else {
            double gs = g.totalBadDebt();
            double ss = s.totalBadDebt();
            out.add(new Verdict("badDebtHalf", gs <= 0.5 * ss,
                f("summed bad debt %.0f USD vs static %.0f USD (goal <= half)", gs, ss)));
        }
        // 1e-9 absorbs the rounding of (2^(1/5))^5, which the default daily cap compounds to
        out.add(new Verdict("increase5d", g.maxIncrease5d() <= 2.0 + 1e-9,
            f("largest 5-day margin increase %.2fx (goal <= 2x)", g.maxIncrease5d())));
        return out;
    }

    private static String f(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }
}
