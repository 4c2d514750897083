package io.ballast.margin.engine;

import io.ballast.margin.market.MarketSnapshot;
import io.ballast.margin.measure.ChargeKind;
import io.ballast.margin.measure.ChargeLine;
import io.ballast.margin.measure.PositionLine;
import io.ballast.margin.param.MarketRiskParameters;
import io.ballast.margin.param.RiskParameterSet;
import io.ballast.margin.pricer.InstrumentPricer;
import io.ballast.margin.product.EuropeanOption;
import io.ballast.margin.product.Instrument;
import io.ballast.margin.product.OptionType;
import java.util.ArrayList;
import java.util.List;

/**
 * Standard margin, position by position (netted per instrument):
 * <ul>
 *   <li>delta one: IM = n * S * IMF(n), MM = n * S * MMF(n), n the size in units of underlying ({@code |q|}, or
 *       {@code |q| / mark} for an inverse perpetual or future whose quantity is USD of face value), the fractions
 *       growing with the size beyond the market's threshold (the IM's growth is listed as a size add-on);</li>
 *   <li>long option: IM = MM = q * mark (the premium);</li>
 *   <li>short option (per unit, OTM = out-of-the-money amount in USD): IM = max(imBase - OTM/S, imFloor) * S + mark;
 *       MM = mmFraction * S + mark for a call, max(mmFraction * S, mmFraction * mark) + mark for a put; a put's IM
 *       is at least its MM.</li>
 * </ul>
 */
final class StandardMarginCalculator {

    private StandardMarginCalculator() {
    }

    static List<PositionLine> lines(NettedPositions net, MarketSnapshot market, RiskParameterSet params) {
        List<PositionLine> lines = new ArrayList<>(net.size());
        for (int i = 0; i < net.size(); i++) {
            Instrument ins = net.instruments().get(i);
            double q = net.quantities()[i];
            double mark = net.markPricesUsd()[i];
            double[] imMm = line(ins, q, mark, market.indexPrice(ins.underlying()), params.market(ins.underlying()));
            lines.add(new PositionLine(ins.id(), ins.underlying(), q, mark, net.unrealizedPnlUsd()[i], imMm[0],
                    imMm[1]));
        }
        return lines;
    }

    /**
     * The requirements of one netted position.
     *
     * @param ins  the instrument
     * @param q    net quantity
     * @param mark its mark price, USD
     * @param s    its underlying's index price, USD
     * @param m    its underlying's parameters
     * @return {IM, MM}, USD
     */
    static double[] line(Instrument ins, double q, double mark, double s, MarketRiskParameters m) {
        double size = ins.kind().isLinear() ? Math.abs(q) * InstrumentPricer.DEFAULT.linearUnits(ins, mark)
                : Math.abs(q);
        if (ins.kind().isLinear()) {
            return new double[] {size * s * m.imf(size), size * s * m.mmf(size)};
        }
        if (q >= 0) {
            return new double[] {size * mark, size * mark};
        }
        double[] perUnit = shortOptionPerUnit((EuropeanOption) ins, s, mark, m);
        return new double[] {size * perUnit[0], size * perUnit[1]};
    }

    /**
     * The size add-ons of linear positions beyond their market's size threshold (already part of their IM).
     *
     * @return one {@link ChargeKind#SIZE_ADD_ON} line per linear position with a positive add-on
     */
    static List<ChargeLine> sizeAddOns(NettedPositions net, MarketSnapshot market, RiskParameterSet params) {
        List<ChargeLine> out = new ArrayList<>();
        for (int i = 0; i < net.size(); i++) {
            Instrument ins = net.instruments().get(i);
            if (!ins.kind().isLinear()) {
                continue;
            }
            MarketRiskParameters m = params.market(ins.underlying());
            double size = Math.abs(net.quantities()[i])
                    * InstrumentPricer.DEFAULT.linearUnits(ins, net.markPricesUsd()[i]);
            double addOn = size * market.indexPrice(ins.underlying()) * m.imfSlopePerUnit() * m.sizeExcess(size);
            if (addOn > 0) {
                out.add(new ChargeLine(ChargeKind.SIZE_ADD_ON, ins.id(), size, addOn));
            }
        }
        return out;
    }

    /**
     * Short-option requirement per unit.
     *
     * @return {IM, MM} in USD per unit
     */
    static double[] shortOptionPerUnit(EuropeanOption o, double s, double mark, MarketRiskParameters m) {
        boolean call = o.type() == OptionType.CALL;
        double otm = call ? Math.max(o.strikeUsd() - s, 0.0) : Math.max(s - o.strikeUsd(), 0.0);
        double im = Math.max(m.shortOptionImBase() - otm / s, m.shortOptionImFloor()) * s + mark;
        double mm;
        if (call) {
            mm = m.shortOptionMmFraction() * s + mark;
        } else {
            mm = Math.max(m.shortOptionMmFraction() * s, m.shortOptionMmFraction() * mark) + mark;
            im = Math.max(im, mm);
        }
        return new double[] {im, mm};
    }
}
