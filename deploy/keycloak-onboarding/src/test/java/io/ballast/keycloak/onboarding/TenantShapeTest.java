package io.ballast.keycloak.onboarding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The rules of the tenant shape, without a Keycloak (the endpoint itself is tested against a real one). */
class TenantShapeTest {

    @Test
    void onlyTenantRolesMayBeMappedAndNeverPlatformAdmin() {
        assertThat(TenantShape.clientRoles(List.of("integrator"))).containsExactly("integrator");
        assertThat(TenantShape.clientRoles(List.of("viewer", "risk-committee"))).hasSize(2);
        for (List<String> roles : List.of(List.of("platform-admin"), List.of("integrator", "platform-admin"),
                List.of("ballast-onboarding"), List.of("offline_access"), List.<String>of(),
                List.of("viewer", "viewer"), List.of("Integrator"))) {
            assertThatThrownBy(() -> TenantShape.clientRoles(roles)).as("%s", roles)
                    .isInstanceOf(TenantShape.Refused.class).extracting("field").isEqualTo("roles");
        }
        assertThatThrownBy(() -> TenantShape.clientRoles(null)).isInstanceOf(TenantShape.Refused.class);
        assertThat(TenantShape.userRole("viewer")).isEqualTo("viewer");
        for (String role : new String[] {"integrator", "platform-admin", null, ""}) {
            assertThatThrownBy(() -> TenantShape.userRole(role)).as(role)
                    .isInstanceOf(TenantShape.Refused.class).extracting("field").isEqualTo("role");
        }
    }

    @Test
    void aTenantIdIsACanonicalLowercaseUuid() {
        String id = UUID.randomUUID().toString();
        assertThat(TenantShape.tenantId(id)).isEqualTo(id);
        for (String bad : new String[] {null, "", "x", id.toUpperCase(), " " + id, id + "0",
                "1-1-1-1-1", id.replace('-', '_')}) {
            assertThatThrownBy(() -> TenantShape.tenantId(bad)).as(bad).isInstanceOf(TenantShape.Refused.class)
                    .extracting("field").isEqualTo("tenantId");
        }
    }

    @Test
    void clientIdsStartWithTenantAndUsernamesAndEmailsAreChecked() {
        assertThat(TenantShape.clientId("tenant-acme-integrator")).isEqualTo("tenant-acme-integrator");
        for (String bad : new String[] {null, "ballast-platform-admin", "tenant-", "tenant-a", "Tenant-acme",
                "tenant-acme_x", "tenant-" + "a".repeat(100)}) {
            assertThatThrownBy(() -> TenantShape.clientId(bad)).as(bad).isInstanceOf(TenantShape.Refused.class);
        }
        assertThat(TenantShape.username("Alice.B")).isEqualTo("alice.b");
        assertThatThrownBy(() -> TenantShape.username("a")).isInstanceOf(TenantShape.Refused.class);
        assertThatThrownBy(() -> TenantShape.password("short")).isInstanceOf(TenantShape.Refused.class);
        assertThat(TenantShape.email("A@Example.test")).isEqualTo("a@example.test");
        assertThatThrownBy(() -> TenantShape.email("no at sign")).isInstanceOf(TenantShape.Refused.class);
        assertThatThrownBy(() -> TenantShape.personName("firstName", "<script>"))
                .isInstanceOf(TenantShape.Refused.class);
    }
}
