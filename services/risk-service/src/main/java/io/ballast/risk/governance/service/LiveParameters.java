package io.ballast.risk.governance.service;

import io.ballast.predictive.Preset;
import io.ballast.risk.domain.ApiException;
import io.ballast.risk.domain.Asset;
import io.ballast.risk.domain.FieldError;
import io.ballast.risk.domain.RiskParameter;
import io.ballast.risk.domain.RiskParameterScope;
import io.ballast.risk.domain.TenantId;
import io.ballast.risk.governance.domain.Actor;
import io.ballast.risk.governance.domain.ParameterSource;
import io.ballast.risk.governance.domain.RiskSettings;
import io.ballast.risk.governance.domain.Setting;
import io.ballast.risk.governance.domain.SettingsScope;
import io.ballast.risk.governance.repository.RiskSettingsRepository;
import io.ballast.risk.messaging.OutboxWriter;
import io.ballast.risk.messaging.Topics;
import io.ballast.risk.repository.AssetRepository;
import io.ballast.risk.repository.RiskParameterRepository;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

/**
 * The parameters in force per tenant and asset, and the one way governance writes new live versions. A "change" is
 * a map from a parameter's JSON name to its new value: the four {@code risk_parameter} fields of the asset
 * ({@link #PARAMETER_FIELDS}) and the named {@link Setting}s. Writing a change appends a {@code risk_parameter}
 * version (ASSET scope) when one of its fields moves, a {@code risk_settings} version (the asset's, or the tenant's
 * for a tenant-wide change) when a setting moves, and exactly one {@code ballast.parameters} event, all in the
 * caller's transaction.
 */
@ApplicationScoped
public class LiveParameters {

    /** Initial-margin fraction (risk_parameter). */
    public static final String IMF = "initialMarginFraction";
    /** Maintenance-margin fraction (risk_parameter). */
    public static final String MMF = "maintenanceMarginFraction";
    /** Collateral haircut (risk_parameter). */
    public static final String HAIRCUT = "collateralHaircut";
    /** Liquidation fee (risk_parameter). */
    public static final String LIQUIDATION_FEE = "liquidationFeeFraction";
    /** The risk_parameter fields a change may move. */
    public static final Set<String> PARAMETER_FIELDS = Set.of(IMF, MMF, HAIRCUT, LIQUIDATION_FEE);

    /**
     * What is in force for one asset (or tenant-wide when {@code asset} is null).
     *
     * @param asset      the asset, or null
     * @param parameters the asset's risk_parameter version in force, or null
     * @param settings   the settings version in force (the asset's, else the tenant's), or null for a tenant
     *                   onboarded before issue 8 without stored settings
     */
    public record InForce(Asset asset, RiskParameter parameters, RiskSettings settings) {

        /** Every named value in force (parameters, then settings), by JSON name; as plain numbers. */
        public Map<String, BigDecimal> values() {
            Map<String, BigDecimal> v = new LinkedHashMap<>();
            if (parameters != null) {
                v.put(IMF, parameters.initialMarginFraction);
                v.put(MMF, parameters.maintenanceMarginFraction);
                v.put(HAIRCUT, parameters.collateralHaircut);
                v.put(LIQUIDATION_FEE, parameters.liquidationFeeFraction);
            }
            if (settings != null) {
                for (Setting s : Setting.values()) {
                    v.put(s.jsonName(), BigDecimal.valueOf(s.get(settings)));
                }
            }
            return v;
        }

        /** The versions in force, e.g. {@code {"parameters": 3, "settings": "ASSET v2"}}. */
        public Map<String, Object> versions() {
            Map<String, Object> v = new LinkedHashMap<>();
            v.put("parameters", parameters == null ? null : parameters.version);
            v.put("settings", settings == null ? null : settings.scope + " v" + settings.version);
            return v;
        }
    }

    /**
     * The versions a change wrote.
     *
     * @param parameters the new risk_parameter version, or null when no parameter field moved
     * @param settings   the new risk_settings version, or null when no setting moved
     */
    public record Written(RiskParameter parameters, RiskSettings settings) {
    }

    private final RiskParameterRepository parameters;
    private final RiskSettingsRepository settings;
    private final AssetRepository assets;
    private final OutboxWriter outbox;

    /** Wires collaborators. */
    public LiveParameters(RiskParameterRepository parameters, RiskSettingsRepository settings,
            AssetRepository assets, OutboxWriter outbox) {
        this.parameters = parameters;
        this.settings = settings;
        this.assets = assets;
        this.outbox = outbox;
    }

    /**
     * The parameters in force now for an asset of the tenant (404 when unknown), or tenant-wide settings when
     * {@code assetId} is null. This is the guardrail base of the daily recommendation: never an unapproved proposal.
     */
    public Uni<InForce> inForce(TenantId tenant, UUID assetId) {
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        Uni<RiskSettings> tenantSettings = settings.effectiveAt(tenant, SettingsScope.TENANT, tenant.value(), now);
        if (assetId == null) {
            return tenantSettings.map(s -> new InForce(null, null, s));
        }
        return assets.find(tenant, assetId)
                .onItem().ifNull().failWith(() -> ApiException.notFound("asset", assetId))
                .flatMap(a -> parameters.effectiveAt(tenant, RiskParameterScope.ASSET, assetId, now)
                        .flatMap(p -> settings.effectiveAt(tenant, SettingsScope.ASSET, assetId, now)
                                .flatMap(s -> s != null ? Uni.createFrom().item(s) : tenantSettings)
                                .map(s -> new InForce(a, p, s))));
    }

    /**
     * Checks a change against what is in force: known names, whole days where needed, and that the resulting
     * versions are valid (margin-core, mapping and guardrail rules). Fails with 422 naming each field.
     *
     * @return the change as a sorted map
     */
    public static Map<String, BigDecimal> check(InForce base, Map<String, BigDecimal> change) {
        List<FieldError> errors = new ArrayList<>();
        if (change == null || change.isEmpty()) {
            throw ApiException.unprocessable("a change names at least one parameter",
                    List.of(FieldError.of("changes", "empty")));
        }
        for (var e : change.entrySet()) {
            String name = e.getKey();
            Setting s = Setting.byName(name);
            if (e.getValue() == null) {
                errors.add(FieldError.of("changes." + name, "a value is required"));
            } else if (PARAMETER_FIELDS.contains(name)) {
                if (base.asset() == null) {
                    errors.add(FieldError.of("changes." + name, name + " is per asset: name the asset"));
                }
            } else if (s == null) {
                errors.add(FieldError.of("changes." + name, "unknown parameter " + name));
            } else if (s.choices() != null && (e.getValue().stripTrailingZeros().scale() > 0
                    || e.getValue().signum() < 0
                    || e.getValue().compareTo(BigDecimal.valueOf(s.choices().size())) >= 0)) {
                errors.add(FieldError.of("changes." + name, name + " is one of " + String.join(", ", s.choices())));
            } else if (s.whole() && e.getValue().stripTrailingZeros().scale() > 0) {
                errors.add(FieldError.of("changes." + name, name + " is a whole number of days"));
            } else if (base.settings() == null) {
                errors.add(FieldError.of("changes." + name, "the tenant has no stored settings to change"));
            }
        }
        if (errors.isEmpty()) {
            try {
                RiskParameter p = nextParameters(base, change, 0, ParameterSource.PROPOSAL, Actor.SCHEDULER, null);
                if (p == null && change.keySet().stream().anyMatch(PARAMETER_FIELDS::contains)) {
                    errors.add(FieldError.of("changes", "the asset has no risk parameters in force: its first "
                            + "version is written through POST /api/v1/assets/{id}/risk-parameters"));
                }
                RiskSettings s = nextSettings(base, change, 0, ParameterSource.PROPOSAL, Actor.SCHEDULER, null);
                if (s != null) {
                    s.validate();
                }
            } catch (io.ballast.margin.MarginInputException e) {
                errors.add(FieldError.of("changes." + e.field(), e.getMessage()));
            } catch (IllegalArgumentException e) {
                errors.add(FieldError.of("changes", e.getMessage()));
            }
        }
        if (!errors.isEmpty()) {
            throw ApiException.unprocessable("inconsistent parameter change", errors);
        }
        return new TreeMap<>(change);
    }

    /**
     * The change that applies a labelled preset ({@link Preset}) to the settings in force: every value of the
     * preset's mapping and guardrails (regime settings included) that differs from the one in force, then the
     * {@code explicit} values on top (they win). Margin-core settings (scan range, vol shocks, contingencies, settlement
     * window) and the risk parameters are not part of a preset. 422 naming {@code preset} when the tenant has no stored
     * settings or nothing would move.
     *
     * @param base     what is in force
     * @param preset   the preset
     * @param explicit values given beside the preset (may be empty)
     * @return the change, unchecked (pass it to {@link #check})
     */
    public static Map<String, BigDecimal> withPreset(InForce base, Preset preset, Map<String, BigDecimal> explicit) {
        if (base.settings() == null) {
            throw ApiException.unprocessable("the tenant has no stored settings to change",
                    List.of(FieldError.of("preset", "no stored settings")));
        }
        RiskSettings now = base.settings();
        RiskSettings target = now.nextVersion(now.scope, now.targetId, now.version, now.effectiveFrom,
                ParameterSource.PROPOSAL, Actor.SCHEDULER, null);
        target.setPredictive(preset.mapping(), preset.guardrails());
        Map<String, BigDecimal> change = new TreeMap<>();
        for (Setting x : Setting.values()) {
            if (Double.compare(x.get(target), x.get(now)) != 0) {
                change.put(x.jsonName(), BigDecimal.valueOf(x.get(target)));
            }
        }
        change.putAll(explicit);
        if (change.isEmpty()) {
            throw ApiException.unprocessable("the settings in force already equal the " + preset.label() + " preset",
                    List.of(FieldError.of("preset", "nothing to change: already " + preset.label())));
        }
        return change;
    }

    /** The values in force of the names a change moves (the "before" of a proposal or audit entry). */
    public static Map<String, BigDecimal> before(InForce base, Map<String, BigDecimal> change) {
        Map<String, BigDecimal> all = base.values();
        Map<String, BigDecimal> before = new TreeMap<>();
        change.keySet().forEach(k -> before.put(k, all.get(k)));
        return before;
    }

    /**
     * Writes a change as the live version now (inside the caller's transaction): new versions and one
     * {@code RiskParametersChanged} event on {@code ballast.parameters}.
     */
    public Uni<Written> write(TenantId tenant, UUID assetId, Map<String, BigDecimal> change, ParameterSource source,
            Actor actor, UUID proposalId) {
        return inForce(tenant, assetId).flatMap(base -> {
            check(base, change);
            Uni<Integer> pv = base.asset() == null ? Uni.createFrom().item(0)
                    : parameters.latestVersion(tenant, RiskParameterScope.ASSET, assetId);
            SettingsScope scope = assetId == null ? SettingsScope.TENANT : SettingsScope.ASSET;
            UUID target = assetId == null ? tenant.value() : assetId;
            return pv.flatMap(pVersion -> settings.latestVersion(tenant, scope, target).flatMap(sVersion -> {
                RiskParameter p = nextParameters(base, change, pVersion + 1, source, actor, proposalId);
                RiskSettings s = nextSettings(base, change, sVersion + 1, source, actor, proposalId);
                Uni<Void> writes = Uni.createFrom().voidItem();
                if (p != null) {
                    writes = writes.call(() -> parameters.persist(p));
                }
                if (s != null) {
                    writes = writes.call(() -> settings.persist(s));
                }
                Map<String, Object> payload = new LinkedHashMap<>();
                payload.put("asset", base.asset() == null ? null : base.asset().symbol);
                payload.put("assetId", assetId);
                payload.put("source", source);
                payload.put("actor", actor.subject());
                payload.put("actorName", actor.name());
                payload.put("proposalId", proposalId);
                payload.put("parametersVersion", p == null ? null : p.version);
                payload.put("settingsVersion", s == null ? null : scope + " v" + s.version);
                payload.put("before", Setting.display(before(base, change)));
                payload.put("after", Setting.display(change));
                payload.put("effectiveFrom", (p != null ? p.effectiveFrom : s.effectiveFrom).toString());
                return writes.call(() -> outbox.record(tenant, Topics.PARAMETERS, "risk-parameters",
                                assetId == null ? tenant.value() : assetId, "RiskParametersChanged", payload))
                        .map(x -> new Written(p, s));
            }));
        });
    }

    /** Writes the documented default settings of a new tenant (version 1, tenant-wide) in the caller's transaction. */
    public Uni<RiskSettings> writeDefaults(TenantId tenant) {
        RiskSettings s = RiskSettings.defaults(tenant.value(), OffsetDateTime.now(ZoneOffset.UTC));
        return settings.persist(s);
    }

    /** The next parameter version a change makes (unsaved), or null when no parameter field moves. */
    static RiskParameter nextParameters(InForce base, Map<String, BigDecimal> change, int version,
            ParameterSource source, Actor actor, UUID proposalId) {
        if (change.keySet().stream().noneMatch(PARAMETER_FIELDS::contains) || base.parameters() == null) {
            return null;
        }
        RiskParameter cur = base.parameters();
        RiskParameter p = new RiskParameter();
        p.id = UUID.randomUUID();
        p.tenantId = cur.tenantId;
        p.scope = RiskParameterScope.ASSET;
        p.targetId = cur.targetId;
        p.version = version;
        p.effectiveFrom = OffsetDateTime.now(ZoneOffset.UTC);
        p.initialMarginFraction = change.getOrDefault(IMF, cur.initialMarginFraction);
        p.maintenanceMarginFraction = change.getOrDefault(MMF, cur.maintenanceMarginFraction);
        p.collateralHaircut = change.getOrDefault(HAIRCUT, cur.collateralHaircut);
        p.liquidationFeeFraction = change.getOrDefault(LIQUIDATION_FEE, cur.liquidationFeeFraction);
        p.maxPositionNotional = cur.maxPositionNotional;
        p.createdAt = p.effectiveFrom;
        p.source = source.name();
        p.actor = actor.subject();
        p.actorName = actor.name();
        p.proposalId = proposalId;
        p.parameters(); // validates the combination (RiskParameterSet rules)
        return p;
    }

    /** The next settings version a change makes (unsaved), or null when no setting moves. */
    static RiskSettings nextSettings(InForce base, Map<String, BigDecimal> change, int version,
            ParameterSource source, Actor actor, UUID proposalId) {
        if (change.keySet().stream().allMatch(PARAMETER_FIELDS::contains) || base.settings() == null) {
            return null;
        }
        SettingsScope scope = base.asset() == null ? SettingsScope.TENANT : SettingsScope.ASSET;
        UUID target = base.asset() == null ? base.settings().tenantId : base.asset().id;
        RiskSettings s = base.settings().nextVersion(scope, target, version, OffsetDateTime.now(ZoneOffset.UTC),
                source, actor, proposalId);
        change.forEach((k, v) -> {
            Setting x = Setting.byName(k);
            if (x != null) {
                x.set(s, v.doubleValue());
            }
        });
        return s;
    }
}
