package io.ballast.predictive.backtest;

import io.ballast.ml.api.ForecastSeries;
import io.ballast.ml.data.DailyBar;
import io.ballast.ml.data.HourlyBar;
import io.ballast.predictive.FloorVolatility;
import io.ballast.predictive.GuardrailSettings;
import io.ballast.predictive.MappingSettings;
import io.ballast.predictive.ParameterMapper;
import io.ballast.predictive.PredictiveMarginEngine;
import io.ballast.predictive.Recommendation;
import io.ballast.predictive.RecommendedParameters;
import io.ballast.predictive.RecommendationRequest;
import io.ballast.predictive.GuardrailState;
import io.ballast.predictive.Decision;
import io.ballast.predictive.VolForecast;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * Runs the four policies (static, EWMA-scaled, predictive, guarded predictive) over one asset's history for the
 * perp book of the fixed portfolio (one unit long and one unit short: an exception is a move over the MPOR, either
 * way, beyond the margin set at the close before it), then the crash replays and the frontier.
 *
 * <p>Days whose MPOR end falls on a missing row (the 2026 export gaps) are skipped.
 */
public final class BacktestRunner {

    /** Policy keys, in report order. */
    public static final List<String> POLICIES = List.of("static", "ewma", "predictive", "guarded");

    private static final String TENANT = "backtest";

    private final String asset;
    private final List<DailyBar> daily;
    private final List<HourlyBar> hourly;
    private final ForecastSource forecasts;
    private final String model;
    private final BacktestConfig config;
    private final Consumer<String> progress;

    /**
     * @param asset asset symbol
     * @param daily validated ascending daily bars
     * @param hourly validated ascending hourly bars, possibly empty (replays then use daily bars)
     * @param forecasts forecast source for this asset
     * @param model the model of the predictive policies: "champion" or a fixed model name
     * @param config run settings
     * @param progress receives progress lines
     */
    public BacktestRunner(String asset, List<DailyBar> daily, List<HourlyBar> hourly, ForecastSource forecasts,
                          String model, BacktestConfig config, Consumer<String> progress) {
        this.asset = Objects.requireNonNull(asset, "asset");
        this.daily = List.copyOf(daily);
        this.hourly = List.copyOf(hourly);
        this.forecasts = Objects.requireNonNull(forecasts, "forecasts");
        this.model = Objects.requireNonNull(model, "model");
        this.config = Objects.requireNonNull(config, "config");
        this.progress = Objects.requireNonNull(progress, "progress");
        if (this.daily.size() < 400) {
            throw new IllegalArgumentException("need at least 400 daily bars, got " + this.daily.size());
        }
    }

    /** The aligned inputs of the backtest days. */
    private record Days(LocalDate[] dates, int[] row, double[] absMove, double[] champVar, double[] ewmaVar,
                        double[] floorSigma, String championModel, double[] iv, double[] optionLoss) {
    }

    /**
     * Runs everything.
     *
     * @return the result
     */
    public BacktestResult run() {
        int h = config.mapping().mporPerpDays();
        progress.accept(asset + ": " + model + " forecasts h=" + h + " from " + config.oosStart());
        ForecastSeries champ = forecasts.forecast(model, h, config.oosStart());
        progress.accept(asset + ": " + model + " is " + champ.model() + "; EWMA forecasts h=" + h);
        ForecastSeries ewma = forecasts.forecast("EWMA", h, config.oosStart());
        Days days = align(champ, ewma, h);
        double staticMmf = Double.isNaN(config.staticMmf()) ? calibrateStatic(h) : config.staticMmf();
        double staticScan = calibrateStatic(config.mapping().mporOptionDays());
        progress.accept(String.format("%s: %d days %s .. %s, static MMF %.4f", asset, days.dates.length,
            days.dates[0], days.dates[days.dates.length - 1], staticMmf));

        List<SyntheticAccount> population = AccountPopulation.generate(config.seed(), config.accounts());
        Map<CrashEvent, List<ReplayBar>> paths = new LinkedHashMap<>();
        Map<CrashEvent, Integer> barHours = new LinkedHashMap<>();
        for (CrashEvent e : CrashEvent.STANDARD) {
            if (e.windowStart().minusDays(1).isBefore(days.dates[0])
                || e.windowEnd().isAfter(days.dates[days.dates.length - 1])) {
                progress.accept(asset + ": event " + e.key() + " outside the margined days, skipped");
                continue;
            }
            List<ReplayBar> hourlyPath = hourlyPath(e);
            if (hourlyPath != null) {
                paths.put(e, hourlyPath);
                barHours.put(e, 1);
            } else {
                paths.put(e, dailyPath(e));
                barHours.put(e, 24);
            }
        }

        Map<String, PolicyResult> results = new LinkedHashMap<>();
        Map<String, List<BacktestResult.FrontierPoint>> frontier = new LinkedHashMap<>();
        for (String policy : POLICIES) {
            progress.accept(asset + ": policy " + policy);
            Series s = margins(policy, 1.0, days, staticMmf, staticScan);
            Map<String, ReplayResult> crashes = new LinkedHashMap<>();
            NavigableMap<LocalDate, Double> byDate = new TreeMap<>();
            for (int k = 0; k < days.dates.length; k++) {
                byDate.put(days.dates[k], s.margin[k]);
            }
            for (Map.Entry<CrashEvent, List<ReplayBar>> e : paths.entrySet()) {
                ReplayResult r = LiquidationSimulator.run(e.getValue(), t -> marginInForce(byDate, t), population,
                    config.liquidation(), barHours.get(e.getKey()));
                crashes.put(e.getKey().key(), r);
                progress.accept(String.format("%s:   replay %s (%s bars): %d liquidated, bad debt %.0f USD", asset,
                    e.getKey().key(), barHours.get(e.getKey()) == 1 ? "hourly" : "daily", r.liquidated(),
                    r.badDebtUsd()));
            }
            results.put(policy, measure(policy, days, s, crashes));
            List<BacktestResult.FrontierPoint> points = new ArrayList<>();
            for (double scale : config.frontierScales()) {
                Series f = scale == 1.0 ? s : margins(policy, scale, days, staticMmf, staticScan);
                int x = 0;
                for (int k = 0; k < f.margin.length; k++) {
                    x += days.absMove[k] > f.margin[k] ? 1 : 0;
                }
                points.add(new BacktestResult.FrontierPoint(scale, MarginStats.mean(f.margin), x, f.margin.length));
            }
            frontier.put(policy, points);
        }
        return new BacktestResult(asset, config.coverage(), days.dates[0], days.championModel, staticMmf,
            config.seed(), config.accounts(), results, frontier, barHours);
    }

    /** A margin series with guardrail counters. */
    private record Series(double[] margin, double[] scan, double[] volUp, double[] volDown, int fallbackDays,
                          int proposalDays, int clippedDays) {
    }

    private Series margins(String policy, double scale, Days d, double staticMmf, double staticScan) {
        int n = d.dates.length;
        double[] m = new double[n];
        double[] scan = new double[n];
        double[] up = new double[n];
        double[] down = new double[n];
        MappingSettings map = config.mapping().withTailFactor(config.mapping().tailFactor() * scale);
        ParameterMapper mapper = ParameterMapper.DEFAULT;
        int fallbacks = 0;
        int proposals = 0;
        int clipped = 0;
        switch (policy) {
            case "static" -> {
                Arrays.fill(m, staticMmf * scale);
                Arrays.fill(scan, staticScan * scale);
                Arrays.fill(up, map.volShockUpPerScan() * staticScan * scale);
                Arrays.fill(down, Math.min(0.9, map.volShockDownPerScan() * staticScan * scale));
            }
            case "ewma", "predictive" -> {
                double optScale = Math.sqrt((double) map.mporOptionDays() / map.mporPerpDays());
                for (int k = 0; k < n; k++) {
                    double v = policy.equals("ewma") ? d.ewmaVar[k] : d.champVar[k];
                    if (!(v > 0) || !Double.isFinite(v)) {
                        // unguarded: an invalid output keeps yesterday's margin (the guarded policy falls back)
                        v = k > 0 ? -1 : d.ewmaVar[k];
                    }
                    if (v < 0) {
                        m[k] = m[k - 1];
                        scan[k] = scan[k - 1];
                        up[k] = up[k - 1];
                        down[k] = down[k - 1];
                        continue;
                    }
                    RecommendedParameters p = mapper.map(Math.sqrt(v), Math.sqrt(v) * optScale, map);
                    m[k] = p.mmf();
                    scan[k] = p.scanRange();
                    up[k] = p.volShockUp();
                    down[k] = p.volShockDown();
                }
            }
            case "guarded" -> {
                GuardrailState state = null;
                int h = map.mporPerpDays();
                GuardrailSettings g = config.guardrails();
                for (int k = 0; k < n; k++) {
                    VolForecast model = VolForecast.of(asset, d.championModel, h, d.dates[k], d.champVar[k]);
                    VolForecast ew = VolForecast.of(asset, "EWMA", h, d.dates[k], d.ewmaVar[k]);
                    Recommendation r = PredictiveMarginEngine.DEFAULT.recommend(new RecommendationRequest(TENANT,
                        asset, d.dates[k], Map.of(h, model), Map.of(h, ew), d.floorSigma[k], map, g, state));
                    m[k] = r.recommended().mmf();
                    scan[k] = r.recommended().scanRange();
                    up[k] = r.recommended().volShockUp();
                    down[k] = r.recommended().volShockDown();
                    state = r.nextState();
                    fallbacks += r.fellBack() ? 1 : 0;
                    proposals += r.decision() == Decision.PROPOSAL ? 1 : 0;
                    clipped += r.bindingGuardrails().contains("sanity-clip") ? 1 : 0;
                }
            }
            default -> throw new IllegalArgumentException("unknown policy " + policy);
        }
        return new Series(m, scan, up, down, fallbacks, proposals, clipped);
    }

    private PolicyResult measure(String policy, Days d, Series s, Map<String, ReplayResult> crashes) {
        int n = d.dates.length;
        boolean[] exc = new boolean[n];
        for (int k = 0; k < n; k++) {
            exc[k] = d.absMove[k] > s.margin[k];
        }
        double level = 1 - config.coverage();
        CoverageTest cov = CoverageTest.of(exc, level);
        return new PolicyResult(policy, d.dates.clone(), s.margin, d.absMove.clone(), exc, cov,
            CoverageTest.greenWindowShare(exc, 250, level), MarginStats.mean(s.margin), MarginStats.median(s.margin),
            MarginStats.staticEquivalent(d.absMove, cov.exceptions()), MarginStats.peakToTrough(s.margin),
            MarginStats.maxIncrease(s.margin, 1), MarginStats.maxIncrease(s.margin, 5),
            MarginStats.maxIncrease(s.margin, 30), s.fallbackDays, s.proposalDays, s.clippedDays, crashes, optionBook(d, s));
    }

    private OptionBookResult optionBook(Days d, Series s) {
        int hOpt = config.mapping().mporOptionDays();
        List<Double> req = new ArrayList<>();
        List<Double> loss = new ArrayList<>();
        for (int k = 0; k < d.dates.length; k++) {
            if (Double.isFinite(d.optionLoss[k])) {
                req.add(OptionBook.requirement(d.iv[k], s.scan[k], s.volUp[k], s.volDown[k], hOpt));
                loss.add(d.optionLoss[k]);
            }
        }
        double[] r = req.stream().mapToDouble(Double::doubleValue).toArray();
        double[] l = loss.stream().mapToDouble(Double::doubleValue).toArray();
        boolean[] exc = new boolean[r.length];
        for (int k = 0; k < r.length; k++) {
            exc[k] = l[k] > r[k];
        }
        double level = 1 - config.coverage();
        CoverageTest cov = CoverageTest.of(exc, level);
        return new OptionBookResult(cov, CoverageTest.greenWindowShare(exc, 250, level), MarginStats.mean(r),
            MarginStats.median(r), MarginStats.staticEquivalent(l, cov.exceptions()), MarginStats.maxIncrease(r, 5));
    }

    /** MMF in force at an instant: the margin set at the close of the previous UTC day (or the latest before). */
    private static double marginInForce(NavigableMap<LocalDate, Double> byDate, Instant t) {
        LocalDate setOn = LocalDate.ofInstant(t, ZoneOffset.UTC).minusDays(1);
        Map.Entry<LocalDate, Double> e = byDate.floorEntry(setOn);
        if (e == null) {
            throw new IllegalStateException("no margin set on or before " + setOn);
        }
        return e.getValue();
    }

    private Days align(ForecastSeries champ, ForecastSeries ewma, int h) {
        Map<LocalDate, Integer> rowOf = new HashMap<>();
        for (int i = 0; i < daily.size(); i++) {
            rowOf.put(daily.get(i).date(), i);
        }
        Map<LocalDate, Double> ewmaByDate = new HashMap<>();
        for (int i = 0; i < ewma.size(); i++) {
            ewmaByDate.put(ewma.date(i), ewma.variance(i));
        }
        double[] logReturns = FloorVolatility.logReturns(daily);
        double[] floor = FloorVolatility.forMode(config.guardrails().floorMode(), logReturns);
        List<Integer> keep = new ArrayList<>();
        for (int i = 0; i < champ.size(); i++) {
            Integer row = rowOf.get(champ.date(i));
            if (row == null || row + h >= daily.size() || !ewmaByDate.containsKey(champ.date(i))
                || !daily.get(row + h).date().equals(champ.date(i).plusDays(h))) {
                continue;
            }
            keep.add(i);
        }
        int n = keep.size();
        if (n < 250) {
            throw new IllegalArgumentException("only " + n + " backtest days after aligning forecasts and prices");
        }
        LocalDate[] dates = new LocalDate[n];
        int[] rows = new int[n];
        double[] move = new double[n];
        double[] cv = new double[n];
        double[] ev = new double[n];
        double[] fs = new double[n];
        double[] ivRow = OptionBook.impliedVolProxy(logReturns);
        double[] iv = new double[n];
        double[] optLoss = new double[n];
        int hOpt = config.mapping().mporOptionDays();
        for (int k = 0; k < n; k++) {
            int i = keep.get(k);
            dates[k] = champ.date(i);
            rows[k] = rowOf.get(dates[k]);
            move[k] = Math.abs(daily.get(rows[k] + h).close() / daily.get(rows[k]).close() - 1);
            cv[k] = champ.variance(i);
            ev[k] = ewmaByDate.get(dates[k]);
            fs[k] = floor[rows[k]];
            int j = rows[k] + hOpt;
            iv[k] = ivRow[rows[k]];
            optLoss[k] = j < daily.size() && daily.get(j).date().equals(dates[k].plusDays(hOpt))
                && Double.isFinite(iv[k]) && Double.isFinite(ivRow[j])
                ? OptionBook.realizedLoss(daily.get(rows[k]).close(), daily.get(j).close(), iv[k], ivRow[j], hOpt)
                : Double.NaN;
        }
        return new Days(dates, rows, move, cv, ev, fs, champ.model(), iv, optLoss);
    }

    /** Empirical coverage quantile of absolute h-day moves before the out-of-sample start (first week dropped). */
    private double calibrateStatic(int h) {
        List<Double> moves = new ArrayList<>();
        for (int i = 7; i + h < daily.size() && daily.get(i).date().isBefore(config.oosStart()); i++) {
            if (ChronoUnit.DAYS.between(daily.get(i).date(), daily.get(i + h).date()) == h) {
                moves.add(Math.abs(daily.get(i + h).close() / daily.get(i).close() - 1));
            }
        }
        if (moves.size() < 100) {
            throw new IllegalArgumentException("only " + moves.size() + " days before " + config.oosStart()
                + " to calibrate the static fraction; pass --static-mmf");
        }
        double[] a = moves.stream().mapToDouble(Double::doubleValue).toArray();
        int allowed = (int) Math.floor((1 - config.coverage()) * a.length);
        return MarginStats.staticEquivalent(a, allowed);
    }

    private List<ReplayBar> hourlyPath(CrashEvent e) {
        Instant from = e.windowStart().atStartOfDay(ZoneOffset.UTC).toInstant();
        Instant to = e.windowEnd().plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
        List<ReplayBar> out = new ArrayList<>();
        for (HourlyBar b : hourly) {
            if (!b.time().isBefore(from) && b.time().isBefore(to)) {
                out.add(new ReplayBar(b.time(), b.high(), b.low(), b.close()));
            }
        }
        long expected = ChronoUnit.HOURS.between(from, to);
        return out.size() >= 0.95 * expected ? out : null;
    }

    private List<ReplayBar> dailyPath(CrashEvent e) {
        List<ReplayBar> out = new ArrayList<>();
        for (DailyBar b : daily) {
            if (!b.date().isBefore(e.windowStart()) && !b.date().isAfter(e.windowEnd())) {
                out.add(new ReplayBar(b.date().atStartOfDay(ZoneOffset.UTC).toInstant(), b.high(), b.low(),
                    b.close()));
            }
        }
        return out;
    }
}
