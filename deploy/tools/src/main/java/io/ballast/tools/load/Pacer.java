package io.ballast.tools.load;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Sends at a fixed rate from the moment it is made: send {@code i} is due at start + i / rate, a warm-up first, then
 * the measured part. A late send is not skipped, so a stall is followed by a catch-up burst, as a feed would send.
 */
final class Pacer {

    private final double ratePerSecond;
    private final long startNanos;
    private final long measureStartNanos;
    private final long endNanos;

    Pacer(int ratePerSecond, Duration warmup, Duration duration) {
        this.ratePerSecond = ratePerSecond;
        this.startNanos = System.nanoTime();
        this.measureStartNanos = startNanos + warmup.toNanos();
        this.endNanos = measureStartNanos + duration.toNanos();
    }

    /**
     * @param i the send's number from 0
     * @return its due time ({@link System#nanoTime()}, which may be negative)
     */
    long due(long i) {
        return startNanos + (long) (i * 1e9 / ratePerSecond);
    }

    /** @return whether send {@code i} falls at or after the run's end (compared as differences of nano times) */
    boolean ended(long i) {
        return due(i) - endNanos >= 0;
    }

    /** Sleeps until a due time (returns at once when it has passed). */
    static void await(long due) throws InterruptedException {
        long wait = due - System.nanoTime();
        if (wait > 0) {
            TimeUnit.NANOSECONDS.sleep(wait);
        }
    }

    /** @return whether a send due then is measured (past the warm-up) */
    boolean measured(long due) {
        return due - measureStartNanos >= 0;
    }

    /** @return seconds since the start */
    double elapsedSeconds() {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    long startNanos() {
        return startNanos;
    }

    long measureStartNanos() {
        return measureStartNanos;
    }
}
