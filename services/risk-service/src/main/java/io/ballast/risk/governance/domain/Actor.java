package io.ballast.risk.governance.domain;

import io.quarkus.security.identity.SecurityIdentity;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * Who acts: the verified token's subject ({@code sub}), the client it was issued to ({@code azp}) and the name to
 * show people.
 *
 * @param subject token subject, or {@code model:<version>} / {@code scheduler} / {@code onboarding} for the service's
 *                own steps; the stable identity (votes are unique per subject)
 * @param client  client id, or null
 * @param name    the name shown: the token's {@code preferred_username} for a person, the client id for a machine
 *                (a service account, whose username Keycloak makes {@code service-account-<client>}), {@code
 *                model <version>} for the recommender, else the subject
 */
public record Actor(String subject, String client, String name) {

    /** Keycloak's prefix of a service account's username. */
    static final String SERVICE_ACCOUNT_PREFIX = "service-account-";

    /** The scheduled step that makes approved changes effective and expires proposals. */
    public static final Actor SCHEDULER = new Actor("scheduler", null, "scheduler");

    /** The onboarding step that writes a new tenant's defaults. */
    public static final Actor ONBOARDING = new Actor("onboarding", null, "onboarding");

    /** The actor of a verified token. */
    public static Actor of(SecurityIdentity identity) {
        if (identity.getPrincipal() instanceof JsonWebToken jwt) {
            String client = claim(jwt, "azp");
            String username = claim(jwt, "preferred_username");
            String name = username == null || username.startsWith(SERVICE_ACCOUNT_PREFIX)
                    ? (client != null ? client : jwt.getSubject()) : username;
            return new Actor(jwt.getSubject(), client, name);
        }
        String principal = identity.getPrincipal().getName();
        return new Actor(principal, null, principal);
    }

    /** The actor of an automatic change: the model version. */
    public static Actor model(String modelVersion) {
        return new Actor("model:" + modelVersion, "ballast-recommender", "model " + modelVersion);
    }

    private static String claim(JsonWebToken jwt, String name) {
        Object value = jwt.getClaim(name);
        if (value == null) {
            return null;
        }
        String text = value.toString().replace("\"", "");
        return text.isBlank() ? null : text;
    }
}
