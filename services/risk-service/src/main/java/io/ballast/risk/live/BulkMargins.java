package io.ballast.risk.live;

import io.ballast.margin.measure.MarginResult;
import io.ballast.risk.domain.Account;
import io.ballast.risk.domain.Balance;
import io.ballast.risk.domain.Position;
import io.ballast.risk.service.MarginInputs;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Tenant-wide margin with the bulk engine, outside the live loop: margin-core's {@code BulkMarginBook} (one set of
 * risk arrays over the instruments held, PORTFOLIO accounts under the {@code PortfolioMarginEngine}, CROSS accounts
 * by the standard rules on the arrays' marks), built by the same code as a hot book's bulk part from rows the caller
 * supplies (a hot book's or the database's) and inputs the caller may have altered (governance's impact preview puts
 * a proposal's versions in force). Accounts the bulk book cannot hold (every ISOLATED account, missing data, an
 * expired instrument) are returned as not held, for the per-account engine. CPU only: call it on a worker.
 */
public final class BulkMargins {

    /**
     * One bulk computation.
     *
     * @param held    the margin of each account the bulk book held (one cross pool, no breakdown lines, no
     *                liquidation price), in the order of the accounts given
     * @param notHeld the accounts it did not hold
     */
    public record Result(Map<UUID, MarginResult> held, Set<UUID> notHeld) {
    }

    private BulkMargins() {
    }

    /**
     * Builds a bulk book of the accounts at the inputs' valuation time and prices, and reads every held account's
     * margin from it.
     *
     * @param inputs    reference data, parameters and prices (possibly with proposed versions in force)
     * @param accounts  open accounts
     * @param balances  their balances
     * @param positions their positions
     * @param settings  live settings (the early warning's stress, which the result does not use)
     * @return the held accounts' margin and the others
     */
    public static Result compute(MarginInputs inputs, List<Account> accounts, List<Balance> balances,
            List<Position> positions, LiveSettings settings) {
        Map<UUID, Account> byId = new LinkedHashMap<>();
        accounts.forEach(a -> byId.put(a.id, a));
        Map<UUID, List<Balance>> bs = new HashMap<>();
        balances.forEach(b -> bs.computeIfAbsent(b.id.accountId(), k -> new ArrayList<>()).add(b));
        Map<UUID, List<Position>> ps = new HashMap<>();
        positions.forEach(p -> ps.computeIfAbsent(p.id.accountId(), k -> new ArrayList<>()).add(p));
        BulkBook book = BulkBook.build(inputs, byId, bs, ps, inputs.prices(), inputs.assetSymbols(), settings);
        Map<UUID, MarginResult> held = new LinkedHashMap<>();
        Set<UUID> notHeld = new java.util.LinkedHashSet<>();
        for (Account a : accounts) {
            if (book != null && book.holds(a.id)) {
                held.put(a.id, book.result(a));
            } else {
                notHeld.add(a.id);
            }
        }
        return new Result(held, notHeld);
    }
}
