package io.ballast.margin.engine;

import io.ballast.margin.market.MarketSnapshot;
import io.ballast.margin.param.RiskParameterSet;
import java.util.HashMap;
import java.util.Map;

/**
 * Risk arrays priced at the trial prices of liquidation-price searches, kept for other searches at the same market:
 * the searches of one account before and after a change try the same prices (today's times e^(+-1 %), e^(+-2 %), ...)
 * on mostly the same instruments, so the second copies what the first priced instead of pricing it again. Valid only
 * for the market and parameters it was made for ({@link #serves}); one search at a time (not thread-safe).
 */
final class TrialArrays {

    private final MarketSnapshot market;
    private final RiskParameterSet params;
    /** Per underlying, per trial price, arrays priced at today's market with the underlying at that price. */
    private final Map<String, Map<Double, RiskArrays>> priced = new HashMap<>();
    private int copies;
    private RiskArrays today;

    TrialArrays(MarketSnapshot market, RiskParameterSet params) {
        this.market = market;
        this.params = params;
    }

    /** Whether these arrays are of this market and these parameters (the very objects). */
    boolean serves(MarketSnapshot m, RiskParameterSet p) {
        return m == market && p == params;
    }

    /**
     * Arrays at today's market of (at least) the first instruments asked for, priced on the first call: the pools of
     * the account before and after copy them ({@link RiskArrays#subset}) instead of pricing their instruments again.
     *
     * @param instruments the instruments to price if none are yet
     * @return arrays at this market and parameters
     */
    RiskArrays today(java.util.List<? extends io.ballast.margin.product.Instrument> instruments) {
        if (today == null) {
            today = RiskArrays.build(instruments, market, params);
        }
        return today;
    }

    /** Arrays priced with the underlying at a trial price, or null. */
    RiskArrays at(String underlying, double priceUsd) {
        Map<Double, RiskArrays> byPrice = priced.get(underlying);
        RiskArrays known = byPrice == null ? null : byPrice.get(priceUsd);
        if (known != null) {
            copies++;
        }
        return known;
    }

    /** Keeps a copy of arrays just priced with the underlying at a trial price (the first kept for a price stays). */
    void keep(String underlying, double priceUsd, RiskArrays arrays) {
        priced.computeIfAbsent(underlying, u -> new HashMap<>()).computeIfAbsent(priceUsd, x -> arrays.copy());
    }

    /** @return how many trial prices were answered from kept arrays */
    int copies() {
        return copies;
    }
}
