package io.ballast.risk.security;

import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.ext.web.client.WebClient;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Readiness of the OIDC provider: its discovery document must answer 200 with the expected issuer. */
@Readiness
@ApplicationScoped
public class OidcReadinessCheck implements AsyncHealthCheck {

    private final WebClient web;
    private final String authServerUrl;

    /** Wires the provider URL ({@code quarkus.oidc.auth-server-url}). */
    public OidcReadinessCheck(Vertx vertx, @ConfigProperty(name = "quarkus.oidc.auth-server-url") String authServerUrl) {
        this.web = WebClient.create(vertx);
        this.authServerUrl = authServerUrl.endsWith("/") ? authServerUrl.substring(0, authServerUrl.length() - 1)
                : authServerUrl;
    }

    @PreDestroy
    void close() {
        web.close();
    }

    @Override
    public Uni<HealthCheckResponse> call() {
        String url = authServerUrl + "/.well-known/openid-configuration";
        return web.getAbs(url).timeout(3000).send()
                .map(r -> {
                    boolean up = r.statusCode() == 200
                            && authServerUrl.equals(r.bodyAsJsonObject().getString("issuer"));
                    return HealthCheckResponse.named("OIDC provider").status(up).withData("url", url)
                            .withData("status", r.statusCode()).build();
                })
                .onFailure().recoverWithItem(e -> HealthCheckResponse.named("OIDC provider").down()
                        .withData("url", url).withData("error", String.valueOf(e.getMessage())).build());
    }
}
