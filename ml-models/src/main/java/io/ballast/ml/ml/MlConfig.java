package io.ballast.ml.ml;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.tribuo.Trainer;
import org.tribuo.math.optimisers.AdaGrad;
import org.tribuo.regression.Regressor;
import org.tribuo.regression.rtree.CARTRegressionTrainer;
import org.tribuo.regression.rtree.impurity.MeanSquaredError;
import org.tribuo.regression.sgd.linear.LinearSGDTrainer;
import org.tribuo.regression.sgd.objectives.SquaredLoss;
import org.tribuo.regression.xgboost.XGBoostRegressionTrainer;

/**
 * One Tribuo trainer configuration (a hyperparameter point).
 *
 * @param kind  "XGB" (XGBoost, native x86_64 only), "CART" (pure Java regression tree) or "SGD" (pure Java linear, AdaGrad)
 * @param a     XGB: number of trees; CART: max depth; SGD: epochs
 * @param b     XGB: max depth; CART: min child weight; SGD: AdaGrad learning rate
 * @param c     XGB: learning rate eta; CART, SGD: unused (0)
 */
public record MlConfig(String kind, double a, double b, double c) {

    /** Seed of every trainer (reproducible fits). */
    public static final long SEED = 12345L;

    /** Validates the kind. */
    public MlConfig {
        Objects.requireNonNull(kind, "kind");
        kind = kind.toUpperCase(Locale.ROOT);
        if (!List.of("XGB", "CART", "SGD").contains(kind)) {
            throw new IllegalArgumentException("unknown ML kind " + kind);
        }
    }

    /** The hyperparameter grid searched on the inner validation block for a kind. */
    public static List<MlConfig> grid(String kind) {
        List<MlConfig> g = new ArrayList<>();
        switch (kind.toUpperCase(Locale.ROOT)) {
            case "XGB" -> {
                g.add(new MlConfig("XGB", 100, 1, 0.03));
                g.add(new MlConfig("XGB", 300, 1, 0.03));
                g.add(new MlConfig("XGB", 200, 2, 0.02));
                g.add(new MlConfig("XGB", 150, 3, 0.02));
            }
            case "CART" -> {
                g.add(new MlConfig("CART", 2, 150, 0));
                g.add(new MlConfig("CART", 3, 100, 0));
                g.add(new MlConfig("CART", 4, 200, 0));
            }
            case "SGD" -> {
                g.add(new MlConfig("SGD", 20, 0.05, 0));
                g.add(new MlConfig("SGD", 50, 0.02, 0));
            }
            default -> throw new IllegalArgumentException("unknown ML kind " + kind);
        }
        return g;
    }

    /** A Tribuo trainer for this configuration. */
    public Trainer<Regressor> trainer() {
        return switch (kind) {
            case "XGB" -> new XGBoostRegressionTrainer(XGBoostRegressionTrainer.RegressionType.LINEAR, (int) a, c, 0.0,
                    (int) b, 5.0, 0.8, 0.8, 1.0, 0.0, 1, true, SEED);
            case "CART" -> new CARTRegressionTrainer((int) a, (float) b, 0.0f, 1.0f, new MeanSquaredError(), SEED);
            case "SGD" -> new LinearSGDTrainer(new SquaredLoss(), new AdaGrad(b, 1e-6), (int) a, -1, 1, SEED);
            default -> throw new IllegalStateException(kind);
        };
    }

    /** Short description, e.g. {@code XGB(trees=150, depth=2, eta=0.05)}. */
    public String describe() {
        return switch (kind) {
            case "XGB" -> String.format(Locale.ROOT, "XGB(trees=%d, depth=%d, eta=%.2f)", (int) a, (int) b, c);
            case "CART" -> String.format(Locale.ROOT, "CART(depth=%d, minChildWeight=%d)", (int) a, (int) b);
            default -> String.format(Locale.ROOT, "SGD(epochs=%d, lr=%.3f)", (int) a, b);
        };
    }
}
