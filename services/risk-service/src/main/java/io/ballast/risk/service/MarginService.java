package io.ballast.risk.service;

import io.ballast.margin.Decimals;
import io.ballast.margin.MarginInputException;
import io.ballast.margin.engine.MarginEngine;
import io.ballast.margin.measure.HealthStatus;
import io.ballast.margin.measure.MarginResult;
import io.ballast.margin.measure.PoolMargin;
import io.ballast.margin.product.AccountInput;
import io.ballast.margin.product.HypotheticalChange;
import io.ballast.risk.collateral.domain.IsolatedBalance;
import io.ballast.risk.collateral.repository.IsolatedBalanceRepository;
import io.ballast.risk.domain.Account;
import io.ballast.risk.domain.ApiException;
import io.ballast.risk.domain.Asset;
import io.ballast.risk.domain.Balance;
import io.ballast.risk.domain.FieldError;
import io.ballast.risk.domain.Instrument;
import io.ballast.risk.domain.Position;
import io.ballast.risk.domain.TenantId;
import io.ballast.risk.governance.repository.RiskSettingsRepository;
import io.ballast.risk.live.LiveLoop;
import io.ballast.risk.live.TenantBook;
import io.ballast.risk.market.OracleStatusService;
import io.ballast.risk.market.OracleStatusService.OracleView;
import io.ballast.risk.tenancy.rls.RowSecurity;
import io.ballast.risk.repository.AccountRepository;
import io.ballast.risk.repository.AssetRepository;
import io.ballast.risk.repository.InstrumentRepository;
import io.ballast.risk.repository.MarginDataRepository;
import io.ballast.risk.repository.MarketPriceRepository;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.ballast.risk.market.curve.CurvePointRepository;
import io.ballast.risk.market.curve.MarketCurves;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Margin of a tenant's accounts from its stored rows: one read in a session ({@link #load}), then the engine runs on a
 * worker thread, outside any session or transaction. Reads only; nothing is written.
 */
@ApplicationScoped
public class MarginService {

    /**
     * One account's margin.
     *
     * @param account the account row
     * @param result  the engine's result (one cross pool)
     * @param valuationTime when it was valued
     * @param prices  the prices used, with their age and oracle health (empty in what-if and summary answers)
     * @param answeredFrom {@link #ANSWERED_FROM_DATABASE} or {@link #ANSWERED_FROM_HOT_BOOK}
     * @param parameterVersions the stored parameter and settings versions used (see {@link MarginInputs.Built})
     * @param inverseCoins per pool id, the settlement coins of the pool's inverse positions with their index
     *                     (empty for pools without one, and in summary answers)
     */
    public record AccountMargin(Account account, MarginResult result, Instant valuationTime,
            List<OracleView> prices, String answeredFrom, List<MarginInputs.UsedVersion> parameterVersions,
            Map<String, List<Coin>> inverseCoins) {

        /** Without the coins of inverse positions. */
        public AccountMargin(Account account, MarginResult result, Instant valuationTime, List<OracleView> prices,
                String answeredFrom, List<MarginInputs.UsedVersion> parameterVersions) {
            this(account, result, valuationTime, prices, answeredFrom, parameterVersions, Map.of());
        }

        /** Without price details, answered from the database. */
        public AccountMargin(Account account, MarginResult result, Instant valuationTime,
                List<MarginInputs.UsedVersion> parameterVersions) {
            this(account, result, valuationTime, List.of(), ANSWERED_FROM_DATABASE, parameterVersions);
        }

        /** The same margin with the prices it used (of the oracle views, those in the result's market). */
        AccountMargin with(Map<String, OracleView> oracles, java.util.Set<String> symbols, String from) {
            return new AccountMargin(account, result, valuationTime, symbols.stream().sorted()
                    .map(oracles::get).filter(java.util.Objects::nonNull).toList(), from, parameterVersions,
                    inverseCoins);
        }
    }

    /**
     * A settlement coin of inverse positions (Deribit's BTC book): a pool holding an inverse position shows its
     * figures in that coin too, each the USD figure divided by the coin's index (docs/margin.md, "Inverse
     * contracts").
     *
     * @param symbol        the coin (the inverse instrument's underlying, which it settles in)
     * @param indexPriceUsd its index price the figures were valued at, USD
     */
    public record Coin(String symbol, double indexPriceUsd) {
    }

    /**
     * The settlement coins of each pool's inverse positions, valued at the market's index.
     *
     * @param account the engine inputs' account (or a what-if's changed one)
     * @param market  the market it was valued on
     * @return per pool id with an inverse position, its coins by symbol
     */
    static Map<String, List<Coin>> inverseCoins(AccountInput account,
            io.ballast.margin.market.MarketSnapshot market) {
        Map<String, List<Coin>> out = new LinkedHashMap<>();
        for (io.ballast.margin.product.MarginPool pool : account.pools()) {
            List<Coin> coins = pool.positions().stream().filter(p -> p.instrument().inverse())
                    .map(p -> p.instrument().underlying()).distinct().sorted()
                    .map(c -> new Coin(c, market.indexPrice(c))).toList();
            if (!coins.isEmpty()) {
                out.put(pool.poolId(), coins);
            }
        }
        return out;
    }

    /** {@link AccountMargin#answeredFrom} of an answer computed from rows read from PostgreSQL. */
    public static final String ANSWERED_FROM_DATABASE = "database";
    /** {@link AccountMargin#answeredFrom} of an answer computed from this instance's hot book. */
    public static final String ANSWERED_FROM_HOT_BOOK = "hot-book";

    /**
     * A hypothetical trade.
     *
     * @param instrument instrument symbol of the tenant
     * @param quantity   signed quantity in contracts (positive buys)
     * @param price      trade price, USD per unit of underlying, positive
     */
    public record WhatIfTrade(String instrument, BigDecimal quantity, BigDecimal price) {
    }

    /**
     * A hypothetical transfer.
     *
     * @param asset  asset symbol of the tenant
     * @param amount signed amount in asset units (positive deposits, negative withdraws)
     */
    public record WhatIfTransfer(String asset, BigDecimal amount) {
    }

    /**
     * Margin before and after hypothetical changes.
     *
     * @param before      margin now
     * @param after       margin with every trade and transfer applied
     * @param reducesRisk whether the maintenance requirement falls (strictly)
     * @param acceptable  whether the account ends HEALTHY, or the change reduces risk and it does not end
     *                    LIQUIDATABLE
     */
    public record WhatIf(AccountMargin before, AccountMargin after, boolean reducesRisk, boolean acceptable) {
    }

    /**
     * Tenant-wide margin.
     *
     * @param computed    every open account whose margin could be computed, in account order
     * @param notComputed accounts whose margin could not be computed, with the reason (missing data)
     * @param answeredFrom {@link #ANSWERED_FROM_DATABASE} or {@link #ANSWERED_FROM_HOT_BOOK}
     */
    public record Summary(List<AccountMargin> computed, Map<UUID, String> notComputed, String answeredFrom) {
    }

    /**
     * The rows read for one or all accounts (governance's impact preview reads them too).
     *
     * @param inputs    reference data, parameters, settings and prices in force
     * @param accounts  the account(s)
     * @param balances  their balances
     * @param positions their positions
     * @param from      {@link #ANSWERED_FROM_DATABASE} or {@link #ANSWERED_FROM_HOT_BOOK}
     * @param isolated  their isolated balances (collateral allocated to isolated positions)
     */
    public record Loaded(MarginInputs inputs, List<Account> accounts, List<Balance> balances,
            List<Position> positions, String from, List<IsolatedBalance> isolated) {

        /** Rows without isolated balances. */
        public Loaded(MarginInputs inputs, List<Account> accounts, List<Balance> balances, List<Position> positions,
                String from) {
            this(inputs, accounts, balances, positions, from, List.of());
        }

        /**
         * The engine inputs of one of these accounts, with its isolated pools.
         *
         * @param account          the account
         * @param balances         its balances
         * @param positions        its positions
         * @param extraInstruments what-if instruments
         * @param extraAssets      what-if assets
         * @return the engine inputs
         */
        public MarginInputs.Built build(Account account, List<Balance> balances, List<Position> positions,
                java.util.Collection<Instrument> extraInstruments, java.util.Collection<Asset> extraAssets) {
            List<IsolatedBalance> own = isolated.stream().filter(b -> b.id.accountId().equals(account.id)).toList();
            return inputs.build(account, balances, positions, own, extraInstruments, extraAssets);
        }
    }

    private final AccountRepository accounts;
    private final AssetRepository assets;
    private final InstrumentRepository instruments;
    private final MarginDataRepository data;
    private final MarketPriceRepository prices;
    private final RiskSettingsRepository settings;
    private final IsolatedBalanceRepository isolated;
    private final CurvePointRepository curvePoints;

    private final LiveLoop live;
    private final OracleStatusService oracles;

    /** Wires collaborators. */
    public MarginService(AccountRepository accounts, AssetRepository assets, InstrumentRepository instruments,
            MarginDataRepository data, MarketPriceRepository prices, RiskSettingsRepository settings,
            LiveLoop live, OracleStatusService oracles, IsolatedBalanceRepository isolated,
            CurvePointRepository curvePoints) {
        this.isolated = isolated;
        this.curvePoints = curvePoints;
        this.settings = settings;
        this.live = live;
        this.oracles = oracles;
        this.accounts = accounts;
        this.assets = assets;
        this.instruments = instruments;
        this.data = data;
        this.prices = prices;
    }

    /**
     * Reads everything margin needs, for one account (404 when unknown) or every open account (id null), in one
     * read-only REPEATABLE READ transaction ({@link RowSecurity#consistentRead}): balances, positions, isolated pools,
     * parameters, settings and prices all come from one snapshot of the database, so a margin answer never mixes a
     * half-applied write with the state before it. Called inside an open transaction (a withdrawal's margin check),
     * it reads in that transaction.
     */
    public Uni<Loaded> load(TenantId tenant, UUID accountId) {
        return RowSecurity.consistentRead(tenant, () -> read(tenant, accountId));
    }

    private Uni<Loaded> read(TenantId tenant, UUID accountId) {
        Instant now = Instant.now();
        Uni<List<Account>> which = accountId == null ? accounts.open(tenant)
                : accounts.find(tenant, accountId).onItem().ifNull().failWith(() -> ApiException.notFound("account",
                        accountId)).map(List::of);
        return which.flatMap(acc -> assets.listFor(tenant)
                .flatMap(as -> instruments.listFor(tenant)
                        .flatMap(is -> data.parametersInForce(tenant, now.atOffset(ZoneOffset.UTC))
                                .flatMap(ps -> settings.inForce(tenant, now.atOffset(ZoneOffset.UTC))
                                .flatMap(ss -> prices.latest(tenant)
                                        .flatMap(mp -> curvePoints.listFor(tenant).map(cs -> new MarginInputs(now,
                                                as, is, ps, ss, mp).withCurves(new MarketCurves(cs))))))))
                .flatMap(in -> data.balances(tenant, accountId)
                        .flatMap(bs -> data.positions(tenant, accountId)
                                .flatMap(pos -> isolated.of(tenant, accountId)
                                        .map(iso -> new Loaded(in, acc, bs, pos, ANSWERED_FROM_DATABASE, iso))))));
    }

    /**
     * The rows of one account (or all open accounts when null) from this instance's hot book when it owns the
     * tenant and the book is caught up with the tenant's change events, from the database otherwise. No session is
     * held around it, so that a database read gets a transaction of its own ({@link #load}).
     *
     * @param tenant    the tenant
     * @param accountId the account, or null for every open account
     * @return the rows; {@link Loaded#from()} says where they came from
     */
    public Uni<Loaded> loadHotOrCold(TenantId tenant, UUID accountId) {
        return live.caughtUp(tenant).flatMap(book -> {
            Loaded l = book == null ? null : book.loaded(accountId);
            // the hot book holds the tenant's curves (a curve write is a ballast.events event it has applied)
            return l == null ? load(tenant, accountId) : Uni.createFrom().item(l);
        });
    }

    /**
     * The margin of one account, with the age and oracle health of each price it used: 404 unknown, 409 missing
     * data, 422 input the engine refuses.
     */
    public Uni<AccountMargin> margin(TenantId tenant, UUID accountId) {
        return margin(tenant, accountId, true);
    }

    /**
     * The margin of one account, from the hot book when allowed and possible, else from the database (operators
     * compare the two to check a book).
     *
     * @param tenant     the tenant
     * @param accountId  the account
     * @param allowHot   false to read the database even when this instance holds a caught-up hot book
     * @return the margin
     */
    public Uni<AccountMargin> margin(TenantId tenant, UUID accountId, boolean allowHot) {
        return (allowHot ? loadHotOrCold(tenant, accountId) : load(tenant, accountId)).flatMap(l -> oracles.status(tenant).map(os -> Map.entry(l, os)))
                .emitOn(Infrastructure.getDefaultWorkerPool()).map(e -> {
                    Loaded l = e.getKey();
                    Account a = l.accounts().get(0);
                    MarginInputs.Built b = run(() -> l.build(a, l.balances(), l.positions(), List.of(),
                            List.of()));
                    return new AccountMargin(a, run(() -> MarginEngine.DEFAULT.compute(b.account(), b.market(),
                            b.params())), l.inputs().valuationTime(), List.of(), ANSWERED_FROM_DATABASE,
                            b.parameterVersions(), inverseCoins(b.account(), b.market()))
                            .with(e.getValue(), b.market().indexPriceUsd().keySet(), l.from());
                });
    }

    /**
     * Margin before and after hypothetical trades and transfers, with or without the liquidation-price search;
     * changes nothing. Unknown instrument or asset: 404 naming it; a transfer that would overdraw: 422.
     *
     * @param tenant                the tenant
     * @param accountId             the account
     * @param trades                hypothetical trades
     * @param transfers             hypothetical transfers
     * @param withLiquidationPrices false to leave every pool's liquidation price out (requirements only)
     * @return margin before and after
     */
    public Uni<WhatIf> whatIf(TenantId tenant, UUID accountId, List<WhatIfTrade> trades,
            List<WhatIfTransfer> transfers, boolean withLiquidationPrices) {
        return loadHotOrCold(tenant, accountId).flatMap(l -> onEventLoop(l, withLiquidationPrices)
                ? Uni.createFrom().item(() -> whatIf(l, trades, transfers, withLiquidationPrices))
                : Uni.createFrom().item(l).emitOn(Infrastructure.getDefaultWorkerPool())
                        .map(x -> whatIf(x, trades, transfers, withLiquidationPrices)));
    }

    /**
     * Positions up to which a what-if without the liquidation-price search (the pre-trade check, or
     * {@code ?liquidationPrices=false}) answered from the hot book is computed on the event loop that took the request:
     * the engine's work for the load's ten positions is tens of microseconds, less than the two thread hops it saves
     * (to a worker, and back to the event loop for the answer's write: together about 13 % of the service's CPU per
     * pre-trade check, docs/benchmarks.md "Session 41"). Larger accounts, the search (about ten times the engine's
     * work) and answers read from the database go to the worker pool, so that no event loop is held for long.
     */
    static final int INLINE_POSITIONS = 32;

    /** Whether a what-if on these rows is computed where it came (the request's event loop), not on a worker. */
    static boolean onEventLoop(Loaded l, boolean withLiquidationPrices) {
        return !withLiquidationPrices && ANSWERED_FROM_HOT_BOOK.equals(l.from())
                && l.positions().size() <= INLINE_POSITIONS && io.vertx.core.Context.isOnEventLoopThread();
    }

    private static WhatIf whatIf(Loaded l, List<WhatIfTrade> trades, List<WhatIfTransfer> transfers,
            boolean withLiquidationPrices) {
        MarginInputs in = l.inputs();
        List<FieldError> unknown = new ArrayList<>();
        List<Instrument> tradeInstruments = new ArrayList<>();
        for (int i = 0; i < trades.size(); i++) {
            Instrument x = in.instrument(trades.get(i).instrument());
            if (x == null) {
                unknown.add(new FieldError(i, "trades[" + i + "].instrument", "unknown instrument "
                        + trades.get(i).instrument()));
            }
            tradeInstruments.add(x);
        }
        List<Asset> transferAssets = new ArrayList<>();
        for (int i = 0; i < transfers.size(); i++) {
            Asset x = in.asset(transfers.get(i).asset());
            if (x == null) {
                unknown.add(new FieldError(i, "transfers[" + i + "].asset", "unknown asset "
                        + transfers.get(i).asset()));
            }
            transferAssets.add(x);
        }
        if (!unknown.isEmpty()) {
            throw ApiException.unknownReferences("unknown instrument or asset", unknown);
        }
        checkNoOverdraw(in, l.balances(), transfers);
        Account a = l.accounts().get(0);
        MarginInputs.Built b = run(() -> l.build(a, l.balances(), l.positions(), tradeInstruments,
                transferAssets));
        AccountInput changed = b.account();
        for (int i = 0; i < trades.size(); i++) {
            Instrument x = tradeInstruments.get(i);
            WhatIfTrade t = trades.get(i);
            String pool = in.poolOf(a, x.id);
            if (changed.pools().stream().noneMatch(p -> p.poolId().equals(pool))) {
                changed = changed.withPool(io.ballast.margin.product.MarginPool.isolated(pool, List.of(),
                        List.of()));
            }
            HypotheticalChange.Trade change = run(() -> new HypotheticalChange.Trade(pool,
                    in.engineInstrument(x), Decimals.toDouble(t.quantity().multiply(x.contractSize)),
                    Decimals.toDouble(t.price())));
            changed = MarginEngine.DEFAULT.apply(changed, change);
        }
        for (WhatIfTransfer t : transfers) {
            changed = MarginEngine.DEFAULT.apply(changed, new HypotheticalChange.Transfer(MarginInputs.CROSS_POOL,
                    t.asset(),
                    t.amount()));
        }
        AccountInput after = changed;
        // the two searches share the risk arrays priced at their trial prices (the same prices, mostly the same
        // instruments): the answers of two computes, at less cost
        MarginEngine.BeforeAfter both = run(() -> MarginEngine.DEFAULT.computeBeforeAfter(b.account(), after,
                b.market(), b.params(), withLiquidationPrices));
        MarginResult r0 = both.before();
        MarginResult r1 = both.after();
        boolean reduces = r1.maintenanceMarginUsd() < r0.maintenanceMarginUsd();
        boolean acceptable = r1.status() == HealthStatus.HEALTHY
                || (reduces && r1.status() != HealthStatus.LIQUIDATABLE);
        return new WhatIf(new AccountMargin(a, r0, in.valuationTime(), List.of(), l.from(), b.parameterVersions(),
                inverseCoins(b.account(), b.market())),
                new AccountMargin(a, r1, in.valuationTime(), List.of(), l.from(), b.parameterVersions(),
                        inverseCoins(after, b.market())),
                reduces, acceptable);
    }

    /**
     * Margin of every open account of the tenant (requirements, equity and status; no liquidation prices, which the
     * summary does not show); accounts with missing data are listed, not fatal. When this instance holds the
     * tenant's caught-up hot book, the accounts of its bulk book are answered from it and only the others are
     * computed one by one.
     */
    public Uni<Summary> summary(TenantId tenant) {
        return summary(tenant, true);
    }

    /**
     * Tenant-wide margin, from the hot book when allowed and possible, else from the database.
     *
     * @param tenant   the tenant
     * @param allowHot false to read the database even when this instance holds a caught-up hot book
     * @return the summary
     */
    public Uni<Summary> summary(TenantId tenant, boolean allowHot) {
        return (allowHot ? caughtUpBook(tenant) : Uni.createFrom().<TenantBook>nullItem()).flatMap(book -> book == null
                || !book.answersEveryAccount()
                ? load(tenant, null).emitOn(Infrastructure.getDefaultWorkerPool()).map(MarginService::summarize)
                : Uni.createFrom().item(book).emitOn(Infrastructure.getDefaultWorkerPool()).map(b -> {
                    TenantBook.HotSummary h = b.hotSummary();
                    return h == null ? summarize(b.loaded(null)) : summarize(h);
                }));
    }

    /** The tenant's hot book when this instance holds it caught up, else null. */
    @WithSession
    Uni<TenantBook> caughtUpBook(TenantId tenant) {
        return live.caughtUp(tenant);
    }

    private static Summary summarize(TenantBook.HotSummary h) {
        Summary others = summarize(h.others());
        Map<UUID, AccountMargin> computedOthers = new HashMap<>();
        others.computed().forEach(m -> computedOthers.put(m.account().id, m));
        List<AccountMargin> computed = new ArrayList<>();
        for (Account a : h.accounts()) {
            MarginResult r = h.held().get(a.id);
            AccountMargin m = r == null ? computedOthers.get(a.id)
                    : new AccountMargin(a, r, h.valuationTime(), List.of(), ANSWERED_FROM_HOT_BOOK, List.of());
            if (m != null) {
                computed.add(m);
            }
        }
        return new Summary(computed, others.notComputed(), ANSWERED_FROM_HOT_BOOK);
    }

    private static Summary summarize(Loaded l) {
        Map<UUID, List<Balance>> balances = new HashMap<>();
        l.balances().forEach(b -> balances.computeIfAbsent(b.id.accountId(), k -> new ArrayList<>()).add(b));
        Map<UUID, List<Position>> positions = new HashMap<>();
        l.positions().forEach(p -> positions.computeIfAbsent(p.id.accountId(), k -> new ArrayList<>()).add(p));
        List<AccountMargin> computed = new ArrayList<>();
        Map<UUID, String> failed = new LinkedHashMap<>();
        for (Account a : l.accounts()) {
            try {
                MarginInputs.Built b = run(() -> l.build(a, balances.getOrDefault(a.id, List.of()),
                        positions.getOrDefault(a.id, List.of()), List.of(), List.of()));
                computed.add(new AccountMargin(a, run(() -> MarginEngine.DEFAULT.computeRequirements(
                        b.account(), b.market(), b.params())), l.inputs().valuationTime(), List.of(), l.from(),
                        b.parameterVersions()));
            } catch (ApiException e) {
                failed.put(a.id, e.getMessage());
            }
        }
        return new Summary(computed, failed, l.from());
    }

    private static void checkNoOverdraw(MarginInputs in, List<Balance> balances, List<WhatIfTransfer> transfers) {
        Map<String, BigDecimal> after = new HashMap<>();
        balances.forEach(b -> after.merge(in.assetSymbol(b.id.assetId()), b.amount, BigDecimal::add));
        List<FieldError> overdrawn = new ArrayList<>();
        for (int i = 0; i < transfers.size(); i++) {
            WhatIfTransfer t = transfers.get(i);
            BigDecimal left = after.merge(t.asset(), t.amount(), BigDecimal::add);
            if (left.signum() < 0) {
                overdrawn.add(new FieldError(i, "transfers[" + i + "].amount", "would leave " + left.toPlainString()
                        + " " + t.asset()));
            }
        }
        if (!overdrawn.isEmpty()) {
            throw ApiException.unprocessable("a transfer would overdraw the account", overdrawn);
        }
    }

    /** Runs the engine; its refusals of bad input become 422 problems naming the field. */
    private static <T> T run(java.util.function.Supplier<T> engine) {
        try {
            return engine.get();
        } catch (MarginInputException e) {
            throw ApiException.unprocessable("the margin engine refused the input: " + e.getMessage(),
                    List.of(FieldError.of(e.field(), e.getMessage())));
        }
    }
}
