package io.ballast.tools.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class BulkLoaderTest {

    private static final List<String> INSTRUMENTS = IntStream.range(0, 20)
            .mapToObj(i -> i < 2 ? (i == 0 ? "BTC-PERP" : "ETH-PERP") : "BTC-27MAR26-" + (60_000 + i * 1000) + "-C")
            .toList();

    @Test
    void anAccountGetsDistinctInstrumentsNonZeroQuantitiesAndCollateral() {
        List<Map<String, Object>> positions = new ArrayList<>();
        List<Map<String, Object>> balances = new ArrayList<>();
        BulkLoader.portfolio("a1", INSTRUMENTS, 10, new Random(1), positions, balances);
        assertThat(positions).hasSize(10);
        assertThat(positions).extracting(p -> p.get("instrument")).doesNotHaveDuplicates();
        assertThat(positions).allSatisfy(p -> {
            assertThat(((BigDecimal) p.get("quantity")).signum()).isNotZero();
            assertThat(((BigDecimal) p.get("entryPrice")).signum()).isPositive();
        });
        assertThat(balances).singleElement().satisfies(b -> {
            assertThat(b.get("asset")).isEqualTo("USDT");
            assertThat(((BigDecimal) b.get("amount")).signum()).isPositive();
        });
    }

    @Test
    void theSameSeedGivesTheSamePortfolio() {
        List<Map<String, Object>> first = new ArrayList<>();
        List<Map<String, Object>> second = new ArrayList<>();
        BulkLoader.portfolio("a1", INSTRUMENTS, 10, new Random(7), first, new ArrayList<>());
        BulkLoader.portfolio("a1", INSTRUMENTS, 10, new Random(7), second, new ArrayList<>());
        assertThat(second).isEqualTo(first);
    }

    @Test
    void aSnapshotRequestStaysBelowTheServicesRowCap() {
        // 2,000 accounts x (20 positions at most + 1 balance) against SnapshotService's default 50,000 rows
        assertThat(BulkLoader.ACCOUNTS_PER_SNAPSHOT * 21).isLessThanOrEqualTo(50_000);
    }
}
