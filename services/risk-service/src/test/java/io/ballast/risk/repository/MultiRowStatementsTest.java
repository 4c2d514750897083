package io.ballast.risk.repository;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.smallrye.mutiny.Uni;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class MultiRowStatementsTest {

    @Test
    void everyRowGoesInExactlyOneStatementInOrderAndNoStatementIsTooLarge() {
        List<Integer> rows = IntStream.range(0, 2500).boxed().toList();
        List<List<Integer>> statements = new ArrayList<>();
        int written = MultiRowStatements.inChunks(rows, 1000, chunk -> {
            statements.add(List.copyOf(chunk));
            return Uni.createFrom().item(chunk.size());
        }).await().indefinitely();
        assertThat(written).isEqualTo(2500);
        assertThat(statements).extracting(List::size).containsExactly(1000, 1000, 500);
        assertThat(statements.stream().flatMap(List::stream).toList()).isEqualTo(rows);
    }

    @Test
    void noRowsNoStatementAndAFailedStatementStopsTheRest() {
        List<List<Integer>> statements = new ArrayList<>();
        assertThat(MultiRowStatements.inChunks(List.<Integer>of(), 10, chunk -> {
            statements.add(chunk);
            return Uni.createFrom().item(chunk.size());
        }).await().indefinitely()).isZero();
        assertThat(statements).isEmpty();

        List<Integer> rows = IntStream.range(0, 25).boxed().toList();
        assertThatThrownBy(() -> MultiRowStatements.inChunks(rows, 10, chunk -> {
            statements.add(chunk);
            return statements.size() == 2 ? Uni.createFrom().failure(new IllegalStateException("refused"))
                    : Uni.createFrom().item(chunk.size());
        }).await().indefinitely()).hasMessageContaining("refused");
        assertThat(statements).hasSize(2);
        assertThatThrownBy(() -> MultiRowStatements.inChunks(rows, 0, chunk -> Uni.createFrom().item(0)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theValuesListNamesEveryRowsParametersWithItsIndex() {
        assertThat(MultiRowStatements.values(1, "t")).isEqualTo("(:t0)");
        assertThat(MultiRowStatements.values(3, "t", "st", "r"))
                .isEqualTo("(:t0, :st0, :r0), (:t1, :st1, :r1), (:t2, :st2, :r2)");
        assertThatThrownBy(() -> MultiRowStatements.values(0, "t")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MultiRowStatements.values(2)).isInstanceOf(IllegalArgumentException.class);
    }
}
