package io.ballast.margin.bench;

import io.ballast.margin.engine.NaiveRevaluation;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The baseline: portfolio margin of the same workload by naive full revaluation, pricing every position in every
 * scenario with Black-76 (no risk arrays), single-threaded. Each operation takes seconds, hence few iterations.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xmx4g"})
@Warmup(iterations = 1, time = 1)
@Measurement(iterations = 3, time = 1)
public class NaiveBenchmark {

    private Workload workload;
    private double[] out;

    /** Builds the workload. */
    @Setup(Level.Trial)
    public void setUp() {
        workload = new Workload(100_000, 10, 20_261_126L);
        out = new double[workload.book.accountCount()];
    }

    /**
     * Every account's maintenance requirement by full revaluation.
     *
     * @return one account's requirement (consumed by JMH)
     */
    @Benchmark
    public double naiveFullRevaluation() {
        NaiveRevaluation.maintenanceUsd(workload.book, workload.arrays, workload.market, workload.params, out);
        return out[0];
    }
}
