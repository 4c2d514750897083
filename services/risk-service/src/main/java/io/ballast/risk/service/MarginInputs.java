package io.ballast.risk.service;

import io.ballast.margin.market.FlatSmileVolSurface;
import io.ballast.margin.market.MarketSnapshot;
import io.ballast.margin.market.VolSurface;
import io.ballast.margin.param.CollateralParameters;
import io.ballast.margin.param.MarketRiskParameters;
import io.ballast.margin.param.RiskParameterSet;
import io.ballast.margin.product.AccountInput;
import io.ballast.margin.product.CollateralBalance;
import io.ballast.margin.product.DatedFuture;
import io.ballast.margin.product.EuropeanOption;
import io.ballast.margin.product.MarginMethod;
import io.ballast.margin.product.PerpetualFuture;
import io.ballast.risk.domain.Account;
import io.ballast.risk.domain.ApiException;
import io.ballast.risk.domain.Asset;
import io.ballast.risk.domain.Balance;
import io.ballast.risk.domain.FieldError;
import io.ballast.risk.domain.Instrument;
import io.ballast.risk.domain.MarginMode;
import io.ballast.risk.domain.MarketPrice;
import io.ballast.risk.domain.Position;
import io.ballast.risk.domain.RiskParameter;
import io.ballast.risk.domain.RiskParameterScope;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Maps a tenant's stored rows (account, balances, positions, instruments, parameters in force, latest market data) to
 * the margin engine's inputs. Plain Java: no database, no framework; one instance is one consistent read.
 *
 * <p>Rules (docs/margin.md, "In the service"): the margin mode PORTFOLIO uses portfolio margin, CROSS and ISOLATED
 * standard margin, all positions and collateral in one cross pool (the ledger books collateral per account, not per
 * position). Quantities are contracts times contract size (units of underlying); prices are USD (settlement assets
 * are taken as USD). Per underlying, the standard IM and MM fractions are the largest in force among the held
 * instruments on it (an instrument without its own parameters uses its underlying asset's), with no size scaling;
 * every other engine parameter is {@link MarketRiskParameters#defaults()}. A collateral asset's haircut is its asset
 * parameters' {@code collateralHaircut}, flat in size. Anything missing is one 409 problem that names each gap.
 */
public final class MarginInputs {

    /** Regular price steps of the portfolio scenario grid (11: -15 %, -12 %, ..., +15 % with the default range). */
    public static final int PRICE_STEPS = 11;
    /** Portfolio IM / MM (Derive PMRM: 1.3). */
    public static final double IM_MULTIPLIER = 1.3;
    /** Correlation between underlyings: 1, no offset. */
    public static final double CROSS_UNDERLYING_CORRELATION = 1.0;
    /** Floor of a shocked volatility, fraction. */
    public static final double MIN_ANNUAL_VOL = 0.01;

    /**
     * The engine inputs for one account.
     *
     * @param account  positions (units of underlying) and collateral in one cross pool
     * @param market   prices and flat vol surfaces of every symbol involved, valued now
     * @param params   engine parameters of every underlying and collateral asset involved
     */
    public record Built(AccountInput account, MarketSnapshot market, RiskParameterSet params) {
    }

    private final Instant valuationTime;
    private final Map<UUID, Asset> assets = new HashMap<>();
    private final Map<String, Asset> assetsBySymbol = new HashMap<>();
    private final Map<UUID, Instrument> instruments = new HashMap<>();
    private final Map<String, Instrument> instrumentsBySymbol = new HashMap<>();
    private final Map<UUID, RiskParameter> assetParams = new HashMap<>();
    private final Map<UUID, RiskParameter> instrumentParams = new HashMap<>();
    private final Map<UUID, MarketPrice> prices = new HashMap<>();

    /**
     * One consistent read of a tenant's reference and market data.
     *
     * @param valuationTime the time margin is computed at (parameters in force then)
     * @param assets        the tenant's assets
     * @param instruments   the tenant's instruments
     * @param parameters    the parameter versions in force at {@code valuationTime}
     * @param latestPrices  the latest market data row per asset
     */
    public MarginInputs(Instant valuationTime, Collection<Asset> assets, Collection<Instrument> instruments,
            Collection<RiskParameter> parameters, Collection<MarketPrice> latestPrices) {
        this.valuationTime = valuationTime;
        assets.forEach(a -> {
            this.assets.put(a.id, a);
            assetsBySymbol.put(a.symbol, a);
        });
        instruments.forEach(i -> {
            this.instruments.put(i.id, i);
            instrumentsBySymbol.put(i.symbol, i);
        });
        parameters.forEach(p -> (p.scope == RiskParameterScope.ASSET ? assetParams : instrumentParams)
                .put(p.targetId, p));
        latestPrices.forEach(p -> prices.put(p.assetId, p));
    }

    /** The valuation time. */
    public Instant valuationTime() {
        return valuationTime;
    }

    /** The tenant's instrument with this symbol, or null. */
    public Instrument instrument(String symbol) {
        return instrumentsBySymbol.get(symbol);
    }

    /** The tenant's asset with this symbol, or null. */
    public Asset asset(String symbol) {
        return assetsBySymbol.get(symbol);
    }

    /** Symbol of an asset of the tenant. */
    public String assetSymbol(UUID assetId) {
        return assets.get(assetId).symbol;
    }

    /** Symbol of an instrument of the tenant. */
    public String instrumentSymbol(UUID instrumentId) {
        return instruments.get(instrumentId).symbol;
    }

    /** The margin-core instrument of one of the tenant's instruments (its id is the tenant's symbol). */
    public io.ballast.margin.product.Instrument engineInstrument(Instrument i) {
        String underlying = assets.get(i.underlyingId).symbol;
        return switch (i.kind) {
            case PERPETUAL -> new PerpetualFuture(i.symbol, underlying);
            case FUTURE -> new DatedFuture(i.symbol, underlying, i.expiry.toInstant());
            case OPTION -> new EuropeanOption(i.symbol, underlying, i.expiry.toInstant(), i.strike.doubleValue(),
                    io.ballast.margin.product.OptionType.valueOf(i.optionType.name()));
        };
    }

    /**
     * Builds the engine inputs of one account; {@code extraInstruments} and {@code extraAssets} (what-if trades and
     * transfers) need market data and parameters too.
     *
     * @throws ApiException 409 naming every missing price, volatility or parameter set
     */
    public Built build(Account account, List<Balance> balances, List<Position> positions,
            Collection<Instrument> extraInstruments, Collection<Asset> extraAssets) {
        List<io.ballast.margin.product.Position> enginePositions = new ArrayList<>();
        Set<Instrument> held = new LinkedHashSet<>();
        for (Position p : positions) {
            Instrument i = instruments.get(p.id.instrumentId());
            held.add(i);
            enginePositions.add(io.ballast.margin.product.Position.of(engineInstrument(i),
                    p.quantity.multiply(i.contractSize).doubleValue(), p.entryPrice.doubleValue()));
        }
        held.addAll(extraInstruments);
        List<CollateralBalance> collateral = new ArrayList<>();
        Set<Asset> collateralAssets = new LinkedHashSet<>();
        for (Balance b : balances) {
            if (b.amount.signum() != 0) {
                Asset a = assets.get(b.id.assetId());
                collateralAssets.add(a);
                collateral.add(CollateralBalance.of(a.symbol, b.amount));
            }
        }
        collateralAssets.addAll(extraAssets);

        List<FieldError> missing = new ArrayList<>();
        Map<String, Double> priceUsd = new LinkedHashMap<>();
        Map<String, VolSurface> vols = new LinkedHashMap<>();
        Map<String, double[]> fractions = new LinkedHashMap<>();
        Map<String, MarketRiskParameters> markets = new LinkedHashMap<>();
        Map<String, CollateralParameters> haircuts = new LinkedHashMap<>();
        for (Instrument i : held) {
            Asset u = assets.get(i.underlyingId);
            price(u, priceUsd, missing);
            MarketPrice mp = prices.get(u.id);
            if (i.kind == io.ballast.risk.domain.InstrumentKind.OPTION && mp != null && !vols.containsKey(u.symbol)) {
                if (mp.annualVol == null) {
                    missing.add(FieldError.of("annualVol[" + u.symbol + "]", "no implied volatility for " + u.symbol
                            + " (needed by option " + i.symbol + "): PUT /api/v1/market/prices"));
                } else {
                    vols.put(u.symbol, FlatSmileVolSurface.flat(mp.annualVol.doubleValue()));
                }
            }
            RiskParameter rp = instrumentParams.getOrDefault(i.id, assetParams.get(u.id));
            if (rp == null) {
                missing.add(FieldError.of("riskParameters[" + i.symbol + "]", "no risk parameters in force for "
                        + "instrument " + i.symbol + " or its underlying " + u.symbol));
            } else {
                double[] f = fractions.computeIfAbsent(u.symbol, k -> new double[2]);
                f[0] = Math.max(f[0], rp.initialMarginFraction.doubleValue());
                f[1] = Math.max(f[1], rp.maintenanceMarginFraction.doubleValue());
            }
        }
        for (Asset a : collateralAssets) {
            price(a, priceUsd, missing);
            RiskParameter rp = assetParams.get(a.id);
            if (rp == null) {
                missing.add(FieldError.of("riskParameters[" + a.symbol + "]", "no risk parameters (haircut) in force "
                        + "for collateral asset " + a.symbol));
            } else {
                haircuts.put(a.symbol, CollateralParameters.of(rp.collateralHaircut.doubleValue(), 0));
            }
        }
        if (!missing.isEmpty()) {
            throw new ApiException(409, "Missing Market Data or Risk Parameters", "margin of account " + account.id
                    + " needs market data or risk parameters that are not there: "
                    + String.join(", ", missing.stream().map(FieldError::field).toList()), missing);
        }
        fractions.forEach((u, f) -> markets.put(u, MarketRiskParameters.defaults().toBuilder().imf(f[0], 0)
                .mmf(f[1], 0).build()));
        MarginMethod method = account.marginMode == MarginMode.PORTFOLIO ? MarginMethod.PORTFOLIO
                : MarginMethod.STANDARD;
        return new Built(AccountInput.cross(account.id.toString(), method, enginePositions, collateral),
                MarketSnapshot.of(valuationTime, priceUsd, vols),
                RiskParameterSet.of(PRICE_STEPS, IM_MULTIPLIER, CROSS_UNDERLYING_CORRELATION, MIN_ANNUAL_VOL, markets,
                        haircuts));
    }

    private void price(Asset a, Map<String, Double> priceUsd, List<FieldError> missing) {
        if (priceUsd.containsKey(a.symbol)) {
            return;
        }
        MarketPrice mp = prices.get(a.id);
        if (mp == null) {
            if (missing.stream().noneMatch(e -> e.field().equals("prices[" + a.symbol + "]"))) {
                missing.add(FieldError.of("prices[" + a.symbol + "]", "no index price for " + a.symbol
                        + ": PUT /api/v1/market/prices"));
            }
            return;
        }
        priceUsd.put(a.symbol, mp.indexPriceUsd.doubleValue());
    }
}
