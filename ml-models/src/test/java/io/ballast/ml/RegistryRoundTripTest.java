package io.ballast.ml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ballast.ml.data.DailySeries;
import io.ballast.ml.features.FeatureBuilder;
import io.ballast.ml.ml.MlConfig;
import io.ballast.ml.ml.TrainedRegressor;
import io.ballast.ml.ml.TribuoForecaster;
import io.ballast.ml.registry.ModelRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RegistryRoundTripTest {

    @TempDir
    Path dir;

    @Test
    void reloadedModelsGiveTheSamePredictionsAndProvenance() throws Exception {
        DailySeries s = DailySeries.of(Synthetic.bars(700, 21));
        double[][] x = FeatureBuilder.matrix(s, s.size());
        List<double[]> rows = new ArrayList<>();
        for (int i = 600; i < 650; i++) {
            rows.add(x[i]);
        }
        ModelRegistry reg = new ModelRegistry(dir);
        String fp = ModelRegistry.fingerprint(s, 600);
        for (MlConfig cfg : List.of(MlConfig.grid("CART").get(0), MlConfig.grid("SGD").get(0))) {
            TrainedRegressor m = TribuoForecaster.fit(cfg, s, x, 1, 600);
            String version = "v1-" + cfg.kind();
            Path vdir = reg.save("SYN", 1, version, cfg.kind(), m, Map.of("trainingDataFingerprint", fp,
                    "metrics", Map.of("validationQlike", 0.5)));
            assertThat(vdir.resolve(ModelRegistry.MODEL_FILE)).exists();
            reg.setChampion("SYN", 1, version, cfg.kind(), Map.of(cfg.kind(), 0.5));

            ModelRegistry.Stored back = reg.loadChampion("SYN", 1);
            assertThat(back.model()).isEqualTo(cfg.kind());
            assertThat(back.metadata().get("trainingDataFingerprint")).isEqualTo(fp);
            assertThat(back.regressor().model().getProvenance()).isEqualTo(m.model().getProvenance());
            assertThat(back.regressor().biasLog()).isEqualTo(m.biasLog());
            assertThat(back.regressor().predictVariance(rows)).containsExactly(m.predictVariance(rows));
        }
        assertThat(Files.list(reg.horizonDir("SYN", 1)).count()).isEqualTo(3);
    }

    @Test
    void fingerprintChangesWithTheTrainingDataAndVersionsAreNeverOverwritten() throws Exception {
        DailySeries a = DailySeries.of(Synthetic.bars(300, 1));
        DailySeries b = DailySeries.of(Synthetic.bars(300, 2));
        assertThat(ModelRegistry.fingerprint(a, 300 - 7)).isNotEqualTo(ModelRegistry.fingerprint(b, 300 - 7));
        assertThat(ModelRegistry.fingerprint(a, 100)).isEqualTo(ModelRegistry.fingerprint(DailySeries.of(Synthetic.bars(300, 1)), 100));
        ModelRegistry reg = new ModelRegistry(dir);
        reg.save("SYN", 5, "v1-HAR", "HAR", null, Map.of());
        assertThatThrownBy(() -> reg.save("SYN", 5, "v1-HAR", "HAR", null, Map.of())).hasMessageContaining("already exists");
        assertThatThrownBy(() -> reg.loadChampion("SYN", 1)).hasMessageContaining("no champion");
    }
}
