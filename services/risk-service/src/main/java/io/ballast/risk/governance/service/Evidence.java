package io.ballast.risk.governance.service;

import static io.ballast.risk.common.CallerContext.onWorker;

import io.ballast.margin.MarginInputException;
import io.ballast.margin.engine.MarginEngine;
import io.ballast.margin.measure.HealthStatus;
import io.ballast.margin.measure.MarginResult;
import io.ballast.ml.data.DailyBar;
import io.ballast.predictive.backtest.CoverageTest;
import io.ballast.risk.common.CallerContext;
import io.ballast.risk.domain.Account;
import io.ballast.risk.domain.ApiException;
import io.ballast.risk.domain.Balance;
import io.ballast.risk.domain.Position;
import io.ballast.risk.domain.RiskParameter;
import io.ballast.risk.domain.TenantId;
import io.ballast.risk.governance.domain.RiskSettings;
import io.ballast.risk.live.BulkMargins;
import io.ballast.risk.live.LiveSettings;
import io.ballast.risk.service.MarginInputs;
import io.ballast.risk.service.MarginService;
import io.ballast.risk.service.MarketHistoryService;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The evidence a proposal carries beyond its old and new values: the coverage of the proposed maintenance fraction
 * on the tenant's own daily history (exceptions, Kupiec, Christoffersen, Basel traffic light over the last 250 and
 * 500 days, with predictive-margin's {@link CoverageTest}), and an impact preview on the tenant's open accounts with
 * the margin engine (margin now against margin with the change in force). Both run on a worker thread, outside any
 * transaction.
 */
@ApplicationScoped
public class Evidence {

    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(Evidence.class);

    /** Coverage windows, days. */
    public static final int[] WINDOWS = {250, 500};
    /** Accounts listed as most affected. */
    public static final int MOST_AFFECTED = 5;

    /**
     * Coverage of one maintenance fraction over one window.
     *
     * @param windowDays   window asked for (250 or 500)
     * @param days         MPOR-day returns available in it (fewer when the history is shorter)
     * @param exceptions   days whose absolute MPOR log return exceeded the fraction's log move
     * @param expected     expected exceptions at the target coverage
     * @param kupiecLr     Kupiec POF likelihood ratio
     * @param kupiecP      its p-value
     * @param christoffersenLr Christoffersen independence likelihood ratio
     * @param christoffersenP  its p-value
     * @param trafficLight Basel zone (GREEN, YELLOW, RED)
     */
    public record CoverageWindow(int windowDays, int days, int exceptions, double expected, double kupiecLr,
            double kupiecP, double christoffersenLr, double christoffersenP, String trafficLight) {
    }

    /**
     * Coverage of the maintenance fraction in force and of the proposed one.
     *
     * @param method     how exceptions are counted
     * @param coverage   target coverage (exception probability = 1 - coverage)
     * @param mporDays   return horizon, days (the perp MPOR)
     * @param beforeMmf  maintenance fraction in force
     * @param afterMmf   proposed maintenance fraction
     * @param before     windows for the fraction in force
     * @param after      windows for the proposed fraction
     */
    public record Coverage(String method, double coverage, int mporDays, double beforeMmf, double afterMmf,
            List<CoverageWindow> before, List<CoverageWindow> after) {
    }

    /**
     * Coverage of the recommending policy itself (see the recommendation job's {@code PolicyReplay}): its
     * day-by-day maintenance fraction replayed on the tenant's history, with the service's own forecasting and
     * guardrail code.
     *
     * @param method       how it was replayed and what it does not show
     * @param coverage     target coverage
     * @param mporDays     return horizon, days
     * @param days         days counted (after the warm-up)
     * @param warmUpDays   days replayed before the counted ones
     * @param meanMmf      mean recommended maintenance fraction over the counted days
     * @param minMmf       smallest recommended maintenance fraction
     * @param maxMmf       largest recommended maintenance fraction
     * @param from         first counted day (the close the move starts from)
     * @param to           last counted day
     * @param windows      coverage tests over the last 250 and 500 counted days
     * @param realizedToForecastVarianceRatio sum of squared realised MPOR log moves over the sum of forecast
     *                     variances, counted days (the model's accuracy against realised volatility on this
     *                     history: 1 unbiased, above 1 forecasts too low)
     * @param series       one row per counted day, oldest first
     * @param replayMillis wall time of the replay, milliseconds
     */
    public record PolicyCoverage(String method, double coverage, int mporDays, int days, int warmUpDays,
            double meanMmf, double minMmf, double maxMmf, java.time.LocalDate from, java.time.LocalDate to,
            List<CoverageWindow> windows, double realizedToForecastVarianceRatio, List<ReplayDay> series,
            long replayMillis) {
    }

    /**
     * One replayed day.
     *
     * @param date           the close the MPOR move starts from
     * @param recommendedMmf the maintenance fraction the policy recommended for the next day
     * @param mmfInForce     the maintenance fraction in force today (the static alternative), or null
     * @param realizedMove   absolute realised MPOR-day log move from that close
     * @param forecastSigma  forecast MPOR-day log-return standard deviation used
     * @param exception      whether the move exceeded the recommended fraction
     */
    public record ReplayDay(java.time.LocalDate date, double recommendedMmf, Double mmfInForce, double realizedMove,
            double forecastSigma, boolean exception) {
    }

    /**
     * One account's margin now and with the change.
     *
     * @param accountId      account
     * @param externalId     the protocol's id
     * @param statusBefore   health now
     * @param statusAfter    health with the change
     * @param initialMarginBeforeUsd IM now, USD
     * @param initialMarginAfterUsd  IM with the change, USD
     * @param additionalInitialMarginUsd after - before, USD
     */
    public record AccountImpact(UUID accountId, String externalId, HealthStatus statusBefore,
            HealthStatus statusAfter, double initialMarginBeforeUsd, double initialMarginAfterUsd,
            double additionalInitialMarginUsd) {
    }

    /**
     * The impact preview on live accounts.
     *
     * @param accounts          open accounts whose margin could be computed both ways
     * @param notComputed       open accounts whose margin could not be computed (missing data)
     * @param toMarginCall      accounts HEALTHY now that would be in MARGIN_CALL
     * @param toLiquidatable    accounts not LIQUIDATABLE now that would be
     * @param additionalInitialMarginUsd      sum over accounts of the IM change, USD (negative: released)
     * @param additionalMaintenanceMarginUsd  sum of the MM change, USD
     * @param mostAffected      the accounts with the largest IM increase, largest first
     * @param method            how it was computed
     * @param rowsFrom          where the accounts' rows came from: {@code hot-book} (this instance owns the tenant)
     *                          or {@code database}
     * @param bulkAccounts      accounts computed with the bulk engine (CROSS and PORTFOLIO), both ways
     * @param perAccountAccounts accounts computed one by one with the per-account engine (ISOLATED accounts, and
     *                          any the bulk book could not hold)
     * @param computeMillis     wall time of the computation (both bulk books and the per-account ones), ms
     * @param notComputedAccounts why, for the first {@value #MOST_AFFECTED} accounts not computed (by account id)
     */
    public record Impact(int accounts, int notComputed, int toMarginCall, int toLiquidatable,
            double additionalInitialMarginUsd, double additionalMaintenanceMarginUsd,
            List<AccountImpact> mostAffected, String method, String rowsFrom, int bulkAccounts,
            int perAccountAccounts, long computeMillis, Map<UUID, String> notComputedAccounts) {
    }

    /** The preview's method, as the evidence states it. */
    public static final String IMPACT_METHOD = "bulk margin engine (margin-core BulkMarginBook: risk arrays, "
            + "PortfolioMarginEngine for PORTFOLIO, standard rules for CROSS) built twice from the same rows at the "
            + "same prices and time, with the versions in force and with the proposed ones; ISOLATED accounts "
            + "(one pool per position) with the per-account engine";

    private final MarginService margin;
    private final MarketHistoryService history;
    private final LiveSettings liveSettings;

    /** Wires collaborators. */
    public Evidence(MarginService margin, MarketHistoryService history, LiveSettings liveSettings) {
        this.margin = margin;
        this.history = history;
        this.liveSettings = liveSettings;
    }

    /**
     * Coverage of the maintenance fraction before and after on the asset's daily history, or null when the asset
     * has no MMF or fewer than two returns.
     */
    public Uni<Coverage> coverage(TenantId tenant, LiveParameters.InForce base, Map<String, BigDecimal> change) {
        if (base.asset() == null || base.parameters() == null || base.settings() == null) {
            return Uni.createFrom().nullItem();
        }
        double beforeMmf = base.parameters().maintenanceMarginFraction.doubleValue();
        double afterMmf = change.getOrDefault(LiveParameters.MMF, base.parameters().maintenanceMarginFraction)
                .doubleValue();
        RiskSettings s = base.settings();
        int mpor = change.containsKey("mporPerpDays") ? change.get("mporPerpDays").intValue() : s.mporPerpDays;
        double cov = change.containsKey("coverage") ? change.get("coverage").doubleValue() : s.coverage;
        return history.bars(tenant, base.asset().id, null, null)
                .flatMap(bars -> onWorker(() -> coverage(bars, mpor, cov, beforeMmf, afterMmf)));
    }

    /**
     * Coverage of two maintenance fractions on a daily close series: an exception is a day t whose MPOR-day log
     * return |ln(close_t / close_{t-mpor})| exceeds -ln(1 - mmf) (a long losing more than its margin) or ln(1 + mmf)
     * (a short), i.e. the fraction held constant did not cover the move. Null with fewer than two returns.
     */
    static Coverage coverage(List<DailyBar> bars, int mporDays, double coverage, double beforeMmf, double afterMmf) {
        int n = bars.size() - mporDays;
        if (n < 2) {
            return null;
        }
        double[] logReturns = new double[n];
        for (int t = 0; t < n; t++) {
            logReturns[t] = Math.log(bars.get(t + mporDays).close() / bars.get(t).close());
        }
        double p = 1 - coverage;
        return new Coverage("constant maintenance fraction against realised " + mporDays + "-day close-to-close "
                + "moves (long loss beyond ln(1-mmf) or short loss beyond ln(1+mmf))", coverage, mporDays,
                beforeMmf, afterMmf, windows(logReturns, beforeMmf, p), windows(logReturns, afterMmf, p));
    }

    private static List<CoverageWindow> windows(double[] logReturns, double mmf, double p) {
        double down = Math.log(1 - Math.min(mmf, 0.999999));
        double up = Math.log(1 + mmf);
        boolean[] exc = new boolean[logReturns.length];
        for (int i = 0; i < exc.length; i++) {
            exc[i] = logReturns[i] < down || logReturns[i] > up;
        }
        return windows(exc, p);
    }

    /**
     * Coverage tests over the last {@link #WINDOWS} days of an exception series.
     *
     * @param exceptions one flag per day, oldest first: true when the margin did not cover that day's move
     * @param p          target exception probability (1 - coverage)
     * @return one window per entry of {@link #WINDOWS} (fewer days when the series is shorter)
     */
    public static List<CoverageWindow> windows(boolean[] exceptions, double p) {
        List<CoverageWindow> out = new ArrayList<>();
        for (int w : WINDOWS) {
            int days = Math.min(w, exceptions.length);
            boolean[] exc = java.util.Arrays.copyOfRange(exceptions, exceptions.length - days, exceptions.length);
            CoverageTest t = CoverageTest.of(exc, p);
            out.add(new CoverageWindow(w, days, t.exceptions(), days * p, t.kupiecLr(), t.kupiecP(),
                    t.independenceLr(), t.independenceP(), CoverageTest.zone(t.exceptions(), days, p).name()));
        }
        return out;
    }

    /**
     * Margin of every open account of the tenant now and with the change in force (the versions the change would
     * write replacing those in force), with the bulk margin engine; rows from this instance's hot book when it owns
     * the tenant (caught up), from PostgreSQL otherwise. Runs on a worker.
     */
    public Uni<Impact> impact(TenantId tenant, LiveParameters.InForce base, Map<String, BigDecimal> change) {
        RiskParameter p = LiveParameters.nextParameters(base, change, 0,
                io.ballast.risk.governance.domain.ParameterSource.PROPOSAL,
                io.ballast.risk.governance.domain.Actor.SCHEDULER, null);
        RiskSettings s = LiveParameters.nextSettings(base, change, 0,
                io.ballast.risk.governance.domain.ParameterSource.PROPOSAL,
                io.ballast.risk.governance.domain.Actor.SCHEDULER, null);
        return margin.loadHotOrCold(tenant, null).flatMap(l -> onWorker(() -> impact(l, p, s, liveSettings)))
                .flatMap(hot -> hot.notComputed() == 0 || !MarginService.ANSWERED_FROM_HOT_BOOK.equals(hot.rowsFrom())
                        ? Uni.createFrom().item(hot)
                        : fromDatabase(tenant, hot, p, s));
    }

    /**
     * The preview again from PostgreSQL rows when the hot book's rows left accounts uncomputed (missing data): the
     * evidence must not miss an account because a book lags; the database's answer is kept when it computes more.
     */
    private Uni<Impact> fromDatabase(TenantId tenant, Impact hot, RiskParameter p, RiskSettings s) {
        LOG.warnf("impact preview of tenant %s: the hot book could not compute %d accounts (%s); computed again from "
                + "PostgreSQL", tenant, hot.notComputed(), hot.notComputedAccounts());
        return margin.load(tenant, null).flatMap(l -> onWorker(() -> impact(l, p, s, liveSettings)))
                .map(db -> db.notComputed() < hot.notComputed() ? db : hot);
    }

    /**
     * The impact preview of replacement versions on loaded rows (CPU; tested against the per-account engine).
     *
     * @param l        the tenant's rows and the inputs in force
     * @param p        the replacement parameter version, or null
     * @param s        the replacement settings version, or null
     * @param settings live settings (the bulk book's early-warning stress)
     * @return the preview
     */
    public static Impact impact(MarginService.Loaded l, RiskParameter p, RiskSettings s, LiveSettings settings) {
        long started = System.nanoTime();
        MarginInputs now = l.inputs();
        MarginInputs after = now.with(p == null ? List.of() : List.of(p), s == null ? List.of() : List.of(s));
        BulkMargins.Result bulkNow = BulkMargins.compute(now, l.accounts(), l.balances(), l.positions(), settings);
        BulkMargins.Result bulkAfter = BulkMargins.compute(after, l.accounts(), l.balances(), l.positions(),
                settings);
        Map<UUID, List<Balance>> balances = new HashMap<>();
        l.balances().forEach(b -> balances.computeIfAbsent(b.id.accountId(), k -> new ArrayList<>()).add(b));
        Map<UUID, List<Position>> positions = new HashMap<>();
        l.positions().forEach(x -> positions.computeIfAbsent(x.id.accountId(), k -> new ArrayList<>()).add(x));
        Map<UUID, List<io.ballast.risk.collateral.domain.IsolatedBalance>> isolated = new HashMap<>();
        l.isolated().forEach(x -> isolated.computeIfAbsent(x.id.accountId(), k -> new ArrayList<>()).add(x));
        List<AccountImpact> impacts = new ArrayList<>();
        Map<UUID, String> failed = new java.util.LinkedHashMap<>();
        int bulk = 0;
        double mmDelta = 0;
        for (Account a : l.accounts()) {
            MarginResult r0 = bulkNow.held().get(a.id);
            MarginResult r1 = bulkAfter.held().get(a.id);
            if (r0 != null && r1 != null) {
                bulk++;
            } else {
                List<Balance> bs = balances.getOrDefault(a.id, List.of());
                List<Position> ps = positions.getOrDefault(a.id, List.of());
                List<io.ballast.risk.collateral.domain.IsolatedBalance> iso = isolated.getOrDefault(a.id,
                        List.of());
                try {
                    r0 = compute(now, a, bs, ps, iso);
                    r1 = compute(after, a, bs, ps, iso);
                } catch (ApiException | MarginInputException e) {
                    failed.put(a.id, e.getMessage());
                    continue;
                }
            }
            impacts.add(new AccountImpact(a.id, a.externalId, r0.status(), r1.status(), r0.initialMarginUsd(),
                    r1.initialMarginUsd(), r1.initialMarginUsd() - r0.initialMarginUsd()));
            mmDelta += r1.maintenanceMarginUsd() - r0.maintenanceMarginUsd();
        }
        int toCall = (int) impacts.stream().filter(i -> i.statusBefore() == HealthStatus.HEALTHY
                && i.statusAfter() == HealthStatus.MARGIN_CALL).count();
        int toLiq = (int) impacts.stream().filter(i -> i.statusBefore() != HealthStatus.LIQUIDATABLE
                && i.statusAfter() == HealthStatus.LIQUIDATABLE).count();
        double imDelta = impacts.stream().mapToDouble(AccountImpact::additionalInitialMarginUsd).sum();
        List<AccountImpact> top = impacts.stream()
                .sorted(Comparator.comparingDouble(AccountImpact::additionalInitialMarginUsd).reversed())
                .limit(MOST_AFFECTED).toList();
        Map<UUID, String> firstFailed = new java.util.LinkedHashMap<>();
        failed.entrySet().stream().limit(MOST_AFFECTED).forEach(e -> firstFailed.put(e.getKey(), e.getValue()));
        return new Impact(impacts.size(), failed.size(), toCall, toLiq, imDelta, mmDelta, top, IMPACT_METHOD,
                l.from(), bulk, impacts.size() - bulk, (System.nanoTime() - started) / 1_000_000, firstFailed);
    }

    /**
     * The recommending policy's coverage, computed by the caller's own means (the recommendation job replays it on
     * its own bounded executor, never on the shared worker pool), answered back on the caller's Vert.x context. Null
     * when there is no replay or it failed (the evidence then lacks it and says nothing false).
     *
     * @param replay starts the replay, or null
     * @return the coverage, or null
     */
    public Uni<PolicyCoverage> policy(java.util.function.Supplier<Uni<PolicyCoverage>> replay) {
        if (replay == null) {
            return Uni.createFrom().nullItem();
        }
        return CallerContext.resumeHere(Uni.createFrom().<PolicyCoverage>deferred(replay::get).onFailure()
                .invoke(e -> LOG.warnf("the policy replay for a proposal's evidence failed: %s", e.toString()))
                .onFailure().recoverWithNull());
    }


    private static MarginResult compute(MarginInputs in, Account a, List<Balance> bs, List<Position> ps,
            List<io.ballast.risk.collateral.domain.IsolatedBalance> isolated) {
        MarginInputs.Built b = in.build(a, bs, ps, isolated, List.of(), List.of());
        return MarginEngine.DEFAULT.compute(b.account(), b.market(), b.params());
    }
}
