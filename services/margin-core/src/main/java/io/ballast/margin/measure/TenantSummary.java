package io.ballast.margin.measure;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Tenant-wide summary of many accounts' margin: counts by status, the accounts that need attention, and totals.
 *
 * @param accounts number of accounts summarised
 * @param healthy accounts HEALTHY
 * @param marginCallAccountIds ids of the accounts in MARGIN_CALL, in input order
 * @param liquidatableAccountIds ids of the accounts LIQUIDATABLE, in input order
 * @param totalEquityUsd sum of equity, USD
 * @param totalInitialMarginUsd sum of initial requirements, USD
 * @param totalMaintenanceMarginUsd sum of maintenance requirements, USD
 */
public record TenantSummary(int accounts, int healthy, List<String> marginCallAccountIds,
        List<String> liquidatableAccountIds, double totalEquityUsd, double totalInitialMarginUsd,
        double totalMaintenanceMarginUsd) {

    /** Copies the lists. */
    public TenantSummary {
        marginCallAccountIds = List.copyOf(marginCallAccountIds);
        liquidatableAccountIds = List.copyOf(liquidatableAccountIds);
    }

    /**
     * Summarises results.
     *
     * @param results one result per account
     * @return the summary
     */
    public static TenantSummary of(Collection<MarginResult> results) {
        int healthy = 0;
        List<String> call = new ArrayList<>();
        List<String> liquidatable = new ArrayList<>();
        double equity = 0;
        double im = 0;
        double mm = 0;
        for (MarginResult r : results) {
            switch (r.status()) {
                case HEALTHY -> healthy++;
                case MARGIN_CALL -> call.add(r.accountId());
                case LIQUIDATABLE -> liquidatable.add(r.accountId());
            }
            equity += r.equityUsd();
            im += r.initialMarginUsd();
            mm += r.maintenanceMarginUsd();
        }
        return new TenantSummary(results.size(), healthy, call, liquidatable, equity, im, mm);
    }
}
