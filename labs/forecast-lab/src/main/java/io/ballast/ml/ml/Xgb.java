package io.ballast.ml.ml;

import java.util.List;
import java.util.Locale;
import org.tribuo.regression.xgboost.XGBoostRegressionTrainer;

/**
 * Tribuo's XGBoost regressor ("XGB", native code, x86_64 only) as a lab model: {@link #register()} adds it to
 * {@link MlConfig}'s kinds so that the labs' walk-forward, evaluation and backtest can run it by name. It is never a
 * champion candidate ({@link io.ballast.ml.model.Models#candidates()}), so the risk service, which trains its champion
 * from the pure-Java candidates, does not ship the native library.
 */
public final class Xgb {

    /** The model name. */
    public static final String NAME = "XGB";

    private Xgb() {
    }

    /**
     * Registers "XGB" (idempotent): a grid of 4 configurations {trees, depth, eta}, squared loss, subsample and column
     * sample 0.8, min child weight 5, one thread, seeded with {@link MlConfig#SEED} (the v1/v2 settings).
     */
    public static void register() {
        MlConfig.register(NAME, new MlConfig.Kind(
                List.of(new double[] {100, 1, 0.03}, new double[] {300, 1, 0.03},
                        new double[] {200, 2, 0.02}, new double[] {150, 3, 0.02}),
                c -> new XGBoostRegressionTrainer(XGBoostRegressionTrainer.RegressionType.LINEAR, (int) c.a(), c.c(),
                        0.0, (int) c.b(), 5.0, 0.8, 0.8, 1.0, 0.0, 1, true, MlConfig.SEED),
                c -> String.format(Locale.ROOT, "XGB(trees=%d, depth=%d, eta=%.2f)", (int) c.a(), (int) c.b(), c.c())));
    }
}
