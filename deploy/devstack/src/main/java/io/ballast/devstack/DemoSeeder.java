package io.ballast.devstack;

import java.util.Map;

/**
 * Seeds the two demo tenants of {@code ./ballast run} through the public REST API of the risk service,
 * exactly as an operator and an integrator would (no database shortcuts).
 *
 * <p>Owned by the risk-service work: it follows the API as that evolves.
 */
public final class DemoSeeder {

    private DemoSeeder() {
    }

    /**
     * Onboards two demo tenants and gives each accounts, collateral and positions.
     *
     * @param apiUrl              base URL of the risk service, e.g. {@code http://localhost:8080}
     * @param tokenUrl            Keycloak token endpoint of the {@code ballast} realm
     * @param platformAdminClient client id holding the {@code platform-admin} role
     * @param platformAdminSecret its secret
     * @return the content of {@code .ballast/demo-credentials.json} as a JSON-ready tree:
     *     {@code {"apiUrl", "tokenUrl", "tenants": [{"tenantId", "clientId", "clientSecret", "accountIds"}],
     *     "platformAdmin": {"clientId", "clientSecret"}}}
     */
    public static Map<String, Object> seed(String apiUrl, String tokenUrl, String platformAdminClient,
            String platformAdminSecret) throws Exception {
        throw new UnsupportedOperationException("demo seeding not written yet");
    }
}
