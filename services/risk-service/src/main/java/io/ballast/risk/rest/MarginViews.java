package io.ballast.risk.rest;

import io.ballast.margin.measure.ChargeLine;
import io.ballast.margin.measure.CollateralLine;
import io.ballast.margin.measure.HealthStatus;
import io.ballast.margin.measure.MarginResult;
import io.ballast.margin.measure.PoolMargin;
import io.ballast.margin.measure.PositionLine;
import io.ballast.margin.measure.UnderlyingRisk;
import io.ballast.margin.product.MarginMethod;
import io.ballast.margin.product.PoolKind;
import io.ballast.risk.domain.MarginMode;
import io.ballast.risk.service.MarginInputs;
import io.ballast.risk.market.OracleHealth;
import io.ballast.risk.market.OracleStatusService.OracleView;
import io.ballast.risk.service.MarginService;
import io.ballast.risk.service.MarketPriceService;
import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Digits;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.Size;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;

/**
 * JSON shapes of the market-data and margin endpoints. Amounts are USD as JSON numbers (double analytics, not booked
 * money); fractions are plain fractions; quantities in a breakdown are units of underlying (contracts x contract size).
 */
public final class MarginViews {

    private MarginViews() {
    }

    // ---- market data ----

    /**
     * One asset's market data to record.
     *
     * @param underlying    asset symbol, e.g. {@code BTC}; 404 when the tenant has no such asset
     * @param indexPriceUsd index price, USD per unit, positive
     * @param annualVol     annualised implied volatility, fraction (0.55 = 55 %), at least 0; optional (needed for
     *                      underlyings of options)
     * @param observedAt    observation time with offset; optional, default now
     */
    public record PriceInput(@NotBlank @Size(max = 32) String underlying,
            @NotNull @Positive @Digits(integer = 20, fraction = 18) BigDecimal indexPriceUsd,
            @DecimalMin("0") @Digits(integer = 4, fraction = 18) BigDecimal annualVol,
            OffsetDateTime observedAt) {
        MarketPriceService.PriceUpdate toUpdate() {
            return new MarketPriceService.PriceUpdate(underlying, indexPriceUsd, annualVol, observedAt);
        }
    }

    /**
     * Body of {@code PUT /api/v1/market/prices}.
     *
     * @param prices one entry per asset, 1..1000, each asset at most once
     */
    public record PricesInput(@NotEmpty @Size(max = 1000) List<@Valid @NotNull PriceInput> prices) {
    }

    // ---- margin ----

    /**
     * A liquidation price of the dominant underlying (other prices and vols fixed).
     *
     * @param underlying underlying symbol
     * @param belowUsd   highest index below today's where equity meets MM, USD; null if none
     * @param aboveUsd   lowest index above today's where equity meets MM, USD; null if none
     */
    public record LiquidationView(String underlying, Double belowUsd, Double aboveUsd) {
    }

    /**
     * What made the requirement.
     *
     * @param positions            per position: quantity (units), mark, uPnL, IM and MM parts (USD); in portfolio
     *                             margin the MM part is its contribution to its underlying's worst-scenario loss
     * @param underlyings          portfolio margin: each underlying's worst scenario and loss (USD)
     * @param charges              portfolio margin: contingency charges (USD)
     * @param collateral           each collateral balance with price (USD), haircut (fraction) and value (USD)
     * @param scenarioLossUsd      portfolio margin: combined worst-scenario loss, USD
     * @param correlationCreditUsd portfolio margin: credit between underlyings, USD
     * @param contingencyUsd       portfolio margin: sum of the charges, USD
     */
    public record BreakdownView(List<PositionLine> positions, List<UnderlyingRisk> underlyings,
            List<ChargeLine> charges, List<CollateralLine> collateral, double scenarioLossUsd,
            double correlationCreditUsd, double contingencyUsd) {
    }

    /**
     * Margin figures in a settlement coin of inverse positions, as Deribit's BTC book shows them: each is the USD
     * figure divided by the coin's index (docs/margin.md, "Inverse contracts"). Units: the coin.
     *
     * @param coin               the coin symbol (e.g. {@code BTC})
     * @param indexPriceUsd      the coin's index the figures were valued at, USD
     * @param collateralValue    haircut collateral value, coins
     * @param unrealizedPnl      unrealized P&amp;L, coins
     * @param equity             collateral value + unrealized P&amp;L, coins
     * @param initialMargin      initial margin, coins
     * @param maintenanceMargin  maintenance margin, coins
     * @param freeCollateral     equity - IM, coins
     */
    public record CoinFiguresView(String coin, double indexPriceUsd, double collateralValue, double unrealizedPnl,
            double equity, double initialMargin, double maintenanceMargin, double freeCollateral) {

        static List<CoinFiguresView> of(List<MarginService.Coin> coins, double collateralValueUsd,
                double unrealizedPnlUsd, double equityUsd, double initialMarginUsd, double maintenanceMarginUsd,
                double freeCollateralUsd) {
            return coins == null ? List.of() : coins.stream().map(c -> {
                double s = c.indexPriceUsd();
                return new CoinFiguresView(c.symbol(), s, collateralValueUsd / s, unrealizedPnlUsd / s,
                        equityUsd / s, initialMarginUsd / s, maintenanceMarginUsd / s, freeCollateralUsd / s);
            }).toList();
        }
    }

    /**
     * One margin pool of an account: the cross pool, or an isolated pool (one position of an ISOLATED account, with
     * the collateral allocated to it), margined on its own.
     *
     * @param poolId               {@code cross} or {@code iso-<instrument>}
     * @param kind                 CROSS or ISOLATED
     * @param instrument           the isolated position's instrument symbol; null for the cross pool
     * @param collateralValueUsd   haircut collateral value of the pool, USD
     * @param unrealizedPnlUsd     unrealized P&amp;L of the pool's positions, USD
     * @param equityUsd            collateral value + unrealized P&amp;L, USD
     * @param initialMarginUsd     initial margin, USD
     * @param maintenanceMarginUsd maintenance margin, USD
     * @param freeCollateralUsd    equity - IM, USD
     * @param marginRatio          MM / equity (0 with no requirement; null when equity &lt;= 0 and MM &gt; 0)
     * @param status               the pool's own health
     * @param liquidationPrice     of the pool's dominant underlying, or null
     * @param breakdown            what made the pool's requirement
     * @param inCoin               the pool's figures in each settlement coin of its inverse positions (empty when
     *                             it holds none)
     */
    public record PoolView(String poolId, PoolKind kind, String instrument, double collateralValueUsd,
            double unrealizedPnlUsd, double equityUsd, double initialMarginUsd, double maintenanceMarginUsd,
            double freeCollateralUsd, Double marginRatio, HealthStatus status, LiquidationView liquidationPrice,
            BreakdownView breakdown, List<CoinFiguresView> inCoin) {

        static PoolView of(PoolMargin p, List<MarginService.Coin> coins) {
            return new PoolView(p.poolId(), p.kind(), p.kind() == PoolKind.CROSS ? null
                    : p.poolId().substring(MarginInputs.ISOLATED_POOL_PREFIX.length()), p.collateralValueUsd(),
                    p.unrealizedPnlUsd(), p.equityUsd(), p.initialMarginUsd(), p.maintenanceMarginUsd(),
                    p.freeCollateralUsd(), ratio(p.marginRatio()), p.status(), liquidationOf(p), breakdownOf(p),
                    CoinFiguresView.of(coins, p.collateralValueUsd(), p.unrealizedPnlUsd(), p.equityUsd(),
                            p.initialMarginUsd(), p.maintenanceMarginUsd(), p.freeCollateralUsd()));
        }
    }

    private static LiquidationView liquidationOf(PoolMargin p) {
        return p.liquidationPrice().map(l -> new LiquidationView(l.underlying(),
                l.belowUsd().isPresent() ? l.belowUsd().getAsDouble() : null,
                l.aboveUsd().isPresent() ? l.aboveUsd().getAsDouble() : null)).orElse(null);
    }

    private static BreakdownView breakdownOf(PoolMargin p) {
        var b = p.breakdown();
        return new BreakdownView(b.positions(), b.underlyings(), b.charges(), b.collateral(), b.scenarioLossUsd(),
                b.correlationCreditUsd(), b.contingencyUsd());
    }

    /**
     * An account's margin.
     *
     * @param accountId          account id
     * @param externalId         the tenant's id of the account
     * @param marginMode         the account's margin mode
     * @param method             the model used: STANDARD (ISOLATED, CROSS) or PORTFOLIO
     * @param valuationTime      when it was computed (parameters in force and latest market data at that time)
     * @param collateralValueUsd haircut collateral value, USD, summed over the pools
     * @param unrealizedPnlUsd   unrealized P&amp;L of the positions, USD, summed over the pools
     * @param equityUsd          collateral value + unrealized P&amp;L, USD, summed over the pools
     * @param initialMarginUsd   initial margin, USD, summed over the pools
     * @param maintenanceMarginUsd maintenance margin, USD, summed over the pools
     * @param freeCollateralUsd  equity - IM of the cross pool, USD (isolated surpluses are not shared)
     * @param marginRatio        the highest MM / equity of any pool (0 with no requirement; null when a pool's
     *                           equity &lt;= 0 with a requirement)
     * @param status             the worst pool's: HEALTHY, MARGIN_CALL (equity &lt; IM) or LIQUIDATABLE
     *                           (equity &lt; MM)
     * @param liquidationPrice   of the cross pool, when one underlying dominates and it is not already liquidatable;
     *                           else null
     * @param breakdown          what made the cross pool's requirement
     * @param pools              every pool: the cross pool first, then each isolated pool, each with its own
     *                           figures, status and breakdown
     * @param parameterVersions  the stored risk parameter and settings versions used (governance, issue 8)
     * @param prices             each price used: value, observation time, age in seconds, source, oracle health
     *                           (empty in what-if answers)
     * @param oracleHealth       the worst oracle health of the prices used (UNHEALTHY: a liquidation alert of the
     *                           account is held); null when no price details are given
     * @param answeredFrom       {@code hot-book} (this instance's in-memory book, caught up with the tenant's
     *                           changes) or {@code database}
     * @param inCoin             the account's figures above (summed over the pools) in each settlement coin of its
     *                           inverse positions, as Deribit's BTC book shows them (empty without one)
     */
    public record MarginView(UUID accountId, String externalId, MarginMode marginMode, MarginMethod method,
            Instant valuationTime, double collateralValueUsd, double unrealizedPnlUsd, double equityUsd,
            double initialMarginUsd, double maintenanceMarginUsd, double freeCollateralUsd, Double marginRatio,
            HealthStatus status, LiquidationView liquidationPrice, BreakdownView breakdown, List<PriceUsedView> prices,
            OracleHealth oracleHealth, String answeredFrom, List<MarginInputs.UsedVersion> parameterVersions,
            List<PoolView> pools, List<CoinFiguresView> inCoin) {

        static MarginView of(MarginService.AccountMargin m) {
            MarginResult r = m.result();
            PoolMargin p = r.pools().get(0);
            double ratio = r.pools().stream().mapToDouble(PoolMargin::marginRatio).max().orElse(0);
            double collateral = r.pools().stream().mapToDouble(PoolMargin::collateralValueUsd).sum();
            double upnl = r.pools().stream().mapToDouble(PoolMargin::unrealizedPnlUsd).sum();
            List<MarginService.Coin> coins = m.inverseCoins().values().stream().flatMap(List::stream)
                    .distinct().sorted(Comparator.comparing(MarginService.Coin::symbol)).toList();
            return new MarginView(m.account().id, m.account().externalId, m.account().marginMode, r.method(),
                    m.valuationTime(), collateral, upnl, r.equityUsd(),
                    r.initialMarginUsd(), r.maintenanceMarginUsd(), r.freeCollateralUsd(), ratio(ratio),
                    r.status(), liquidationOf(p), breakdownOf(p),
                    m.prices().stream().map(PriceUsedView::of).toList(),
                    m.prices().isEmpty() ? null : m.prices().stream().map(OracleView::health)
                            .reduce(OracleHealth.HEALTHY, OracleHealth::worst), m.answeredFrom(), m.parameterVersions(),
                    r.pools().stream().map(x -> PoolView.of(x, m.inverseCoins().get(x.poolId()))).toList(),
                    CoinFiguresView.of(coins, collateral, upnl, r.equityUsd(), r.initialMarginUsd(),
                            r.maintenanceMarginUsd(), r.freeCollateralUsd()));
        }
    }

    /**
     * A price a margin answer used.
     *
     * @param underlying   asset symbol
     * @param priceUsd     the price in force, USD per unit
     * @param observedAt   its observation time
     * @param ageSeconds   how old it was when answered, seconds
     * @param source       {@code oracle} (median of the tenant's sources) or {@code tenant} (a mark put by the tenant)
     * @param oracleHealth the oracle's health for the asset
     */
    public record PriceUsedView(String underlying, BigDecimal priceUsd, Instant observedAt, Double ageSeconds,
            String source, OracleHealth oracleHealth) {

        static PriceUsedView of(OracleView v) {
            return new PriceUsedView(v.underlying(), v.priceUsd(), v.observedAt(), v.ageSeconds(), v.priceSource(),
                    v.health());
        }
    }

    private static Double ratio(double r) {
        return Double.isFinite(r) ? r : null;
    }

    /**
     * A hypothetical trade.
     *
     * @param instrument instrument symbol
     * @param quantity   signed contracts, not zero
     * @param price      trade price, USD per unit of underlying, positive
     */
    public record TradeInput(@NotBlank String instrument,
            @NotNull @Digits(integer = 20, fraction = 18) BigDecimal quantity,
            @NotNull @Positive @Digits(integer = 20, fraction = 18) BigDecimal price) {
    }

    /**
     * A hypothetical transfer.
     *
     * @param asset  asset symbol
     * @param amount signed asset units (positive deposit, negative withdrawal), not zero
     */
    public record TransferInput(@NotBlank String asset, @NotNull @Digits(integer = 20, fraction = 18) BigDecimal amount) {
    }

    /**
     * Body of {@code POST .../margin/what-if}: at least one trade or transfer, applied together.
     *
     * @param trades    hypothetical trades (may be absent)
     * @param transfers hypothetical transfers (may be absent)
     */
    public record WhatIfInput(@Size(max = 100) List<@Valid @NotNull TradeInput> trades,
            @Size(max = 100) List<@Valid @NotNull TransferInput> transfers) {
    }

    /**
     * Answer of a what-if; nothing was changed.
     *
     * @param before      margin now
     * @param after       margin with the changes
     * @param reducesRisk whether MM falls strictly
     * @param acceptable  whether the account ends HEALTHY, or the change reduces risk and it does not end LIQUIDATABLE
     */
    public record WhatIfView(MarginView before, MarginView after, boolean reducesRisk, boolean acceptable) {
        static WhatIfView of(MarginService.WhatIf w) {
            return new WhatIfView(MarginView.of(w.before()), MarginView.of(w.after()), w.reducesRisk(),
                    w.acceptable());
        }
    }

    /**
     * Headline margin figures of an account, before or after a pre-trade check's changes.
     *
     * @param equityUsd            equity, USD
     * @param initialMarginUsd     initial margin, USD
     * @param maintenanceMarginUsd maintenance margin, USD
     * @param freeCollateralUsd    equity minus initial margin, USD
     * @param marginRatio          MM / equity, the worst pool's (null when equity &lt;= 0 and MM &gt; 0)
     * @param status               HEALTHY, MARGIN_CALL or LIQUIDATABLE (the worst pool's)
     */
    public record CheckFiguresView(double equityUsd, double initialMarginUsd, double maintenanceMarginUsd,
            double freeCollateralUsd, Double marginRatio, HealthStatus status) {

        static CheckFiguresView of(MarginResult r) {
            return new CheckFiguresView(r.equityUsd(), r.initialMarginUsd(), r.maintenanceMarginUsd(),
                    r.freeCollateralUsd(), ratio(r.pools().stream().mapToDouble(PoolMargin::marginRatio).max()
                            .orElse(0)), r.status());
        }
    }

    /**
     * Answer of a pre-trade check; nothing was changed. The figures equal the what-if's for the same body.
     *
     * @param accountId     the account
     * @param valuationTime when the margin was valued
     * @param answeredFrom  {@code hot-book} or {@code database}, as in a margin answer
     * @param before        margin now
     * @param after         margin with the changes
     * @param reducesRisk   whether MM falls strictly
     * @param acceptable    whether the account ends HEALTHY, or the change reduces risk and it does not end
     *                      LIQUIDATABLE
     */
    public record PreTradeCheckView(UUID accountId, Instant valuationTime, String answeredFrom,
            CheckFiguresView before, CheckFiguresView after, boolean reducesRisk, boolean acceptable) {

        static PreTradeCheckView of(MarginService.WhatIf w) {
            return new PreTradeCheckView(w.before().account().id, w.before().valuationTime(),
                    w.before().answeredFrom(), CheckFiguresView.of(w.before().result()),
                    CheckFiguresView.of(w.after().result()), w.reducesRisk(), w.acceptable());
        }
    }

    /**
     * One of the worst accounts of a summary.
     *
     * @param accountId            account id
     * @param externalId           the tenant's id
     * @param status               health
     * @param equityUsd            equity, USD
     * @param initialMarginUsd     IM, USD
     * @param maintenanceMarginUsd MM, USD
     * @param marginRatio          MM / equity (null when equity &lt;= 0 and MM &gt; 0: the worst)
     */
    public record AccountHealthView(UUID accountId, String externalId, HealthStatus status, double equityUsd,
            double initialMarginUsd, double maintenanceMarginUsd, Double marginRatio) {
    }

    /**
     * An account whose margin could not be computed.
     *
     * @param accountId account id
     * @param reason    what is missing
     */
    public record NotComputedView(UUID accountId, String reason) {
    }

    /**
     * Tenant-wide margin summary of the open (not CLOSED) accounts.
     *
     * @param valuationTime             when it was computed
     * @param accounts                  accounts computed
     * @param healthy                   of which HEALTHY
     * @param marginCall                of which MARGIN_CALL
     * @param liquidatable              of which LIQUIDATABLE
     * @param totalEquityUsd            sum of equity, USD
     * @param totalInitialMarginUsd     sum of IM, USD
     * @param totalMaintenanceMarginUsd sum of MM, USD
     * @param worstAccounts             up to {@link #WORST} accounts, highest margin ratio first
     * @param notComputed               accounts lacking market data or parameters
     * @param answeredFrom              {@code hot-book} or {@code database}
     */
    public record SummaryView(Instant valuationTime, int accounts, int healthy, int marginCall, int liquidatable,
            double totalEquityUsd, double totalInitialMarginUsd, double totalMaintenanceMarginUsd,
            List<AccountHealthView> worstAccounts, List<NotComputedView> notComputed, String answeredFrom) {

        /** How many worst accounts are listed. */
        public static final int WORST = 10;

        static SummaryView of(MarginService.Summary s, Instant now) {
            var t = io.ballast.margin.measure.TenantSummary.of(s.computed().stream().map(
                    MarginService.AccountMargin::result).toList());
            List<AccountHealthView> worst = s.computed().stream()
                    .sorted(Comparator.comparingDouble((MarginService.AccountMargin m) -> {
                        double r = m.result().pools().get(0).marginRatio();
                        return Double.isNaN(r) ? 0 : r;
                    }).reversed())
                    .limit(WORST)
                    .map(m -> new AccountHealthView(m.account().id, m.account().externalId, m.result().status(),
                            m.result().equityUsd(), m.result().initialMarginUsd(), m.result().maintenanceMarginUsd(),
                            ratio(m.result().pools().get(0).marginRatio())))
                    .toList();
            return new SummaryView(now, t.accounts(), t.healthy(), t.marginCallAccountIds().size(),
                    t.liquidatableAccountIds().size(), t.totalEquityUsd(), t.totalInitialMarginUsd(),
                    t.totalMaintenanceMarginUsd(), worst, s.notComputed().entrySet().stream()
                            .map(e -> new NotComputedView(e.getKey(), e.getValue())).toList(), s.answeredFrom());
        }
    }
}
