package io.ballast.risk.governance.domain;

import io.quarkus.security.identity.SecurityIdentity;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * Who acts: the verified token's subject ({@code sub}) and the client it was issued to ({@code azp}).
 *
 * @param subject token subject, or {@code model:<version>} / {@code scheduler} for automatic steps
 * @param client  client id, or null
 */
public record Actor(String subject, String client) {

    /** The scheduled step that makes approved changes effective and expires proposals. */
    public static final Actor SCHEDULER = new Actor("scheduler", null);

    /** The actor of a verified token. */
    public static Actor of(SecurityIdentity identity) {
        if (identity.getPrincipal() instanceof JsonWebToken jwt) {
            Object azp = jwt.getClaim("azp");
            return new Actor(jwt.getSubject(), azp == null ? null : azp.toString().replace("\"", ""));
        }
        return new Actor(identity.getPrincipal().getName(), null);
    }

    /** The actor of an automatic change: the model version. */
    public static Actor model(String modelVersion) {
        return new Actor("model:" + modelVersion, "ballast-recommender");
    }
}
