package io.ballast.margin.bench;

import io.ballast.margin.engine.PortfolioMarginEngine;

/**
 * Prints the memory held per position by the bulk engine over the issue-3 workload: from the arrays' sizes, and as a
 * cross-check from the heap in use before and after building (Runtime, after GC; approximate).
 * Run: {@code java -cp services/margin-bench/target/benchmarks.jar io.ballast.margin.bench.Footprint}.
 */
public final class Footprint {

    private Footprint() {
    }

    /**
     * Entry point.
     *
     * @param args ignored
     */
    public static void main(String[] args) {
        Runtime rt = Runtime.getRuntime();
        long before = used(rt);
        Workload w = new Workload(100_000, 10, 20_261_126L);
        PortfolioMarginEngine engine = w.engine(false);
        engine.recomputeAll(w.market);
        long after = used(rt);
        long arrays = w.book.bytesHeld() + w.arrays.bytesHeld() + engine.bytesHeld();
        System.out.printf("positions %d, accounts %d, instruments %d, scenarios %d%n", w.positions,
                w.book.accountCount(), w.arrays.instrumentCount(), w.arrays.scenarioCount());
        System.out.printf("book arrays           %,12d bytes  %6.2f bytes/position%n", w.book.bytesHeld(),
                (double) w.book.bytesHeld() / w.positions);
        System.out.printf("risk arrays           %,12d bytes  %6.2f bytes/position%n", w.arrays.bytesHeld(),
                (double) w.arrays.bytesHeld() / w.positions);
        System.out.printf("per-account results   %,12d bytes  %6.2f bytes/position%n", engine.bytesHeld(),
                (double) engine.bytesHeld() / w.positions);
        System.out.printf("total (arrays)        %,12d bytes  %6.2f bytes/position%n", arrays,
                (double) arrays / w.positions);
        System.out.printf("heap delta (Runtime)  %,12d bytes  %6.2f bytes/position (includes instruments, maps)%n",
                after - before, (double) (after - before) / w.positions);
        System.out.printf("check: total maintenance %.2f USD%n", engine.totalMaintenanceUsd());
    }

    private static long used(Runtime rt) {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return rt.totalMemory() - rt.freeMemory();
    }
}
