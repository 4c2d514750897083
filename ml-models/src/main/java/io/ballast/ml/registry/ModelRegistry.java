package io.ballast.ml.registry;

import static io.ballast.ml.registry.JsonValues.doubles;
import static io.ballast.ml.registry.JsonValues.num;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.ballast.ml.data.DailySeries;
import io.ballast.ml.ml.MlConfig;
import io.ballast.ml.ml.TrainedRegressor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;

import java.util.Map;
import java.util.Objects;
import org.tribuo.Model;
import org.tribuo.regression.Regressor;

/**
 * Versioned model registry on the file system: {@code <root>/<asset>/h<h>/<version>/} holds {@code metadata.json}
 * (model name, provenance, metrics, training-data fingerprint, feature names, scaler, HAR base, bias correction, trainer
 * configuration) and, for Tribuo models, {@code model.tribuo} (Tribuo protobuf serialization).
 * {@code <root>/<asset>/h<h>/champion.json} names the champion's version. Baseline champions (EWMA, GARCH, HAR) have
 * metadata only: they are refitted from the data at prediction time.
 */
public final class ModelRegistry {

    /** File name of the Tribuo protobuf model inside a version directory. */
    public static final String MODEL_FILE = "model.tribuo";
    /** File name of the metadata inside a version directory. */
    public static final String METADATA_FILE = "metadata.json";
    /** File name of the champion pointer inside a horizon directory. */
    public static final String CHAMPION_FILE = "champion.json";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Path root;

    /** @param root registry root directory (created on first save) */
    public ModelRegistry(Path root) {
        this.root = Objects.requireNonNull(root, "root");
    }

    /**
     * A stored model version.
     *
     * @param dir       its directory
     * @param metadata  its metadata
     * @param regressor the Tribuo model with scaler and bias, or {@code null} for a baseline
     */
    public record Stored(Path dir, Map<String, Object> metadata, TrainedRegressor regressor) {

        /** Model name ("HAR", "XGB", ...). */
        public String model() {
            return (String) metadata.get("model");
        }
    }

    /**
     * Saves one model version.
     *
     * @param asset     asset label
     * @param h         horizon days
     * @param version   version label (directory name), unique per asset and horizon
     * @param model     model name
     * @param regressor Tribuo model, or {@code null} for a baseline
     * @param metadata  extra metadata (metrics, fingerprint, timings); model, provenance, scaler and config are added
     * @return the version directory
     */
    public Path save(String asset, int h, String version, String model, TrainedRegressor regressor, Map<String, Object> metadata)
            throws IOException {
        Path dir = horizonDir(asset, h).resolve(version);
        if (Files.exists(dir)) {
            throw new IllegalArgumentException("registry version already exists: " + dir);
        }
        Files.createDirectories(dir);
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("asset", asset);
        meta.put("horizonDays", h);
        meta.put("version", version);
        meta.put("model", model);
        meta.putAll(metadata);
        if (regressor != null) {
            regressor.model().serializeToFile(dir.resolve(MODEL_FILE));
            meta.put("tribuoProvenance", regressor.model().getProvenance().toString());
            meta.put("config", Map.of("kind", regressor.config().kind(), "a", regressor.config().a(), "b", regressor.config().b(),
                    "c", regressor.config().c(), "description", regressor.config().describe()));
            meta.put("featureMean", regressor.mean());
            meta.put("featureStd", regressor.std());
            meta.put("harBase", regressor.base());
            meta.put("logTargetRange", regressor.range());
            meta.put("biasLog", regressor.biasLog());
        }
        JSON.writeValue(dir.resolve(METADATA_FILE).toFile(), meta);
        return dir;
    }

    /**
     * Registers an artifact as a new version of (asset, h) and makes it the champion: its metadata (with the
     * version) goes to {@link #METADATA_FILE}, Tribuo bytes to {@link #MODEL_FILE}.
     *
     * @param artifact the artifact
     * @param version  version label, unique per asset and horizon
     * @return the version directory
     */
    @SuppressWarnings("unchecked")
    public Path register(ModelArtifact artifact, String version) throws IOException {
        Path dir = horizonDir(artifact.asset(), artifact.horizonDays()).resolve(version);
        if (Files.exists(dir)) {
            throw new IllegalArgumentException("registry version already exists: " + dir);
        }
        Files.createDirectories(dir);
        Map<String, Object> meta = new LinkedHashMap<>(artifact.metadata());
        meta.put("version", version);
        if (artifact.modelBytes() != null) {
            Files.write(dir.resolve(MODEL_FILE), artifact.modelBytes());
        }
        JSON.writeValue(dir.resolve(METADATA_FILE).toFile(), meta);
        Object scores = artifact.metadata().get("validationQlike");
        setChampion(artifact.asset(), artifact.horizonDays(), version, artifact.model(),
                scores instanceof Map ? (Map<String, Double>) scores : Map.of());
        return dir;
    }

    /** The champion of (asset, h) as an artifact (for versions written by {@link #register}). */
    public ModelArtifact loadChampionArtifact(String asset, int h) throws IOException {
        Stored st = loadChampion(asset, h);
        Path bytes = st.dir().resolve(MODEL_FILE);
        return new ModelArtifact(asset, h, st.model(), st.metadata(),
                Files.exists(bytes) ? Files.readAllBytes(bytes) : null);
    }

    /** Marks a version as the champion of (asset, h). */
    public void setChampion(String asset, int h, String version, String model, Map<String, Double> validationQlike) throws IOException {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("version", version);
        c.put("model", model);
        c.put("chosenBy", "lowest validation QLIKE");
        c.put("validationQlike", validationQlike);
        JSON.writeValue(horizonDir(asset, h).resolve(CHAMPION_FILE).toFile(), c);
    }

    /** Loads a stored version. */
    public Stored load(String asset, int h, String version) throws IOException {
        Path dir = horizonDir(asset, h).resolve(version);
        Map<String, Object> meta = JSON.readValue(dir.resolve(METADATA_FILE).toFile(), new TypeReference<LinkedHashMap<String, Object>>() { });
        TrainedRegressor reg = null;
        if (Files.exists(dir.resolve(MODEL_FILE)) && meta.get("config") != null) {
            @SuppressWarnings("unchecked")
            Map<String, Object> cfg = (Map<String, Object>) meta.get("config");
            MlConfig config = new MlConfig((String) cfg.get("kind"), num(cfg.get("a")), num(cfg.get("b")), num(cfg.get("c")));
            Model<Regressor> m = Model.deserializeFromFile(dir.resolve(MODEL_FILE)).castModel(Regressor.class);
            reg = new TrainedRegressor(config, m, doubles(meta.get("featureMean")), doubles(meta.get("featureStd")),
                    doubles(meta.get("harBase")), doubles(meta.get("logTargetRange")), num(meta.get("biasLog")));
        }
        return new Stored(dir, meta, reg);
    }

    /** Loads the champion of (asset, h). */
    public Stored loadChampion(String asset, int h) throws IOException {
        Path c = horizonDir(asset, h).resolve(CHAMPION_FILE);
        if (!Files.exists(c)) {
            throw new IllegalArgumentException("no champion for " + asset + " h=" + h + " in " + root + " (run train first)");
        }
        Map<String, Object> ch = JSON.readValue(c.toFile(), new TypeReference<LinkedHashMap<String, Object>>() { });
        return load(asset, h, (String) ch.get("version"));
    }

    /** Directory of (asset, h). */
    public Path horizonDir(String asset, int h) {
        return root.resolve(asset).resolve("h" + h);
    }

    /**
     * SHA-256 over the dates, OHLCV and proxy of rows {@code [0, to)}: identifies the exact training data.
     */
    public static String fingerprint(DailySeries s, int to) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            for (int i = 0; i < to; i++) {
                String row = s.date(i) + "," + s.open(i) + "," + s.high(i) + "," + s.low(i) + "," + s.close(i) + ","
                        + s.volume(i) + "," + s.proxy(i) + "\n";
                md.update(row.getBytes(StandardCharsets.UTF_8));
            }
            return "sha256:" + HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
