package io.ballast.margin.engine;

import io.ballast.margin.Checks;
import io.ballast.margin.MarginInputException;
import io.ballast.margin.product.Position;
import java.util.Arrays;
import java.util.List;

/**
 * Positions of many accounts in a struct-of-arrays layout, grouped by underlying, for the bulk engine.
 *
 * <p>For each underlying {@code u}: {@code accounts(u)} lists the accounts exposed to it (ascending), and account
 * {@code accounts(u)[k]}'s positions on {@code u} are {@code instr(u)[start(u)[k] .. start(u)[k+1])} with quantities
 * in {@code qty(u)} at the same indexes, netted per instrument and sorted by instrument index. Instrument indexes
 * refer to a {@link RiskArrays} universe.
 *
 * <p>Immutable once built.
 */
public final class PortfolioBook {

    private final int accountCount;
    private final int[][] accounts;
    private final int[][] starts;
    private final int[][] instr;
    private final double[][] qty;

    private PortfolioBook(int accountCount, int[][] accounts, int[][] starts, int[][] instr, double[][] qty) {
        this.accountCount = accountCount;
        this.accounts = accounts;
        this.starts = starts;
        this.instr = instr;
        this.qty = qty;
    }

    /**
     * A builder over a universe.
     *
     * @param universe risk arrays whose instrument indexes the book uses
     * @return builder
     */
    public static Builder builder(RiskArrays universe) {
        return new Builder(universe);
    }

    /** @return number of accounts (0 .. accountCount-1) */
    public int accountCount() {
        return accountCount;
    }

    /** @return number of underlyings (as in the universe) */
    public int underlyingCount() {
        return accounts.length;
    }

    /** @param u underlying index @return accounts exposed to it, ascending; do not modify */
    public int[] accounts(int u) {
        return accounts[u];
    }

    /** @param u underlying index @return start offsets, one per exposed account plus the end; do not modify */
    public int[] starts(int u) {
        return starts[u];
    }

    /** @param u underlying index @return instrument indexes; do not modify */
    public int[] instr(int u) {
        return instr[u];
    }

    /** @param u underlying index @return signed quantities, units of underlying; do not modify */
    public double[] qty(int u) {
        return qty[u];
    }

    /** @return total netted positions held */
    /**
     * Changes one position's quantity in place (an account's update in its slots, {@link BulkMarginBook#update}).
     *
     * @param u     underlying index
     * @param index the position's index in {@link #qty(int)}
     * @param q     the quantity
     */
    void setQuantity(int u, int index, double q) {
        qty[u][index] = q;
    }

    public long positionCount() {
        long n = 0;
        for (int[] a : instr) {
            n += a.length;
        }
        return n;
    }

    /**
     * Bytes held by the book's arrays: 12 per position (int instrument + double quantity) plus 8 per
     * (account, underlying) exposure (account id + start offset).
     *
     * @return bytes
     */
    public long bytesHeld() {
        long b = 0;
        for (int u = 0; u < accounts.length; u++) {
            b += 4L * accounts[u].length + 4L * starts[u].length + 4L * instr[u].length + 8L * qty[u].length;
        }
        return b;
    }

    /** Collects accounts one by one; account numbers are given in the order of {@link #addAccount}. Not thread-safe. */
    public static final class Builder {
        private final RiskArrays universe;
        private final int nu;
        private final IntList[] accounts;
        private final IntList[] starts;
        private final IntList[] instr;
        private final DoubleList[] qty;
        private int accountCount;

        private Builder(RiskArrays universe) {
            this.universe = Checks.present("universe", universe);
            this.nu = universe.underlyings().size();
            accounts = new IntList[nu];
            starts = new IntList[nu];
            instr = new IntList[nu];
            qty = new DoubleList[nu];
            for (int u = 0; u < nu; u++) {
                accounts[u] = new IntList();
                starts[u] = new IntList();
                instr[u] = new IntList();
                qty[u] = new DoubleList();
            }
        }

        /**
         * Adds an account given as positions.
         *
         * @param positions positions; instruments must be in the universe
         * @return the account number
         */
        public int addAccount(List<Position> positions) {
            int[] idx = new int[positions.size()];
            double[] q = new double[positions.size()];
            for (int k = 0; k < idx.length; k++) {
                idx[k] = universe.indexOf(positions.get(k).instrument().id());
                q[k] = positions.get(k).quantity();
            }
            return addAccount(idx, q);
        }

        /**
         * Adds an account given as parallel arrays (not kept; copied).
         *
         * @param instrumentIndexes instrument indexes in the universe
         * @param quantities signed quantities, units of underlying
         * @return the account number
         */
        public int addAccount(int[] instrumentIndexes, double[] quantities) {
            if (instrumentIndexes.length != quantities.length) {
                throw new MarginInputException("quantities", "length " + quantities.length + " != instruments "
                        + instrumentIndexes.length);
            }
            int n = instrumentIndexes.length;
            if (n >= (1 << 20)) {
                throw new MarginInputException("positions", "too many positions in one account: " + n);
            }
            long[] keys = new long[n];
            for (int k = 0; k < n; k++) {
                int i = instrumentIndexes[k];
                if (i < 0 || i >= universe.instrumentCount()) {
                    throw new MarginInputException("instrument", "index out of range: " + i);
                }
                Checks.finite("quantity", quantities[k]);
                keys[k] = ((long) universe.underlyingOf(i) << 40) | ((long) i << 20) | k;
            }
            Arrays.sort(keys);
            int account = accountCount++;
            int prevU = -1;
            int prevI = -1;
            for (long key : keys) {
                int u = (int) (key >>> 40);
                int i = (int) ((key >>> 20) & 0xFFFFF);
                double q = quantities[(int) (key & 0xFFFFF)];
                if (u != prevU) {
                    accounts[u].add(account);
                    starts[u].add(instr[u].size());
                    prevU = u;
                    prevI = -1;
                }
                if (i == prevI) {
                    qty[u].addTo(qty[u].size() - 1, q);
                } else {
                    instr[u].add(i);
                    qty[u].add(q);
                    prevI = i;
                }
            }
            return account;
        }

        /** @return the immutable book */
        public PortfolioBook build() {
            int[][] a = new int[nu][];
            int[][] s = new int[nu][];
            int[][] in = new int[nu][];
            double[][] q = new double[nu][];
            for (int u = 0; u < nu; u++) {
                a[u] = accounts[u].toArray();
                starts[u].add(instr[u].size());
                s[u] = starts[u].toArray();
                starts[u].removeLast();
                in[u] = instr[u].toArray();
                q[u] = qty[u].toArray();
            }
            return new PortfolioBook(accountCount, a, s, in, q);
        }
    }

    private static final class IntList {
        private int[] data = new int[16];
        private int size;

        void add(int v) {
            if (size == data.length) {
                data = Arrays.copyOf(data, size * 2);
            }
            data[size++] = v;
        }

        void removeLast() {
            size--;
        }

        int size() {
            return size;
        }

        int[] toArray() {
            return Arrays.copyOf(data, size);
        }
    }

    private static final class DoubleList {
        private double[] data = new double[16];
        private int size;

        void add(double v) {
            if (size == data.length) {
                data = Arrays.copyOf(data, size * 2);
            }
            data[size++] = v;
        }

        void addTo(int index, double v) {
            data[index] += v;
        }

        int size() {
            return size;
        }

        double[] toArray() {
            return Arrays.copyOf(data, size);
        }
    }
}
