package io.ballast.risk.support;

import io.ballast.risk.security.KeycloakAdmin;
import io.restassured.specification.RequestSpecification;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * People in roles for governance tests: each member is a real Keycloak client (service account) of the tenant with
 * one realm role, so each has its own token subject. Created through the onboarding extension (client id
 * {@code tenant-<slug>-<name>}); {@link #close} deletes them.
 */
public final class Members implements AutoCloseable {

    /**
     * One member.
     *
     * @param clientId   OAuth client id
     * @param secret     its secret
     * @param internalId Keycloak's id (for deletion)
     */
    public record Member(String clientId, String secret, String internalId) {

        /** A JSON request with this member's token. */
        public RequestSpecification as() {
            return TestTenants.bearer(TestTenants.token(clientId, secret));
        }
    }

    private final KeycloakAdmin keycloak;
    private final List<Member> created = new ArrayList<>();

    /** Members made with this Keycloak admin client. */
    public Members(KeycloakAdmin keycloak) {
        this.keycloak = keycloak;
    }

    /** A new member of the tenant with one realm role (e.g. {@code risk-committee}). */
    public Member create(TestTenants.Tenant t, String role, String name) {
        KeycloakAdmin.CreatedClient c = keycloak.createTenantClient("tenant-" + t.slug() + "-" + name, UUID.fromString(t.id()),
                List.of(role)).await().indefinitely();
        Member m = new Member(c.clientId(), c.secret(), c.internalId());
        created.add(m);
        return m;
    }

    /** Deletes every member created. */
    @Override
    public void close() {
        created.forEach(m -> keycloak.deleteClient(m.internalId()).await().indefinitely());
        created.clear();
    }
}
