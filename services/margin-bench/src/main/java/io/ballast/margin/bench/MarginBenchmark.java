package io.ballast.margin.bench;

import io.ballast.margin.engine.PortfolioMarginEngine;
import io.ballast.margin.market.MarketSnapshot;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Portfolio margin over the issue-3 workload (100,000 accounts, 1,000,000 positions, 5 underlyings, 35 scenarios):
 * full recompute, risk-array build alone, and incremental recompute after one underlying's tick; the naive baseline is
 * {@link NaiveBenchmark}. Every benchmark calls
 * the same engine classes the tests and the service use.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xmx4g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class MarginBenchmark {

    /** Whether the engine splits account blocks over the common fork-join pool. */
    @Param({"false", "true"})
    public boolean parallel;

    /** Whether every underlying has a futures basis and a volatility smile (docs/benchmarks.md). */
    @Param({"false", "true"})
    public boolean curves;

    private Workload workload;
    private PortfolioMarginEngine engine;
    private boolean ticked;

    /** Builds the workload and computes once. */
    @Setup(Level.Trial)
    public void setUp() {
        workload = new Workload(100_000, 10, 20_261_126L, curves);
        engine = workload.engine(parallel);
        engine.recomputeAll(workload.market);
        System.out.printf("%nworkload: %d accounts, %d positions, %d instruments, %d scenarios%n",
                workload.book.accountCount(), workload.positions, workload.arrays.instrumentCount(),
                workload.arrays.scenarioCount());
        System.out.printf("bytes per position: book %.2f, + risk arrays %.2f, + per-account results %.2f%n",
                (double) workload.book.bytesHeld() / workload.positions,
                (double) workload.arrays.bytesHeld() / workload.positions,
                (double) engine.bytesHeld() / workload.positions);
    }

    /**
     * Rebuilds every risk array and recomputes every account.
     *
     * @return total maintenance requirement (consumed by JMH)
     */
    @Benchmark
    public double fullRecompute() {
        engine.recomputeAll(workload.market);
        return engine.totalMaintenanceUsd();
    }

    /**
     * Rebuilds every risk array only (2,020 instruments x 35 scenarios, Black-76 for the options): the pricing part
     * of {@link #fullRecompute}.
     *
     * @return one array element (consumed by JMH)
     */
    @Benchmark
    public double riskArraysOnly() {
        engine.arrays().rebuildAll(workload.market, parallel);
        return engine.arrays().value(0, 0);
    }

    /**
     * BTC ticks (alternating between two markets): rebuilds BTC's 404 risk arrays and recomputes the accounts
     * exposed to BTC.
     *
     * @return number of accounts recomputed
     */
    @Benchmark
    public int incrementalTick() {
        ticked = !ticked;
        MarketSnapshot m = ticked ? workload.tickedMarket : workload.market;
        return engine.onTick(m, "BTC");
    }
}
