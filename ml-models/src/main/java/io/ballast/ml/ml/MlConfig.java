package io.ballast.ml.ml;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.tribuo.Trainer;
import org.tribuo.math.optimisers.AdaGrad;
import org.tribuo.regression.Regressor;
import org.tribuo.regression.rtree.CARTRegressionTrainer;
import org.tribuo.regression.rtree.impurity.MeanSquaredError;
import org.tribuo.regression.sgd.linear.LinearSGDTrainer;
import org.tribuo.regression.sgd.objectives.SquaredLoss;

/**
 * One Tribuo trainer configuration (a hyperparameter point).
 *
 * <p>This library knows the pure-Java kinds "CART" (regression tree) and "SGD" (linear, AdaGrad), the ones the risk
 * service trains. A research lab may {@link #register} more (labs/forecast-lab registers "XGB", Tribuo's native
 * XGBoost), so that the service does not ship native code it never runs.
 *
 * @param kind  "CART", "SGD" or a registered kind
 * @param a     CART: max depth; SGD: epochs; registered kinds: their own meaning (XGB: number of trees)
 * @param b     CART: min child weight; SGD: AdaGrad learning rate (XGB: max depth)
 * @param c     CART, SGD: unused (0) (XGB: learning rate eta)
 */
public record MlConfig(String kind, double a, double b, double c) {

    /** Seed of every trainer (reproducible fits). */
    public static final long SEED = 12345L;

    /** The kinds of this library (pure Java). */
    public static final List<String> BUILT_IN = List.of("CART", "SGD");

    /** Kinds registered by a lab: grid, trainer and description of each. */
    private static final Map<String, Kind> REGISTERED = new ConcurrentHashMap<>();

    /**
     * A trainer kind contributed from outside this library.
     *
     * @param grid     its hyperparameter grid, searched on the inner validation block: one {@code {a, b, c}} per point
     * @param trainer  builds the Tribuo trainer of one configuration (seeded with {@link #SEED})
     * @param describe short description of one configuration, e.g. {@code XGB(trees=150, depth=2, eta=0.05)}
     */
    public record Kind(List<double[]> grid, Function<MlConfig, Trainer<Regressor>> trainer,
            Function<MlConfig, String> describe) {

        /** Copies the grid and checks that every point has three values. */
        public Kind {
            grid = grid.stream().map(double[]::clone).toList();
            if (grid.isEmpty() || grid.stream().anyMatch(p -> p.length != 3)) {
                throw new IllegalArgumentException("a grid needs at least one point of three values {a, b, c}");
            }
            Objects.requireNonNull(trainer, "trainer");
            Objects.requireNonNull(describe, "describe");
        }
    }

    /** Validates the kind. */
    public MlConfig {
        Objects.requireNonNull(kind, "kind");
        kind = kind.toUpperCase(Locale.ROOT);
        if (!isKind(kind)) {
            throw unknown(kind);
        }
    }

    /**
     * Registers a trainer kind (idempotent: the last registration wins). Built-in kinds cannot be replaced.
     *
     * @param name the kind's model name, e.g. "XGB"
     * @param kind its grid, trainer and description
     */
    public static void register(String name, Kind kind) {
        String k = name.toUpperCase(Locale.ROOT);
        if (BUILT_IN.contains(k)) {
            throw new IllegalArgumentException("built-in ML kind " + k + " cannot be replaced");
        }
        REGISTERED.put(k, kind);
    }

    /** True for a built-in or registered kind (case-insensitive). */
    public static boolean isKind(String name) {
        String k = name.toUpperCase(Locale.ROOT);
        return BUILT_IN.contains(k) || REGISTERED.containsKey(k);
    }

    /** The hyperparameter grid searched on the inner validation block for a kind. */
    public static List<MlConfig> grid(String kind) {
        List<MlConfig> g = new ArrayList<>();
        switch (kind.toUpperCase(Locale.ROOT)) {
            case "CART" -> {
                g.add(new MlConfig("CART", 2, 150, 0));
                g.add(new MlConfig("CART", 3, 100, 0));
                g.add(new MlConfig("CART", 4, 200, 0));
            }
            case "SGD" -> {
                g.add(new MlConfig("SGD", 20, 0.05, 0));
                g.add(new MlConfig("SGD", 50, 0.02, 0));
            }
            default -> registered(kind).grid().forEach(p -> g.add(new MlConfig(kind, p[0], p[1], p[2])));
        }
        return g;
    }

    /** A Tribuo trainer for this configuration. */
    public Trainer<Regressor> trainer() {
        return switch (kind) {
            case "CART" -> new CARTRegressionTrainer((int) a, (float) b, 0.0f, 1.0f, new MeanSquaredError(), SEED);
            case "SGD" -> new LinearSGDTrainer(new SquaredLoss(), new AdaGrad(b, 1e-6), (int) a, -1, 1, SEED);
            default -> registered(kind).trainer().apply(this);
        };
    }

    /** Short description, e.g. {@code XGB(trees=150, depth=2, eta=0.05)}. */
    public String describe() {
        return switch (kind) {
            case "CART" -> String.format(Locale.ROOT, "CART(depth=%d, minChildWeight=%d)", (int) a, (int) b);
            case "SGD" -> String.format(Locale.ROOT, "SGD(epochs=%d, lr=%.3f)", (int) a, b);
            default -> registered(kind).describe().apply(this);
        };
    }

    private static Kind registered(String kind) {
        Kind k = REGISTERED.get(kind.toUpperCase(Locale.ROOT));
        if (k == null) {
            throw unknown(kind);
        }
        return k;
    }

    private static IllegalArgumentException unknown(String kind) {
        String k = kind.toUpperCase(Locale.ROOT);
        return new IllegalArgumentException("unknown ML kind " + k + ("XGB".equals(k)
                ? " (XGBoost is a lab model: labs/forecast-lab registers it with io.ballast.ml.ml.Xgb.register())" : ""));
    }
}
