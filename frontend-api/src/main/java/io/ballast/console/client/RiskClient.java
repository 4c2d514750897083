package io.ballast.console.client;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.rest.client.inject.RestClient;

/**
 * Accounts, margin and risk parameters of the signed-in user's tenant, as {@link ServiceAnswer}s for the pages.
 * Blocking: call from worker threads (the page resources are).
 */
@ApplicationScoped
public class RiskClient {

    /**
     * Rows asked for in each list the console shows (the API's maximum page): the console shows the first 1,000
     * accounts, assets, instruments and oracles of a tenant.
     */
    static final int LIST_LIMIT = 1_000;

    private final RiskApi api;
    private final ServiceCalls calls;

    /**
     * @param api   the REST client
     * @param calls answer conversion
     */
    public RiskClient(@RestClient RiskApi api, ServiceCalls calls) {
        this.api = api;
        this.calls = calls;
    }

    /** @return the tenant summary (accounts by status, totals in USD, worst accounts) */
    public ServiceAnswer summary() {
        return calls.run(api::summary);
    }

    /** @return the tenant's accounts */
    public ServiceAnswer accounts() {
        return calls.run(() -> api.accounts(LIST_LIMIT));
    }

    /**
     * @param accountId the account id (another tenant's is a 404 from the service)
     * @return its margin answer with the breakdown
     */
    public ServiceAnswer margin(String accountId) {
        return calls.run(() -> api.margin(accountId));
    }

    /** @return every asset's oracle: price in force, its age (seconds) and health */
    public ServiceAnswer oracles() {
        return calls.run(() -> api.oracles(LIST_LIMIT));
    }

    /** @return the tenant's assets {@code [{id, symbol, ...}]} */
    public ServiceAnswer assets() {
        return calls.run(() -> api.assets(LIST_LIMIT));
    }

    /** @return the tenant's instruments {@code [{id, symbol, kind, underlyingId, ...}]} */
    public ServiceAnswer instruments() {
        return calls.run(() -> api.instruments(LIST_LIMIT));
    }

    /**
     * @param instrumentId an instrument id
     * @return its own risk-parameter version in force (404 in words when it has none and follows its underlying)
     */
    public ServiceAnswer instrumentParameters(String instrumentId) {
        return calls.run(() -> api.effectiveRiskParameters("instruments", instrumentId));
    }
}
