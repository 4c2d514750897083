package io.ballast.console.web;

import io.quarkus.qute.Template;
import io.quarkus.qute.TemplateInstance;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** The page Keycloak sends the browser back to after logout (public). */
@Path("/signed-out")
public class SignedOutResource {

    @Inject
    Template signedOut;

    /** @return "you are signed out" with a link to sign in again */
    @GET
    @Produces(MediaType.TEXT_HTML)
    public TemplateInstance page() {
        return signedOut.instance();
    }
}
