package io.ballast.risk.live;

import io.ballast.margin.MarginInputException;
import io.ballast.margin.engine.BulkMarginBook;
import io.ballast.margin.market.MarketSnapshot;
import io.ballast.margin.measure.MarginResult;
import io.ballast.margin.param.CollateralParameters;
import io.ballast.margin.param.MarketRiskParameters;
import io.ballast.margin.param.RiskParameterSet;
import io.ballast.margin.product.DatedFuture;
import io.ballast.margin.product.EuropeanOption;
import io.ballast.margin.product.Instrument;
import io.ballast.margin.product.Position;
import io.ballast.risk.domain.Account;
import io.ballast.risk.domain.ApiException;
import io.ballast.risk.domain.Balance;
import io.ballast.risk.domain.MarketPrice;
import io.ballast.risk.service.MarginInputs;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The bulk part of a tenant's hot book: margin-core's {@link BulkMarginBook} (risk arrays, portfolio engine,
 * standard rules, MPOR stress) over the accounts whose margin it can hold, numbered, plus the accounts it does not
 * hold ("cold": missing data, an expired instrument, or changed since the bulk book was built), which the owner
 * evaluates one by one with the per-account engine. Built from the book's rows, never from the database. Not
 * thread-safe: the owning {@link TenantBook} serialises access.
 */
final class BulkBook {

    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(BulkBook.class);

    private final BulkMarginBook book;
    private final Map<UUID, Integer> numbers;
    private final UUID[] ids;
    private final Set<UUID> cold;
    /** {@link #cold} by account number (read for every re-valued account of a tick). */
    private final boolean[] coldNumber;
    private final long builtAtNanos;
    private final long buildNanos;
    private final LiveSettings settings;
    /**
     * When each underlying's arrays were last priced at the inputs' valuation time ({@link System#nanoTime}), by
     * symbol: at its own ticks, at a full recompute, or when a tick of another underlying found it stale.
     */
    private final Map<String, Long> pricedAtNanos = new HashMap<>();
    /**
     * When each underlying's exposed accounts were last all re-valued (a tick the screen did not apply to), by
     * symbol: a screened account's figures are at most this old, so that time decay reaches it within the interval.
     */
    private final Map<String, Long> allRevaluedAtNanos = new HashMap<>();
    /** The vol of each symbol's last price row (absent: none seen yet): a tick that changes it is not price-only. */
    private final Map<String, java.util.Optional<java.math.BigDecimal>> volOf = new HashMap<>();
    private int changedSinceBuild;
    private int heldChanged;
    /** Spare numbers not given an account yet, by method (see {@link #update}). */
    private final java.util.ArrayDeque<Integer> standardSpares = new java.util.ArrayDeque<>();
    private final java.util.ArrayDeque<Integer> portfolioSpares = new java.util.ArrayDeque<>();
    private final int sparesPerMethod;
    /** The universe's instruments (tenant symbols) and the collateral assets held, for re-reading their market. */
    private final List<String> instrumentSymbols;
    /** The underlying symbol of each instrument of the universe. */
    private final Map<String, String> underlyingOf = new HashMap<>();
    private final List<String> collateralSymbols;

    private BulkBook(BulkMarginBook book, Map<UUID, Integer> numbers, Set<UUID> cold, LiveSettings settings,
            long buildNanos, List<String> instrumentSymbols, List<String> underlyings,
            List<String> collateralSymbols, List<Integer> standardSpares, List<Integer> portfolioSpares) {
        this.standardSpares.addAll(standardSpares);
        this.portfolioSpares.addAll(portfolioSpares);
        this.sparesPerMethod = standardSpares.size();
        this.instrumentSymbols = instrumentSymbols;
        for (int i = 0; i < instrumentSymbols.size(); i++) {
            underlyingOf.put(instrumentSymbols.get(i), underlyings.get(i));
        }
        this.collateralSymbols = collateralSymbols;
        this.buildNanos = buildNanos;
        this.book = book;
        this.numbers = numbers;
        this.cold = cold;
        this.settings = settings;
        this.ids = new UUID[book.accountCount()];
        numbers.forEach((id, n) -> ids[n] = id);
        this.coldNumber = new boolean[ids.length];
        numbers.forEach((id, n) -> coldNumber[n] = cold.contains(id));
        this.builtAtNanos = System.nanoTime();
        underlyingOf.values().forEach(u -> pricedAtNanos.put(u, builtAtNanos));
        underlyingOf.values().forEach(u -> allRevaluedAtNanos.put(u, builtAtNanos));
    }

    /**
     * Builds the bulk book of a tenant's open accounts at the inputs' valuation time.
     *
     * @param inputs    the tenant's reference data, parameters and prices in force
     * @param accounts  open accounts
     * @param balances  balances by account
     * @param positions positions by account
     * @param prices    the price in force per asset id
     * @param symbols   asset symbol per asset id
     * @param settings  live settings (the stress)
     * @return the bulk book, or null when not even an empty one can be built (then everything is cold)
     */
    static BulkBook build(MarginInputs inputs, Map<UUID, Account> accounts, Map<UUID, List<Balance>> balances,
            Map<UUID, List<io.ballast.risk.domain.Position>> positions, Map<UUID, MarketPrice> prices,
            Map<UUID, String> symbols, LiveSettings settings) {
        long started = System.nanoTime();
        Set<UUID> cold = new HashSet<>();
        Map<UUID, MarginInputs.Built> built = new LinkedHashMap<>();
        Map<String, Instrument> universe = new LinkedHashMap<>();
        Map<String, MarketRiskParameters> markets = new HashMap<>();
        Map<String, CollateralParameters> haircuts = new HashMap<>();
        int positionCount = 0;
        for (Account a : accounts.values()) {
            MarginInputs.Built b = heldInput(a, balances.getOrDefault(a.id, List.of()),
                    positions.getOrDefault(a.id, List.of()), inputs);
            if (b == null) {
                cold.add(a.id);
                continue;
            }
            List<Position> held = b.account().pools().get(0).positions();
            positionCount += held.size();
            held.forEach(p -> {
                universe.putIfAbsent(p.instrument().id(), p.instrument());
                markets.putIfAbsent(p.instrument().underlying(), b.params().market(p.instrument().underlying()));
            });
            b.account().pools().get(0).collateral().forEach(c -> haircuts.putIfAbsent(c.asset(),
                    b.params().collateral(c.asset())));
            built.put(a.id, b);
        }
        try {
            MarketSnapshot market = universeMarket(inputs, universe.keySet(), haircuts.keySet());
            RiskParameterSet params = RiskParameterSet.of(MarginInputs.PRICE_STEPS, MarginInputs.IM_MULTIPLIER,
                    MarginInputs.CROSS_UNDERLYING_CORRELATION, MarginInputs.MIN_ANNUAL_VOL, markets, haircuts);
            BulkMarginBook.Builder builder = BulkMarginBook.builder(List.copyOf(universe.values()), market, params,
                    stressMoves(prices, symbols, settings), true).screen(settings.hysteresisFraction());
            Map<UUID, Integer> numbers = new HashMap<>();
            built.forEach((id, b) -> {
                try {
                    numbers.put(id, builder.addAccount(b.account(), b.params()));
                } catch (MarginInputException e) {
                    cold.add(id);
                }
            });
            // spares for accounts that change out of their slots (a new instrument or collateral asset, another
            // method): 5 % of the accounts per method, at least 16, the slots of each method's at most 10 % of the
            // positions' (on 100,000 accounts of 10 positions in 20 instruments: 5,000 a method, about 20 MB)
            int perMethod = Math.max(16, Math.min(numbers.size() / 20,
                    positionCount / Math.max(1, 10 * universe.size())));
            List<Integer> standard = new ArrayList<>();
            List<Integer> portfolio = new ArrayList<>();
            try {
                List<String> assets = List.copyOf(haircuts.keySet());
                for (int k = 0; k < perMethod; k++) {
                    standard.add(builder.addSpare(io.ballast.margin.product.MarginMethod.STANDARD, params, assets));
                    portfolio.add(builder.addSpare(io.ballast.margin.product.MarginMethod.PORTFOLIO, params, assets));
                }
            } catch (MarginInputException e) {
                LOG.warnf("no spare accounts in the bulk book (changed accounts are evaluated one by one): %s",
                        e.getMessage());
            }
            return new BulkBook(builder.build(), numbers, cold, settings, System.nanoTime() - started,
                    List.copyOf(universe.keySet()), universe.values().stream().map(Instrument::underlying).toList(),
                    List.copyOf(haircuts.keySet()), standard, portfolio);
        } catch (RuntimeException e) {
            LOG.warnf("bulk book not built (every account evaluated one by one): %s", e.toString());
            return null;
        }
    }

    /**
     * An account's margin inputs when the bulk book can hold it, else null: an isolated account (its pools are
     * evaluated one by one), missing data, or a position in an expired instrument.
     */
    private static MarginInputs.Built heldInput(Account a, List<Balance> balances,
            List<io.ballast.risk.domain.Position> positions, MarginInputs inputs) {
        if (a.marginMode == io.ballast.risk.domain.MarginMode.ISOLATED) {
            return null;
        }
        MarginInputs.Built b;
        try {
            b = inputs.build(a, balances, positions, List.of(), List.of());
        } catch (ApiException | MarginInputException e) {
            return null;
        }
        Instant now = inputs.valuationTime();
        return b.account().pools().get(0).positions().stream().anyMatch(p -> expired(p.instrument(), now)) ? null
                : b;
    }

    /**
     * The market of the universe, from the inputs: the same {@link MarginInputs#market} the per-account engine
     * prices with (index prices, stored basis per expiry, stored smile or flat vol).
     */
    private static MarketSnapshot universeMarket(MarginInputs inputs, java.util.Collection<String> instruments,
            java.util.Collection<String> collateral) {
        return inputs.market(instruments.stream().map(inputs::instrument).toList(),
                collateral.stream().map(inputs::asset).toList());
    }

    private static boolean expired(Instrument i, Instant now) {
        return i instanceof EuropeanOption o && !o.expiry().isAfter(now)
                || i instanceof DatedFuture f && !f.expiry().isAfter(now);
    }

    /** The early warning's log-move per underlying: sigmas x vol x sqrt(MPOR), vol of the price row or the default. */
    static Map<String, Double> stressMoves(Map<UUID, MarketPrice> prices, Map<UUID, String> symbols,
            LiveSettings settings) {
        Map<String, Double> moves = new HashMap<>();
        prices.forEach((asset, p) -> moves.put(symbols.get(asset), stressMove(p, settings)));
        return moves;
    }

    /** The early warning's log-move of one underlying at a price row. */
    static double stressMove(MarketPrice p, LiveSettings settings) {
        double vol = p != null && p.annualVol != null ? p.annualVol.doubleValue() : settings.defaultAnnualVol();
        return settings.earlyWarningSigmas() * vol * Math.sqrt(settings.mporDays() / 365.0);
    }

    /**
     * A new price in force of one symbol, for {@link #onPrices}.
     *
     * @param symbol symbol of the asset
     * @param price  its row now in force
     */
    record Move(String symbol, MarketPrice price) {
    }

    /**
     * New prices in force of one or more symbols (a price batch's moves of one tenant): those symbols' arrays and
     * exposed accounts, each account re-valued once on every symbol that moved for it ({@link BulkMarginBook#onTicks});
     * and, when another underlying's arrays were last priced longer ago than the configured interval (an underlying
     * without ticks: option time decay), the stalest such underlying's arrays and exposed accounts too, at the inputs'
     * valuation time. Underlyings that tick are re-priced by their own ticks, so a busy book never revalues every
     * account at once (which held the book for 0.3-1.5 s on 100,000 accounts, once per interval). With the screen, the
     * accounts of an underlying whose exposed accounts were last all re-valued longer ago than the interval (what the
     * screen does not bound: options' time decay) are swept over the next ticks (within about 2 s), parts at each
     * ({@link BulkMarginBook#sweep}), instead of in one tick (0.1-0.3 s once a minute per underlying on 100,000
     * accounts, session 31). Each symbol's market
     * (index, forward curve, smile rebuilt at the new index, or flat vol) comes from the inputs, as the per-account
     * engine's does.
     *
     * @param moves  the moves, one per symbol
     * @param inputs the tenant's inputs with those prices in force (and every other price)
     * @return the numbers of the accounts re-evaluated (see {@link #idOf}), ascending
     */
    int[] onPrices(List<Move> moves, MarginInputs inputs) {
        long nanos = System.nanoTime();
        int[] exposed = reprice(moves, inputs, true);
        moves.forEach(m -> pricedAtNanos.computeIfPresent(m.symbol(), (u, at) -> nanos));
        String stalest = null;
        long oldest = settings.fullRecomputeInterval().toNanos();
        for (Map.Entry<String, Long> e : pricedAtNanos.entrySet()) {
            long age = nanos - e.getValue();
            if (age > oldest) {
                stalest = e.getKey();
                oldest = age;
            }
        }
        if (stalest == null) {
            return exposed;
        }
        // screened: its accounts' time decay is swept over the next ticks (without the screen: all of them now)
        int[] more = reprice(List.of(new Move(stalest, priceOf(stalest, inputs))), inputs, book.screening());
        pricedAtNanos.put(stalest, nanos);
        return java.util.stream.IntStream.concat(Arrays.stream(exposed), Arrays.stream(more)).distinct().sorted()
                .toArray();
    }

    /**
     * Re-prices the moved symbols' arrays and re-values their exposed accounts: those the book's screen cannot skip
     * when {@code screen} and a symbol's tick is price-only (its vol as on its last tick), else every one exposed to
     * it. When its exposed accounts were last all re-valued longer ago than the full-recompute interval, a screened
     * book sweeps them over the next ticks; a book without the screen re-values them all now.
     */
    private int[] reprice(List<Move> moves, MarginInputs inputs, boolean screen) {
        MarketSnapshot m = book.market().withValuationTime(inputs.valuationTime());
        List<String> symbols = new ArrayList<>(moves.size());
        double[] stress = new double[moves.size()];
        boolean[] priceOnly = new boolean[moves.size()];
        long nanos = System.nanoTime();
        for (int k = 0; k < moves.size(); k++) {
            String symbol = moves.get(k).symbol();
            MarketPrice price = moves.get(k).price();
            java.util.Optional<java.math.BigDecimal> vol = java.util.Optional.ofNullable(price == null ? null
                    : price.annualVol).map(java.math.BigDecimal::stripTrailingZeros);
            java.util.Optional<java.math.BigDecimal> lastVol = volOf.put(symbol, vol);
            Long all = allRevaluedAtNanos.get(symbol);
            // a collateral-only asset (no arrays, so no time decay) has no interval
            boolean sameVol = vol.equals(lastVol);
            boolean decayDue = all != null && nanos - all >= settings.fullRecomputeInterval().toNanos();
            if (screen && sameVol && decayDue && book.screening()) {
                // what the screen does not bound (time decay since an account was valued) is swept over the next
                // ticks (within about 2 s), parts of accounts at each, instead of re-valuing every exposed account in
                // this one
                book.sweep(symbol);
                priceOnly[k] = true;
                allRevaluedAtNanos.put(symbol, nanos);
            } else {
                priceOnly[k] = screen && sameVol && !decayDue;
                if (!priceOnly[k]) {
                    allRevaluedAtNanos.put(symbol, nanos);
                }
            }
            List<String> on = underlyingOf.entrySet().stream().filter(e -> e.getValue().equals(symbol))
                    .map(Map.Entry::getKey).toList();
            MarketSnapshot fresh = universeMarket(inputs, on, List.of(symbol));
            m = m.withPrice(symbol, fresh.indexPrice(symbol));
            if (fresh.volSurfaces().containsKey(symbol)) {
                m = m.withVolSurface(symbol, fresh.volSurface(symbol));
            }
            if (fresh.hasBasis(symbol)) {
                m = m.withForwardCurve(symbol, fresh.forwardCurves().get(symbol));
            }
            symbols.add(symbol);
            stress[k] = stressMove(price, settings);
        }
        return book.onTicks(m, symbols, stress, priceOnly);
    }

    /** The price row in force of a symbol (null when the inputs have none: the default vol then applies). */
    private static MarketPrice priceOf(String symbol, MarginInputs inputs) {
        io.ballast.risk.domain.Asset asset = inputs.asset(symbol);
        return asset == null ? null : inputs.prices().get(asset.id);
    }

    /** @param number an account's number in the bulk book @return its id */
    UUID idOf(int number) {
        return ids[number];
    }

    /**
     * Whether the account of a number is still held (not changed since the build): its figures below are current.
     *
     * @param number its number
     * @return true when held
     */
    boolean holdsNumber(int number) {
        return !coldNumber[number] && ids[number] != null;
    }

    /**
     * Keeps an account out of the bulk book's screen, or lets the screen skip it again (see
     * {@link BulkMarginBook#pin}).
     *
     * @param number its number
     * @param pin    true: re-valued on every tick of what it is exposed to
     */
    void pin(int number, boolean pin) {
        book.pin(number, pin);
    }

    /** @param number a held account's number @return equity, USD */
    double equityAt(int number) {
        return book.equityUsd(number);
    }

    /** @param number a held account's number @return initial requirement, USD */
    double initialAt(int number) {
        return book.initialUsd(number);
    }

    /** @param number a held account's number @return maintenance requirement, USD */
    double maintenanceAt(int number) {
        return book.maintenanceUsd(number);
    }

    /** @param number a held account's number @return whether its MPOR stress takes equity below maintenance */
    boolean earlyWarningAt(int number) {
        return book.stressBreached(number);
    }

    /**
     * Every price and curve re-read: rebuilds every array and re-evaluates every account at the inputs' valuation
     * time, on the market the per-account engine would use.
     *
     * @param inputs the tenant's inputs now (prices and curves in force)
     */
    void recomputeAll(MarginInputs inputs) {
        book.recomputeAll(universeMarket(inputs, instrumentSymbols, collateralSymbols),
                stressMoves(inputs.prices(), inputs.assetSymbols(), settings));
        long nanos = System.nanoTime();
        pricedAtNanos.replaceAll((u, at) -> nanos);
        allRevaluedAtNanos.replaceAll((u, at) -> nanos);
    }

    /** @return whether the bulk book holds this account (and it has not changed since) */
    boolean holds(UUID accountId) {
        return !cold.contains(accountId) && numbers.containsKey(accountId);
    }

    /**
     * An account changed (ledger, position, account event), its rows now those given: re-valued in place at the bulk
     * book's market when its number's slots cover its positions and collateral ({@link BulkMarginBook#update}), else
     * moved to a spare number of its method, else evaluated one by one until the next build ({@link #changed}).
     * Until session 28 every change made the account cold: at 20 position writes a second on 100,000 accounts,
     * thousands of accounts were evaluated one by one at every move before the next build.
     *
     * @param account   the account
     * @param balances  its balances
     * @param positions its positions
     * @param inputs    the tenant's inputs now
     * @return its number now, or -1 when it is cold
     */
    int update(Account account, List<Balance> balances, List<io.ballast.risk.domain.Position> positions,
            MarginInputs inputs) {
        Integer n = numbers.get(account.id);
        MarginInputs.Built b = heldInput(account, balances, positions, inputs);
        if (b != null) {
            try {
                if (n != null && book.update(n, b.account(), b.params())) {
                    if (cold.remove(account.id)) {
                        coldNumber[n] = false;
                        heldChanged--;
                    }
                    return n;
                }
                java.util.ArrayDeque<Integer> spares = b.account().method()
                        == io.ballast.margin.product.MarginMethod.STANDARD ? standardSpares : portfolioSpares;
                Integer spare = spares.peek();
                if (spare != null && book.update(spare, b.account(), b.params())) {
                    spares.poll();
                    forget(account.id);
                    numbers.put(account.id, spare);
                    ids[spare] = account.id;
                    cold.remove(account.id);
                    return spare;
                }
            } catch (RuntimeException e) {
                LOG.debugf("account %s not updated in the bulk book (evaluated one by one): %s", account.id,
                        e.toString());
            }
        }
        if (account.marginMode == io.ballast.risk.domain.MarginMode.ISOLATED) {
            // never held (its pools are evaluated one by one): building the bulk book again would not hold it either
            forget(account.id);
            cold.add(account.id);
            return -1;
        }
        changed(account.id);
        return -1;
    }

    /**
     * An account closed: its number holds nothing any more and no tick looks at it.
     *
     * @param accountId the account
     */
    void forget(UUID accountId) {
        Integer n = numbers.remove(accountId);
        cold.remove(accountId);
        if (n == null) {
            return;
        }
        book.retire(n);
        ids[n] = null;
        if (coldNumber[n]) {
            heldChanged--;
        }
        coldNumber[n] = false;
    }

    /** @return spare numbers not given an account yet */
    int sparesLeft() {
        return standardSpares.size() + portfolioSpares.size();
    }

    /** An account that changed and cannot be held: evaluated one by one until the next build. */
    private void changed(UUID accountId) {
        changedSinceBuild++;
        Integer n = numbers.get(accountId);
        if (n == null) {
            // an account the bulk book never held (opened since it was built): cold too, so that the moves exposing
            // it evaluate it one by one until the bulk book is built again (since session 27 without the lock,
            // every second at most: until then a move used to build it at once, under the lock)
            cold.add(accountId);
            return;
        }
        if (cold.add(accountId)) {
            coldNumber[n] = true;
            heldChanged++;
        }
    }

    /**
     * Whether the bulk book should be built again from the book's rows: some account changed since it was built that
     * it could not hold, or a method's spares are down to a quarter, and the build is older than 20 times its own
     * duration (so that rebuilding takes at most about 5 % of the time: milliseconds apart for a small tenant, tens of
     * seconds for 100,000 accounts), or than the full-recompute interval once more than 100 + 1 % of its accounts
     * are such.
     *
     * @return true to rebuild
     */
    boolean stale() {
        long age = System.nanoTime() - builtAtNanos;
        boolean sparesLow = Math.min(standardSpares.size(), portfolioSpares.size()) * 4 < sparesPerMethod;
        return (changedSinceBuild > 0 || sparesLow) && (age > 20 * buildNanos
                || changedSinceBuild > 100 + numbers.size() / 100 && age > settings.fullRecomputeInterval().toNanos());
    }

    /** @return the accounts not held (evaluated one by one) */
    Set<UUID> cold() {
        return cold;
    }

    /** @return the accounts changed since the build that it does not hold */
    int changedSinceBuild() {
        return changedSinceBuild;
    }

    /** @param accountId a held account @return equity, USD */
    double equityUsd(UUID accountId) {
        return book.equityUsd(numbers.get(accountId));
    }

    /** @param accountId a held account @return initial requirement, USD */
    double initialUsd(UUID accountId) {
        return book.initialUsd(numbers.get(accountId));
    }

    /** @param accountId a held account @return maintenance requirement, USD */
    double maintenanceUsd(UUID accountId) {
        return book.maintenanceUsd(numbers.get(accountId));
    }

    /** @param accountId a held account @return whether its MPOR stress takes equity below maintenance */
    boolean earlyWarning(UUID accountId) {
        return book.stressBreached(numbers.get(accountId));
    }

    /**
     * A held account's margin (one cross pool, no breakdown lines, no liquidation price).
     *
     * @param account the account
     * @return its margin
     */
    MarginResult result(Account account) {
        return book.result(numbers.get(account.id), account.id.toString(),
                account.marginMode == io.ballast.risk.domain.MarginMode.PORTFOLIO
                        ? io.ballast.margin.product.MarginMethod.PORTFOLIO
                        : io.ballast.margin.product.MarginMethod.STANDARD);
    }

    /** @return the valuation time of the last computation */
    Instant valuationTime() {
        return book.market().valuationTime();
    }

    /** @return how many numbers the book has (accounts built in, held or not since, and spares) */
    int numberCount() {
        return ids.length;
    }

    /**
     * @param accountId an account
     * @return its number in the book, or -1 when it was not built in
     */
    int numberOf(UUID accountId) {
        Integer n = numbers.get(accountId);
        return n == null ? -1 : n;
    }

    /** @return the number of accounts held (built in and not changed since) */
    int size() {
        return numbers.size() - heldChanged;
    }
}
