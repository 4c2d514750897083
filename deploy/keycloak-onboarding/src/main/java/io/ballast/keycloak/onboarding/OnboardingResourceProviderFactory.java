package io.ballast.keycloak.onboarding;

import org.keycloak.Config;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.services.resource.RealmResourceProvider;
import org.keycloak.services.resource.RealmResourceProviderFactory;

/**
 * Registers the onboarding endpoint under {@code /realms/{realm}/}{@value #ID} (listed in
 * {@code META-INF/services/org.keycloak.services.resource.RealmResourceProviderFactory}).
 */
public final class OnboardingResourceProviderFactory implements RealmResourceProviderFactory {

    /** The path segment under the realm, and the provider's id. */
    public static final String ID = "ballast-onboarding";

    @Override
    public RealmResourceProvider create(KeycloakSession session) {
        return new RealmResourceProvider() {
            @Override
            public Object getResource() {
                return new OnboardingResource(session);
            }

            @Override
            public void close() {
            }
        };
    }

    @Override
    public void init(Config.Scope config) {
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
    }

    @Override
    public void close() {
    }

    @Override
    public String getId() {
        return ID;
    }
}
