package io.ballast.predictive.backtest;

import io.ballast.ml.api.ForecastSeries;
import io.ballast.ml.data.DailyBar;
import io.ballast.ml.data.HourlyBar;
import io.ballast.predictive.ChampionSchedule;
import io.ballast.predictive.FloorVolatility;
import io.ballast.predictive.GuardrailSettings;
import io.ballast.predictive.MappingSettings;
import io.ballast.predictive.ParameterMapper;
import io.ballast.predictive.Recommendation;
import io.ballast.predictive.RecommendedParameters;
import io.ballast.predictive.GuardrailState;
import io.ballast.predictive.Decision;
import io.ballast.predictive.Realised;
import io.ballast.predictive.Recommender;
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
 * <p>A day whose MPOR end falls on a missing row (the 2026 export gaps) still makes its recommendation and carries the
 * guardrail state on, as the service's daily job does, but is not measured (there is no move to count).
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
    private final Map<LocalDate, List<HourlyBar>> hourlyByDay;
    private final ChampionSchedule schedule;

    /**
     * A runner whose forecasts all come from {@code forecasts} ("champion" included: decided once, by the source).
     *
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
        this(asset, daily, hourly, forecasts, model, config, progress, null);
    }

    /**
     * A runner that replays the risk service's weekly retraining when {@code model} is "champion": the forecasts of
     * the model and predictive policies come from {@code schedule} (the champion decided each Saturday with the
     * champion policy, fitted on the bars up to then and used without refit for the week, as the service does); EWMA's
     * still come from {@code forecasts}.
     *
     * @param asset asset symbol
     * @param daily validated ascending daily bars
     * @param hourly validated ascending hourly bars, possibly empty
     * @param forecasts forecast source (EWMA, and any fixed model)
     * @param model "champion" or a fixed model name
     * @param config run settings
     * @param progress receives progress lines
     * @param schedule the weekly champion for the perp MPOR ({@code config.mapping().mporPerpDays()}), or null to
     *                 take "champion" from {@code forecasts}
     */
    public BacktestRunner(String asset, List<DailyBar> daily, List<HourlyBar> hourly, ForecastSource forecasts,
                          String model, BacktestConfig config, Consumer<String> progress, ChampionSchedule schedule) {
        this.asset = Objects.requireNonNull(asset, "asset");
        this.daily = List.copyOf(daily);
        this.hourly = List.copyOf(hourly);
        this.forecasts = Objects.requireNonNull(forecasts, "forecasts");
        this.model = Objects.requireNonNull(model, "model");
        this.config = Objects.requireNonNull(config, "config");
        this.progress = Objects.requireNonNull(progress, "progress");
        Map<LocalDate, List<HourlyBar>> byDay = new HashMap<>();
        for (HourlyBar b : this.hourly) {
            byDay.computeIfAbsent(LocalDate.ofInstant(b.time(), ZoneOffset.UTC), x -> new ArrayList<>()).add(b);
        }
        this.hourlyByDay = byDay;
        this.schedule = "champion".equalsIgnoreCase(model) ? schedule : null;
        if (this.schedule != null && this.schedule.horizonDays() != config.mapping().mporPerpDays()) {
            throw new IllegalArgumentException("the champion schedule's horizon " + this.schedule.horizonDays()
                + " is not the perp MPOR " + config.mapping().mporPerpDays());
        }
        if (this.daily.size() < 400) {
            throw new IllegalArgumentException("need at least 400 daily bars, got " + this.daily.size());
        }
    }

    /** The aligned inputs of the backtest days. */
    private record Days(LocalDate[] dates, int[] row, double[] absMove, double[] champVar, double[] ewmaVar,
                        double[] floorSigma, String championModel, String[] dayModel, double[] iv,
                        double[] optionLoss) {

        /** The days with the given indices. */
        Days select(int[] idx) {
            return new Days(pick(dates, idx), pick(row, idx), pick(absMove, idx), pick(champVar, idx),
                pick(ewmaVar, idx), pick(floorSigma, idx), championModel, pick(dayModel, idx), pick(iv, idx),
                pick(optionLoss, idx));
        }
    }

    private static double[] pick(double[] a, int[] idx) {
        return Arrays.stream(idx).mapToDouble(i -> a[i]).toArray();
    }

    private static int[] pick(int[] a, int[] idx) {
        return Arrays.stream(idx).map(i -> a[i]).toArray();
    }

    private static <T> T[] pick(T[] a, int[] idx) {
        T[] out = Arrays.copyOf(a, idx.length);
        for (int k = 0; k < idx.length; k++) {
            out[k] = a[idx[k]];
        }
        return out;
    }

    /**
     * Indices of the measured days: the margined days inside the evaluation window whose MPOR end exists; at least 250.
     * A margined day without an MPOR end (the next row is missing) still gets its recommendation, as in the service,
     * which carries the guardrail state on; it is only not measured.
     */
    private int[] window(Days all) {
        List<Integer> idx = new ArrayList<>();
        for (int k = 0; k < all.dates.length; k++) {
            LocalDate d = all.dates[k];
            if ((config.evalFrom() == null || !d.isBefore(config.evalFrom()))
                && (config.evalTo() == null || !d.isAfter(config.evalTo())) && Double.isFinite(all.absMove[k])) {
                idx.add(k);
            }
        }
        if (idx.size() < 250) {
            throw new IllegalArgumentException("only " + idx.size() + " margined days in the evaluation window "
                + config.evalFrom() + " .. " + config.evalTo());
        }
        return idx.stream().mapToInt(Integer::intValue).toArray();
    }

    /**
     * Runs everything.
     *
     * @return the result
     */
    public BacktestResult run() {
        int h = config.mapping().mporPerpDays();
        Days all = allDays();
        int[] window = window(all);
        Days days = all.select(window);
        double staticMmf = Double.isNaN(config.staticMmf()) ? calibrateStatic(h) : config.staticMmf();
        double staticScan = calibrateStatic(config.mapping().mporOptionDays());
        progress.accept(String.format("%s: %d days %s .. %s, static MMF %.4f", asset, days.dates.length,
            days.dates[0], days.dates[days.dates.length - 1], staticMmf));

        List<List<SyntheticAccount>> populations = new ArrayList<>();
        for (int k = 0; k < config.replaySeeds(); k++) {
            populations.add(AccountPopulation.generate(config.seed() + k, config.accounts()));
        }

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
        Map<String, Series> series = new LinkedHashMap<>();
        Map<String, NavigableMap<LocalDate, Double>> byDates = new LinkedHashMap<>();
        for (String policy : POLICIES) {
            progress.accept(asset + ": policy " + policy);
            Series full = margins(policy, 1.0, all, staticMmf, staticScan);
            Series s = full.select(window);
            // the margin in force: set at every margined day's close, measured or not
            NavigableMap<LocalDate, Double> byDate = new TreeMap<>();
            for (int k = window[0]; k <= window[window.length - 1]; k++) {
                byDate.put(all.dates[k], full.margin[k]);
            }
            series.put(policy, s);
            byDates.put(policy, byDate);
        }
        // positions held fixed across policies: every policy margins the same book, leverage capped at open by the
        // highest IMF any policy had in force then, so that every account opens above initial margin whatever the
        // policy (a policy's lower margin no longer buys a bigger book)
        Map<CrashEvent, Double> openingImf = new LinkedHashMap<>();
        for (CrashEvent e : paths.keySet()) {
            Instant open = paths.get(e).get(0).time();
            double imf = 0;
            for (String policy : POLICIES) {
                imf = Math.max(imf, marginInForce(byDates.get(policy), series.get(policy).intradayMmf(), open)
                    * config.liquidation().imMultiplier());
            }
            openingImf.put(e, imf);
        }
        for (String policy : POLICIES) {
            Series s = series.get(policy);
            NavigableMap<LocalDate, Double> byDate = byDates.get(policy);
            Map<String, ReplayResult> crashes = new LinkedHashMap<>();
            for (Map.Entry<CrashEvent, List<ReplayBar>> e : paths.entrySet()) {
                List<ReplayResult> perSeed = new ArrayList<>();
                for (List<SyntheticAccount> population : populations) {
                    perSeed.add(LiquidationSimulator.run(e.getValue(),
                        t -> marginInForce(byDate, s.intradayMmf(), t), population,
                        config.liquidation(), barHours.get(e.getKey()), openingImf.get(e.getKey())));
                }
                ReplayResult r = ReplayResult.overSeeds(perSeed);
                crashes.put(e.getKey().key(), r);
                progress.accept(asset + ":   replay " + policy + " " + e.getKey().key() + " opening IMF "
                    + String.format(java.util.Locale.ROOT, "%.4f", openingImf.get(e.getKey()))
                    + "; MMF in force at each day's start: " + dailyMmfLine(e.getValue(), byDate, s.intradayMmf()));
                double[] ci = r.badDebtPerOpenInterestCi95();
                progress.accept(String.format(java.util.Locale.ROOT, "%s:   replay %s %s (%s bars, %d seeds): seed %d "
                        + "%d liquidated, bad debt %.0f USD; bad debt / open interest %.3e [%.3e, %.3e]", asset,
                    policy, e.getKey().key(), barHours.get(e.getKey()) == 1 ? "hourly" : "daily", r.seeds(),
                    config.seed(), r.liquidated(), r.badDebtUsd(), r.badDebtPerOpenInterest(), ci[0], ci[1]));
            }
            results.put(policy, measure(policy, days, s, crashes));
            List<BacktestResult.FrontierPoint> points = new ArrayList<>();
            for (double scale : config.frontierScales()) {
                Series f = scale == 1.0 ? s
                    : margins(policy, scale, all, staticMmf, staticScan).select(window);
                int x = 0;
                for (int k = 0; k < f.margin.length; k++) {
                    x += days.absMove[k] > f.margin[k] ? 1 : 0;
                }
                points.add(new BacktestResult.FrontierPoint(scale, MarginStats.mean(f.margin), x, f.margin.length));
            }
            frontier.put(policy, points);
        }
        List<ChampionSchedule.Week> weeks = new ArrayList<>();
        if (schedule != null) {
            for (ChampionSchedule.Week w : schedule.weeks()) {
                // the decisions in force on the measured days
                if (!w.decided().plusDays(6).isBefore(days.dates[0])) {
                    weeks.add(w);
                }
            }
            progress.accept(asset + ": " + championSummary(weeks));
        }
        return new BacktestResult(asset, config.coverage(), days.dates[0], days.championModel, staticMmf,
            config.seed(), config.accounts(), results, frontier, barHours, weeks);
    }

    /**
     * The guarded policy on every margined day (tests comparing it with the service's path): the MMF set at each
     * close and the intraday raises, by the instant each took effect (the end of the hourly bar that caused it).
     *
     * @return the path
     */
    GuardedPath guardedPath() {
        Days all = allDays();
        Series s = margins("guarded", 1.0, all, Double.NaN, Double.NaN);
        return new GuardedPath(all.dates.clone(), s.margin.clone(), s.intradayMmf());
    }

    /**
     * The guarded policy's margins.
     *
     * @param dates        the margined days (each close's recommendation is for the next day)
     * @param mmf          the MMF set at each close
     * @param intradayMmf  the MMF an intraday raise set, by the instant it took effect
     */
    record GuardedPath(LocalDate[] dates, double[] mmf, NavigableMap<Instant, Double> intradayMmf) {
    }

    /** The forecasts and inputs of every margined day, from the out-of-sample start. */
    private Days allDays() {
        int h = config.mapping().mporPerpDays();
        ForecastSeries champ;
        Map<LocalDate, String> modelOf = new HashMap<>();
        if (schedule != null) {
            progress.accept(asset + ": champion h=" + h + " re-decided at every weekly retraining (the bars up to "
                + "each Saturday's close, as the risk service), forecasts from " + config.oosStart());
            champ = scheduled(modelOf);
        } else {
            progress.accept(asset + ": " + model + " forecasts h=" + h + " from " + config.oosStart());
            champ = forecasts.forecast(model, h, config.oosStart());
        }
        progress.accept(asset + ": " + model + " is " + champ.model() + "; EWMA forecasts h=" + h);
        ForecastSeries ewma = forecasts.forecast("EWMA", h, config.oosStart());
        return align(champ, ewma, h, modelOf);
    }

    /**
     * The champion's forecasts on the service's weekly schedule, from the out-of-sample start to the last bar; fills
     * {@code modelOf} with the model in force each day.
     */
    private ForecastSeries scheduled(Map<LocalDate, String> modelOf) {
        List<LocalDate> dates = new ArrayList<>();
        List<Double> variance = new ArrayList<>();
        Map<String, Integer> daysOf = new LinkedHashMap<>();
        for (DailyBar b : daily) {
            if (b.date().isBefore(config.oosStart())) {
                continue;
            }
            VolForecast f = schedule.forecastAt(b.date());
            dates.add(b.date());
            variance.add(f.variance());
            modelOf.put(b.date(), f.model());
            daysOf.merge(f.model(), 1, Integer::sum);
        }
        String most = daysOf.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
        return new ForecastSeries(asset, most, schedule.horizonDays(), dates.toArray(LocalDate[]::new),
            variance.stream().mapToDouble(Double::doubleValue).toArray());
    }

    /**
     * One line: how many weekly decisions, which champions for how many weeks, and the changes.
     *
     * @param weeks the weekly decisions, oldest first
     * @return the summary
     */
    public static String championSummary(List<ChampionSchedule.Week> weeks) {
        Map<String, Integer> count = new LinkedHashMap<>();
        List<String> changes = new ArrayList<>();
        String previous = null;
        for (ChampionSchedule.Week w : weeks) {
            count.merge(w.champion(), 1, Integer::sum);
            if (previous != null && !previous.equals(w.champion())) {
                changes.add(w.decided() + " " + previous + " -> " + w.champion());
            }
            previous = w.champion();
        }
        return weeks.size() + " weekly champion decisions: " + count + "; " + changes.size() + " changes"
            + (changes.isEmpty() ? "" : ": " + String.join(", ", changes));
    }

    /** A margin series with guardrail counters. */
    private record Series(double[] margin, double[] imf, double[] scan, double[] volUp, double[] volDown,
                          NavigableMap<Instant, Double> intradayMmf, int[] flags) {

        /** The days with the given indices. */
        Series select(int[] idx) {
            return new Series(pick(margin, idx), pick(imf, idx), pick(scan, idx), pick(volUp, idx),
                pick(volDown, idx), intradayMmf, pick(flags, idx));
        }

        /** @param flag one of the day flags @return how many days carry it */
        int count(int flag) {
            return (int) Arrays.stream(flags).filter(f -> (f & flag) != 0).count();
        }
    }

    /** Day flags of the guarded policy. */
    private static final int FALLBACK = 1;
    private static final int PROPOSAL = 2;
    private static final int CLIPPED = 4;
    private static final int STRESS = 8;
    private static final int INTRADAY_RAISED = 16;

    private Series margins(String policy, double scale, Days d, double staticMmf, double staticScan) {
        int n = d.dates.length;
        double[] m = new double[n];
        double[] scan = new double[n];
        double[] up = new double[n];
        double[] down = new double[n];
        MappingSettings map = config.mapping().withTailFactor(config.mapping().tailFactor() * scale);
        ParameterMapper mapper = ParameterMapper.DEFAULT;
        double[] imf = new double[n];
        NavigableMap<Instant, Double> hourlyMmf = new TreeMap<>();
        int[] flags = new int[n];
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
                    // unguarded: the forecast as it is (a ForecastSeries holds only finite variances > 0)
                    double v = policy.equals("ewma") ? d.ewmaVar[k] : d.champVar[k];
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
                    int row = d.row[k];
                    Map<Integer, VolForecast> model = Map.of(h, VolForecast.of(asset, d.dayModel[k], h, d.dates[k],
                        d.champVar[k]));
                    Map<Integer, VolForecast> ew = Map.of(h, VolForecast.of(asset, "EWMA", h, d.dates[k],
                        d.ewmaVar[k]));
                    // as the service does: the recommendation made at a day's close is for the next day
                    GuardrailState atClose = state;
                    Recommendation r = Recommender.fromInputs(TENANT, asset, model, ew, d.floorSigma[k],
                        realisedAtClose(row, h), map, g, atClose, d.dates[k].plusDays(1));
                    m[k] = r.recommended().mmf();
                    imf[k] = r.recommended().imf();
                    scan[k] = r.recommended().scanRange();
                    up[k] = r.recommended().volShockUp();
                    down[k] = r.recommended().volShockDown();
                    state = r.nextState();
                    flags[k] |= (r.fellBack() ? FALLBACK : 0) | (r.decision() == Decision.PROPOSAL ? PROPOSAL : 0)
                        | (r.bindingGuardrails().contains("sanity-clip") ? CLIPPED : 0)
                        | (r.bindingGuardrails().contains("stress-release") ? STRESS : 0);
                    // the next day, hour by hour: the close's recommendation recomputed with what is realised since,
                    // the decision the service's intraday pass takes (Recommender.intradayFromInputs)
                    List<HourlyBar> next = hourlyByDay.get(d.dates[k].plusDays(1));
                    if (next == null || row + 1 - h < 0 || atClose == null) {
                        continue;
                    }
                    double refClose = daily.get(row + 1 - h).close();
                    double close = daily.get(row).close();
                    boolean raised = false;
                    for (int i = 0; i < next.size(); i++) {
                        HourlyBar b = next.get(i);
                        // the service's intraday pass computes the same from its hourly index prices
                        Realised since = Recommender.realisedSinceClose(close, refClose, next.subList(0, i + 1));
                        if (since == null) {
                            break;
                        }
                        Recommender.Intraday ri = Recommender.intradayFromInputs(TENANT, asset, model, ew,
                            d.floorSigma[k], since, map, g, atClose, state.applied(), d.dates[k].plusDays(1));
                        if (ri.raises() && ri.recommendation().recommended().mmf() > state.applied().mmf() * (1 + 1e-12)) {
                            raised = true;
                            hourlyMmf.put(b.time().plusSeconds(3600), ri.recommendation().recommended().mmf());
                        }
                        state = ri.after(state);
                    }
                    flags[k] |= raised ? INTRADAY_RAISED : 0;
                }
            }
            default -> throw new IllegalArgumentException("unknown policy " + policy);
        }
        if (!"guarded".equals(policy)) {
            for (int k = 0; k < n; k++) {
                imf[k] = m[k] * map.imMultiplier();
            }
        }
        return new Series(m, imf, scan, up, down, hourlyMmf, flags);
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
            MarginStats.maxIncrease(s.margin, 30), s.count(FALLBACK), s.count(PROPOSAL), s.count(CLIPPED), crashes,
            optionBook(d, s), MarginStats.maxIncrease(s.imf, 5), s.count(STRESS), s.count(INTRADAY_RAISED));
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

    /**
     * MMF in force at an instant: the margin set at the close of the previous UTC day (or the latest before), or the
     * higher margin an intraday update of the same UTC day raised it to before that instant.
     */
    /** The MMF in force at the start of each UTC day of a replay path, "date=mmf" joined by spaces. */
    private static String dailyMmfLine(List<ReplayBar> path, NavigableMap<LocalDate, Double> byDate,
                                       NavigableMap<Instant, Double> intraday) {
        StringBuilder b = new StringBuilder();
        LocalDate last = null;
        for (ReplayBar bar : path) {
            LocalDate day = LocalDate.ofInstant(bar.time(), ZoneOffset.UTC);
            if (!day.equals(last)) {
                b.append(b.length() == 0 ? "" : " ").append(day).append('=')
                    .append(String.format(java.util.Locale.ROOT, "%.4f", marginInForce(byDate, intraday, bar.time())));
                last = day;
            }
        }
        return b.toString();
    }

    private static double marginInForce(NavigableMap<LocalDate, Double> byDate, NavigableMap<Instant, Double> intraday,
                                        Instant t) {
        LocalDate day = LocalDate.ofInstant(t, ZoneOffset.UTC);
        Map.Entry<LocalDate, Double> e = byDate.floorEntry(day.minusDays(1));
        if (e == null) {
            throw new IllegalStateException("no margin set on or before " + day.minusDays(1));
        }
        Map.Entry<Instant, Double> raised = intraday.floorEntry(t);
        if (raised != null && LocalDate.ofInstant(raised.getKey(), ZoneOffset.UTC).equals(day)) {
            return Math.max(e.getValue(), raised.getValue());
        }
        return e.getValue();
    }

    /**
     * What was realised on the day of {@code row}, as the engine's regime trigger sees it: the sum of squared hourly
     * log returns when at least 20 hourly bars of that day exist (the hourly feed the tenant has), otherwise the
     * daily-bar figures the service uses ({@link Recommender#realisedAtClose}).
     */
    private Realised realisedAtClose(int row, int mporDays) {
        Realised fromDaily = Recommender.realisedAtClose(daily.subList(0, row + 1), mporDays);
        List<HourlyBar> bars = hourlyByDay.get(daily.get(row).date());
        if (bars == null || bars.size() < 20 || row == 0) {
            return fromDaily;
        }
        double prev = daily.get(row - 1).close();
        double variance = 0;
        for (HourlyBar b : bars) {
            double r = Math.log(b.close() / prev);
            variance += r * r;
            prev = b.close();
        }
        return new Realised(variance, 24, fromDaily.moveAbs());
    }

    private Days align(ForecastSeries champ, ForecastSeries ewma, int h, Map<LocalDate, String> modelOf) {
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
        // every day with a bar and both forecasts is margined; only those whose MPOR end exists are measured
        List<Integer> keep = new ArrayList<>();
        int measured = 0;
        for (int i = 0; i < champ.size(); i++) {
            Integer row = rowOf.get(champ.date(i));
            if (row == null || !ewmaByDate.containsKey(champ.date(i))) {
                continue;
            }
            keep.add(i);
            measured += hasMporEnd(row, h) ? 1 : 0;
        }
        int n = keep.size();
        if (measured < 250) {
            throw new IllegalArgumentException("only " + measured + " backtest days after aligning forecasts and prices");
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
        String[] dayModel = new String[n];
        int hOpt = config.mapping().mporOptionDays();
        for (int k = 0; k < n; k++) {
            int i = keep.get(k);
            dates[k] = champ.date(i);
            rows[k] = rowOf.get(dates[k]);
            move[k] = hasMporEnd(rows[k], h)
                ? Math.abs(daily.get(rows[k] + h).close() / daily.get(rows[k]).close() - 1) : Double.NaN;
            cv[k] = champ.variance(i);
            dayModel[k] = modelOf.getOrDefault(dates[k], champ.model());
            ev[k] = ewmaByDate.get(dates[k]);
            fs[k] = floor[rows[k]];
            int j = rows[k] + hOpt;
            iv[k] = ivRow[rows[k]];
            optLoss[k] = j < daily.size() && daily.get(j).date().equals(dates[k].plusDays(hOpt))
                && Double.isFinite(iv[k]) && Double.isFinite(ivRow[j])
                ? OptionBook.realizedLoss(daily.get(rows[k]).close(), daily.get(j).close(), iv[k], ivRow[j], hOpt)
                : Double.NaN;
        }
        return new Days(dates, rows, move, cv, ev, fs, champ.model(), dayModel, iv, optLoss);
    }

    /** Whether the row h calendar days after {@code row} exists (the MPOR end of a day margined at its close). */
    private boolean hasMporEnd(int row, int h) {
        return row + h < daily.size() && daily.get(row + h).date().equals(daily.get(row).date().plusDays(h));
    }

    /** Empirical coverage quantile of absolute h-day moves before the out-of-sample start (first week dropped). */
    private double calibrateStatic(int h) {
        List<Double> moves = new ArrayList<>();
        for (int i = 7; i + h < daily.size() && daily.get(i).date().isBefore(config.calibrationEnd()); i++) {
            if (ChronoUnit.DAYS.between(daily.get(i).date(), daily.get(i + h).date()) == h) {
                moves.add(Math.abs(daily.get(i + h).close() / daily.get(i).close() - 1));
            }
        }
        if (moves.size() < 100) {
            throw new IllegalArgumentException("only " + moves.size() + " days before " + config.calibrationEnd()
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
                out.add(new ReplayBar(b.time(), b.high(), b.low(), b.close(), b.volume() * b.close()));
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
                    b.close(), b.volume() * b.close()));
            }
        }
        return out;
    }
}
