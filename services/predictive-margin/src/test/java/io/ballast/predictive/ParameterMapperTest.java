package io.ballast.predictive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/**
 * The mapping of docs/predictive-margin.md section 2 against normal quantiles from tables (99 %: z2 = 2.5758293,
 * z1 = 2.3263479; 97.5 %: z2 = 2.2414027, z1 = 1.9599640).
 */
class ParameterMapperTest {

    @Test
    void twoSidedQuantilesMatchTheTables() {
        assertThat(ParameterMapper.twoSidedZ(0.99)).isCloseTo(2.5758293, within(1e-6));
        assertThat(ParameterMapper.twoSidedZ(0.975)).isCloseTo(2.2414027, within(1e-6));
        assertThat(ParameterMapper.twoSidedZ(0.95)).isCloseTo(1.9599640, within(1e-6));
    }

    @Test
    void everyParameterAtNinetySevenPointFivePercentWithLiquidityAndImMultipliers() {
        MappingSettings m = new MappingSettings(0.975, 1, 2, 1.5, 1.2, 3.0, 2.0, 1.33);
        double k = 1.5 * 1.2;
        RecommendedParameters p = ParameterMapper.DEFAULT.map(0.02, 0.03, m);
        assertThat(p.mmf()).isCloseTo(2.2414027 * k * 0.02, within(1e-7));
        assertThat(p.imf()).isCloseTo(3.0 * 2.2414027 * k * 0.02, within(1e-7));
        assertThat(p.haircut()).isCloseTo(1 - Math.exp(-1.9599640 * k * 0.02), within(1e-7));
        assertThat(p.scanRange()).isCloseTo(2.2414027 * k * 0.03, within(1e-7));
        assertThat(p.volShockUp()).isCloseTo(2.0 * 2.2414027 * k * 0.03, within(1e-7));
        assertThat(p.volShockDown()).isCloseTo(1.33 * 2.2414027 * k * 0.03, within(1e-7));
        assertThat(ParameterMapper.DEFAULT.mmf(0.02, m)).isEqualTo(p.mmf());
    }

    @Test
    void haircutAndDownShockAreCappedOnAHugeVolatility() {
        RecommendedParameters p = ParameterMapper.DEFAULT.map(5.0, 5.0, MappingSettings.defaults());
        assertThat(p.haircut()).isEqualTo(0.999);
        assertThat(p.volShockDown()).isEqualTo(0.9);
        // 2.576 * 1.26 * 0.3 = 0.974 scan range: down shock 1.33 * 0.974 = 1.29, capped at 0.9; up not capped
        RecommendedParameters q = ParameterMapper.DEFAULT.map(0.3, 0.3, MappingSettings.defaults());
        assertThat(q.volShockDown()).isEqualTo(0.9);
        assertThat(q.volShockUp()).isCloseTo(2.0 * 2.5758293 * 1.26 * 0.3, within(1e-6));
        assertThat(q.haircut()).isCloseTo(1 - Math.exp(-2.3263479 * 1.26 * 0.3), within(1e-6));
    }

    @Test
    void nonPositiveOrNonFiniteVolatilitiesAreRefused() {
        MappingSettings m = MappingSettings.defaults();
        for (double[] bad : new double[][] {{0, 0.1}, {-0.1, 0.1}, {Double.NaN, 0.1}, {Double.POSITIVE_INFINITY, 0.1},
            {0.1, 0}, {0.1, -1}, {0.1, Double.NaN}, {0.1, Double.POSITIVE_INFINITY}}) {
            assertThatThrownBy(() -> ParameterMapper.DEFAULT.map(bad[0], bad[1], m))
                .as("%s, %s", bad[0], bad[1]).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("positive and finite");
        }
    }
}
