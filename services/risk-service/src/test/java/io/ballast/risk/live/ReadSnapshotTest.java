package io.ballast.risk.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** {@link ReadSnapshot} reads {@code pg_current_snapshot()} and answers as {@code pg_visible_in_snapshot}. */
class ReadSnapshotTest {

    /** 742:748:742,745 sees what committed below 742 and 743, 744, 746, 747; not 742, 745 (running) nor 748 on. */
    @Test
    void seesTheTransactionsCompletedBeforeItExceptThoseStillRunning() {
        ReadSnapshot s = ReadSnapshot.parse("742:748:745,742");
        assertThat(s.sees(5)).isTrue();
        assertThat(s.sees(741)).isTrue();
        assertThat(s.sees(742)).isFalse();
        assertThat(s.sees(743)).isTrue();
        assertThat(s.sees(745)).isFalse();
        assertThat(s.sees(747)).isTrue();
        assertThat(s.sees(748)).isFalse();
        assertThat(s.sees(10_000)).isFalse();
        assertThat(s).hasToString("742:748:742,745").isEqualTo(ReadSnapshot.parse("742:748:742,745"));
    }

    /** With nothing running: everything below xmax. */
    @Test
    void withNothingRunningSeesEverythingBelowXmax() {
        ReadSnapshot s = ReadSnapshot.parse("900:900:");
        assertThat(s.sees(899)).isTrue();
        assertThat(s.sees(900)).isFalse();
        assertThatThrownBy(() -> ReadSnapshot.parse("900:900")).isInstanceOf(IllegalArgumentException.class);
    }
}
