package io.ballast.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** A small JSON-over-HTTP client of the risk service and the Keycloak token endpoint, for the tools. */
public final class ApiClient {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(120);

    private final HttpClient http;
    private final String apiUrl;
    private final String tokenUrl;

    /**
     * @param apiUrl   base URL of the service, e.g. {@code http://127.0.0.1:8080}
     * @param tokenUrl token endpoint of the ballast realm
     */
    public ApiClient(String apiUrl, String tokenUrl) {
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).build();
        this.apiUrl = apiUrl.endsWith("/") ? apiUrl.substring(0, apiUrl.length() - 1) : apiUrl;
        this.tokenUrl = tokenUrl;
    }

    /** @return the shared HTTP client (HTTP/1.1, keep-alive) */
    public HttpClient http() {
        return http;
    }

    /** @return the base URL of the service */
    public String apiUrl() {
        return apiUrl;
    }

    /**
     * A client-credentials access token.
     *
     * @param clientId the client
     * @param secret   its secret
     * @return the bearer token
     */
    public String token(String clientId, String secret) throws IOException, InterruptedException {
        String form = "grant_type=client_credentials&client_id=" + URLEncoder.encode(clientId, StandardCharsets.UTF_8)
                + "&client_secret=" + URLEncoder.encode(secret, StandardCharsets.UTF_8);
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(tokenUrl)).timeout(TIMEOUT)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("token for " + clientId + " refused: " + r.statusCode() + " " + r.body());
        }
        return JSON.readTree(r.body()).path("access_token").asText();
    }

    /**
     * Sends a JSON request and checks the status.
     *
     * @param token    bearer token
     * @param method   HTTP method
     * @param path     path below the base URL
     * @param body     object to serialise as the body, or null
     * @param expected the status that counts as success
     * @return the answer's JSON (a null node when empty)
     * @throws IllegalStateException on another status, with the answer's body
     */
    public JsonNode call(String token, String method, String path, Object body, int expected)
            throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(request(token, method, path, body), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != expected) {
            String text = r.body();
            throw new IllegalStateException(method + " " + path + " answered " + r.statusCode() + " (expected "
                    + expected + "): " + (text.length() > 500 ? text.substring(0, 500) + "..." : text));
        }
        return r.body().isEmpty() ? JSON.nullNode() : JSON.readTree(r.body());
    }

    /**
     * Builds a JSON request.
     *
     * @param token  bearer token
     * @param method HTTP method
     * @param path   path below the base URL
     * @param body   object to serialise as the body, or null
     * @return the request
     */
    public HttpRequest request(String token, String method, String path, Object body) throws IOException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(apiUrl + path)).timeout(TIMEOUT)
                .header("Authorization", "Bearer " + token).header("Accept", "application/json");
        if (body != null) {
            b.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)));
        } else {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        }
        return b.build();
    }
}
