package io.ballast.margin.bench;

import io.ballast.margin.engine.PortfolioBook;
import io.ballast.margin.engine.PortfolioMarginEngine;
import io.ballast.margin.engine.RiskArrays;
import io.ballast.margin.market.FlatSmileVolSurface;
import io.ballast.margin.market.ForwardCurve;
import io.ballast.margin.market.MarketSnapshot;
import io.ballast.margin.market.SmileVolSurface;
import io.ballast.margin.market.VolSurface;
import io.ballast.margin.param.CollateralParameters;
import io.ballast.margin.param.MarketRiskParameters;
import io.ballast.margin.param.RiskParameterSet;
import io.ballast.margin.product.DatedFuture;
import io.ballast.margin.product.EuropeanOption;
import io.ballast.margin.product.Instrument;
import io.ballast.margin.product.OptionType;
import io.ballast.margin.product.PerpetualFuture;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The benchmark workload of issue 3, built deterministically from a seed.
 *
 * <p>5 underlyings (synthetic round prices, not market data), each with 1 perpetual, 3 dated futures and 400 options
 * (10 expiries x 20 strikes x call/put); accounts each hold {@code positionsPerAccount} distinct instruments on 2 to 5
 * underlyings, 70 % linear (perpetuals and futures) and 30 % options. The default is 100,000 accounts x 10 positions
 * = 1,000,000 positions; the grid is 11 price moves x 3 vol states + 2 extreme moves = 35 scenarios.
 */
public final class Workload {

    /** Valuation time of the synthetic market. */
    public static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
    /** Underlyings and their synthetic index prices, USD. */
    public static final Map<String, Double> PRICES = Map.of("BTC", 100_000.0, "ETH", 4_000.0, "SOL", 150.0,
            "BNB", 600.0, "XRP", 2.5);
    /** Underlyings in a fixed order. */
    public static final List<String> UNDERLYINGS = List.of("BTC", "ETH", "SOL", "BNB", "XRP");
    private static final int[] FUTURE_DAYS = {30, 90, 180};
    private static final int[] OPTION_DAYS = {1, 7, 14, 30, 60, 90, 120, 180, 270, 365};
    private static final int STRIKES = 20;

    /** Instruments, grouped by underlying: 4 linear then 400 options per underlying. */
    public final List<Instrument> instruments;
    /** The market. */
    public final MarketSnapshot market;
    /** The same market with BTC 1 % higher and its vol 2 points higher (an incremental tick). */
    public final MarketSnapshot tickedMarket;
    /** Default parameters for every underlying; USDC collateral without haircut. */
    public final RiskParameterSet params;
    /** Risk arrays over {@link #instruments}. */
    public final RiskArrays arrays;
    /** The accounts' positions. */
    public final PortfolioBook book;
    /** Number of positions. */
    public final long positions;

    /**
     * Builds the workload.
     *
     * @param accounts number of accounts
     * @param positionsPerAccount distinct instruments per account (7 linear : 3 options for 10)
     * @param seed random seed
     */
    public Workload(int accounts, int positionsPerAccount, long seed) {
        this(accounts, positionsPerAccount, seed, false);
    }

    /**
     * Builds the workload, optionally with a futures basis and a volatility smile on every underlying: basis
     * 0.05 % per 30 days at the 3 futures expiries, and at each of the 10 option expiries a smile quoted at the 20
     * strikes, {@code vol = base - 0.10 k + 0.30 k^2} ({@code k = ln(K / F)}). The futures then have risk arrays of
     * their own and the options are priced off the smiles.
     *
     * @param accounts number of accounts
     * @param positionsPerAccount distinct instruments per account
     * @param seed random seed
     * @param curves whether to add basis and smiles
     */
    public Workload(int accounts, int positionsPerAccount, long seed, boolean curves) {
        instruments = instruments();
        Map<String, VolSurface> vols = new HashMap<>();
        Map<String, ForwardCurve> forwards = new HashMap<>();
        Map<String, MarketRiskParameters> markets = new HashMap<>();
        for (String u : UNDERLYINGS) {
            double base = u.equals("BTC") ? 0.55 : 0.75;
            vols.put(u, curves ? smile(u, base) : FlatSmileVolSurface.flat(base));
            if (curves) {
                Map<Instant, Double> basis = new HashMap<>();
                for (int d : FUTURE_DAYS) {
                    basis.put(NOW.plus(Duration.ofDays(d)), 0.0005 * d / 30.0);
                }
                forwards.put(u, ForwardCurve.of(basis));
            }
            markets.put(u, MarketRiskParameters.defaults());
        }
        Map<String, Double> prices = new HashMap<>(PRICES);
        prices.put("USDC", 1.0);
        market = MarketSnapshot.of(NOW, prices, vols, forwards);
        tickedMarket = market.withPrice("BTC", 101_000).withVolSurface("BTC", curves ? smile("BTC", 0.57)
                : FlatSmileVolSurface.flat(0.57));
        params = RiskParameterSet.of(11, 1.3, 1.0, 0.01, markets, Map.of("USDC", CollateralParameters.of(0, 0)));
        arrays = RiskArrays.build(instruments, market, params);
        book = book(arrays, accounts, positionsPerAccount, seed);
        positions = book.positionCount();
    }

    /** A smile on every option expiry and strike of the workload (forwards at the index). */
    private static SmileVolSurface smile(String u, double base) {
        double s = PRICES.get(u);
        List<SmileVolSurface.Quote> quotes = new ArrayList<>();
        Map<Instant, Double> forwards = new HashMap<>();
        for (int d : OPTION_DAYS) {
            Instant expiry = NOW.plus(Duration.ofDays(d));
            forwards.put(expiry, s);
            for (int k = 0; k < STRIKES; k++) {
                double m = Math.log(0.5 + k * 0.05);
                quotes.add(new SmileVolSurface.Quote(expiry, s * (0.5 + k * 0.05), base - 0.10 * m + 0.30 * m * m));
            }
        }
        return SmileVolSurface.of(NOW, quotes, forwards);
    }

    private static List<Instrument> instruments() {
        List<Instrument> list = new ArrayList<>();
        for (String u : UNDERLYINGS) {
            double s = PRICES.get(u);
            list.add(PerpetualFuture.of(u));
            for (int d : FUTURE_DAYS) {
                list.add(DatedFuture.of(u, NOW.plus(Duration.ofDays(d))));
            }
            for (int d : OPTION_DAYS) {
                for (int k = 0; k < STRIKES; k++) {
                    double strike = s * (0.5 + k * 0.05);
                    for (OptionType t : OptionType.values()) {
                        list.add(EuropeanOption.of(u, NOW.plus(Duration.ofDays(d)), strike, t));
                    }
                }
            }
        }
        return list;
    }

    private static PortfolioBook book(RiskArrays arrays, int accounts, int perAccount, long seed) {
        int linearPer = 1 + FUTURE_DAYS.length;
        int optionsPer = OPTION_DAYS.length * STRIKES * 2;
        int block = linearPer + optionsPer;
        int nLinear = Math.round(perAccount * 0.7f);
        int nOptions = perAccount - nLinear;
        SplittableRandom rnd = new SplittableRandom(seed);
        PortfolioBook.Builder builder = PortfolioBook.builder(arrays);
        int[] idx = new int[perAccount];
        double[] qty = new double[perAccount];
        int[] unders = new int[UNDERLYINGS.size()];
        for (int a = 0; a < accounts; a++) {
            int k = 2 + rnd.nextInt(UNDERLYINGS.size() - 1);
            shuffle(unders, rnd);
            int p = 0;
            while (p < nLinear) {
                int candidate = unders[rnd.nextInt(k)] * block + rnd.nextInt(linearPer);
                if (!contains(idx, p, candidate)) {
                    idx[p] = candidate;
                    qty[p++] = quantity(rnd, arrays, candidate);
                }
            }
            while (p < nLinear + nOptions) {
                int candidate = unders[rnd.nextInt(k)] * block + linearPer + rnd.nextInt(optionsPer);
                if (!contains(idx, p, candidate)) {
                    idx[p] = candidate;
                    qty[p++] = quantity(rnd, arrays, candidate);
                }
            }
            builder.addAccount(idx, qty);
        }
        return builder.build();
    }

    /** Quantity worth about -50,000..50,000 USD of notional, never zero. */
    private static double quantity(SplittableRandom rnd, RiskArrays arrays, int instrument) {
        double s = PRICES.get(arrays.instrument(instrument).underlying());
        double usd = (rnd.nextBoolean() ? 1 : -1) * (1_000 + rnd.nextDouble() * 49_000);
        return usd / s;
    }

    private static void shuffle(int[] a, SplittableRandom rnd) {
        for (int i = 0; i < a.length; i++) {
            a[i] = i;
        }
        for (int i = a.length - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }

    private static boolean contains(int[] a, int n, int v) {
        for (int i = 0; i < n; i++) {
            if (a[i] == v) {
                return true;
            }
        }
        return false;
    }

    /**
     * A new engine over this workload (nothing computed yet). Engines made here share {@link #arrays}: use one at a
     * time.
     *
     * @param parallel whether the engine uses the fork-join pool
     * @return the engine
     */
    public PortfolioMarginEngine engine(boolean parallel) {
        return new PortfolioMarginEngine(arrays, book, parallel);
    }
}
