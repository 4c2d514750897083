package io.ballast.margin.engine;

import io.ballast.margin.Checks;
import io.ballast.margin.MarginInputException;
import io.ballast.margin.market.MarketSnapshot;

/**
 * Bulk, incremental portfolio margin over a {@link PortfolioBook}: the maintenance and initial requirements of every
 * account, kept up to date as underlyings tick.
 *
 * <p>Per account and underlying it keeps the worst weighted scenario loss and the contingency charges
 * ({@code double[account * underlyings + u]}); an account's maintenance requirement is the cross-underlying
 * combination of its losses plus its charges, the initial requirement that times {@code imMultiplier}. This is the
 * same kernel and aggregation as {@link MarginEngine} uses for one account.
 *
 * <p>{@link #recomputeAll} rebuilds every risk array and every account; {@link #onTick} rebuilds only one
 * underlying's arrays and recomputes only the accounts exposed to it. Not thread-safe: call from one thread (the
 * methods themselves may use the common fork-join pool when {@code parallel}).
 */
public final class PortfolioMarginEngine {

    /** Accounts per parallel task. */
    private static final int BLOCK = 4096;

    private final RiskArrays arrays;
    private final PortfolioBook book;
    private final boolean parallel;
    private final int nu;
    private final double rho;
    private final double multiplier;
    private final double[] lossByAccountUnderlying;
    private final double[] contingencyByAccountUnderlying;
    private final double[] maintenanceUsd;

    /**
     * Creates the engine (computes nothing yet).
     *
     * @param arrays risk arrays of the universe the book refers to
     * @param book the positions
     * @param parallel whether to split the work over account blocks on the common fork-join pool
     */
    public PortfolioMarginEngine(RiskArrays arrays, PortfolioBook book, boolean parallel) {
        this.arrays = Checks.present("arrays", arrays);
        this.book = Checks.present("book", book);
        if (book.underlyingCount() != arrays.underlyings().size()) {
            throw new MarginInputException("book", "built over another universe");
        }
        this.parallel = parallel;
        this.nu = book.underlyingCount();
        this.rho = arrays.params().crossUnderlyingCorrelation();
        this.multiplier = arrays.params().imMultiplier();
        this.lossByAccountUnderlying = new double[book.accountCount() * nu];
        this.contingencyByAccountUnderlying = new double[book.accountCount() * nu];
        this.maintenanceUsd = new double[book.accountCount()];
    }

    /**
     * Rebuilds all risk arrays at a market and recomputes every account.
     *
     * @param market the market
     */
    public void recomputeAll(MarketSnapshot market) {
        arrays.rebuildAll(market, parallel);
        for (int u = 0; u < nu; u++) {
            evaluateUnderlying(u);
        }
        forBlocks(book.accountCount(), (from, to) -> {
            for (int a = from; a < to; a++) {
                aggregate(a);
            }
        });
    }

    /**
     * Recomputes after one underlying's price or volatility changed: rebuilds only its instruments' risk arrays and
     * recomputes only the accounts exposed to it.
     *
     * @param market the new market (same valuation time as before)
     * @param underlying the underlying that ticked
     * @return number of accounts recomputed
     */
    public int onTick(MarketSnapshot market, String underlying) {
        arrays.rebuild(underlying, market);
        int u = arrays.underlyingIndex(underlying);
        if (u < 0) {
            return 0;
        }
        evaluateUnderlying(u);
        int[] exposed = book.accounts(u);
        forBlocks(exposed.length, (from, to) -> {
            for (int k = from; k < to; k++) {
                aggregate(exposed[k]);
            }
        });
        return exposed.length;
    }

    /**
     * Rebuilds one underlying's risk arrays at a new market and recomputes no account: the caller recomputes the
     * accounts it needs with {@link #evaluateRun} and {@link #aggregateAccount} (the bulk book's screen).
     *
     * @param market     the new market (same valuation time as before)
     * @param underlying the underlying that ticked
     */
    void rebuildArrays(MarketSnapshot market, String underlying) {
        arrays.rebuild(underlying, market);
    }

    /**
     * Recomputes one account's worst loss and contingency on one underlying at the current arrays.
     *
     * @param account account number in the book
     * @param u       underlying index
     * @param run     the account's run in the book's runs of u ({@code book.accounts(u)[run] == account})
     * @param scratch at least scenarioCount doubles
     * @param out     at least 3 doubles
     */
    void evaluateRun(int account, int u, int run, double[] scratch, double[] out) {
        int[] starts = book.starts(u);
        ScenarioKernel.evaluate(arrays, u, book.instr(u), book.qty(u), starts[run], starts[run + 1], scratch, out);
        int slot = account * nu + u;
        lossByAccountUnderlying[slot] = out[ScenarioKernel.LOSS];
        contingencyByAccountUnderlying[slot] = out[ScenarioKernel.CONTINGENCY];
    }

    /** @param account account number in the book: its requirement from its per-underlying figures as they are */
    void aggregateAccount(int account) {
        aggregate(account);
    }

    private void evaluateUnderlying(int u) {
        int[] accts = book.accounts(u);
        int[] starts = book.starts(u);
        int[] instr = book.instr(u);
        double[] qty = book.qty(u);
        forBlocks(accts.length, (from, to) -> {
            double[] scratch = new double[arrays.scenarioCount()];
            double[] out = new double[3];
            for (int k = from; k < to; k++) {
                ScenarioKernel.evaluate(arrays, u, instr, qty, starts[k], starts[k + 1], scratch, out);
                int slot = accts[k] * nu + u;
                lossByAccountUnderlying[slot] = out[ScenarioKernel.LOSS];
                contingencyByAccountUnderlying[slot] = out[ScenarioKernel.CONTINGENCY];
            }
        });
    }

    private void aggregate(int account) {
        int off = account * nu;
        double contingency = 0.0;
        for (int u = 0; u < nu; u++) {
            contingency += contingencyByAccountUnderlying[off + u];
        }
        maintenanceUsd[account] = ScenarioKernel.combine(lossByAccountUnderlying, off, nu, rho) + contingency;
    }

    private void forBlocks(int n, Blocks.RangeTask task) {
        Blocks.run(n, BLOCK, parallel, task);
    }

    /**
     * Maintenance requirement of an account as of the last computation.
     *
     * @param account account number in the book
     * @return USD
     */
    public double maintenanceUsd(int account) {
        return maintenanceUsd[account];
    }

    /**
     * Initial requirement of an account: maintenance times the IM multiplier.
     *
     * @param account account number in the book
     * @return USD
     */
    public double initialUsd(int account) {
        return maintenanceUsd[account] * multiplier;
    }

    /**
     * Sum of every account's maintenance requirement (a checksum for benchmarks and a tenant total).
     *
     * @return USD
     */
    public double totalMaintenanceUsd() {
        double t = 0;
        for (double m : maintenanceUsd) {
            t += m;
        }
        return t;
    }

    /**
     * Worst weighted scenario loss of one account on one underlying as of the last computation.
     *
     * @param account account number in the book
     * @param u underlying index
     * @return USD, &gt;= 0
     */
    public double lossUsd(int account, int u) {
        return lossByAccountUnderlying[account * nu + u];
    }

    /**
     * Contingency charges of one account on one underlying as of the last computation.
     *
     * @param account account number in the book
     * @param u underlying index
     * @return USD, &gt;= 0
     */
    public double contingencyUsd(int account, int u) {
        return contingencyByAccountUnderlying[account * nu + u];
    }

    /** @return the risk arrays */
    public RiskArrays arrays() {
        return arrays;
    }

    /** @return the book */
    public PortfolioBook book() {
        return book;
    }

    /**
     * Bytes held by the engine's per-account result arrays (loss, contingency per account and underlying;
     * maintenance per account).
     *
     * @return bytes
     */
    public long bytesHeld() {
        return 8L * (lossByAccountUnderlying.length + contingencyByAccountUnderlying.length + maintenanceUsd.length);
    }
}
