package io.ballast.margin.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.ballast.margin.market.MarketSnapshot;
import io.ballast.margin.measure.MarginResult;
import io.ballast.margin.param.RiskParameterSet;
import io.ballast.margin.product.AccountInput;
import io.ballast.margin.product.CollateralBalance;
import io.ballast.margin.product.Instrument;
import io.ballast.margin.product.MarginMethod;
import io.ballast.margin.product.Position;
import java.math.BigDecimal;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Accounts changed in place ({@link BulkMarginBook#update}), or moved to a spare when they no longer fit their slots,
 * along a walk of ticks: every changed account has the per-account engine's figures at once; a tick's screen skips no
 * account whose status inputs change (changed accounts included); retired numbers and unused spares are never
 * re-valued; at the end every account has the figures of a book built from the accounts as they are then.
 */
class BulkMarginBookUpdateTest {

    private static final String[] UNDERLYINGS = {"BTC", "ETH"};

    @ParameterizedTest
    @CsvSource({"false, false", "true, false", "false, true"})
    void changedAccountsKeepTheFiguresOfAFreshBookAndTheScreenStaysSound(boolean parallel,
            boolean basisSmileInverse) {
        BulkMarginBookTest.Accounts x = BulkMarginBookTest.accounts(basisSmileInverse, 61);
        List<AccountInput> current = new ArrayList<>(x.accounts());
        List<RiskParameterSet> params = x.params();
        int n = current.size();
        BulkMarginBook.Builder b = BulkMarginBook.builder(x.universe(), x.market(), x.universeParams(),
                BulkMarginBookScreenTest.MOVES, parallel).screen(BulkMarginBookScreenTest.HYSTERESIS);
        for (int a = 0; a < n; a++) {
            b.addAccount(current.get(a), params.get(a));
        }
        Deque<Integer> standardSpares = new ArrayDeque<>();
        Deque<Integer> portfolioSpares = new ArrayDeque<>();
        for (int k = 0; k < 60; k++) {
            standardSpares.add(b.addSpare(MarginMethod.STANDARD, x.universeParams(), List.of("USDC", "BTC")));
            portfolioSpares.add(b.addSpare(MarginMethod.PORTFOLIO, x.universeParams(), List.of("USDC", "BTC")));
        }
        BulkMarginBook book = b.build();
        assertThat(standardSpares).allSatisfy(s -> assertThat(book.idle(s)).isTrue());
        int[] number = new int[n];
        Arrays.setAll(number, a -> a);
        Set<Integer> retired = new HashSet<>();

        SplittableRandom rnd = new SplittableRandom(23);
        MarketSnapshot m = x.market();
        boolean[][] decided = decisions(current, params, m, n);
        int inPlace = 0;
        int moved = 0;
        int changedOnTicks = 0;
        for (int step = 0; step < 60; step++) {
            // a few accounts change: sizes, a closed position, a new instrument, collateral
            for (int c = 0; c < 4; c++) {
                int a = rnd.nextInt(n);
                AccountInput changed = change(current.get(a), x.universe(), rnd, m);
                int before = number[a];
                if (book.update(before, changed, params.get(a))) {
                    inPlace++;
                } else {
                    Deque<Integer> spares = changed.method() == MarginMethod.STANDARD ? standardSpares
                            : portfolioSpares;
                    assertThat(spares).as("spares left").isNotEmpty();
                    int spare = spares.poll();
                    assertThat(book.update(spare, changed, params.get(a))).as("a spare takes account %d", a).isTrue();
                    book.retire(before);
                    retired.add(before);
                    number[a] = spare;
                    moved++;
                }
                current.set(a, changed);
                assertFigures(book, number[a], changed, params.get(a), m, x.universe(),
                        "account " + a + " at step " + step);
                decided[a] = decision(changed, params.get(a), m);
            }
            // BTC and ETH move (now and then by 5 %)
            double[] stress = new double[2];
            boolean[] priceOnly = {true, true};
            for (int k = 0; k < 2; k++) {
                double move = step % 13 == 12 ? (rnd.nextBoolean() ? 0.05 : -0.05)
                        : (rnd.nextBoolean() ? 1 : -1) * 0.006 * rnd.nextDouble();
                m = m.withPrice(UNDERLYINGS[k], m.indexPrice(UNDERLYINGS[k]) * (1 + move));
                stress[k] = BulkMarginBookScreenTest.MOVES.get(UNDERLYINGS[k]);
            }
            int[] revalued = book.onTicks(m, List.of(UNDERLYINGS), stress, priceOnly);
            Set<Integer> seen = new HashSet<>();
            for (int r : revalued) {
                assertThat(retired).as("retired numbers re-valued at step %d", step).doesNotContain(r);
                assertThat(book.idle(r)).as("idle number %d re-valued", r).isFalse();
                seen.add(r);
            }
            boolean[][] now = decisions(current, params, m, n);
            for (int a = 0; a < n; a++) {
                if (seen.contains(number[a])) {
                    changedOnTicks += Arrays.equals(now[a], decided[a]) ? 0 : 1;
                    decided[a] = now[a];
                } else {
                    assertThat(now[a]).as("account %d (number %d) skipped at step %d", a, number[a], step)
                            .isEqualTo(decided[a]);
                }
            }
        }
        assertThat(inPlace).as("changes in place").isGreaterThan(60);
        assertThat(moved).as("changes moved to a spare").isGreaterThan(5);
        assertThat(changedOnTicks).as("status inputs that changed on ticks").isGreaterThan(10);
        BulkMarginBook.Builder fresh = BulkMarginBook.builder(x.universe(), m, x.universeParams(),
                BulkMarginBookScreenTest.MOVES, parallel);
        for (int a = 0; a < n; a++) {
            fresh.addAccount(current.get(a), params.get(a));
        }
        BulkMarginBook reference = fresh.build();
        for (int a = 0; a < n; a++) {
            int k = number[a];
            double tol = 1e-9 * Math.max(1, Math.abs(reference.equityUsd(a)) + reference.maintenanceUsd(a));
            assertThat(book.equityUsd(k)).as("equity of %d", a).isCloseTo(reference.equityUsd(a), within(tol));
            assertThat(book.initialUsd(k)).as("IM of %d", a).isCloseTo(reference.initialUsd(a), within(tol));
            assertThat(book.maintenanceUsd(k)).as("MM of %d", a).isCloseTo(reference.maintenanceUsd(a), within(tol));
            assertThat(book.stressBreached(k)).as("early warning of %d", a).isEqualTo(reference.stressBreached(a));
        }
    }

    /** An account whose instrument is not among its slots is refused and keeps its figures. */
    @ParameterizedTest
    @CsvSource({"false", "true"})
    void anAccountThatDoesNotFitIsRefusedUnchanged(boolean portfolio) {
        BulkMarginBookTest.Accounts x = BulkMarginBookTest.accounts(false, 5);
        int a = portfolio ? 0 : 1; // a % 3 == 0 is a PORTFOLIO account in the fixture
        AccountInput account = x.accounts().get(a);
        Set<String> held = new HashSet<>();
        account.pools().get(0).positions().forEach(p -> held.add(p.instrument().id()));
        Instrument other = x.universe().stream().filter(i -> !held.contains(i.id())).findFirst().orElseThrow();
        BulkMarginBook.Builder b = BulkMarginBook.builder(x.universe(), x.market(), x.universeParams(),
                BulkMarginBookScreenTest.MOVES, false).screen(BulkMarginBookScreenTest.HYSTERESIS);
        x.accounts().forEach(acc -> b.addAccount(acc, x.universeParams()));
        BulkMarginBook book = b.build();
        double equity = book.equityUsd(a);
        double mm = book.maintenanceUsd(a);
        List<Position> more = new ArrayList<>(account.pools().get(0).positions());
        more.add(Position.of(other, 3, 10));
        AccountInput bigger = AccountInput.cross(account.accountId(), account.method(), more,
                account.pools().get(0).collateral());
        assertThat(book.update(a, bigger, x.universeParams())).isFalse();
        AccountInput otherMethod = AccountInput.cross(account.accountId(), portfolio ? MarginMethod.STANDARD
                : MarginMethod.PORTFOLIO, account.pools().get(0).positions(), account.pools().get(0).collateral());
        assertThat(book.update(a, otherMethod, x.universeParams())).isFalse();
        assertThat(book.equityUsd(a)).isEqualTo(equity);
        assertThat(book.maintenanceUsd(a)).isEqualTo(mm);
    }

    /** The account after a trade or a transfer: sizes, a closed or a new position, collateral. */
    private static AccountInput change(AccountInput account, List<Instrument> universe, SplittableRandom rnd,
            MarketSnapshot m) {
        List<Position> positions = new ArrayList<>(account.pools().get(0).positions());
        List<CollateralBalance> collateral = new ArrayList<>(account.pools().get(0).collateral());
        switch (rnd.nextInt(5)) {
            case 0, 1 -> {
                if (!positions.isEmpty()) {
                    int k = rnd.nextInt(positions.size());
                    Position p = positions.get(k);
                    double q = p.quantity() * (rnd.nextBoolean() ? 0.5 + rnd.nextDouble() : -0.3 - rnd.nextDouble());
                    double entry = p.entryPriceUsd() * (0.9 + 0.2 * rnd.nextDouble());
                    positions.set(k, Position.of(p.instrument(), q, entry));
                }
            }
            case 2 -> {
                if (!positions.isEmpty()) {
                    positions.remove(rnd.nextInt(positions.size()));
                }
            }
            case 3 -> {
                Instrument i = universe.get(rnd.nextInt(universe.size()));
                if (positions.stream().noneMatch(p -> p.instrument().id().equals(i.id()))) {
                    double s = m.indexPrice(i.underlying());
                    positions.add(i.inverse() && i.kind().isLinear() ? Position.of(i, 2_000, s)
                            : Position.of(i, rnd.nextBoolean() ? 1 : -1, i.kind().isLinear() ? s : 50));
                }
            }
            default -> {
                collateral.removeIf(c -> c.asset().equals("USDC"));
                collateral.add(CollateralBalance.of("USDC", BigDecimal.valueOf(rnd.nextInt(400_000))));
                if (rnd.nextInt(3) == 0 && collateral.stream().noneMatch(c -> c.asset().equals("BTC"))) {
                    collateral.add(CollateralBalance.of("BTC", BigDecimal.ONE));
                }
            }
        }
        return AccountInput.cross(account.accountId(), account.method(), positions, collateral);
    }

    /** A changed account's figures: the per-account engine's, and a one-account book's early warning. */
    private static void assertFigures(BulkMarginBook book, int k, AccountInput account, RiskParameterSet params,
            MarketSnapshot m, List<Instrument> universe, String what) {
        MarginResult r = MarginEngine.DEFAULT.computeRequirements(account, m, params);
        double tol = 1e-9 * Math.max(1, Math.abs(r.equityUsd()) + r.maintenanceMarginUsd());
        assertThat(book.equityUsd(k)).as("equity of %s", what).isCloseTo(r.equityUsd(), within(tol));
        assertThat(book.initialUsd(k)).as("IM of %s", what).isCloseTo(r.initialMarginUsd(), within(tol));
        assertThat(book.maintenanceUsd(k)).as("MM of %s", what).isCloseTo(r.maintenanceMarginUsd(), within(tol));
        assertThat(book.stressBreached(k)).as("early warning of %s", what)
                .isEqualTo(single(account, params, m).stressBreached(0));
        // the screen's figures: those of a book built with the account as it is now (same universe, so the same
        // symbol order: BTC, ETH, then USDC)
        BulkMarginBook.Builder b = BulkMarginBook.builder(universe, m, params, BulkMarginBookScreenTest.MOVES, false)
                .screen(BulkMarginBookScreenTest.HYSTERESIS);
        b.addAccount(account, params);
        BulkMarginBook fresh = b.build();
        assertThat(book.screenDistanceUsd(k)).as("screen distance of %s", what)
                .isCloseTo(fresh.screenDistanceUsd(0), within(tol));
        for (int x = 0; x < 3; x++) {
            double slope = fresh.screenSlope(0, x);
            assertThat(book.screenSlope(k, x)).as("screen slope %d of %s", x, what).isCloseTo(slope,
                    within(1e-9 * Math.max(1, Math.abs(slope))));
        }
    }

    /** The status inputs of every account, from books of one account each at the market. */
    private static boolean[][] decisions(List<AccountInput> accounts, List<RiskParameterSet> params, MarketSnapshot m,
            int n) {
        boolean[][] out = new boolean[n][];
        for (int a = 0; a < n; a++) {
            out[a] = decision(accounts.get(a), params.get(a), m);
        }
        return out;
    }

    private static boolean[] decision(AccountInput account, RiskParameterSet params, MarketSnapshot m) {
        return BulkMarginBookScreenTest.decision(single(account, params, m), 0);
    }

    /** An unscreened book of one account, built at the market. */
    private static BulkMarginBook single(AccountInput account, RiskParameterSet params, MarketSnapshot m) {
        List<Instrument> universe = new ArrayList<>();
        account.pools().get(0).positions().forEach(p -> {
            if (universe.stream().noneMatch(i -> i.id().equals(p.instrument().id()))) {
                universe.add(p.instrument());
            }
        });
        BulkMarginBook.Builder b = BulkMarginBook.builder(universe, m, params, BulkMarginBookScreenTest.MOVES, false);
        b.addAccount(account, params);
        return b.build();
    }
}
