package io.ballast.margin.engine;

import io.ballast.margin.Checks;
import io.ballast.margin.MarginInputException;
import io.ballast.margin.market.MarketSnapshot;
import io.ballast.margin.param.RiskParameterSet;
import io.ballast.margin.param.ScenarioGrid;
import io.ballast.margin.pricer.InstrumentPricer;
import io.ballast.margin.product.Instrument;
import io.ballast.margin.product.InstrumentKind;
import io.ballast.margin.product.PerpetualFuture;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * Risk arrays of a universe of instruments at one market snapshot, laid out for speed: one {@code double[]} with the
 * weighted P&amp;L of one unit of instrument {@code i} in scenario {@code s} at {@code [i * scenarioCount + s]}, plus
 * per-instrument mark prices and contingency rates.
 *
 * <p>Mutable: {@link #rebuild(String, MarketSnapshot)} refreshes one underlying's instruments in place after a tick.
 * Not safe for concurrent writes; readers must not run while a rebuild is in progress.
 */
public final class RiskArrays {

    private final List<Instrument> instruments;
    private final Map<String, Integer> indexById;
    private final List<String> underlyings;
    private final Map<String, Integer> underlyingIndex;
    private final int[] underlyingOf;
    private final int[][] instrumentsByUnderlying;
    private final boolean[] linear;
    private final boolean[] shared;
    private final boolean[] inverseDeltaOne;
    private final boolean[] nettedOnLinear;
    private final double[] linearScale;
    private final double[] linearUnitsPerUnit;
    private final RiskParameterSet params;
    private final ScenarioGrid grid;
    private final int scenarioCount;
    private final double[] values;
    private final double[] markPriceUsd;
    private final double[] shortOptionChargePerUnitUsd;
    private final double[] linearChargePerUnitUsd;
    private final double[] linearValues;
    private final int[] linearArgMin;
    private final int[] linearArgMax;
    private MarketSnapshot market;

    private RiskArrays(List<Instrument> instruments, RiskParameterSet params) {
        this(instruments, params, ScenarioGrid.of(params));
    }

    private RiskArrays(List<Instrument> instruments, RiskParameterSet params, ScenarioGrid grid) {
        this.instruments = List.copyOf(instruments);
        this.params = params;
        this.grid = grid;
        this.scenarioCount = grid.size();
        this.indexById = new HashMap<>();
        Map<String, List<Integer>> byUnderlying = new LinkedHashMap<>();
        for (int i = 0; i < this.instruments.size(); i++) {
            Instrument ins = this.instruments.get(i);
            if (indexById.put(ins.id(), i) != null) {
                throw new MarginInputException("instrument", "duplicate instrument id " + ins.id());
            }
            params.market(ins.underlying());
            byUnderlying.computeIfAbsent(ins.underlying(), k -> new ArrayList<>()).add(i);
        }
        this.underlyings = List.copyOf(byUnderlying.keySet());
        this.underlyingIndex = new HashMap<>();
        this.instrumentsByUnderlying = new int[underlyings.size()][];
        for (int u = 0; u < underlyings.size(); u++) {
            underlyingIndex.put(underlyings.get(u), u);
            instrumentsByUnderlying[u] = byUnderlying.get(underlyings.get(u)).stream().mapToInt(Integer::intValue)
                    .toArray();
        }
        int n = this.instruments.size();
        this.underlyingOf = new int[n];
        this.linear = new boolean[n];
        this.shared = new boolean[n];
        this.inverseDeltaOne = new boolean[n];
        this.nettedOnLinear = new boolean[n];
        this.linearScale = new double[n];
        this.linearUnitsPerUnit = new double[n];
        for (int i = 0; i < n; i++) {
            underlyingOf[i] = underlyingIndex.get(this.instruments.get(i).underlying());
            linear[i] = this.instruments.get(i).kind().isLinear();
            inverseDeltaOne[i] = linear[i] && this.instruments.get(i).inverse();
        }
        this.values = new double[n * scenarioCount];
        this.markPriceUsd = new double[n];
        this.shortOptionChargePerUnitUsd = new double[n];
        this.linearChargePerUnitUsd = new double[underlyings.size()];
        this.linearValues = new double[underlyings.size() * scenarioCount];
        this.linearArgMin = new int[underlyings.size()];
        this.linearArgMax = new int[underlyings.size()];
    }

    /**
     * Builds the risk arrays of a universe.
     *
     * @param instruments the universe (unique ids)
     * @param market the market
     * @param params the risk parameters
     * @return the arrays
     * @throws MarginInputException for an unknown underlying, a missing volatility or an expired instrument
     */
    public static RiskArrays build(List<? extends Instrument> instruments, MarketSnapshot market,
            RiskParameterSet params) {
        RiskArrays ra = new RiskArrays(new ArrayList<>(Checks.present("instruments", instruments)),
                Checks.present("params", params));
        ra.rebuildAll(market, false);
        return ra;
    }

    /**
     * The risk arrays of some instruments, copied from arrays already priced at the same market and parameters
     * instead of priced again: what a caller that evaluates many variants of one account (a liquidation plan, which
     * removes and shrinks positions) needs, at the cost of a copy. An instrument the source does not hold (or holds
     * as another instrument under the same id) is priced.
     *
     * @param instruments the universe (unique ids)
     * @param source arrays priced at the market and parameters wanted
     * @return arrays equal to {@code build(instruments, source.market(), source.params())}
     */
    public static RiskArrays subset(List<? extends Instrument> instruments, RiskArrays source) {
        Checks.present("source", source);
        RiskArrays ra = new RiskArrays(new ArrayList<>(Checks.present("instruments", instruments)), source.params,
                source.grid);
        ra.market = source.market;
        for (int u = 0; u < ra.underlyings.size(); u++) {
            ra.copyUnderlying(u, source);
        }
        for (int i = 0; i < ra.instruments.size(); i++) {
            ra.copyInstrument(i, source);
        }
        return ra;
    }

    /**
     * A copy of these arrays at their market, independent of them (a later rebuild of either leaves the other as it
     * was); the universe and the parameters are shared, not copied.
     *
     * @return the copy
     */
    public RiskArrays copy() {
        return new RiskArrays(this);
    }

    private RiskArrays(RiskArrays o) {
        this.instruments = o.instruments;
        this.indexById = o.indexById;
        this.underlyings = o.underlyings;
        this.underlyingIndex = o.underlyingIndex;
        this.underlyingOf = o.underlyingOf;
        this.instrumentsByUnderlying = o.instrumentsByUnderlying;
        this.linear = o.linear;
        this.inverseDeltaOne = o.inverseDeltaOne;
        this.params = o.params;
        this.grid = o.grid;
        this.scenarioCount = o.scenarioCount;
        this.shared = o.shared.clone();
        this.nettedOnLinear = o.nettedOnLinear.clone();
        this.linearScale = o.linearScale.clone();
        this.linearUnitsPerUnit = o.linearUnitsPerUnit.clone();
        this.values = o.values.clone();
        this.markPriceUsd = o.markPriceUsd.clone();
        this.shortOptionChargePerUnitUsd = o.shortOptionChargePerUnitUsd.clone();
        this.linearChargePerUnitUsd = o.linearChargePerUnitUsd.clone();
        this.linearValues = o.linearValues.clone();
        this.linearArgMin = o.linearArgMin.clone();
        this.linearArgMax = o.linearArgMax.clone();
        this.market = o.market;
    }

    /** Underlying u's rates and delta-one array copied from {@code source} (priced when source lacks it). */
    private void copyUnderlying(int u, RiskArrays source) {
        Integer su = source.underlyingIndex.get(underlyings.get(u));
        if (su == null) {
            refreshUnderlyingRates(u);
            return;
        }
        int sc = scenarioCount;
        linearChargePerUnitUsd[u] = source.linearChargePerUnitUsd[su];
        System.arraycopy(source.linearValues, su * sc, linearValues, u * sc, sc);
        linearArgMin[u] = source.linearArgMin[su];
        linearArgMax[u] = source.linearArgMax[su];
    }

    /**
     * Instrument i's figures copied from {@code source} (priced when source lacks it, or holds another instrument
     * under its id); the underlying's delta-one array must be in place first (a shared array is copied from it).
     */
    private void copyInstrument(int i, RiskArrays source) {
        Instrument ins = instruments.get(i);
        Integer j = source.indexById.get(ins.id());
        if (j == null || !source.instruments.get(j).equals(ins)) {
            fill(i);
            return;
        }
        int sc = scenarioCount;
        markPriceUsd[i] = source.markPriceUsd[j];
        shared[i] = source.shared[j];
        linearUnitsPerUnit[i] = source.linearUnitsPerUnit[j];
        nettedOnLinear[i] = source.nettedOnLinear[j];
        linearScale[i] = source.linearScale[j];
        shortOptionChargePerUnitUsd[i] = source.shortOptionChargePerUnitUsd[j];
        System.arraycopy(source.values, j * sc, values, i * sc, sc);
    }

    /**
     * Rebuilds every instrument's array at a new market.
     *
     * @param newMarket the market
     * @param parallel whether to spread the work over the common fork-join pool
     */
    public void rebuildAll(MarketSnapshot newMarket, boolean parallel) {
        this.market = Checks.present("market", newMarket);
        for (int u = 0; u < underlyings.size(); u++) {
            refreshUnderlyingRates(u);
        }
        IntStream range = IntStream.range(0, instruments.size());
        (parallel ? range.parallel() : range).forEach(this::fill);
    }

    /**
     * Rebuilds only the arrays of one underlying's instruments at a new market (in which only that underlying's price
     * or volatility is expected to differ; the valuation time must be the same, or other arrays go stale).
     *
     * @param underlying the underlying that ticked
     * @param newMarket the new market
     * @return the number of instruments rebuilt (0 if the universe has none on that underlying)
     */
    public int rebuild(String underlying, MarketSnapshot newMarket) {
        Integer u = underlyingIndex.get(underlying);
        this.market = Checks.present("market", newMarket);
        if (u == null) {
            return 0;
        }
        refreshUnderlyingRates(u);
        for (int i : instrumentsByUnderlying[u]) {
            fill(i);
        }
        return instrumentsByUnderlying[u].length;
    }

    /**
     * {@link #rebuild(String, MarketSnapshot)} from arrays already priced at that new market: the underlying's
     * instruments that {@code priced} holds are copied from it, the others priced. The result is the one the rebuild
     * gives, at the cost of copies, when {@code priced} was priced at a market equal to {@code newMarket} with these
     * parameters; the caller vouches for the market (arrays of other parameters or another grid are not used).
     *
     * @param underlying the underlying that moved
     * @param newMarket the new market
     * @param priced arrays priced at {@code newMarket}
     * @return the number of instruments rebuilt
     */
    public int rebuild(String underlying, MarketSnapshot newMarket, RiskArrays priced) {
        Checks.present("priced", priced);
        if (priced.params != params || priced.grid != grid && !priced.grid.equals(grid)) {
            return rebuild(underlying, newMarket);
        }
        Integer u = underlyingIndex.get(underlying);
        this.market = Checks.present("market", newMarket);
        if (u == null) {
            return 0;
        }
        copyUnderlying(u, priced);
        for (int i : instrumentsByUnderlying[u]) {
            copyInstrument(i, priced);
        }
        return instrumentsByUnderlying[u].length;
    }

    private void refreshUnderlyingRates(int u) {
        String name = underlyings.get(u);
        linearChargePerUnitUsd[u] = params.market(name).linearContingencyFraction() * market.indexPrice(name);
        // every delta-one instrument of the underlying has this array; a perpetual stands for them
        int base = u * scenarioCount;
        InstrumentPricer.DEFAULT.riskArray(PerpetualFuture.of(name), market, params, grid, linearValues, base);
        int lo = 0;
        int hi = 0;
        for (int s = 1; s < scenarioCount; s++) {
            if (linearValues[base + s] < linearValues[base + lo]) {
                lo = s;
            }
            if (linearValues[base + s] > linearValues[base + hi]) {
                hi = s;
            }
        }
        linearArgMin[u] = lo;
        linearArgMax[u] = hi;
    }

    private void fill(int i) {
        Instrument ins = instruments.get(i);
        InstrumentPricer pricer = InstrumentPricer.DEFAULT;
        markPriceUsd[i] = pricer.markPrice(ins, market);
        shared[i] = pricer.sharesLinearArray(ins, market);
        linearUnitsPerUnit[i] = pricer.linearUnits(ins, markPriceUsd[i]);
        // a linear delta-one instrument's array is the underlying's linear array times F / S (1 without a basis:
        // the basis is not shocked), so the kernel nets q * F / S onto that array instead of adding its own
        nettedOnLinear[i] = linear[i] && !inverseDeltaOne[i];
        linearScale[i] = nettedOnLinear[i] ? markPriceUsd[i] / market.indexPrice(ins.underlying()) : 0.0;
        if (shared[i]) {
            // the underlying's delta-one array stands for it; its own slot is never read by the kernel
            int from = i * scenarioCount;
            System.arraycopy(linearValues, underlyingOf[i] * scenarioCount, values, from, scenarioCount);
        } else {
            pricer.riskArray(ins, market, params, grid, values, i * scenarioCount);
        }
        shortOptionChargePerUnitUsd[i] = ins.kind() == InstrumentKind.OPTION
                ? params.market(ins.underlying()).shortOptionContingencyFraction() * market.indexPrice(ins.underlying())
                : 0.0;
    }

    /**
     * Index of an instrument.
     *
     * @param instrumentId instrument id
     * @return index in {@code [0, instrumentCount())}
     * @throws MarginInputException naming {@code instrument} if unknown
     */
    public int indexOf(String instrumentId) {
        Integer i = indexById.get(instrumentId);
        if (i == null) {
            throw new MarginInputException("instrument", "unknown instrument " + instrumentId);
        }
        return i;
    }

    /** @return number of instruments */
    public int instrumentCount() {
        return instruments.size();
    }

    /** @param i instrument index @return the instrument */
    public Instrument instrument(int i) {
        return instruments.get(i);
    }

    /** @return underlyings in index order */
    public List<String> underlyings() {
        return underlyings;
    }

    /** @param underlying symbol @return its index, or -1 if no instrument of the universe is on it */
    public int underlyingIndex(String underlying) {
        return underlyingIndex.getOrDefault(underlying, -1);
    }

    /** @param i instrument index @return index of its underlying */
    public int underlyingOf(int i) {
        return underlyingOf[i];
    }

    /** @return scenarios per array */
    public int scenarioCount() {
        return scenarioCount;
    }

    /** @return the scenario grid */
    public ScenarioGrid grid() {
        return grid;
    }

    /** @return the risk parameters the arrays were built with */
    public RiskParameterSet params() {
        return params;
    }

    /** @return the market of the last (re)build */
    public MarketSnapshot market() {
        return market;
    }

    /**
     * Weighted P&amp;L of one unit.
     *
     * @param i instrument index
     * @param s scenario index
     * @return USD per unit
     */
    public double value(int i, int s) {
        return values[i * scenarioCount + s];
    }

    /** @param i instrument index @return mark price per unit, USD */
    public double markPriceUsd(int i) {
        return markPriceUsd[i];
    }

    /** @param i instrument index @return contingency per unit of net short option, USD (0 for linear instruments) */
    public double shortOptionChargePerUnitUsd(int i) {
        return shortOptionChargePerUnitUsd[i];
    }

    /** @param u underlying index @return contingency per unit of net linear exposure, USD */
    public double linearChargePerUnitUsd(int u) {
        return linearChargePerUnitUsd[u];
    }

    /** @param i instrument index @return whether delta one (spot, perpetual or dated future, linear or inverse) */
    public boolean isLinear(int i) {
        return linear[i];
    }

    /**
     * Whether an instrument is an inverse perpetual or future (quantity in USD of face value, P&amp;L in coins).
     *
     * @param i instrument index
     * @return true for an inverse delta-one instrument
     */
    public boolean isInverseDeltaOne(int i) {
        return inverseDeltaOne[i];
    }

    /**
     * Whether an instrument shares its underlying's delta-one array (linear spot and perpetuals, linear dated futures
     * without a basis) rather than having its own (options, inverse instruments, dated futures with a basis).
     *
     * @param i instrument index
     * @return true when shared
     */
    public boolean sharesLinearArray(int i) {
        return shared[i];
    }

    /**
     * Delta-one exposure of one unit in units of underlying, as charged by the linear contingency: 1 for linear
     * spot, perpetuals and futures, 1 / mark for inverse ones (one USD of face value), 0 for options.
     *
     * @param i instrument index
     * @return units of underlying per unit
     */
    public double linearUnitsPerUnit(int i) {
        return linearUnitsPerUnit[i];
    }

    // package-private raw access for the kernel
    double[] rawValues() {
        return values;
    }

    double[] rawShortOptionCharges() {
        return shortOptionChargePerUnitUsd;
    }

    double[] rawLinearValues() {
        return linearValues;
    }

    /** First scenario where one unit long of the underlying's delta-one array loses most. */
    int linearArgMin(int u) {
        return linearArgMin[u];
    }

    /** First scenario where one unit short of the underlying's delta-one array loses most. */
    int linearArgMax(int u) {
        return linearArgMax[u];
    }

    double[] rawLinearUnits() {
        return linearUnitsPerUnit;
    }

    /** Whether the kernel nets the instrument onto the linear array (linear delta-one, with or without a basis). */
    boolean[] rawNettedOnLinear() {
        return nettedOnLinear;
    }

    /** Multiple of the linear array that is the instrument's own array (F / S; 1 without a basis). */
    double[] rawLinearScale() {
        return linearScale;
    }

    /**
     * Bytes held by the per-instrument arrays (values, marks, charges, flags).
     *
     * @return bytes
     */
    public long bytesHeld() {
        long n = instruments.size();
        return 8L * values.length + 8L * linearValues.length + 8L * n * 4 + 4 * n + 4L * n * 2;
    }
}
