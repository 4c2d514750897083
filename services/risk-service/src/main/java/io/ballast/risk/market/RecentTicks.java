package io.ballast.risk.market;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * The platform ticks this instance received lately, in order of receipt, so that tenants it takes over can have the
 * ticks nobody applied to them replayed. Bounded: at most {@value #MAX} ticks, the oldest dropped first.
 * Thread-safe.
 */
final class RecentTicks {

    /** The most ticks kept (2 minutes at 1,000 ticks/s, about 20 MB). */
    static final int MAX = 120_000;

    /**
     * One tick as received.
     *
     * @param tick       the tick
     * @param receivedAt when this instance received it
     * @param poll       the number of the poll of {@code ballast.prices} it came in (the ticks of one poll were one
     *                   batch, their moves conflated)
     */
    record Received(Tick tick, Instant receivedAt, long poll) {
    }

    private final Deque<Received> ticks = new ArrayDeque<>();

    /**
     * Keeps a tick.
     *
     * @param tick       the tick
     * @param receivedAt when it was received
     * @param poll       the number of the poll it came in
     */
    private synchronized void add(Tick tick, Instant receivedAt, long poll) {
        ticks.addLast(new Received(tick, receivedAt, poll));
        if (ticks.size() > MAX) {
            ticks.removeFirst();
        }
    }

    /**
     * Keeps the ticks of one poll, all at once: a reader ({@link #since}) sees all of a poll's ticks or none (a
     * takeover's catch-up replays up to the last poll it read, and the next round goes on after that poll).
     *
     * @param polled     the poll's ticks, in order
     * @param receivedAt when they were received
     * @param poll       the number of the poll
     */
    synchronized void addAll(List<Tick> polled, Instant receivedAt, long poll) {
        polled.forEach(t -> add(t, receivedAt, poll));
    }

    /**
     * The ticks received at or after a time, oldest first. Nothing is forgotten here: a takeover whose books are
     * still being built needs the ticks of its own, earlier window.
     *
     * @param from the start of the window
     * @return a copy
     */
    synchronized List<Received> since(Instant from) {
        List<Received> out = new ArrayList<>();
        java.util.Iterator<Received> newestFirst = ticks.descendingIterator();
        while (newestFirst.hasNext()) {
            Received r = newestFirst.next();
            if (r.receivedAt().isBefore(from)) {
                break;
            }
            out.add(r);
        }
        java.util.Collections.reverse(out);
        return out;
    }
}
