package io.ballast.risk;

import static org.assertj.core.api.Assertions.assertThat;

import io.ballast.risk.support.BallastServersResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The service's OpenAPI document ({@code /q/openapi}) is clean under Redocly's {@code recommended} rules
 * ({@code @redocly/cli} {@value #REDOCLY}, installed from the npm registry by {@code npx} on first use). Without
 * {@code npx} on the PATH (no Node.js/npm) the test is skipped with that reason; with npx present a lint error or
 * warning fails it, with Redocly's report as the message. The document is left in {@code target/openapi/openapi.json}.
 */
@QuarkusTest
@QuarkusTestResource(BallastServersResource.class)
class OpenApiLintTest {

    /** The Redocly CLI version (pinned: the same rules on every run). */
    static final String REDOCLY = "2.77.0";

    @Test
    void theOpenApiDocumentPassesRedoclysRecommendedRules() throws Exception {
        Assumptions.assumeTrue(onPath("npx"), "npx (Node.js/npm) is not installed: OpenAPI lint skipped");
        Path dir = Files.createDirectories(Path.of("target", "openapi"));
        Path doc = dir.resolve("openapi.json");
        Files.writeString(doc, RestAssured.get("/q/openapi?format=json").then().statusCode(200).extract().asString(),
                StandardCharsets.UTF_8);
        Path config = dir.resolve("redocly.yaml");
        Files.writeString(config, "extends:\n  - recommended\n", StandardCharsets.UTF_8);
        Path report = dir.resolve("redocly-report.txt");
        Process lint = new ProcessBuilder(List.of("npx", "--yes", "@redocly/cli@" + REDOCLY, "lint",
                "--config", config.toString(), "--format", "stylish", doc.toString()))
                .redirectErrorStream(true).redirectOutput(report.toFile()).start();
        assertThat(lint.waitFor(10, TimeUnit.MINUTES)).as("redocly finished").isTrue();
        String output = Files.readString(report, StandardCharsets.UTF_8);
        assertThat(lint.exitValue()).as(output).isZero();
        // Redocly exits 0 on warnings: a problem line (line:column, severity, rule) or the summary names them
        assertThat(Pattern.compile("(?m)^\\s*\\d+:\\d+\\s+warning\\s|You have \\d+ warnings?").matcher(output).find())
                .as("warnings under the recommended rules:%n%s", output).isFalse();
        assertThat(output).as("Redocly validated the document").contains("validated in");
    }

    private static boolean onPath(String command) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, command))) {
                return true;
            }
        }
        return false;
    }
}
