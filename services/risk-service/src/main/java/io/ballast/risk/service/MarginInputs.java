package io.ballast.risk.service;

import io.ballast.margin.Decimals;
import io.ballast.margin.MarginInputException;
import io.ballast.margin.market.FlatSmileVolSurface;
import io.ballast.margin.market.ForwardCurve;
import io.ballast.margin.market.MarketSnapshot;
import io.ballast.margin.market.SmileVolSurface;
import io.ballast.margin.market.VolSurface;
import io.ballast.margin.param.CollateralParameters;
import io.ballast.margin.param.MarketRiskParameters;
import io.ballast.margin.param.RiskParameterSet;
import io.ballast.margin.product.AccountInput;
import io.ballast.margin.product.CollateralBalance;
import io.ballast.margin.product.DatedFuture;
import io.ballast.margin.product.EuropeanOption;
import io.ballast.margin.product.MarginMethod;
import io.ballast.margin.product.MarginPool;
import io.ballast.margin.product.PerpetualFuture;
import io.ballast.risk.collateral.domain.IsolatedBalance;
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
import io.ballast.risk.governance.domain.RiskSettings;
import io.ballast.risk.governance.domain.SettingsScope;
import io.ballast.risk.market.curve.MarketCurves;
import java.math.BigDecimal;
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
 * standard margin; a CROSS or PORTFOLIO account's positions and balances form one cross pool, an ISOLATED account's
 * position in each instrument is margined in its own isolated pool with the collateral allocated to it (its
 * balances form the cross pool, which then holds no position). Quantities are contracts times contract size (units of
 * underlying; USD of face value for an inverse perpetual or future, whose P&amp;L is in its underlying coin and valued
 * in USD at the index); prices are USD (a linear instrument's settlement asset is taken as USD). Dated futures and
 * options are priced on the underlying's stored basis per expiry when there is one, and options off its stored smile
 * ({@link MarketCurves}) when there is one, else off the flat vol of its market price row. Per underlying, the standard IM and MM fractions are the largest in force among the held
 * instruments on it (an instrument without its own parameters uses its underlying asset's). Every other engine
 * parameter of an underlying (size slopes, short-option rule, scan range, vol shocks, extreme move, contingencies)
 * comes from the tenant's stored risk settings in force (the underlying's own version, else the tenant-wide one,
 * docs/governance.md); only a tenant without any stored settings (onboarded before issue 8) falls back to
 * {@link MarketRiskParameters#defaults()} without size scaling. A collateral asset's haircut is its asset parameters'
 * {@code collateralHaircut}, flat in size. Anything missing is one 409 problem that names each gap. {@link Built}
 * names every parameter and settings version it used.
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
    /** Engine pool id of an account's cross pool: its balances and every position not in an isolated pool. */
    public static final String CROSS_POOL = "cross";
    /** Prefix of an isolated pool's engine id: {@code iso-<instrument symbol>}. */
    public static final String ISOLATED_POOL_PREFIX = "iso-";

    /**
     * The engine inputs for one account.
     *
     * @param account  positions (units of underlying) and collateral: the cross pool first, then each isolated pool
     * @param market   prices and flat vol surfaces of every symbol involved, valued now
     * @param params   engine parameters of every underlying and collateral asset involved
     * @param parameterVersions the stored versions these parameters came from, in a stable order
     */
    public record Built(AccountInput account, MarketSnapshot market, RiskParameterSet params,
            List<UsedVersion> parameterVersions) {
    }

    /**
     * One stored version used by a margin computation.
     *
     * @param kind    {@code parameters} (table risk_parameter) or {@code settings} (table risk_settings)
     * @param scope   INSTRUMENT or ASSET for parameters; TENANT or ASSET for settings
     * @param target  the instrument or asset symbol, or {@code *} for the tenant-wide settings
     * @param version the version number
     */
    public record UsedVersion(String kind, String scope, String target, int version) {
    }

    private final Instant valuationTime;
    // filled by the public constructor and never changed after it: a copy with other curves shares them
    private final Map<UUID, Asset> assets;
    private final Map<String, Asset> assetsBySymbol;
    private final Map<UUID, Instrument> instruments;
    private final Map<String, Instrument> instrumentsBySymbol;
    private final Map<UUID, RiskParameter> assetParams;
    private final Map<UUID, RiskParameter> instrumentParams;
    private final Map<UUID, MarketPrice> prices;
    private final Map<UUID, RiskSettings> assetSettings;
    private RiskSettings tenantSettings;
    private MarketCurves curves = MarketCurves.NONE;
    /** Forward curve and smile per underlying id, computed once (they depend only on this instance's data). */
    private final Map<UUID, java.util.Optional<ForwardCurve>> forwardCache =
            new java.util.concurrent.ConcurrentHashMap<>();
    private final Map<UUID, java.util.Optional<SmileVolSurface>> smileCache =
            new java.util.concurrent.ConcurrentHashMap<>();

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
        this(valuationTime, assets, instruments, parameters, List.of(), latestPrices);
    }

    /**
     * One consistent read of a tenant's reference and market data, with its stored risk settings.
     *
     * @param valuationTime the time margin is computed at (parameters in force then)
     * @param assets        the tenant's assets
     * @param instruments   the tenant's instruments
     * @param parameters    the parameter versions in force at {@code valuationTime}
     * @param settings      the risk settings versions in force at {@code valuationTime} (tenant and asset rows)
     * @param latestPrices  the latest market data row per asset
     */
    public MarginInputs(Instant valuationTime, Collection<Asset> assets, Collection<Instrument> instruments,
            Collection<RiskParameter> parameters, Collection<RiskSettings> settings,
            Collection<MarketPrice> latestPrices) {
        this.valuationTime = valuationTime;
        this.assets = new HashMap<>();
        this.assetsBySymbol = new HashMap<>();
        this.instruments = new HashMap<>();
        this.instrumentsBySymbol = new HashMap<>();
        this.assetParams = new HashMap<>();
        this.instrumentParams = new HashMap<>();
        this.prices = new HashMap<>();
        this.assetSettings = new HashMap<>();
        settings.forEach(x -> {
            if (x.scope == SettingsScope.TENANT) {
                tenantSettings = x;
            } else {
                assetSettings.put(x.targetId, x);
            }
        });
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

    /**
     * A copy in which some stored versions are replaced (same scope and target): what margin would be if they were
     * in force. Used by governance's impact preview; this instance is unchanged.
     *
     * @param parameters replacement parameter versions
     * @param settings   replacement settings versions
     * @return the copy
     */
    public MarginInputs with(Collection<RiskParameter> parameters, Collection<RiskSettings> settings) {
        MarginInputs copy = new MarginInputs(valuationTime, assets.values(), instruments.values(), List.of(),
                List.of(), prices.values());
        copy.assetParams.putAll(assetParams);
        copy.instrumentParams.putAll(instrumentParams);
        copy.assetSettings.putAll(assetSettings);
        copy.tenantSettings = tenantSettings;
        copy.curves = curves;
        parameters.forEach(p -> (p.scope == RiskParameterScope.ASSET ? copy.assetParams : copy.instrumentParams)
                .put(p.targetId, p));
        settings.forEach(x -> {
            if (x.scope == SettingsScope.TENANT) {
                copy.tenantSettings = x;
            } else {
                copy.assetSettings.put(x.targetId, x);
            }
        });
        return copy;
    }

    /** @return the price row in force per asset id (unmodifiable) */
    public Map<UUID, MarketPrice> prices() {
        return java.util.Collections.unmodifiableMap(prices);
    }

    /** @return the symbol of each of the tenant's assets, by asset id */
    public Map<UUID, String> assetSymbols() {
        Map<UUID, String> out = new HashMap<>();
        assets.forEach((id, a) -> out.put(id, a.symbol));
        return out;
    }

    /**
     * A copy that prices with the tenant's stored curves: futures basis per expiry and implied vol per expiry and
     * strike (docs/margin.md, "Basis and rates", "Volatility smiles"); this instance is unchanged.
     *
     * @param marketCurves the tenant's curves
     * @return the copy
     */
    public MarginInputs withCurves(MarketCurves marketCurves) {
        return new MarginInputs(this, marketCurves);
    }

    /**
     * A copy with other curves that shares this instance's maps (a hot-book answer makes one per request: copying
     * the maps was about 3 % of what a pre-trade check allocated, docs/benchmarks.md "Session 41"). Its forward and
     * smile caches are its own, since they depend on the curves.
     */
    private MarginInputs(MarginInputs from, MarketCurves curves) {
        this.valuationTime = from.valuationTime;
        this.assets = from.assets;
        this.assetsBySymbol = from.assetsBySymbol;
        this.instruments = from.instruments;
        this.instrumentsBySymbol = from.instrumentsBySymbol;
        this.assetParams = from.assetParams;
        this.instrumentParams = from.instrumentParams;
        this.prices = from.prices;
        this.assetSettings = from.assetSettings;
        this.tenantSettings = from.tenantSettings;
        this.curves = curves;
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

    /**
     * The engine pool an account's position in an instrument is margined in.
     *
     * @param account      the account
     * @param instrumentId one of the tenant's instruments
     * @return {@link #CROSS_POOL}, or {@code iso-<symbol>} for a position of an ISOLATED account
     */
    public String poolOf(Account account, UUID instrumentId) {
        return account.marginMode == MarginMode.ISOLATED ? isolatedPool(instruments.get(instrumentId).symbol)
                : CROSS_POOL;
    }

    /**
     * The engine id of the isolated pool of a position.
     *
     * @param instrumentSymbol the tenant's instrument symbol
     * @return {@code iso-<symbol>}
     */
    public static String isolatedPool(String instrumentSymbol) {
        return ISOLATED_POOL_PREFIX + instrumentSymbol;
    }

    /**
     * Whether a pool of an account holds an open position (a pool without one has no requirement, so all its
     * collateral may leave without market data).
     *
     * @param account   the account
     * @param positions its positions
     * @param poolId    the pool
     * @return true when at least one non-zero position is margined in the pool
     */
    public boolean holdsPositions(Account account, List<Position> positions, String poolId) {
        return positions.stream().anyMatch(p -> p.quantity.signum() != 0
                && poolOf(account, p.id.instrumentId()).equals(poolId));
    }

    /** The margin-core instrument of one of the tenant's instruments (its id is the tenant's symbol). */
    public io.ballast.margin.product.Instrument engineInstrument(Instrument i) {
        String underlying = assets.get(i.underlyingId).symbol;
        return switch (i.kind) {
            case PERPETUAL -> new PerpetualFuture(i.symbol, underlying, i.inverse);
            case FUTURE -> new DatedFuture(i.symbol, underlying, i.expiry.toInstant(), i.inverse);
            case OPTION -> new EuropeanOption(i.symbol, underlying, i.expiry.toInstant(), Decimals.toDouble(i.strike),
                    io.ballast.margin.product.OptionType.valueOf(i.optionType.name()), i.inverse);
        };
    }

    /**
     * An asset or instrument of these inputs by id. A hot book whose rows were read before an asset or instrument
     * was created can meet a position or balance on it (an account event while another build is asked for): that
     * account is not valued until the book is built again, rather than failing with a NullPointerException.
     */
    private static <T> T known(Map<UUID, T> byId, UUID id, String field) {
        T found = byId.get(id);
        if (found == null) {
            throw new MarginInputException(field, "unknown to these margin inputs: " + id);
        }
        return found;
    }

    /**
     * Builds the engine inputs of one account; {@code extraInstruments} and {@code extraAssets} (what-if trades and
     * transfers) need market data and parameters too.
     *
     * @throws ApiException 409 naming every missing price, volatility or parameter set
     */
    public Built build(Account account, List<Balance> balances, List<Position> positions,
            Collection<Instrument> extraInstruments, Collection<Asset> extraAssets) {
        return build(account, balances, positions, List.of(), extraInstruments, extraAssets);
    }

    /**
     * Builds the engine inputs of one account with its isolated pools: the cross pool holds the account's balances
     * and the positions of a CROSS or PORTFOLIO account; an ISOLATED account's position in an instrument is margined
     * in the isolated pool {@code iso-<symbol>} with the collateral allocated to it (none: equity is the position's
     * unrealized P&amp;L alone), and collateral allocated to an instrument without a position still forms its pool.
     * {@code extraInstruments} and {@code extraAssets} (what-if trades and transfers) need market data and
     * parameters too.
     *
     * @param account          the account
     * @param balances         its cross-pool balances
     * @param positions        its positions
     * @param isolated         its isolated balances
     * @param extraInstruments instruments of what-if trades
     * @param extraAssets      assets of what-if transfers
     * @return the engine inputs
     * @throws ApiException 409 naming every missing price, volatility or parameter set
     */
    public Built build(Account account, List<Balance> balances, List<Position> positions,
            List<IsolatedBalance> isolated, Collection<Instrument> extraInstruments, Collection<Asset> extraAssets) {
        List<io.ballast.margin.product.Position> enginePositions = new ArrayList<>();
        Map<String, List<io.ballast.margin.product.Position>> isolatedPositions = new java.util.TreeMap<>();
        Map<String, List<CollateralBalance>> isolatedCollateral = new java.util.TreeMap<>();
        Set<Instrument> held = new LinkedHashSet<>();
        for (Position p : positions) {
            Instrument i = known(instruments, p.id.instrumentId(), "instrumentId");
            held.add(i);
            io.ballast.margin.product.Position ep = io.ballast.margin.product.Position.of(engineInstrument(i),
                    Decimals.toDouble(p.quantity.multiply(i.contractSize)), Decimals.toDouble(p.entryPrice));
            String pool = poolOf(account, i.id);
            if (CROSS_POOL.equals(pool)) {
                enginePositions.add(ep);
            } else {
                isolatedPositions.computeIfAbsent(pool, k -> new ArrayList<>()).add(ep);
                isolatedCollateral.computeIfAbsent(pool, k -> new ArrayList<>());
            }
        }
        held.addAll(extraInstruments);
        List<CollateralBalance> collateral = new ArrayList<>();
        Set<Asset> collateralAssets = new LinkedHashSet<>();
        for (Balance b : balances) {
            if (b.amount.signum() != 0) {
                Asset a = known(assets, b.id.assetId(), "assetId");
                collateralAssets.add(a);
                collateral.add(CollateralBalance.of(a.symbol, b.amount));
            }
        }
        for (IsolatedBalance b : isolated) {
            if (b.amount.signum() != 0) {
                Asset a = known(assets, b.id.assetId(), "assetId");
                collateralAssets.add(a);
                String pool = isolatedPool(known(instruments, b.id.instrumentId(), "instrumentId").symbol);
                isolatedPositions.computeIfAbsent(pool, k -> new ArrayList<>());
                isolatedCollateral.computeIfAbsent(pool, k -> new ArrayList<>()).add(CollateralBalance.of(a.symbol,
                        b.amount));
            }
        }
        collateralAssets.addAll(extraAssets);

        List<FieldError> missing = new ArrayList<>();
        MarketSnapshot market = market(held, collateralAssets, missing);
        Map<String, double[]> fractions = new LinkedHashMap<>();
        Map<String, UsedVersion> used = new java.util.TreeMap<>();
        Map<String, MarketRiskParameters> markets = new LinkedHashMap<>();
        Map<String, CollateralParameters> haircuts = new LinkedHashMap<>();
        for (Instrument i : held) {
            Asset u = assets.get(i.underlyingId);
            RiskParameter rp = instrumentParams.getOrDefault(i.id, assetParams.get(u.id));
            if (rp == null) {
                missing.add(FieldError.of("riskParameters[" + i.symbol + "]", "no risk parameters in force for "
                        + "instrument " + i.symbol + " or its underlying " + u.symbol));
            } else {
                used(used, "parameters", rp, rp.scope == RiskParameterScope.ASSET ? u.symbol : i.symbol);
                RiskSettings st = settingsOf(u.id);
                if (st != null) {
                    used(used, st, u.symbol);
                }
                double[] f = fractions.computeIfAbsent(u.symbol, k -> new double[2]);
                f[0] = Math.max(f[0], Decimals.toDouble(rp.initialMarginFraction));
                f[1] = Math.max(f[1], Decimals.toDouble(rp.maintenanceMarginFraction));
            }
        }
        for (Asset a : collateralAssets) {
            RiskParameter rp = assetParams.get(a.id);
            if (rp == null) {
                missing.add(FieldError.of("riskParameters[" + a.symbol + "]", "no risk parameters (haircut) in force "
                        + "for collateral asset " + a.symbol));
            } else {
                used(used, "parameters", rp, a.symbol);
                haircuts.put(a.symbol, CollateralParameters.of(Decimals.toDouble(rp.collateralHaircut), 0));
            }
        }
        if (!missing.isEmpty()) {
            throw new ApiException(409, "Missing Market Data or Risk Parameters", "margin of account " + account.id
                    + " needs market data or risk parameters that are not there: "
                    + String.join(", ", missing.stream().map(FieldError::field).toList()), missing);
        }
        fractions.forEach((u, f) -> {
            RiskSettings st = settingsOf(assetsBySymbol.get(u).id);
            markets.put(u, st == null ? MarketRiskParameters.defaults().toBuilder().imf(f[0], 0).mmf(f[1], 0).build()
                    : st.marketParameters(f[0], f[1]));
        });
        MarginMethod method = account.marginMode == MarginMode.PORTFOLIO ? MarginMethod.PORTFOLIO
                : MarginMethod.STANDARD;
        List<MarginPool> pools = new ArrayList<>();
        pools.add(MarginPool.cross(enginePositions, collateral));
        isolatedPositions.forEach((pool, ps) -> pools.add(MarginPool.isolated(pool, ps,
                isolatedCollateral.getOrDefault(pool, List.of()))));
        return new Built(new AccountInput(account.id.toString(), method, pools), market,
                RiskParameterSet.of(PRICE_STEPS, IM_MULTIPLIER, CROSS_UNDERLYING_CORRELATION, MIN_ANNUAL_VOL, markets,
                        haircuts), List.copyOf(used.values()));
    }

    /**
     * The market data margin is computed with for some instruments and collateral assets, valued now: the index
     * price of each underlying and asset, the forward curve of each underlying with a stored basis, and for each
     * underlying with an option its stored smile (built at the current index and forwards), else the flat vol of its
     * price row. The per-account engine ({@link #build}) and the hot book's and impact preview's bulk risk arrays
     * both take their market from here, so that they price alike.
     *
     * @param held       instruments (their underlyings are priced)
     * @param collateral collateral assets (priced)
     * @return the snapshot
     * @throws ApiException 409 naming every missing price or volatility, or a smile with calendar arbitrage
     */
    public MarketSnapshot market(Collection<Instrument> held, Collection<Asset> collateral) {
        List<FieldError> missing = new ArrayList<>();
        MarketSnapshot m = market(held, collateral, missing);
        if (!missing.isEmpty()) {
            throw new ApiException(409, "Missing Market Data or Risk Parameters", "margin needs market data that is "
                    + "not there: " + String.join(", ", missing.stream().map(FieldError::field).toList()), missing);
        }
        return m;
    }

    private MarketSnapshot market(Collection<Instrument> held, Collection<Asset> collateral,
            List<FieldError> missing) {
        Map<String, Double> priceUsd = new LinkedHashMap<>();
        Map<String, VolSurface> vols = new LinkedHashMap<>();
        Map<String, ForwardCurve> forwards = new LinkedHashMap<>();
        Set<UUID> smileFailed = new java.util.HashSet<>();
        for (Instrument i : held) {
            Asset u = assets.get(i.underlyingId);
            price(u, priceUsd, missing);
            MarketPrice mp = prices.get(u.id);
            ForwardCurve fc = forwardCurve(u.id);
            if (fc != null) {
                forwards.put(u.symbol, fc);
            }
            if (i.kind != io.ballast.risk.domain.InstrumentKind.OPTION || mp == null || vols.containsKey(u.symbol)
                    || smileFailed.contains(u.id)) {
                continue;
            }
            SmileVolSurface smile;
            try {
                smile = smile(u.id, mp, fc);
            } catch (MarginInputException e) {
                smileFailed.add(u.id);
                missing.add(FieldError.of("volSurface[" + u.symbol + "]", e.getMessage()
                        + ": PUT /api/v1/market/vol-surfaces/" + u.symbol));
                continue;
            }
            if (smile != null) {
                vols.put(u.symbol, smile);
            } else if (mp.annualVol == null) {
                missing.add(FieldError.of("annualVol[" + u.symbol + "]", "no implied volatility for " + u.symbol
                        + " (needed by option " + i.symbol + "): PUT /api/v1/market/prices"));
            } else {
                vols.put(u.symbol, FlatSmileVolSurface.flat(Decimals.toDouble(mp.annualVol)));
            }
        }
        for (Asset a : collateral) {
            price(a, priceUsd, missing);
        }
        return missing.isEmpty() ? MarketSnapshot.of(valuationTime, priceUsd, vols, forwards) : null;
    }

    /** The stored forward curve of an underlying at the valuation time, or null; computed once per instance. */
    private ForwardCurve forwardCurve(UUID underlyingId) {
        return forwardCache.computeIfAbsent(underlyingId, k -> java.util.Optional.ofNullable(
                curves.forwardCurve(k, valuationTime))).orElse(null);
    }

    /**
     * The stored smile of an underlying at the valuation time and current index, or null; computed once per
     * instance (a hot book builds one for thousands of accounts).
     */
    private SmileVolSurface smile(UUID underlyingId, MarketPrice mp, ForwardCurve fc) {
        java.util.Optional<SmileVolSurface> cached = smileCache.get(underlyingId);
        if (cached == null) {
            cached = java.util.Optional.ofNullable(curves.volSurface(underlyingId, valuationTime,
                    Decimals.toDouble(mp.indexPriceUsd), fc));
            smileCache.put(underlyingId, cached);
        }
        return cached.orElse(null);
    }

    /** The settings in force for an underlying: its own version, else the tenant's, else null. */
    private RiskSettings settingsOf(UUID assetId) {
        return assetSettings.getOrDefault(assetId, tenantSettings);
    }

    private static void used(Map<String, UsedVersion> used, String kind, RiskParameter rp, String target) {
        UsedVersion v = new UsedVersion(kind, rp.scope.name(), target, rp.version);
        used.put(kind + "/" + v.scope() + "/" + target, v);
    }

    private static void used(Map<String, UsedVersion> used, RiskSettings st, String underlying) {
        String target = st.scope == SettingsScope.TENANT ? "*" : underlying;
        used.put("settings/" + st.scope + "/" + target, new UsedVersion("settings", st.scope.name(), target,
                st.version));
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
        priceUsd.put(a.symbol, Decimals.toDouble(mp.indexPriceUsd));
    }
}
