package io.ballast.risk.collateral.service;

import io.ballast.margin.MarginInputException;
import io.ballast.margin.engine.MarginEngine;
import io.ballast.margin.measure.CollateralLine;
import io.ballast.margin.measure.PoolMargin;
import io.ballast.margin.product.AccountInput;
import io.ballast.margin.product.CollateralBalance;
import io.ballast.margin.product.HypotheticalChange;
import io.ballast.margin.product.MarginPool;
import io.ballast.risk.domain.Account;
import io.ballast.risk.domain.ApiException;
import io.ballast.risk.domain.Asset;
import io.ballast.risk.domain.FieldError;
import io.ballast.risk.domain.TenantId;
import io.ballast.risk.service.MarginInputs;
import io.ballast.risk.service.MarginService;
import io.ballast.risk.service.MarginService.Loaded;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Margin-checked collateral movements: a withdrawal, or a transfer out of a pool, may not leave the pool's equity
 * below its initial margin (docs/margin.md, "Withdrawals and transfers"). The check runs inside the caller's
 * transaction, after the account row is locked {@code for no key update} (every position and ledger write locks it
 * {@code for share}), from the rows read under that lock, with the per-account engine; so no concurrent position or
 * balance change can slip between the check and the commit. A pool without positions needs no market data: all its
 * collateral may leave.
 */
@ApplicationScoped
public class MarginGuard {

    /**
     * How much of one asset can leave one pool.
     *
     * @param asset           asset symbol
     * @param balance         the pool's balance, asset units
     * @param withdrawable    the most that can leave now, asset units (rounded down to the asset's decimals)
     * @param withdrawableUsd its value at the index price, USD (null when the pool holds no position and the asset
     *                        has no price)
     * @param priceUsd        index price, USD per unit (null when not needed and not there)
     * @param haircut         haircut applied to the balance, fraction (null when not needed and not there)
     */
    public record AssetWithdrawable(String asset, BigDecimal balance, BigDecimal withdrawable, Double withdrawableUsd,
            Double priceUsd, Double haircut) {
    }

    /**
     * One pool's withdrawable collateral.
     *
     * @param pool             engine pool id: {@code cross} or {@code iso-<instrument>}
     * @param instrument       the isolated position's instrument symbol; null for the cross pool
     * @param equityUsd        the pool's equity, USD (null when not computable and not needed)
     * @param initialMarginUsd the pool's initial margin, USD (null likewise)
     * @param assets           per collateral asset of the pool
     */
    public record PoolWithdrawable(String pool, String instrument, Double equityUsd, Double initialMarginUsd,
            List<AssetWithdrawable> assets) {
    }

    /**
     * The answer of {@code GET /api/v1/accounts/{id}/withdrawable}.
     *
     * @param accountId     the account
     * @param valuationTime when it was valued
     * @param pools         the cross pool first, then each isolated pool
     */
    public record Withdrawable(UUID accountId, Instant valuationTime, List<PoolWithdrawable> pools) {
    }

    private final MarginService margin;

    /** Wires collaborators. */
    public MarginGuard(MarginService margin) {
        this.margin = margin;
    }

    /**
     * Refuses (409 {@code Insufficient Margin}, with the figures) moving {@code amount} of an asset out of a pool
     * when that would leave the pool's equity below its initial margin. Call it inside the transaction that moves
     * the collateral, after {@code AccountService.requireActiveExclusive}. When the pool holds less than the amount
     * this passes: the debit that follows refuses the overdraw.
     *
     * @param tenant  the tenant
     * @param account the account, locked
     * @param poolId  the pool the collateral leaves
     * @param asset   the asset
     * @param amount  positive amount, asset units
     * @return completion, or the 409 failure (also 409 when a pool with positions lacks market data or parameters)
     */
    public Uni<Void> checkTransferOut(TenantId tenant, Account account, String poolId, Asset asset,
            BigDecimal amount) {
        return margin.load(tenant, account.id).invoke(l -> check(l, account, poolId, asset, amount))
                .replaceWithVoid();
    }

    /**
     * The most of each collateral asset that can leave each pool of an account now (read from the database; the
     * withdrawal itself checks again under its lock).
     *
     * @param tenant    the tenant
     * @param accountId the account (404 when unknown)
     * @return per pool and asset
     */
    public Uni<Withdrawable> withdrawable(TenantId tenant, UUID accountId) {
        return margin.load(tenant, accountId).emitOn(Infrastructure.getDefaultWorkerPool())
                .map(MarginGuard::withdrawable);
    }

    static void check(Loaded l, Account account, String poolId, Asset asset, BigDecimal amount) {
        MarginInputs in = l.inputs();
        if (!in.holdsPositions(account, l.positions(), poolId)) {
            return;
        }
        MarginInputs.Built b = engine(() -> l.build(account, l.balances(), l.positions(), List.of(), List.of()));
        BigDecimal held = balance(b.account(), poolId, asset.symbol);
        if (held.compareTo(amount) < 0) {
            return;
        }
        PoolMargin before = engine(() -> MarginEngine.DEFAULT.computeRequirements(b.account(), b.market(),
                b.params())).pool(poolId);
        PoolMargin after = after(b, poolId, asset.symbol, amount);
        if (after.equityUsd() >= after.initialMarginUsd()) {
            return;
        }
        BigDecimal max = withdrawable(b, poolId, asset);
        double price = b.market().indexPrice(asset.symbol);
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("pool", poolId);
        figures.put("asset", asset.symbol);
        figures.put("amount", amount);
        figures.put("equityUsd", before.equityUsd());
        figures.put("equityAfterUsd", after.equityUsd());
        figures.put("initialMarginAfterUsd", after.initialMarginUsd());
        figures.put("maintenanceMarginAfterUsd", after.maintenanceMarginUsd());
        figures.put("maxWithdrawable", max);
        figures.put("maxWithdrawableUsd", max.doubleValue() * price);
        String detail = String.format(java.util.Locale.ROOT, "moving %s %s out of pool %s of account %s would leave "
                + "its equity at %.2f USD, below its initial margin of %.2f USD; at most %s %s can leave",
                amount.toPlainString(), asset.symbol, poolId, account.id, after.equityUsd(), after.initialMarginUsd(),
                max.toPlainString(), asset.symbol);
        throw new ApiException(409, "Insufficient Margin", detail, List.of(FieldError.of("amount",
                "exceeds the most that can leave the pool: " + max.toPlainString() + " " + asset.symbol)), figures);
    }

    static Withdrawable withdrawable(Loaded l) {
        MarginInputs in = l.inputs();
        Account account = l.accounts().get(0);
        MarginInputs.Built b;
        try {
            b = engine(() -> l.build(account, l.balances(), l.positions(), List.of(), List.of()));
        } catch (ApiException e) {
            if (e.status() != 409 || l.positions().stream().anyMatch(p -> p.quantity.signum() != 0)) {
                throw e;
            }
            // no position anywhere: no requirement, every balance may leave; without prices there are no USD figures
            List<AssetWithdrawable> assets = new ArrayList<>();
            l.balances().stream().filter(x -> x.amount.signum() != 0).forEach(x -> assets.add(new AssetWithdrawable(
                    in.assetSymbol(x.id.assetId()), x.amount, x.amount, null, null, null)));
            List<PoolWithdrawable> pools = new ArrayList<>();
            pools.add(new PoolWithdrawable(MarginInputs.CROSS_POOL, null, null, null, assets));
            Map<String, List<AssetWithdrawable>> isolated = new java.util.TreeMap<>();
            l.isolated().stream().filter(x -> x.amount.signum() != 0).forEach(x -> isolated.computeIfAbsent(
                    in.instrumentSymbol(x.id.instrumentId()), k -> new ArrayList<>()).add(new AssetWithdrawable(
                    in.assetSymbol(x.id.assetId()), x.amount, x.amount, null, null, null)));
            isolated.forEach((symbol, xs) -> pools.add(new PoolWithdrawable(MarginInputs.isolatedPool(symbol), symbol,
                    null, null, xs)));
            return new Withdrawable(account.id, in.valuationTime(), pools);
        }
        var result = engine(() -> MarginEngine.DEFAULT.computeRequirements(b.account(), b.market(), b.params()));
        List<PoolWithdrawable> pools = new ArrayList<>();
        for (MarginPool pool : b.account().pools()) {
            PoolMargin pm = result.pool(pool.poolId());
            List<AssetWithdrawable> assets = new ArrayList<>();
            for (CollateralLine c : pm.breakdown().collateral()) {
                Asset asset = in.asset(c.asset());
                BigDecimal max = withdrawable(b, pool.poolId(), asset);
                assets.add(new AssetWithdrawable(c.asset(), c.balance(), max, max.doubleValue() * c.priceUsd(),
                        c.priceUsd(), c.haircut()));
            }
            pools.add(new PoolWithdrawable(pool.poolId(), instrumentOf(pool.poolId()), pm.equityUsd(),
                    pm.initialMarginUsd(), assets));
        }
        return new Withdrawable(account.id, in.valuationTime(), pools);
    }

    /** The instrument symbol of an isolated pool id, null for the cross pool. */
    static String instrumentOf(String poolId) {
        return MarginInputs.CROSS_POOL.equals(poolId) ? null : poolId.substring(MarginInputs.ISOLATED_POOL_PREFIX
                .length());
    }

    /**
     * The most of an asset that can leave a pool: the engine's analytic answer rounded down to the asset's
     * decimals, then checked with the same rule as a withdrawal (equity after &gt;= IM after) and moved by one
     * smallest unit at a time (down while it fails, up while one more passes), so that this amount is accepted and
     * one unit more is refused.
     */
    static BigDecimal withdrawable(MarginInputs.Built b, String poolId, Asset asset) {
        BigDecimal held = balance(b.account(), poolId, asset.symbol);
        if (held.signum() <= 0) {
            return BigDecimal.ZERO;
        }
        double max = engine(() -> MarginEngine.DEFAULT.maxTransferOut(b.account(), poolId, asset.symbol, b.market(),
                b.params()));
        BigDecimal x = max >= held.doubleValue() ? held
                : new BigDecimal(max).setScale(asset.decimals, RoundingMode.DOWN).min(held);
        BigDecimal unit = BigDecimal.ONE.movePointLeft(asset.decimals);
        if (b.account().pool(poolId).positions().isEmpty()) {
            return x;
        }
        if (passes(b, poolId, asset.symbol, x)) {
            // the analytic answer may fall a hair short of a unit that the rule accepts: step up while it does
            for (int i = 0; i < 16 && x.add(unit).compareTo(held) <= 0 && passes(b, poolId, asset.symbol,
                    x.add(unit)); i++) {
                x = x.add(unit);
            }
            return x;
        }
        for (int i = 0; i < 16 && x.signum() > 0; i++) {
            x = x.subtract(unit).max(BigDecimal.ZERO);
            if (passes(b, poolId, asset.symbol, x)) {
                return x;
            }
        }
        // far from the analytic answer (should not happen): bisect on the rule itself, in smallest units
        BigDecimal lo = BigDecimal.ZERO;
        BigDecimal hi = x;
        while (hi.subtract(lo).compareTo(unit) > 0) {
            BigDecimal mid = lo.add(hi).divide(BigDecimal.valueOf(2), asset.decimals, RoundingMode.DOWN);
            if (passes(b, poolId, asset.symbol, mid)) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** The withdrawal's rule: the pool's equity after moving {@code amount} out is at least its IM after. */
    private static boolean passes(MarginInputs.Built b, String poolId, String asset, BigDecimal amount) {
        PoolMargin after = after(b, poolId, asset, amount);
        return after.equityUsd() >= after.initialMarginUsd();
    }

    private static PoolMargin after(MarginInputs.Built b, String poolId, String asset, BigDecimal amount) {
        AccountInput changed = MarginEngine.DEFAULT.apply(b.account(), new HypotheticalChange.Transfer(poolId, asset,
                amount.negate()));
        return engine(() -> MarginEngine.DEFAULT.computeRequirements(changed, b.market(), b.params())).pool(poolId);
    }

    private static BigDecimal balance(AccountInput account, String poolId, String asset) {
        BigDecimal held = BigDecimal.ZERO;
        for (CollateralBalance c : account.pool(poolId).collateral()) {
            if (c.asset().equals(asset)) {
                held = held.add(c.balance());
            }
        }
        return held;
    }

    /** Runs the engine; its refusals of bad input become 422 problems naming the field. */
    private static <T> T engine(Supplier<T> work) {
        try {
            return work.get();
        } catch (MarginInputException e) {
            throw ApiException.unprocessable("the margin engine refused the input: " + e.getMessage(),
                    List.of(FieldError.of(e.field(), e.getMessage())));
        }
    }
}
