package io.ballast.margin.bench;

import io.ballast.margin.engine.PortfolioMarginEngine;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * A cross-check of the JMH figures on a shared machine: the single-threaded engine's CPU time per operation
 * (thread CPU time, which other processes' load inflates much less than wall time), next to its wall time.
 * Not a benchmark harness: no forks, no blackholes; JMH's figures are the reference.
 * Run: {@code java -Xmx4g -cp services/margin-bench/target/benchmarks.jar io.ballast.margin.bench.ThreadCpuProbe}
 * (add the argument {@code curves} for the workload with a futures basis and volatility smiles).
 */
public final class ThreadCpuProbe {

    private static final int WARMUP = 40;
    private static final int RUNS = 20;

    private ThreadCpuProbe() {
    }

    /**
     * Entry point.
     *
     * @param args {@code curves} for the workload with basis and smiles; nothing for the plain one
     */
    public static void main(String[] args) {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        boolean curves = args.length > 0 && args[0].equals("curves");
        System.out.println("workload with basis and smiles: " + curves);
        Workload w = new Workload(100_000, 10, 20_261_126L, curves);
        PortfolioMarginEngine engine = w.engine(false);
        System.out.println("warming up ...");
        for (int r = 0; r < WARMUP; r++) {
            engine.recomputeAll(w.market);
            engine.onTick((r & 1) == 0 ? w.tickedMarket : w.market, "BTC");
        }
        engine.recomputeAll(w.market);
        long c0 = mx.getCurrentThreadCpuTime();
        long t0 = System.nanoTime();
        for (int r = 0; r < RUNS; r++) {
            engine.recomputeAll(w.market);
        }
        report("fullRecompute", mx.getCurrentThreadCpuTime() - c0, System.nanoTime() - t0);
        c0 = mx.getCurrentThreadCpuTime();
        t0 = System.nanoTime();
        for (int r = 0; r < RUNS; r++) {
            w.arrays.rebuildAll(w.market, false);
        }
        report("riskArraysOnly", mx.getCurrentThreadCpuTime() - c0, System.nanoTime() - t0);
        c0 = mx.getCurrentThreadCpuTime();
        t0 = System.nanoTime();
        for (int r = 0; r < RUNS; r++) {
            engine.onTick((r & 1) == 0 ? w.tickedMarket : w.market, "BTC");
        }
        report("incrementalTick", mx.getCurrentThreadCpuTime() - c0, System.nanoTime() - t0);
    }

    private static void report(String name, long cpuNanos, long wallNanos) {
        System.out.printf("%-16s serial: %7.2f ms CPU/op, %7.2f ms wall/op%n", name, cpuNanos / (RUNS * 1e6),
                wallNanos / (RUNS * 1e6));
    }
}
