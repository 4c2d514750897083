package io.ballast.risk.governance.domain;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;

/**
 * The numeric risk settings a proposal or an automatic change may move, by their JSON name (the camel-case field of
 * {@link RiskSettings}). Whole-day settings (MPORs, forecast age) are given as numbers and must be whole. Four settings
 * choose a method rather than a level: the floor mode ({@code NONE}, {@code LONG_LOOKBACK}, {@code STRESSED_PERIOD}),
 * the DTE scaling of vol shocks, the exception trigger of stress and the cap on the initial margin (each
 * {@code false}, {@code true}); they have {@link #choices()}, are proposed by name (or by their code, the index of the
 * name in the choices) and carried in a change as that code.
 */
public enum Setting {
    /** Initial-margin slope per unit of size. */
    IMF_SLOPE_PER_UNIT("imfSlopePerUnit", s -> s.imfSlopePerUnit, (s, v) -> s.imfSlopePerUnit = v),
    /** Maintenance-margin slope per unit of size. */
    MMF_SLOPE_PER_UNIT("mmfSlopePerUnit", s -> s.mmfSlopePerUnit, (s, v) -> s.mmfSlopePerUnit = v),
    /** Size (units of underlying) beyond which the size slopes apply: the standard margin's size add-on. */
    SIZE_THRESHOLD_UNITS("sizeThresholdUnits", s -> s.sizeThresholdUnits, (s, v) -> s.sizeThresholdUnits = v),
    /** Short-option IM base. */
    SHORT_OPTION_IM_BASE("shortOptionImBase", s -> s.shortOptionImBase, (s, v) -> s.shortOptionImBase = v),
    /** Short-option IM floor. */
    SHORT_OPTION_IM_FLOOR("shortOptionImFloor", s -> s.shortOptionImFloor, (s, v) -> s.shortOptionImFloor = v),
    /** Short-option MM fraction. */
    SHORT_OPTION_MM_FRACTION("shortOptionMmFraction", s -> s.shortOptionMmFraction,
            (s, v) -> s.shortOptionMmFraction = v),
    /** Scan range. */
    SCAN_RANGE_FRACTION("scanRangeFraction", s -> s.scanRangeFraction, (s, v) -> s.scanRangeFraction = v),
    /** Relative up vol shock. */
    VOL_SHOCK_UP_FRACTION("volShockUpFraction", s -> s.volShockUpFraction, (s, v) -> s.volShockUpFraction = v),
    /** Relative down vol shock. */
    VOL_SHOCK_DOWN_FRACTION("volShockDownFraction", s -> s.volShockDownFraction,
            (s, v) -> s.volShockDownFraction = v),
    /** Extreme move / scan range. */
    EXTREME_MOVE_MULTIPLE("extremeMoveMultiple", s -> s.extremeMoveMultiple, (s, v) -> s.extremeMoveMultiple = v),
    /** Weight of the extreme move. */
    EXTREME_MOVE_WEIGHT("extremeMoveWeight", s -> s.extremeMoveWeight, (s, v) -> s.extremeMoveWeight = v),
    /** Short-option contingency. */
    SHORT_OPTION_CONTINGENCY_FRACTION("shortOptionContingencyFraction", s -> s.shortOptionContingencyFraction,
            (s, v) -> s.shortOptionContingencyFraction = v),
    /** Linear contingency. */
    LINEAR_CONTINGENCY_FRACTION("linearContingencyFraction", s -> s.linearContingencyFraction,
            (s, v) -> s.linearContingencyFraction = v),
    /** Settlement price window in minutes (0: the index at expiry; 30: Deribit's time-weighted average). */
    SETTLEMENT_TWAP_MINUTES("settlementTwapMinutes", s -> s.settlementTwapMinutes,
            (s, v) -> s.settlementTwapMinutes = (int) v, true),
    /** Target coverage of the predictive mapping. */
    COVERAGE("coverage", s -> s.coverage, (s, v) -> s.coverage = v),
    /** MPOR of perps and futures, days. */
    MPOR_PERP_DAYS("mporPerpDays", s -> s.mporPerpDays, (s, v) -> s.mporPerpDays = (int) v, true),
    /** MPOR of options, days. */
    MPOR_OPTION_DAYS("mporOptionDays", s -> s.mporOptionDays, (s, v) -> s.mporOptionDays = (int) v, true),
    /** Tail factor. */
    TAIL_FACTOR("tailFactor", s -> s.tailFactor, (s, v) -> s.tailFactor = v),
    /** Liquidity factor. */
    LIQUIDITY_FACTOR("liquidityFactor", s -> s.liquidityFactor, (s, v) -> s.liquidityFactor = v),
    /** IMF / MMF of the mapping. */
    IM_MULTIPLIER("imMultiplier", s -> s.imMultiplier, (s, v) -> s.imMultiplier = v),
    /** Up vol shock per unit of scan range. */
    VOL_SHOCK_UP_PER_SCAN("volShockUpPerScan", s -> s.volShockUpPerScan, (s, v) -> s.volShockUpPerScan = v),
    /** Down vol shock per unit of scan range. */
    VOL_SHOCK_DOWN_PER_SCAN("volShockDownPerScan", s -> s.volShockDownPerScan, (s, v) -> s.volShockDownPerScan = v),
    /** Anti-procyclicality floor weight. */
    FLOOR_WEIGHT("floorWeight", s -> s.floorWeight, (s, v) -> s.floorWeight = v),
    /** Art. 28(a) buffer. */
    BUFFER_FRACTION("bufferFraction", s -> s.bufferFraction, (s, v) -> s.bufferFraction = v),
    /** Buffer release trigger. */
    BUFFER_RELEASE_RISE("bufferReleaseRise", s -> s.bufferReleaseRise, (s, v) -> s.bufferReleaseRise = v),
    /** Buffer rebuild speed per day. */
    BUFFER_REBUILD_PER_DAY("bufferRebuildPerDay", s -> s.bufferRebuildPerDay, (s, v) -> s.bufferRebuildPerDay = v),
    /** Daily increase cap. */
    MAX_DAILY_INCREASE("maxDailyIncrease", s -> s.maxDailyIncrease, (s, v) -> s.maxDailyIncrease = v),
    /** Daily decrease cap. */
    MAX_DAILY_DECREASE("maxDailyDecrease", s -> s.maxDailyDecrease, (s, v) -> s.maxDailyDecrease = v),
    /** Smoothing weight on rises. */
    SMOOTHING_UP("smoothingUp", s -> s.smoothingUp, (s, v) -> s.smoothingUp = v),
    /** Smoothing weight on falls. */
    SMOOTHING_DOWN("smoothingDown", s -> s.smoothingDown, (s, v) -> s.smoothingDown = v),
    /** Forecast staleness limit, days. */
    MAX_FORECAST_AGE_DAYS("maxForecastAgeDays", s -> s.maxForecastAgeDays,
            (s, v) -> s.maxForecastAgeDays = (int) v, true),
    /** Sanity jump ratio against EWMA. */
    SANITY_JUMP_RATIO("sanityJumpRatio", s -> s.sanityJumpRatio, (s, v) -> s.sanityJumpRatio = v),
    /** Auto-apply threshold. */
    AUTO_APPLY_MAX_CHANGE("autoApplyMaxChange", s -> s.autoApplyMaxChange, (s, v) -> s.autoApplyMaxChange = v),
    /** Regime trigger k: stress when realised daily volatility exceeds k times the forecast's (> 0). */
    STRESS_TRIGGER_RATIO("stressTriggerRatio", s -> s.stressTriggerRatio, (s, v) -> s.stressTriggerRatio = v),
    /** Largest relative rise of a maintenance parameter in one stressed step (1.0 = +100 %; >= 0). */
    STRESS_MAX_DAILY_INCREASE("stressMaxDailyIncrease", s -> s.stressMaxDailyIncrease,
            (s, v) -> s.stressMaxDailyIncrease = v),
    /** Intraday update: hours after which the realised variance weighs one half (> 0). */
    INTRADAY_HALF_WEIGHT_HOURS("intradayHalfWeightHours", s -> s.intradayHalfWeightHours,
            (s, v) -> s.intradayHalfWeightHours = v),
    /** Bound. */
    MIN_MMF("minMmf", s -> s.minMmf, (s, v) -> s.minMmf = v),
    /** Bound. */
    MAX_MMF("maxMmf", s -> s.maxMmf, (s, v) -> s.maxMmf = v),
    /** Bound. */
    MIN_IMF("minImf", s -> s.minImf, (s, v) -> s.minImf = v),
    /** Bound. */
    MAX_IMF("maxImf", s -> s.maxImf, (s, v) -> s.maxImf = v),
    /** Bound. */
    MIN_HAIRCUT("minHaircut", s -> s.minHaircut, (s, v) -> s.minHaircut = v),
    /** Bound. */
    MAX_HAIRCUT("maxHaircut", s -> s.maxHaircut, (s, v) -> s.maxHaircut = v),
    /** Bound. */
    MIN_SCAN_RANGE("minScanRange", s -> s.minScanRange, (s, v) -> s.minScanRange = v),
    /** Bound. */
    MAX_SCAN_RANGE("maxScanRange", s -> s.maxScanRange, (s, v) -> s.maxScanRange = v),
    /** Bound. */
    MIN_VOL_SHOCK_UP("minVolShockUp", s -> s.minVolShockUp, (s, v) -> s.minVolShockUp = v),
    /** Bound. */
    MAX_VOL_SHOCK_UP("maxVolShockUp", s -> s.maxVolShockUp, (s, v) -> s.maxVolShockUp = v),
    /** Bound. */
    MIN_VOL_SHOCK_DOWN("minVolShockDown", s -> s.minVolShockDown, (s, v) -> s.minVolShockDown = v),
    /** Bound. */
    MAX_VOL_SHOCK_DOWN("maxVolShockDown", s -> s.maxVolShockDown, (s, v) -> s.maxVolShockDown = v),
    /** Anti-procyclicality floor mode (a choice: its code is the index of the mode's name in {@link #choices()}). */
    FLOOR_MODE("floorMode", s -> s.floorMode.ordinal(),
            (s, v) -> s.floorMode = io.ballast.predictive.GuardrailSettings.FloorMode.values()[(int) v],
            Arrays.stream(io.ballast.predictive.GuardrailSettings.FloorMode.values()).map(Enum::name).toList()),
    /** Whether vol shocks scale with days to expiry (a choice: 0 false, 1 true). */
    VOL_SHOCK_DTE_SCALED("volShockDteScaled", s -> s.volShockDteScaled ? 1 : 0,
            (s, v) -> s.volShockDteScaled = v != 0, List.of("false", "true")),
    /** Whether an exception (MPOR move beyond the MMF in force) declares stress (a choice: 0 false, 1 true). */
    EXCEPTION_TRIGGER("exceptionTrigger", s -> s.exceptionTrigger ? 1 : 0, (s, v) -> s.exceptionTrigger = v != 0,
            List.of("false", "true")),
    /** Whether the daily increase cap also holds the initial-margin fraction (a choice: 0 false, 1 true). */
    CAP_INITIAL_MARGIN("capInitialMargin", s -> s.capInitialMargin ? 1 : 0, (s, v) -> s.capInitialMargin = v != 0,
            List.of("false", "true"));

    private static final Map<String, Setting> BY_NAME = Arrays.stream(values())
            .collect(Collectors.toMap(Setting::jsonName, s -> s));

    private final String jsonName;
    private final ToDoubleFunction<RiskSettings> getter;
    private final Setter setter;
    private final boolean whole;
    private final List<String> choices;

    @FunctionalInterface
    private interface Setter {
        void set(RiskSettings s, double v);
    }

    Setting(String jsonName, ToDoubleFunction<RiskSettings> getter, Setter setter) {
        this.jsonName = jsonName;
        this.getter = getter;
        this.setter = setter;
        this.whole = false;
        this.choices = null;
    }

    Setting(String jsonName, ToDoubleFunction<RiskSettings> getter, Setter setter, boolean whole) {
        this.jsonName = jsonName;
        this.getter = getter;
        this.setter = setter;
        this.whole = whole;
        this.choices = null;
    }

    Setting(String jsonName, ToDoubleFunction<RiskSettings> getter, Setter setter, List<String> choices) {
        this.jsonName = jsonName;
        this.getter = getter;
        this.setter = setter;
        this.whole = true;
        this.choices = List.copyOf(choices);
    }

    /** The JSON name, e.g. {@code scanRangeFraction}. */
    public String jsonName() {
        return jsonName;
    }

    /** Whether the value must be a whole number (days). */
    public boolean whole() {
        return whole;
    }

    /** The names a choice setting takes, its code being the index; null for a numeric setting. */
    public List<String> choices() {
        return choices;
    }

    /**
     * The code of a choice's name (case-insensitive), or -1 when it names none.
     *
     * @param name e.g. {@code STRESSED_PERIOD} or {@code true}
     * @return the index in {@link #choices()}, or -1
     */
    public int code(String name) {
        for (int i = 0; choices != null && i < choices.size(); i++) {
            if (choices.get(i).equalsIgnoreCase(name)) {
                return i;
            }
        }
        return -1;
    }

    /**
     * A value as people read it: the choice's name for a choice setting (the code when out of range), the number
     * otherwise.
     *
     * @param name  a parameter or setting name
     * @param value its value (a code for a choice)
     * @return the name of the choice, or the value
     */
    public static Object display(String name, java.math.BigDecimal value) {
        Setting s = byName(name);
        if (s == null || s.choices == null || value == null) {
            return value;
        }
        int i = value.intValue();
        return value.stripTrailingZeros().scale() <= 0 && i >= 0 && i < s.choices.size() ? s.choices.get(i) : value;
    }

    /**
     * A change or a set of values as people read it ({@link #display} of each).
     *
     * @param values values by name
     * @return the same names, choices by name
     */
    public static Map<String, Object> display(Map<String, java.math.BigDecimal> values) {
        Map<String, Object> out = new java.util.TreeMap<>();
        values.forEach((k, v) -> out.put(k, display(k, v)));
        return out;
    }

    /** The value in a settings version. */
    public double get(RiskSettings s) {
        return getter.applyAsDouble(s);
    }

    /** Sets the value on an unsaved settings version. */
    public void set(RiskSettings s, double v) {
        setter.set(s, v);
    }

    /** The setting with this JSON name, or null. */
    public static Setting byName(String name) {
        return BY_NAME.get(name);
    }
}
