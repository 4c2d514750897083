package io.ballast.predictive.backtest;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes backtest.json (the shape of issue 5) and backtest.md from a {@link BacktestResult}. Non-finite numbers are
 * written as JSON null.
 */
public final class BacktestReport {

    private BacktestReport() {
    }

    /**
     * The JSON document as nested maps, keys in a fixed order.
     *
     * @param r the result
     * @return the document
     */
    public static Map<String, Object> json(BacktestResult r) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("asset", r.asset());
        root.put("coverage", r.coverage());
        root.put("oosStart", r.oosStart().toString());
        root.put("champion", r.championModel());
        root.put("staticMmf", num(r.staticMmf()));
        root.put("seed", r.seed());
        root.put("accounts", r.accounts());
        Map<String, Object> policies = new LinkedHashMap<>();
        for (PolicyResult p : r.policies().values()) {
            Map<String, Object> o = new LinkedHashMap<>();
            CoverageTest c = p.coverage();
            o.put("exceptions", c.exceptions());
            o.put("days", c.days());
            o.put("kupiecP", num(c.kupiecP()));
            o.put("christoffersenIndP", num(c.independenceP()));
            o.put("christoffersenCcP", num(c.conditionalCoverageP()));
            o.put("greenWindowShare", num(p.greenWindowShare()));
            o.put("avgMargin", num(p.avgMargin()));
            o.put("medianMargin", num(p.medianMargin()));
            o.put("staticEquivalentFraction", num(p.staticEquivalent()));
            o.put("staticEquivalentRatio", num(p.staticEquivalentRatio()));
            o.put("medianStaticRatio", num(p.medianStaticRatio()));
            o.put("peakToTrough", num(p.peakToTrough()));
            o.put("maxIncrease1d", num(p.maxIncrease1d()));
            o.put("maxIncrease5d", num(p.maxIncrease5d()));
            o.put("maxIncrease30d", num(p.maxIncrease30d()));
            o.put("fallbackDays", p.fallbackDays());
            o.put("clippedDays", p.clippedDays());
            o.put("proposalDays", p.proposalDays());
            o.put("imfMaxIncrease5d", num(p.imfMaxIncrease5d()));
            o.put("stressDays", p.stressDays());
            o.put("intradayRaisedDays", p.intradayRaisedDays());
            Map<String, Object> crashes = new LinkedHashMap<>();
            for (Map.Entry<String, ReplayResult> e : p.crashes().entrySet()) {
                Map<String, Object> x = new LinkedHashMap<>();
                x.put("liquidated", e.getValue().liquidated());
                x.put("badDebt", num(e.getValue().badDebtUsd()));
                x.put("warnedHoursAhead", num(e.getValue().warnedHoursAheadMedian()));
                x.put("barHours", e.getValue().barHours());
                x.put("openInterest", num(e.getValue().openInterestUsd()));
                x.put("badDebtPerOpenInterest", num(e.getValue().badDebtPerOpenInterest()));
                x.put("badDebtPerOpenInterestCi95", java.util.List.of(num(e.getValue().badDebtPerOpenInterestCi95()[0]),
                    num(e.getValue().badDebtPerOpenInterestCi95()[1])));
                x.put("seeds", e.getValue().seeds());
                crashes.put(e.getKey(), x);
            }
            o.put("crashes", crashes);
            OptionBookResult ob = p.optionBook();
            Map<String, Object> opt = new LinkedHashMap<>();
            opt.put("exceptions", ob.coverage().exceptions());
            opt.put("days", ob.coverage().days());
            opt.put("kupiecP", num(ob.coverage().kupiecP()));
            opt.put("christoffersenCcP", num(ob.coverage().conditionalCoverageP()));
            opt.put("greenWindowShare", num(ob.greenWindowShare()));
            opt.put("avgMargin", num(ob.avgMargin()));
            opt.put("medianMargin", num(ob.medianMargin()));
            opt.put("staticEquivalentRatio", num(ob.avgMargin() / ob.staticEquivalent()));
            opt.put("maxIncrease5d", num(ob.maxIncrease5d()));
            o.put("optionBook", opt);
            policies.put(p.name(), o);
        }
        root.put("policies", policies);
        Map<String, Object> frontier = new LinkedHashMap<>();
        r.frontier().forEach((k, pts) -> {
            List<Map<String, Object>> list = new ArrayList<>();
            for (BacktestResult.FrontierPoint pt : pts) {
                Map<String, Object> x = new LinkedHashMap<>();
                x.put("scale", pt.scale());
                x.put("avgMargin", num(pt.avgMargin()));
                x.put("exceptions", pt.exceptions());
                x.put("days", pt.days());
                list.add(x);
            }
            frontier.put(k, list);
        });
        root.put("frontier", frontier);
        Map<String, Object> goals = new LinkedHashMap<>();
        for (Goals.Verdict v : Goals.check(r)) {
            goals.put(v.key(), Map.of("met", v.met(), "detail", v.text()));
        }
        root.put("goals", goals);
        if (!r.championWeeks().isEmpty()) {
            List<Map<String, Object>> weeks = new ArrayList<>();
            for (io.ballast.predictive.ChampionSchedule.Week w : r.championWeeks()) {
                Map<String, Object> x = new LinkedHashMap<>();
                x.put("decided", w.decided().toString());
                x.put("lastBar", w.lastBar().toString());
                x.put("champion", w.champion());
                x.put("harMcsP", num(w.harMcsP()));
                x.put("reason", w.reason());
                weeks.add(x);
            }
            root.put("championByWeek", weeks);
        }
        return root;
    }

    /**
     * Writes backtest.json.
     *
     * @param r the result
     * @param file target file
     */
    public static void writeJson(BacktestResult r, Path file) {
        try {
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), json(r));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    /**
     * The markdown report.
     *
     * @param r the result
     * @param plots names of the plot files written next to it (may be empty)
     * @return the markdown text
     */
    public static String markdown(BacktestResult r, List<String> plots) {
        StringBuilder b = new StringBuilder();
        b.append("# Backtest: ").append(r.asset()).append("\n\n");
        b.append(f("Coverage %.1f %%, perp MPOR 1 day, margined days from %s (out of sample), champion model **%s**, "
                + "static MMF %.4f (the empirical %.1f %% quantile of absolute 1-day moves before %s). Seed %d, %d "
                + "synthetic accounts. Fixed portfolio: one unit long and one unit short of the perp; an exception is a "
                + "day whose next-day move, either way, exceeds the MMF set at that day's close.\n\n",
            100 * r.coverage(), r.oosStart(), r.championModel(), r.staticMmf(), 100 * r.coverage(), r.oosStart(),
            r.seed(), r.accounts()));
        if (!r.championWeeks().isEmpty()) {
            b.append("Champion re-decided at every weekly retraining, as the risk service does (the bars up to each "
                + "Saturday's close, champion policy): ").append(BacktestRunner.championSummary(r.championWeeks()))
                .append(" (`championByWeek` in backtest.json).\n\n");
        }
        b.append("## Coverage and capital efficiency\n\n### Perp book (headline figures of backtest.json)\n\n");
        b.append("| policy | days | exceptions | Kupiec p | Christoffersen ind p | cc p | green windows | avg MMF | "
            + "median MMF | static-equivalent | avg / static-eq | median / static-eq |\n");
        b.append("|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (PolicyResult p : r.policies().values()) {
            CoverageTest c = p.coverage();
            b.append(f("| %s | %d | %d | %.3f | %.3f | %.3f | %.1f %% | %.4f | %.4f | %.4f | %.3f | %.3f |\n",
                p.name(), c.days(), c.exceptions(), c.kupiecP(), c.independenceP(), c.conditionalCoverageP(),
                100 * p.greenWindowShare(), p.avgMargin(), p.medianMargin(), p.staticEquivalent(),
                p.staticEquivalentRatio(), p.medianStaticRatio()));
        }
        b.append("\n### Option book (short 30-day ATM straddle, 2-day MPOR, requirement as a fraction of spot)\n\n");
        b.append("| policy | days | exceptions | Kupiec p | cc p | green windows | avg req | median req | "
            + "avg / static-eq | max 5-day increase |\n|---|---|---|---|---|---|---|---|---|---|\n");
        for (PolicyResult p : r.policies().values()) {
            OptionBookResult o = p.optionBook();
            b.append(f("| %s | %d | %d | %.3f | %.3f | %.1f %% | %.4f | %.4f | %.3f | %.2fx |\n", p.name(),
                o.coverage().days(), o.coverage().exceptions(), o.coverage().kupiecP(),
                o.coverage().conditionalCoverageP(), 100 * o.greenWindowShare(), o.avgMargin(), o.medianMargin(),
                o.avgMargin() / o.staticEquivalent(), o.maxIncrease5d()));
        }
        b.append("\n## Procyclicality\n\n| policy | peak-to-trough | max 1-day increase | max 5-day | max 30-day | "
            + "EWMA fallback days | clipped days | proposal days |\n|---|---|---|---|---|---|---|---|\n");
        for (PolicyResult p : r.policies().values()) {
            b.append(f("| %s | %.2f | %.2fx | %.2fx | %.2fx | %d | %d | %d |\n", p.name(), p.peakToTrough(),
                p.maxIncrease1d(), p.maxIncrease5d(), p.maxIncrease30d(), p.fallbackDays(), p.clippedDays(),
                p.proposalDays()));
        }
        b.append("\n## Crash replays\n\n");
        b.append("Liquidated accounts / bad debt (USD) / median hours between first margin call and liquidation. "
            + "Bars: ");
        List<String> bars = new ArrayList<>();
        r.events().forEach((e, h) -> bars.add(e.key() + " " + (h == 1 ? "hourly" : "daily")));
        b.append(String.join(", ", bars)).append(".\n\n| event |");
        for (String p : r.policies().keySet()) {
            b.append(' ').append(p).append(" |");
        }
        b.append("\n|---|").append("---|".repeat(r.policies().size())).append('\n');
        for (CrashEvent e : r.events().keySet()) {
            b.append("| ").append(e.key()).append(' ').append(e.label()).append(" |");
            for (PolicyResult p : r.policies().values()) {
                ReplayResult x = p.crashes().get(e.key());
                b.append(f(" %d / %.0f / %s |", x.liquidated(), x.badDebtUsd(),
                    Double.isNaN(x.warnedHoursAheadMedian()) ? "-" : f("%.0f h", x.warnedHoursAheadMedian())));
            }
            b.append('\n');
        }
        b.append("| **total bad debt** |");
        for (PolicyResult p : r.policies().values()) {
            b.append(f(" %.0f |", p.totalBadDebt()));
        }
        b.append("\n\nBad debt per unit of open interest, mean over the seeds [95 % interval]; every policy margins the "
            + "same positions (leverage capped by the static IMF at open):\n\n| event |");
        for (String p : r.policies().keySet()) {
            b.append(' ').append(p).append(" |");
        }
        b.append("\n|---|").append("---|".repeat(r.policies().size())).append('\n');
        for (CrashEvent e : r.events().keySet()) {
            b.append("| ").append(e.key()).append(" |");
            for (PolicyResult p : r.policies().values()) {
                ReplayResult x = p.crashes().get(e.key());
                double[] ci = x.badDebtPerOpenInterestCi95();
                b.append(f(" %.2e [%.2e, %.2e] (%d seeds) |", x.badDebtPerOpenInterest(), ci[0], ci[1], x.seeds()));
            }
            b.append('\n');
        }
        b.append("\n\n## Frontier (average MMF vs exceptions across settings)\n\n| policy | scale | avg MMF | "
            + "exceptions |\n|---|---|---|---|\n");
        r.frontier().forEach((k, pts) -> pts.forEach(pt -> b.append(f("| %s | %.1f | %.4f | %d |\n", k, pt.scale(),
            pt.avgMargin(), pt.exceptions()))));
        b.append("\nScale multiplies the static fraction for `static` and the tail factor for the other policies.\n");
        b.append("\n## Goals (guarded predictive at ").append(f("%.0f %%", 100 * r.coverage())).append(")\n\n");
        for (Goals.Verdict v : Goals.check(r)) {
            b.append("- ").append(v.met() ? "**met**: " : "**MISSED**: ").append(v.text()).append('\n');
        }
        if (!plots.isEmpty()) {
            b.append("\n## Plots\n\n");
            for (String p : plots) {
                b.append("![").append(p).append("](").append(p).append(")\n\n");
            }
        }
        return b.toString();
    }

    /**
     * Writes backtest.md.
     *
     * @param r the result
     * @param plots plot file names
     * @param file target
     */
    public static void writeMarkdown(BacktestResult r, List<String> plots, Path file) {
        try {
            Files.writeString(file, markdown(r, plots));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    private static Object num(double v) {
        return Double.isFinite(v) ? v : null;
    }

    private static String f(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }
}
