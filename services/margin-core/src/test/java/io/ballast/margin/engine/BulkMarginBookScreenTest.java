package io.ballast.margin.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.ballast.margin.market.MarketSnapshot;
import io.ballast.margin.measure.MarginResult;
import io.ballast.margin.param.RiskParameterSet;
import io.ballast.margin.product.AccountInput;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The bulk book's screen: its per-account slope bounds hold against the per-account engine across large moves, and
 * along random price paths it never skips an account whose status or early warning changes, while it does skip
 * most accounts on small moves; readers see the same figures as an unscreened book.
 */
class BulkMarginBookScreenTest {

    static final Map<String, Double> MOVES = Map.of("BTC", 0.08, "ETH", 0.11);
    static final double HYSTERESIS = 0.05;
    private static final String[] UNDERLYINGS = {"BTC", "ETH"};

    /**
     * Every status-deciding gap of every account, computed with the per-account engine at the book's market and at
     * one underlying moved by up to 40 %, changes by at most the book's slope bound times the move (the bound is a
     * Lipschitz constant in the index: the whole move, not only a small one). The smile case prices ETH options off
     * a smile that stays fixed in log-moneyness, so their vol moves with the forward.
     */
    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void theSlopeBoundsHoldAgainstThePerAccountEngine(boolean basisSmileInverse) {
        BulkMarginBookTest.Accounts x = BulkMarginBookTest.accounts(basisSmileInverse, 41);
        BulkMarginBook book = screened(x, false);
        MarketSnapshot m0 = x.market();
        int checked = 0;
        for (int a = 0; a < x.accounts().size(); a++) {
            AccountInput account = x.accounts().get(a);
            RiskParameterSet params = x.params().get(a);
            double[] before = gaps(account, params, m0, book.equityUsd(a) >= book.initialUsd(a));
            for (int u = 0; u < UNDERLYINGS.length; u++) {
                double slope = book.screenSlope(a, u);
                if (!Double.isFinite(slope)) {
                    continue;
                }
                double s0 = m0.indexPrice(UNDERLYINGS[u]);
                for (double f : new double[] {-0.4, -0.1, -0.01, 0.003, 0.02, 0.15, 0.4}) {
                    double s1 = s0 * (1 + f);
                    double[] after = gaps(account, params, m0.withPrice(UNDERLYINGS[u], s1), before.length > 4);
                    for (int g = 0; g < before.length; g++) {
                        assertThat(Math.abs(after[g] - before[g]))
                                .as("gap %d of account %d, %s %+.3f", g, a, UNDERLYINGS[u], f)
                                .isLessThanOrEqualTo(slope * Math.abs(s1 - s0) * (1 + 1e-9) + 1e-6);
                    }
                    checked++;
                }
            }
        }
        assertThat(checked).isGreaterThan(x.accounts().size() * 7);
    }

    /**
     * An option's mark under a steep skew that stays fixed in log-moneyness moves, per USD of index, by more than the
     * forward factor (its vol moves with the forward: one-year calls in the money, where N(d1) + phi(d1) sqrt(T)
     * |vol'| exceeds 1), and by no more than the screen's bound with its vega term.
     */
    @org.junit.jupiter.api.Test
    void theOptionMarkBoundCoversAVolThatMovesWithTheForward() {
        java.time.Instant now = io.ballast.margin.Fixtures.NOW;
        java.time.Instant inAYear = now.plus(java.time.Duration.ofDays(365));
        MarketSnapshot m0 = io.ballast.margin.Fixtures.market().withVolSurface("BTC",
                io.ballast.margin.market.SmileVolSurface.of(now, List.of(
                        new io.ballast.margin.market.SmileVolSurface.Quote(inAYear, 60_000, 1.3),
                        new io.ballast.margin.market.SmileVolSurface.Quote(inAYear, 100_000, 0.6),
                        new io.ballast.margin.market.SmileVolSurface.Quote(inAYear, 140_000, 0.45)),
                        Map.of(inAYear, 100_000.0)));
        List<io.ballast.margin.product.Instrument> calls = new ArrayList<>();
        for (double k : new double[] {50_000, 65_000, 80_000, 95_000, 110_000, 130_000}) {
            for (io.ballast.margin.product.OptionType type : io.ballast.margin.product.OptionType.values()) {
                calls.add(io.ballast.margin.product.EuropeanOption.of("BTC", inAYear, k, type));
            }
        }
        BulkMarginBook.Builder b = BulkMarginBook.builder(calls, m0, io.ballast.margin.Fixtures.params(), MOVES, false)
                .screen(HYSTERESIS);
        BulkMarginBook book = b.build();
        double s0 = m0.indexPrice("BTC");
        double steepest = 0;
        for (io.ballast.margin.product.Instrument o : calls) {
            double bound = book.screenMarkSlope(o.id());
            double v0 = io.ballast.margin.pricer.InstrumentPricer.DEFAULT.markPrice(o, m0);
            for (double f : new double[] {-0.3, -0.05, -0.001, 0.001, 0.05, 0.3}) {
                double v1 = io.ballast.margin.pricer.InstrumentPricer.DEFAULT.markPrice(o,
                        m0.withPrice("BTC", s0 * (1 + f)));
                double slope = Math.abs(v1 - v0) / (s0 * Math.abs(f));
                assertThat(slope).as("%s, %+.3f", o.id(), f).isLessThanOrEqualTo(bound * (1 + 1e-9));
                steepest = Math.max(steepest, slope);
            }
        }
        assertThat(steepest).as("the steepest mark slope: more than the forward factor").isGreaterThan(1.02);
    }

    /**
     * Along a random walk of BTC and ETH (steps of 0.05-2 %, some jumps of 8 %) and USDC, an account the screen skips has the
     * same status inputs (each gap's sign, as an unscreened book computes them now) as when it was last re-valued;
     * on small steps most accounts are skipped; at the end every reader gives the unscreened book's figures.
     */
    @ParameterizedTest
    @CsvSource({"false, false", "true, false", "false, true"})
    void theScreenSkipsNoAccountWhoseStatusChanges(boolean parallel, boolean basisSmileInverse) {
        BulkMarginBookTest.Accounts x = BulkMarginBookTest.accounts(basisSmileInverse, 53);
        BulkMarginBook book = screened(x, parallel);
        BulkMarginBook reference = book(x, parallel, false);
        int n = x.accounts().size();
        boolean[][] decided = new boolean[n][];
        for (int a = 0; a < n; a++) {
            decided[a] = decision(reference, a);
            assertThat(decision(book, a)).isEqualTo(decided[a]);
        }
        SplittableRandom rnd = new SplittableRandom(7);
        MarketSnapshot m = x.market();
        long skipped = 0;
        long exposedTotal = 0;
        int changed = 0;
        for (int step = 0; step < 120; step++) {
            // BTC and ETH, and now and then the collateral-only USDC (small moves, one 4 % depeg and back)
            String u = step % 9 == 4 ? "USDC" : UNDERLYINGS[rnd.nextInt(2)];
            double move = step == 49 ? -0.04 : step == 58 ? 0.04 / 0.96 : "USDC".equals(u)
                    ? (rnd.nextBoolean() ? 1 : -1) * 0.002 * rnd.nextDouble()
                    : step % 17 == 16 ? (rnd.nextBoolean() ? 0.08 : -0.08)
                    : (rnd.nextBoolean() ? 1 : -1) * (0.0005 + 0.0195 * rnd.nextDouble() * rnd.nextDouble());
            m = m.withPrice(u, m.indexPrice(u) * (1 + move));
            double stress = MOVES.getOrDefault(u, 0.0);
            int[] revalued = book.onTick(m, u, stress, true);
            int[] all = reference.onTick(m, u, stress);
            exposedTotal += all.length;
            skipped += all.length - revalued.length;
            changed += checkSkipped(reference, revalued, decided, String.format("step %d (%s %+.4f)", step, u,
                    move));
        }
        assertThat(changed).as("status inputs that changed on the path").isGreaterThan(20);
        assertThat((double) skipped / exposedTotal).as("share skipped").isGreaterThan(0.5);
        assertSameFigures(book, reference);
    }

    /**
     * The accounts a tick skipped have the status inputs (by the unscreened reference, now) they had when last
     * re-valued; those it re-valued take their new ones.
     *
     * @return how many re-valued accounts' status inputs changed
     */
    private static int checkSkipped(BulkMarginBook reference, int[] revalued, boolean[][] decided, String where) {
        Set<Integer> seen = new HashSet<>();
        for (int a : revalued) {
            seen.add(a);
        }
        int changed = 0;
        for (int a = 0; a < decided.length; a++) {
            boolean[] now = decision(reference, a);
            if (seen.contains(a)) {
                changed += Arrays.equals(now, decided[a]) ? 0 : 1;
                decided[a] = now;
            } else {
                assertThat(now).as("account %d skipped at %s", a, where).isEqualTo(decided[a]);
            }
        }
        return changed;
    }

    /** Every reader of a screened book gives the figures of another book (to rounding). */
    private static void assertSameFigures(BulkMarginBook book, BulkMarginBook reference) {
        for (int a = 0; a < book.accountCount(); a++) {
            double tol = 1e-9 * Math.max(1, Math.abs(reference.equityUsd(a)) + reference.maintenanceUsd(a));
            assertThat(book.equityUsd(a)).as("equity of %d", a).isCloseTo(reference.equityUsd(a), within(tol));
            assertThat(book.initialUsd(a)).isCloseTo(reference.initialUsd(a), within(tol));
            assertThat(book.maintenanceUsd(a)).isCloseTo(reference.maintenanceUsd(a), within(tol));
            assertThat(book.stressBreached(a)).isEqualTo(reference.stressBreached(a));
            assertThat(book.status(a)).isEqualTo(reference.status(a));
        }
    }

    /**
     * Several symbols ticked at once ({@link BulkMarginBook#onTicks}): along a walk where BTC and ETH move together
     * (now and then USDC too, some ticks not price-only, a stress move 2.5 times larger half-way), an account the
     * screen skips has the status inputs it had when last re-valued; fewer re-valuations than ticking the symbols one
     * after the other; at the end every reader gives the figures of the unscreened book and of the book ticked one
     * symbol at a time.
     */
    @ParameterizedTest
    @CsvSource({"false, false", "true, false", "false, true"})
    void severalSymbolsAtOnceEndWhereOneAfterTheOtherEnds(boolean parallel, boolean basisSmileInverse) {
        BulkMarginBookTest.Accounts x = BulkMarginBookTest.accounts(basisSmileInverse, 53);
        BulkMarginBook together = screened(x, parallel);
        BulkMarginBook apart = screened(x, parallel);
        BulkMarginBook reference = book(x, parallel, false);
        boolean[][] decided = decisions(reference);
        SplittableRandom rnd = new SplittableRandom(17);
        MarketSnapshot m = x.market();
        long togetherCount = 0;
        long apartCount = 0;
        int changed = 0;
        for (int step = 0; step < 100; step++) {
            List<String> moved = new ArrayList<>(List.of("BTC", "ETH"));
            if (step % 7 == 3) {
                moved.add("USDC");
            }
            double[] stress = new double[moved.size()];
            boolean[] priceOnly = new boolean[moved.size()];
            MarketSnapshot before = m;
            for (int k = 0; k < moved.size(); k++) {
                String u = moved.get(k);
                double move = "USDC".equals(u) ? (rnd.nextBoolean() ? 1 : -1) * 0.001 * rnd.nextDouble()
                        : step % 19 == 18 ? (rnd.nextBoolean() ? 0.05 : -0.05)
                        : (rnd.nextBoolean() ? 1 : -1) * 0.004 * rnd.nextDouble();
                m = m.withPrice(u, m.indexPrice(u) * (1 + move));
                stress[k] = MOVES.getOrDefault(u, 0.0) * (step >= 50 ? 2.5 : 1.0);
                priceOnly[k] = step % 23 != 22 || k != 1;
                apartCount += apart.onTick(m, u, stress[k], priceOnly[k]).length;
                reference.onTick(m, u, stress[k]);
            }
            assertThat(before).isNotSameAs(m);
            int[] revalued = together.onTicks(m, moved, stress, priceOnly);
            togetherCount += revalued.length;
            assertThat(revalued).as("ascending, distinct").isSorted().doesNotHaveDuplicates();
            changed += checkSkipped(reference, revalued, decided, "step " + step);
        }
        assertThat(changed).as("status inputs that changed on the path").isGreaterThan(20);
        assertThat(togetherCount).as("re-valuations together against apart").isLessThan(apartCount);
        assertSameFigures(together, reference);
        assertSameFigures(together, apart);
    }

    /**
     * Options' time decay, which the screen does not bound: a week passes with BTC's price unchanged. A screened book
     * ticked without a sweep keeps figures of a week before; one that sweeps BTC re-values a part of BTC's accounts at
     * each tick (a part is about the sweep's size), and after as many ticks as parts has every reader give the
     * figures of an unscreened book, which re-values all of them at the first tick.
     */
    @ParameterizedTest
    @CsvSource({"false, false", "true, false", "false, true"})
    void aSweepReValuesEveryExposedAccountAPartATick(boolean parallel, boolean basisSmileInverse) {
        BulkMarginBookTest.Accounts x = BulkMarginBookTest.accounts(basisSmileInverse, 53);
        BulkMarginBook.Builder b = BulkMarginBook.builder(x.universe(), x.market(), x.universeParams(), MOVES,
                parallel).screen(HYSTERESIS).sweepPart(10);
        for (int a = 0; a < x.accounts().size(); a++) {
            b.addAccount(x.accounts().get(a), x.params().get(a));
        }
        BulkMarginBook book = b.build();
        BulkMarginBook unswept = screened(x, parallel);
        BulkMarginBook reference = book(x, parallel, false);
        MarketSnapshot later = x.market().withValuationTime(x.market().valuationTime().plus(Duration.ofDays(7)));
        double stress = MOVES.get("BTC");
        int[] exposed = reference.onTick(later, "BTC", stress);
        int parts = book.sweep("BTC");
        assertThat(parts).isEqualTo((exposed.length + 9) / 10);
        assertThat(book.sweeping("BTC")).isTrue();
        assertThat(unswept.sweeping("BTC")).isFalse();
        Set<Integer> seen = new HashSet<>();
        for (int k = 0; k < parts; k++) {
            assertThat(book.sweeping("BTC")).isTrue();
            int[] revalued = book.onTick(later, "BTC", stress, true);
            int part = k;
            int[] expected = Arrays.stream(exposed).filter(a -> a % parts == part).toArray();
            assertThat(revalued).as("tick %d of the sweep", k).contains(expected);
            // beyond the part, only what the screen re-values anyway (an unbounded slope: inverse instruments)
            Set<Integer> anyway = new HashSet<>();
            Arrays.stream(unswept.onTick(later, "BTC", stress, true)).forEach(anyway::add);
            assertThat(Arrays.stream(revalued).filter(a -> a % parts != part).boxed().toList())
                    .as("tick %d re-values a part", k).isSubsetOf(anyway);
            Arrays.stream(revalued).forEach(seen::add);
        }
        assertSweptAll(book, unswept, reference, exposed, seen);
        assertThat(book.sweep("XRP")).as("not a symbol of the book").isZero();
    }

    /**
     * A sweep keeps to its duration whatever the tick rate: a week of time decay, BTC swept in parts of 10 accounts
     * over 10 ms (of the ticks' valuation time); the first tick re-values the first part only, a tick 3 ms later the
     * parts up to 30 % of them, one at 6 ms those up to 60 %, and one at 10 ms every part left, so the sweep ends on
     * it (one part a tick would have needed as many ticks as parts); every reader then gives the unscreened book's
     * figures.
     */
    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void aSweepEndsWithinItsDurationWhateverTheTickRate(boolean parallel) {
        BulkMarginBookTest.Accounts x = BulkMarginBookTest.accounts(false, 53);
        BulkMarginBook.Builder b = BulkMarginBook.builder(x.universe(), x.market(), x.universeParams(), MOVES,
                parallel).screen(HYSTERESIS).sweepPart(10).sweepDuration(Duration.ofMillis(10));
        for (int a = 0; a < x.accounts().size(); a++) {
            b.addAccount(x.accounts().get(a), x.params().get(a));
        }
        BulkMarginBook book = b.build();
        BulkMarginBook unswept = screened(x, parallel);
        BulkMarginBook reference = book(x, parallel, false);
        MarketSnapshot later = x.market().withValuationTime(x.market().valuationTime().plus(Duration.ofDays(7)));
        double stress = MOVES.get("BTC");
        int[] exposed = reference.onTick(later, "BTC", stress);
        int parts = book.sweep("BTC");
        assertThat(parts).isGreaterThan(20);
        int[] millis = {0, 3, 6, 10};
        int[] ends = {1, (int) Math.ceil(parts * 0.3), (int) Math.ceil(parts * 0.6), parts};
        Set<Integer> seen = new HashSet<>();
        int from = 0;
        for (int k = 0; k < millis.length; k++) {
            assertThat(book.sweeping("BTC")).as("tick %d", k).isTrue();
            MarketSnapshot at = later.withValuationTime(later.valuationTime().plusMillis(millis[k]));
            int[] revalued = book.onTick(at, "BTC", stress, true);
            reference.onTick(at, "BTC", stress);
            int lo = from;
            int hi = ends[k];
            int[] expected = Arrays.stream(exposed).filter(a -> a % parts >= lo && a % parts < hi).toArray();
            assertThat(revalued).as("tick %d re-values parts %d to %d", k, lo, hi - 1).contains(expected);
            Set<Integer> anyway = new HashSet<>();
            Arrays.stream(unswept.onTick(at, "BTC", stress, true)).forEach(anyway::add);
            assertThat(Arrays.stream(revalued).filter(a -> a % parts < lo || a % parts >= hi).boxed().toList())
                    .as("tick %d re-values no other part", k).isSubsetOf(anyway);
            Arrays.stream(revalued).forEach(seen::add);
            from = hi;
        }
        // each account is valued as of the tick that swept it (at most 10 ms of decay behind the reference)
        assertSweptAll(book, unswept, reference, exposed, seen);
    }

    /**
     * The end of a sweep of BTC: no longer sweeping, every exposed account re-valued on the way, every reader giving
     * the unscreened reference's figures, where the book ticked without the sweep keeps some a week old.
     */
    private static void assertSweptAll(BulkMarginBook book, BulkMarginBook unswept, BulkMarginBook reference,
            int[] exposed, Set<Integer> seen) {
        assertThat(book.sweeping("BTC")).isFalse();
        assertThat(seen).containsAll(Arrays.stream(exposed).boxed().toList());
        assertSameFigures(book, reference);
        boolean stale = false;
        for (int a : exposed) {
            stale |= Math.abs(unswept.equityUsd(a) - reference.equityUsd(a)) > 1e-6 * Math.max(1,
                    Math.abs(reference.equityUsd(a)));
        }
        assertThat(stale).as("without the sweep some figures are a week old").isTrue();
    }

    private static BulkMarginBook screened(BulkMarginBookTest.Accounts x, boolean parallel) {
        return book(x, parallel, true);
    }

    private static BulkMarginBook book(BulkMarginBookTest.Accounts x, boolean parallel, boolean screen) {
        BulkMarginBook.Builder b = BulkMarginBook.builder(x.universe(), x.market(), x.universeParams(), MOVES,
                parallel);
        if (screen) {
            b.screen(HYSTERESIS);
        }
        for (int a = 0; a < x.accounts().size(); a++) {
            b.addAccount(x.accounts().get(a), x.params().get(a));
        }
        return b.build();
    }

    /** Each account's {@link #decision}. */
    private static boolean[][] decisions(BulkMarginBook book) {
        boolean[][] out = new boolean[book.accountCount()][];
        for (int a = 0; a < out.length; a++) {
            out[a] = decision(book, a);
        }
        return out;
    }

    /** What the status rule reads, as signs: below MM, below IM, each times 1 + h, and the early warning. */
    static boolean[] decision(BulkMarginBook book, int a) {
        double e = book.equityUsd(a);
        double im = book.initialUsd(a);
        double mm = book.maintenanceUsd(a);
        double c = 1 + HYSTERESIS;
        return new boolean[] {e < mm, e < im, e < c * mm, e < c * im, e >= im && book.stressBreached(a)};
    }

    /**
     * The gaps, from the per-account engine: equity minus MM, IM, (1 + h) MM, (1 + h) IM; with the stress, also
     * equity minus MM at each held underlying moved down and up by its stress move.
     */
    private static double[] gaps(AccountInput account, RiskParameterSet params, MarketSnapshot market,
            boolean stress) {
        MarginResult r = MarginEngine.DEFAULT.computeRequirements(account, market, params);
        double e = r.equityUsd();
        double c = 1 + HYSTERESIS;
        List<Double> out = new ArrayList<>(List.of(e - r.maintenanceMarginUsd(), e - r.initialMarginUsd(),
                e - c * r.maintenanceMarginUsd(), e - c * r.initialMarginUsd()));
        if (stress) {
            Set<String> held = new java.util.TreeSet<>();
            account.pools().forEach(p -> p.positions().forEach(q -> held.add(q.instrument().underlying())));
            for (String u : held) {
                double s0 = market.indexPrice(u);
                double worst = Double.POSITIVE_INFINITY;
                for (double s : new double[] {s0 * Math.exp(-MOVES.get(u)), s0 * Math.exp(MOVES.get(u))}) {
                    MarginResult y = MarginEngine.DEFAULT.computeRequirements(account, market.withPrice(u, s), params);
                    worst = Math.min(worst, y.equityUsd() - y.maintenanceMarginUsd());
                }
                out.add(worst);
            }
        }
        return out.stream().mapToDouble(Double::doubleValue).toArray();
    }
}
