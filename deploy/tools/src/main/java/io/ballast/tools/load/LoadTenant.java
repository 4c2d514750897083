package io.ballast.tools.load;

import java.util.List;
import java.util.Map;

/**
 * The tenant a load run created (saved to {@code .ballast/load-tenant.json} so that later runs can skip the load).
 *
 * @param tenantId         tenant id
 * @param integratorId     client id of its integrator
 * @param integratorSecret its secret
 * @param pricesUsd        the index prices the run set, USD per unit, by underlying
 * @param instruments      the instrument symbols of the tenant
 * @param accounts         number of accounts loaded
 * @param positions        number of positions loaded
 */
public record LoadTenant(String tenantId, String integratorId, String integratorSecret, Map<String, Double> pricesUsd,
        List<String> instruments, int accounts, int positions) {
}
