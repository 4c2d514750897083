package io.ballast.risk.governance.domain;

import io.ballast.margin.param.MarketRiskParameters;
import io.ballast.predictive.GuardrailSettings;
import io.ballast.predictive.RegimeSettings;
import io.ballast.predictive.MappingSettings;
import io.ballast.predictive.RecommendedParameters;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;

/**
 * One version of a tenant's (or one underlying's) risk settings (table {@code risk_settings}): the portfolio-margin
 * scenario grid and contingencies of margin-core's {@link MarketRiskParameters}, the predictive mapping
 * ({@link MappingSettings}) and the guardrails ({@link GuardrailSettings}) with their regime settings
 * ({@link RegimeSettings}). Never updated: a change is a new version
 * ({@link #nextVersion}). The IM/MM base fractions and haircuts stay in {@code risk_parameter}. All fractions are
 * plain fractions (0.15 = 15 %); field meanings are those of the margin-core and predictive-margin records named.
 */
@Entity
@Table(name = "risk_settings")
public class RiskSettings {
    /** Default settlement window, minutes: Deribit's time-weighted average over the last 30 minutes. */
    public static final int DEFAULT_SETTLEMENT_TWAP_MINUTES = 30;

    /** Primary key. */
    @Id
    public UUID id;
    /** Owning tenant. */
    public UUID tenantId;
    /** Tenant-wide or one asset. */
    @Enumerated(EnumType.STRING)
    public SettingsScope scope;
    /** Tenant id (TENANT) or asset id (ASSET). */
    public UUID targetId;
    /** 1, 2, 3 ... per target. */
    public int version;
    /** When this version takes effect (UTC). */
    public OffsetDateTime effectiveFrom;

    /** {@link MarketRiskParameters#imfSlopePerUnit()}. */
    public double imfSlopePerUnit;
    /** {@link MarketRiskParameters#mmfSlopePerUnit()}. */
    public double mmfSlopePerUnit;
    /**
     * {@link MarketRiskParameters#sizeThresholdUnits()}: size (units of underlying) up to which the size slopes do not
     * apply; beyond it the standard IM grows by a size add-on (0: from the first unit, as Deribit's futures margin).
     */
    public double sizeThresholdUnits;
    /** {@link MarketRiskParameters#shortOptionImBase()}. */
    public double shortOptionImBase;
    /** {@link MarketRiskParameters#shortOptionImFloor()}. */
    public double shortOptionImFloor;
    /** {@link MarketRiskParameters#shortOptionMmFraction()}. */
    public double shortOptionMmFraction;
    /** {@link MarketRiskParameters#scanRangeFraction()}. */
    public double scanRangeFraction;
    /** {@link MarketRiskParameters#volShockUpFraction()}. */
    public double volShockUpFraction;
    /** {@link MarketRiskParameters#volShockDownFraction()}. */
    public double volShockDownFraction;
    /** {@link MarketRiskParameters#volShockDteScaled()}. */
    public boolean volShockDteScaled;
    /** {@link MarketRiskParameters#extremeMoveMultiple()}. */
    public double extremeMoveMultiple;
    /** {@link MarketRiskParameters#extremeMoveWeight()}. */
    public double extremeMoveWeight;
    /** {@link MarketRiskParameters#shortOptionContingencyFraction()}. */
    public double shortOptionContingencyFraction;
    /** {@link MarketRiskParameters#linearContingencyFraction()}. */
    public double linearContingencyFraction;
    /**
     * How expiring futures and options of this market settle (docs/margin.md "Expiry and settlement"): 0 = at the
     * index in force at expiry; n &gt; 0 = at the time-weighted average of the index over the last n minutes before
     * expiry (Deribit: 30, the default).
     */
    public int settlementTwapMinutes;

    /** {@link MappingSettings#coverage()}. */
    public double coverage;
    /** {@link MappingSettings#mporPerpDays()}, days. */
    public int mporPerpDays;
    /** {@link MappingSettings#mporOptionDays()}, days. */
    public int mporOptionDays;
    /** {@link MappingSettings#tailFactor()}. */
    public double tailFactor;
    /** {@link MappingSettings#liquidityFactor()}. */
    public double liquidityFactor;
    /** {@link MappingSettings#imMultiplier()}. */
    public double imMultiplier;
    /** {@link MappingSettings#volShockUpPerScan()}. */
    public double volShockUpPerScan;
    /** {@link MappingSettings#volShockDownPerScan()}. */
    public double volShockDownPerScan;

    /** {@link GuardrailSettings#floorMode()}. */
    @Enumerated(EnumType.STRING)
    public GuardrailSettings.FloorMode floorMode;
    /** {@link GuardrailSettings#floorWeight()}. */
    public double floorWeight;
    /** {@link GuardrailSettings#bufferFraction()}. */
    public double bufferFraction;
    /** {@link GuardrailSettings#bufferReleaseRise()}. */
    public double bufferReleaseRise;
    /** {@link GuardrailSettings#bufferRebuildPerDay()}. */
    public double bufferRebuildPerDay;
    /** {@link GuardrailSettings#maxDailyIncrease()}. */
    public double maxDailyIncrease;
    /** {@link GuardrailSettings#maxDailyDecrease()}. */
    public double maxDailyDecrease;
    /** {@link GuardrailSettings#smoothingUp()}. */
    public double smoothingUp;
    /** {@link GuardrailSettings#smoothingDown()}. */
    public double smoothingDown;
    /** {@link GuardrailSettings#maxForecastAgeDays()}. */
    public int maxForecastAgeDays;
    /** {@link GuardrailSettings#sanityJumpRatio()}. */
    public double sanityJumpRatio;
    /** {@link GuardrailSettings#autoApplyMaxChange()}: the bound of automatic changes (relative to the live value). */
    public double autoApplyMaxChange;
    /** {@link RegimeSettings#stressTriggerRatio()}: k, stress when realised daily volatility exceeds k x forecast. */
    public double stressTriggerRatio;
    /** {@link RegimeSettings#exceptionTrigger()}: whether an MPOR move beyond the MMF in force declares stress. */
    public boolean exceptionTrigger;
    /** {@link RegimeSettings#stressMaxDailyIncrease()}: largest relative rise in one stressed step (1.0 = +100 %). */
    public double stressMaxDailyIncrease;
    /** {@link RegimeSettings#intradayHalfWeightHours()}: hours after which an intraday update weighs one half. */
    public double intradayHalfWeightHours;
    /** {@link RegimeSettings#capInitialMargin()}: whether the daily increase cap also holds the IMF. */
    public boolean capInitialMargin;
    /** Hard bound: lowest MMF a recommendation may reach. */
    public double minMmf;
    /** Hard bound: highest MMF. */
    public double maxMmf;
    /** Hard bound: lowest IMF. */
    public double minImf;
    /** Hard bound: highest IMF. */
    public double maxImf;
    /** Hard bound: lowest haircut. */
    public double minHaircut;
    /** Hard bound: highest haircut. */
    public double maxHaircut;
    /** Hard bound: lowest scan range. */
    public double minScanRange;
    /** Hard bound: highest scan range. */
    public double maxScanRange;
    /** Hard bound: lowest up vol shock. */
    public double minVolShockUp;
    /** Hard bound: highest up vol shock. */
    public double maxVolShockUp;
    /** Hard bound: lowest down vol shock. */
    public double minVolShockDown;
    /** Hard bound: highest down vol shock. */
    public double maxVolShockDown;

    /** Who wrote this version. */
    @Enumerated(EnumType.STRING)
    public ParameterSource source;
    /** Token subject of the writer, or {@code model:<version>} for an automatic change. */
    public String actor;
    /** Name shown for the writer ({@link Actor#name()}), or null (rows written before it was recorded). */
    public String actorName;
    /** The proposal that made it, or null. */
    public UUID proposalId;
    /** When the row was written (UTC). */
    public OffsetDateTime createdAt;

    /**
     * The documented defaults of a new tenant (docs/governance.md, "Settings and their defaults"):
     * {@link MarketRiskParameters#defaults()} except the size slopes, which are 0 (the service has always margined
     * without size scaling), {@link MappingSettings#defaults()} and {@link GuardrailSettings#defaults()}.
     *
     * @param tenant the tenant (also the target of the TENANT scope)
     * @param effectiveFrom when the version takes effect
     * @return an unsaved version 1 with source ONBOARDING
     */
    public static RiskSettings defaults(UUID tenant, OffsetDateTime effectiveFrom) {
        MarketRiskParameters m = MarketRiskParameters.defaults();
        RiskSettings s = new RiskSettings();
        s.id = UUID.randomUUID();
        s.tenantId = tenant;
        s.scope = SettingsScope.TENANT;
        s.targetId = tenant;
        s.version = 1;
        s.effectiveFrom = effectiveFrom;
        s.imfSlopePerUnit = 0;
        s.mmfSlopePerUnit = 0;
        s.shortOptionImBase = m.shortOptionImBase();
        s.shortOptionImFloor = m.shortOptionImFloor();
        s.shortOptionMmFraction = m.shortOptionMmFraction();
        s.scanRangeFraction = m.scanRangeFraction();
        s.volShockUpFraction = m.volShockUpFraction();
        s.volShockDownFraction = m.volShockDownFraction();
        s.volShockDteScaled = m.volShockDteScaled();
        s.extremeMoveMultiple = m.extremeMoveMultiple();
        s.extremeMoveWeight = m.extremeMoveWeight();
        s.shortOptionContingencyFraction = m.shortOptionContingencyFraction();
        s.linearContingencyFraction = m.linearContingencyFraction();
        s.settlementTwapMinutes = DEFAULT_SETTLEMENT_TWAP_MINUTES;
        s.setPredictive(MappingSettings.defaults(), GuardrailSettings.defaults());
        s.source = ParameterSource.ONBOARDING;
        s.actor = Actor.ONBOARDING.subject();
        s.actorName = Actor.ONBOARDING.name();
        s.createdAt = OffsetDateTime.now(ZoneOffset.UTC);
        return s;
    }

    /**
     * Sets every value of the predictive mapping and the guardrails (regime settings included) on this unsaved
     * version: what {@link #defaults} writes, and what applying a {@link io.ballast.predictive.Preset} changes. The
     * margin-core values (scan range, vol shocks, contingencies, settlement window) are left as they are.
     *
     * @param map the mapping settings
     * @param g   the guardrail settings
     */
    public void setPredictive(MappingSettings map, GuardrailSettings g) {
        coverage = map.coverage();
        mporPerpDays = map.mporPerpDays();
        mporOptionDays = map.mporOptionDays();
        tailFactor = map.tailFactor();
        liquidityFactor = map.liquidityFactor();
        imMultiplier = map.imMultiplier();
        volShockUpPerScan = map.volShockUpPerScan();
        volShockDownPerScan = map.volShockDownPerScan();
        floorMode = g.floorMode();
        floorWeight = g.floorWeight();
        bufferFraction = g.bufferFraction();
        bufferReleaseRise = g.bufferReleaseRise();
        bufferRebuildPerDay = g.bufferRebuildPerDay();
        maxDailyIncrease = g.maxDailyIncrease();
        maxDailyDecrease = g.maxDailyDecrease();
        smoothingUp = g.smoothingUp();
        smoothingDown = g.smoothingDown();
        maxForecastAgeDays = g.maxForecastAgeDays();
        sanityJumpRatio = g.sanityJumpRatio();
        autoApplyMaxChange = g.autoApplyMaxChange();
        RecommendedParameters min = g.minimums();
        RecommendedParameters max = g.maximums();
        minMmf = min.mmf();
        maxMmf = max.mmf();
        minImf = min.imf();
        maxImf = max.imf();
        minHaircut = min.haircut();
        maxHaircut = max.haircut();
        minScanRange = min.scanRange();
        maxScanRange = max.scanRange();
        minVolShockUp = min.volShockUp();
        maxVolShockUp = max.volShockUp();
        minVolShockDown = min.volShockDown();
        maxVolShockDown = max.volShockDown();
        RegimeSettings r = g.regime();
        stressTriggerRatio = r.stressTriggerRatio();
        exceptionTrigger = r.exceptionTrigger();
        stressMaxDailyIncrease = r.stressMaxDailyIncrease();
        intradayHalfWeightHours = r.intradayHalfWeightHours();
        capInitialMargin = r.capInitialMargin();
    }

    /**
     * An unsaved copy of these values as the next version of a target (the caller sets the changed values).
     *
     * @param scope scope of the new version
     * @param targetId its target
     * @param version its version number
     * @param effectiveFrom when it takes effect
     * @param source who writes it
     * @param actor who writes it (subject and name are kept)
     * @param proposalId the proposal, or null
     * @return the copy
     */
    public RiskSettings nextVersion(SettingsScope scope, UUID targetId, int version, OffsetDateTime effectiveFrom,
            ParameterSource source, Actor actor, UUID proposalId) {
        RiskSettings s = new RiskSettings();
        for (Setting x : Setting.values()) {
            x.set(s, x.get(this));
        }
        s.volShockDteScaled = volShockDteScaled;
        s.floorMode = floorMode;
        s.id = UUID.randomUUID();
        s.tenantId = tenantId;
        s.scope = scope;
        s.targetId = targetId;
        s.version = version;
        s.effectiveFrom = effectiveFrom;
        s.source = source;
        s.actor = actor.subject();
        s.actorName = actor.name();
        s.proposalId = proposalId;
        s.createdAt = OffsetDateTime.now(ZoneOffset.UTC);
        return s;
    }

    /**
     * The margin engine's parameters of one underlying with these settings.
     *
     * @param imfBase initial-margin fraction from the parameters in force
     * @param mmfBase maintenance fraction from the parameters in force
     * @return validated parameters (margin-core throws naming the field when they are inconsistent)
     */
    public MarketRiskParameters marketParameters(double imfBase, double mmfBase) {
        return MarketRiskParameters.defaults().toBuilder()
                .imf(imfBase, imfSlopePerUnit).mmf(mmfBase, mmfSlopePerUnit).sizeThreshold(sizeThresholdUnits)
                .shortOption(shortOptionImBase, shortOptionImFloor, shortOptionMmFraction)
                .scanRangeFraction(scanRangeFraction)
                .volShocks(volShockUpFraction, volShockDownFraction, volShockDteScaled)
                .extremeMove(extremeMoveMultiple, extremeMoveWeight)
                .contingency(shortOptionContingencyFraction, linearContingencyFraction)
                .build();
    }

    /** The predictive mapping of these settings (validated by predictive-margin). */
    public MappingSettings mapping() {
        return new MappingSettings(coverage, mporPerpDays, mporOptionDays, tailFactor, liquidityFactor, imMultiplier,
                volShockUpPerScan, volShockDownPerScan);
    }

    /**
     * The guardrails of these settings (validated by predictive-margin): the job's inputs to the Recommender, with
     * the tenant's (or the underlying's) own {@link #regime()}.
     */
    public GuardrailSettings guardrails() {
        return new GuardrailSettings(floorMode, floorWeight, bufferFraction, bufferReleaseRise, bufferRebuildPerDay,
                maxDailyIncrease, maxDailyDecrease, minimums(), maximums(), smoothingUp, smoothingDown,
                maxForecastAgeDays, sanityJumpRatio, autoApplyMaxChange, regime());
    }

    /**
     * The regime settings of this version (validated by predictive-margin, naming the field): stress trigger k,
     * exception trigger, stressed-step limit, intraday half weight, IMF capped or not. Rows written before V80 hold
     * {@link RegimeSettings#defaults()}.
     */
    public RegimeSettings regime() {
        return new RegimeSettings(stressTriggerRatio, exceptionTrigger, stressMaxDailyIncrease,
                intradayHalfWeightHours, capInitialMargin);
    }

    /** Hard lower bounds of the recommended parameters. */
    public RecommendedParameters minimums() {
        return RecommendedParameters.of(minMmf, minImf, minHaircut, minScanRange, minVolShockUp, minVolShockDown);
    }

    /** Hard upper bounds of the recommended parameters. */
    public RecommendedParameters maximums() {
        return RecommendedParameters.of(maxMmf, maxImf, maxHaircut, maxScanRange, maxVolShockUp, maxVolShockDown);
    }

    /** Checks that the values make valid margin-core, mapping and guardrail settings; throws naming the field. */
    public void validate() {
        if (settlementTwapMinutes < 0 || settlementTwapMinutes > 1440) {
            throw new io.ballast.margin.MarginInputException("settlementTwapMinutes", "must be 0 (index at expiry) "
                    + "or a window of 1 to 1440 minutes, was " + settlementTwapMinutes);
        }
        marketParameters(0.02, 0.01);
        mapping();
        guardrails();
    }
}
