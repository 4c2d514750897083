package io.ballast.margin.engine;

import java.util.stream.IntStream;

/** Splits a range of accounts into blocks, run in turn or over the common fork-join pool. */
final class Blocks {

    /** Work on accounts {@code [from, to)}. */
    interface RangeTask {
        void run(int from, int to);
    }

    private Blocks() {
    }

    /**
     * Runs a task over {@code [0, n)}.
     *
     * @param n        the range's end
     * @param block    accounts per task
     * @param parallel whether to use the common fork-join pool (only when there is more than one block)
     * @param task     the work
     */
    static void run(int n, int block, boolean parallel, RangeTask task) {
        if (!parallel || n <= block) {
            task.run(0, n);
            return;
        }
        int blocks = (n + block - 1) / block;
        IntStream.range(0, blocks).parallel().forEach(b -> task.run(b * block, Math.min(n, (b + 1) * block)));
    }
}
