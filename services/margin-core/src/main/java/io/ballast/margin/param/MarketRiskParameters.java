package io.ballast.margin.param;

import io.ballast.margin.Checks;
import io.ballast.margin.MarginInputException;

/**
 * Risk parameters of one market (one underlying). Every figure is an input so that the predictive-margin module can
 * move it. All fractions are plain fractions (0.02 = 2 %). "Size" is the absolute position quantity in units of the
 * underlying (for example BTC).
 *
 * <p>Standard margin, linear instruments (spot, perpetual, dated future), with {@code excess = max(0, size -
 * sizeThresholdUnits)}: {@code IMF(size) = imfBase + imfSlopePerUnit * excess},
 * {@code MMF(size) = mmfBase + mmfSlopePerUnit * excess}. Deribit's futures margin is the case of a zero threshold
 * (IM 2 % + size x 0.005 %, MM 1 % + size x 0.005 %, size in BTC); a threshold keeps small positions at the base
 * fractions. The part of the IM above the base, {@code size * S * imfSlopePerUnit * excess}, is the size add-on the
 * breakdown shows.
 *
 * <p>Standard margin, short options (per unit of underlying, S index price, mark option mark price, OTM the amount
 * the option is out of the money in USD): {@code IM = max(shortOptionImBase - OTM/S, shortOptionImFloor) * S + mark};
 * {@code MM = shortOptionMmFraction * S + mark} (calls), {@code max(shortOptionMmFraction * S,
 * shortOptionMmFraction * mark) + mark} (puts); a short put's IM is at least its MM.
 *
 * <p>Portfolio margin: price moves across {@code +-scanRangeFraction}; volatility shocks
 * {@code vol * (1 + volShockUpFraction * k)} and {@code vol * (1 - volShockDownFraction * k)} with
 * {@code k = (30 / DTE)^0.3} when {@code volShockDteScaled} (DTE in days, floored at 1) and {@code k = 1} otherwise;
 * two extreme moves of {@code +-extremeMoveMultiple * scanRangeFraction} at unchanged volatility, whose P&amp;L counts
 * at {@code extremeMoveWeight}; contingency charges {@code shortOptionContingencyFraction * S} per unit of net short
 * option (per option instrument) and {@code linearContingencyFraction * S} per unit of net linear exposure (spot,
 * perpetuals and dated futures netted per underlying).
 *
 * @param imfBase initial-margin fraction of notional at zero size (Deribit futures: 0.02)
 * @param imfSlopePerUnit IMF increase per unit of size (Deribit BTC futures: 0.00005, i.e. 0.005 % per BTC)
 * @param mmfBase maintenance fraction at zero size (Deribit futures: 0.01); must not exceed imfBase
 * @param mmfSlopePerUnit MMF increase per unit of size (Deribit BTC futures: 0.00005)
 * @param shortOptionImBase base IM of a short option as a fraction of the index (Deribit: 0.15)
 * @param shortOptionImFloor minimum IM of a short option as a fraction of the index (Deribit: 0.10)
 * @param shortOptionMmFraction MM of a short option as a fraction of the index (Deribit: 0.075)
 * @param scanRangeFraction largest price move of the regular scenarios, fraction of the index (e.g. 0.15)
 * @param volShockUpFraction relative volatility increase (Derive PMRM: 0.45)
 * @param volShockDownFraction relative volatility decrease (Derive PMRM: 0.30), below 1 unless DTE-scaled
 * @param volShockDteScaled whether vol shocks are scaled by (30/DTE)^0.3 (Deribit legacy, Derive)
 * @param extremeMoveMultiple extreme move as a multiple of the scan range (SPAN classic: 3)
 * @param extremeMoveWeight fraction of the extreme-move P&amp;L that counts (SPAN: 0.35)
 * @param shortOptionContingencyFraction charge per unit of net short option, fraction of the index (Derive: 0.01)
 * @param linearContingencyFraction charge per unit of net linear exposure, fraction of the index (our default 0.005)
 * @param sizeThresholdUnits size (units of underlying) up to which the size slopes do not apply; 0 (Deribit) applies
 *        them from the first unit
 */
public record MarketRiskParameters(
        double imfBase, double imfSlopePerUnit, double mmfBase, double mmfSlopePerUnit,
        double shortOptionImBase, double shortOptionImFloor, double shortOptionMmFraction,
        double scanRangeFraction, double volShockUpFraction, double volShockDownFraction, boolean volShockDteScaled,
        double extremeMoveMultiple, double extremeMoveWeight,
        double shortOptionContingencyFraction, double linearContingencyFraction, double sizeThresholdUnits) {

    /** Validates every field. */
    public MarketRiskParameters {
        Checks.nonNegative("sizeThresholdUnits", sizeThresholdUnits);
        Checks.fraction("imfBase", imfBase);
        Checks.nonNegative("imfSlopePerUnit", imfSlopePerUnit);
        Checks.fraction("mmfBase", mmfBase);
        Checks.nonNegative("mmfSlopePerUnit", mmfSlopePerUnit);
        if (mmfBase > imfBase) {
            throw new MarginInputException("mmfBase", "must not exceed imfBase " + imfBase + ", was " + mmfBase);
        }
        Checks.fraction("shortOptionImBase", shortOptionImBase);
        Checks.fraction("shortOptionImFloor", shortOptionImFloor);
        Checks.fraction("shortOptionMmFraction", shortOptionMmFraction);
        if (!(scanRangeFraction > 0 && scanRangeFraction < 1)) {
            throw new MarginInputException("scanRangeFraction", "must be in (0, 1), was " + scanRangeFraction);
        }
        Checks.nonNegative("volShockUpFraction", volShockUpFraction);
        Checks.fraction("volShockDownFraction", volShockDownFraction);
        Checks.nonNegative("extremeMoveMultiple", extremeMoveMultiple);
        if (extremeMoveMultiple * scanRangeFraction >= 1) {
            throw new MarginInputException("extremeMoveMultiple", "extreme move " + extremeMoveMultiple + " x "
                    + scanRangeFraction + " would take the price to zero or below");
        }
        Checks.fraction("extremeMoveWeight", extremeMoveWeight);
        Checks.fraction("shortOptionContingencyFraction", shortOptionContingencyFraction);
        Checks.fraction("linearContingencyFraction", linearContingencyFraction);
    }

    /**
     * Parameters without a size threshold (the size slopes apply from the first unit, as Deribit's do).
     *
     * @param imfBase IM fraction at zero size
     * @param imfSlopePerUnit IM slope per unit of size
     * @param mmfBase MM fraction at zero size
     * @param mmfSlopePerUnit MM slope per unit of size
     * @param shortOptionImBase short-option IM base
     * @param shortOptionImFloor short-option IM floor
     * @param shortOptionMmFraction short-option MM fraction
     * @param scanRangeFraction scan range
     * @param volShockUpFraction up vol shock
     * @param volShockDownFraction down vol shock
     * @param volShockDteScaled whether vol shocks are DTE-scaled
     * @param extremeMoveMultiple extreme move multiple
     * @param extremeMoveWeight extreme move weight
     * @param shortOptionContingencyFraction short-option contingency
     * @param linearContingencyFraction linear contingency
     */
    public MarketRiskParameters(double imfBase, double imfSlopePerUnit, double mmfBase, double mmfSlopePerUnit,
            double shortOptionImBase, double shortOptionImFloor, double shortOptionMmFraction,
            double scanRangeFraction, double volShockUpFraction, double volShockDownFraction, boolean volShockDteScaled,
            double extremeMoveMultiple, double extremeMoveWeight,
            double shortOptionContingencyFraction, double linearContingencyFraction) {
        this(imfBase, imfSlopePerUnit, mmfBase, mmfSlopePerUnit, shortOptionImBase, shortOptionImFloor,
                shortOptionMmFraction, scanRangeFraction, volShockUpFraction, volShockDownFraction, volShockDteScaled,
                extremeMoveMultiple, extremeMoveWeight, shortOptionContingencyFraction, linearContingencyFraction, 0);
    }

    /**
     * Defaults for a large crypto market (BTC-like). Sources: Deribit futures IMF/MMF and short-option rule
     * (Deribit margin documentation), Derive PMRM vol shocks and 1 % short-option contingency
     * (derivexyz/v2-core PMRM), CME SPAN extreme moves (3 x scan range at 35 %); scan range 15 % and the 0.5 % linear
     * contingency are our choice.
     *
     * @return default parameters
     */
    public static MarketRiskParameters defaults() {
        return new MarketRiskParameters(0.02, 0.00005, 0.01, 0.00005, 0.15, 0.10, 0.075,
                0.15, 0.45, 0.30, true, 3.0, 0.35, 0.01, 0.005);
    }

    /**
     * Initial-margin fraction of a linear position.
     *
     * @param size absolute quantity, units of underlying
     * @return imfBase + imfSlopePerUnit * max(0, size - sizeThresholdUnits)
     */
    public double imf(double size) {
        return imfBase + imfSlopePerUnit * sizeExcess(size);
    }

    /**
     * Size beyond the threshold.
     *
     * @param size quantity, units of underlying (sign ignored)
     * @return max(0, |size| - sizeThresholdUnits)
     */
    public double sizeExcess(double size) {
        return Math.max(0.0, Math.abs(size) - sizeThresholdUnits);
    }

    /**
     * Maintenance-margin fraction of a linear position.
     *
     * @param size absolute quantity, units of underlying
     * @return mmfBase + mmfSlopePerUnit * max(0, size - sizeThresholdUnits)
     */
    public double mmf(double size) {
        return mmfBase + mmfSlopePerUnit * sizeExcess(size);
    }

    /**
     * Relative vol-shock scale for an option with some days to expiry.
     *
     * @param daysToExpiry days to expiry (floored at 1)
     * @return (30/DTE)^0.3 when {@link #volShockDteScaled()}, else 1
     */
    public double volShockScale(double daysToExpiry) {
        return volShockDteScaled ? Math.pow(30.0 / Math.max(1.0, daysToExpiry), 0.3) : 1.0;
    }

    /**
     * A builder preset with these values, to change some of them.
     *
     * @return builder
     */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Mutable builder of {@link MarketRiskParameters}; not thread-safe. Setters are named after the fields. */
    public static final class Builder {
        private double imfBase;
        private double imfSlopePerUnit;
        private double mmfBase;
        private double mmfSlopePerUnit;
        private double shortOptionImBase;
        private double shortOptionImFloor;
        private double shortOptionMmFraction;
        private double scanRangeFraction;
        private double volShockUpFraction;
        private double volShockDownFraction;
        private boolean volShockDteScaled;
        private double extremeMoveMultiple;
        private double extremeMoveWeight;
        private double shortOptionContingencyFraction;
        private double linearContingencyFraction;
        private double sizeThresholdUnits;

        private Builder(MarketRiskParameters p) {
            imfBase = p.imfBase;
            imfSlopePerUnit = p.imfSlopePerUnit;
            mmfBase = p.mmfBase;
            mmfSlopePerUnit = p.mmfSlopePerUnit;
            shortOptionImBase = p.shortOptionImBase;
            shortOptionImFloor = p.shortOptionImFloor;
            shortOptionMmFraction = p.shortOptionMmFraction;
            scanRangeFraction = p.scanRangeFraction;
            volShockUpFraction = p.volShockUpFraction;
            volShockDownFraction = p.volShockDownFraction;
            volShockDteScaled = p.volShockDteScaled;
            extremeMoveMultiple = p.extremeMoveMultiple;
            extremeMoveWeight = p.extremeMoveWeight;
            shortOptionContingencyFraction = p.shortOptionContingencyFraction;
            linearContingencyFraction = p.linearContingencyFraction;
            sizeThresholdUnits = p.sizeThresholdUnits;
        }

        /** @param units size up to which the size slopes do not apply, units of underlying @return this */
        public Builder sizeThreshold(double units) {
            sizeThresholdUnits = units;
            return this;
        }

        /** @param base IMF at zero size @param slopePerUnit IMF increase per unit @return this */
        public Builder imf(double base, double slopePerUnit) {
            imfBase = base;
            imfSlopePerUnit = slopePerUnit;
            return this;
        }

        /** @param base MMF at zero size @param slopePerUnit MMF increase per unit @return this */
        public Builder mmf(double base, double slopePerUnit) {
            mmfBase = base;
            mmfSlopePerUnit = slopePerUnit;
            return this;
        }

        /**
         * @param imBase short-option IM base fraction
         * @param imFloor short-option IM floor fraction
         * @param mmFraction short-option MM fraction
         * @return this
         */
        public Builder shortOption(double imBase, double imFloor, double mmFraction) {
            shortOptionImBase = imBase;
            shortOptionImFloor = imFloor;
            shortOptionMmFraction = mmFraction;
            return this;
        }

        /** @param fraction scan range, fraction of the index @return this */
        public Builder scanRangeFraction(double fraction) {
            scanRangeFraction = fraction;
            return this;
        }

        /**
         * @param upFraction relative vol increase
         * @param downFraction relative vol decrease
         * @param dteScaled whether scaled by (30/DTE)^0.3
         * @return this
         */
        public Builder volShocks(double upFraction, double downFraction, boolean dteScaled) {
            volShockUpFraction = upFraction;
            volShockDownFraction = downFraction;
            volShockDteScaled = dteScaled;
            return this;
        }

        /** @param multiple extreme move / scan range @param weight fraction counted @return this */
        public Builder extremeMove(double multiple, double weight) {
            extremeMoveMultiple = multiple;
            extremeMoveWeight = weight;
            return this;
        }

        /** @param shortOption per unit of net short option @param linear per unit of net linear @return this */
        public Builder contingency(double shortOption, double linear) {
            shortOptionContingencyFraction = shortOption;
            linearContingencyFraction = linear;
            return this;
        }

        /** @return the validated parameters */
        public MarketRiskParameters build() {
            return new MarketRiskParameters(imfBase, imfSlopePerUnit, mmfBase, mmfSlopePerUnit, shortOptionImBase,
                    shortOptionImFloor, shortOptionMmFraction, scanRangeFraction, volShockUpFraction,
                    volShockDownFraction, volShockDteScaled, extremeMoveMultiple, extremeMoveWeight,
                    shortOptionContingencyFraction, linearContingencyFraction, sizeThresholdUnits);
        }
    }
}
