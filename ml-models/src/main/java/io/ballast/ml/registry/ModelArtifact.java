package io.ballast.ml.registry;

import io.ballast.ml.features.FeatureBuilder;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What a registry stores for one model version, independent of where: the metadata (model name, horizon, fitted
 * parameters, provenance, training-data fingerprint, validation scores) as JSON-ready values, and for a Tribuo model
 * its protobuf bytes. {@link ModelRegistry} keeps artifacts in a directory; a service may keep them in a table.
 *
 * @param asset       asset label
 * @param horizonDays forecast horizon (days)
 * @param model       model name
 * @param metadata    JSON-ready metadata; {@code parameters} holds what {@link FittedModel#restore} needs
 * @param modelBytes  Tribuo protobuf bytes, or {@code null} for a baseline
 */
public record ModelArtifact(String asset, int horizonDays, String model, Map<String, Object> metadata,
        byte[] modelBytes) {

    /** Checks the identifying fields and copies the arrays and maps. */
    public ModelArtifact {
        Objects.requireNonNull(asset, "asset");
        Objects.requireNonNull(model, "model");
        metadata = Map.copyOf(Objects.requireNonNull(metadata, "metadata"));
        modelBytes = modelBytes == null ? null : modelBytes.clone();
    }

    /** The Tribuo bytes (a copy), or null. */
    @Override
    public byte[] modelBytes() {
        return modelBytes == null ? null : modelBytes.clone();
    }

    /**
     * The artifact of a trained champion.
     *
     * @param t         the training result
     * @param trainedAt when it was trained (ISO-8601 instant)
     * @param extra     more metadata (for instance the tenant), added last
     */
    public static ModelArtifact of(ChampionTraining.Trained t, String trainedAt, Map<String, Object> extra) {
        FittedModel m = t.champion();
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("asset", t.asset());
        meta.put("horizonDays", m.horizonDays());
        meta.put("model", m.name());
        meta.put("parameters", m.parameters());
        meta.put("trainedAt", trainedAt);
        meta.put("trainingFrom", t.trainingFrom().toString());
        meta.put("trainingTo", t.trainingTo().toString());
        meta.put("trainingRows", t.trainingRows());
        meta.put("trainingDataFingerprint", t.fingerprint());
        meta.put("proxy", t.proxy());
        meta.put("features", Arrays.asList(m instanceof FittedModel.TribuoModel tm
                ? FeatureBuilder.names(tm.regressor().mean().length) : FeatureBuilder.NAMES));
        meta.put("chosenBy", "lowest validation QLIKE");
        meta.put("validationQlike", new LinkedHashMap<>(t.validationQlike()));
        meta.put("leftOut", new LinkedHashMap<>(t.leftOut()));
        meta.put("trainMillis", t.trainMillis());
        meta.putAll(extra);
        return new ModelArtifact(t.asset(), m.horizonDays(), m.name(), meta, m.modelBytes());
    }

    /** Training-data fingerprint, or null. */
    public String fingerprint() {
        return (String) metadata.get("trainingDataFingerprint");
    }

    /** The frozen model, rebuilt from the parameters and bytes (no training). */
    @SuppressWarnings("unchecked")
    public FittedModel fitted() {
        Object p = metadata.get("parameters");
        if (!(p instanceof Map)) {
            throw new IllegalArgumentException("artifact of " + model + " has no parameters");
        }
        return FittedModel.restore(model, horizonDays, (Map<String, Object>) p, modelBytes);
    }
}
