package io.ballast.risk.live;

import java.util.Arrays;

/**
 * Which transactions a PostgreSQL snapshot sees: the text of {@code pg_current_snapshot()} ({@code xmin:xmax:xip}),
 * read in the snapshot a hot book's rows were read in ({@link BookLoader#load}). A change event whose transaction the
 * snapshot sees is in the book's rows; one whose transaction it does not see is not, whatever its outbox id.
 *
 * <p>Why not the outbox id alone: ids are taken at insert and become visible at commit, so a transaction still open
 * when the rows were read can hold an id below the highest id they include. Its event, skipped by an id rule, would
 * leave the book without its change (a snapshot of positions, say) until the next rebuild.
 *
 * @param xmin the lowest transaction still running when the snapshot was taken (every lower one is seen if committed)
 * @param xmax one past the highest transaction completed then (none from it on is seen)
 * @param running the transactions between them still running then (not seen), ascending
 */
public record ReadSnapshot(long xmin, long xmax, long[] running) {

    /**
     * @param text {@code pg_current_snapshot()} as text, e.g. {@code 742:748:742,745}
     * @return the snapshot
     * @throws IllegalArgumentException when the text is not one
     */
    public static ReadSnapshot parse(String text) {
        String[] parts = text.split(":", -1);
        if (parts.length != 3) {
            throw new IllegalArgumentException("not a pg_snapshot: " + text);
        }
        long[] running = parts[2].isEmpty() ? new long[0]
                : Arrays.stream(parts[2].split(",")).mapToLong(Long::parseLong).sorted().toArray();
        return new ReadSnapshot(Long.parseLong(parts[0]), Long.parseLong(parts[1]), running);
    }

    /**
     * As PostgreSQL's {@code pg_visible_in_snapshot}, for a committed transaction.
     *
     * @param xid the transaction (its {@code xid8})
     * @return whether the snapshot sees what it committed
     */
    public boolean sees(long xid) {
        return xid < xmin || xid < xmax && Arrays.binarySearch(running, xid) < 0;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ReadSnapshot s && s.xmin == xmin && s.xmax == xmax && Arrays.equals(s.running, running);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(xmin) * 31 + Long.hashCode(xmax) * 17 + Arrays.hashCode(running);
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder().append(xmin).append(':').append(xmax).append(':');
        for (int i = 0; i < running.length; i++) {
            s.append(i == 0 ? "" : ",").append(running[i]);
        }
        return s.toString();
    }
}
