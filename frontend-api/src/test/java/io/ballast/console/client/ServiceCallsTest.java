package io.ballast.console.client;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class ServiceCallsTest {

    private final ServiceCalls calls = new ServiceCalls(new ObjectMapper());

    @Test
    void aProblemIsOneSentenceWithItsFieldErrors() {
        assertThat(calls.describe(404, """
                {"type": "about:blank", "title": "Not Found", "status": 404,
                 "detail": "proposal 3f1c does not exist"}"""))
                .isEqualTo("Not Found: proposal 3f1c does not exist (HTTP 404)");
        assertThat(calls.describe(422, """
                {"title": "Unprocessable Entity", "detail": "invalid change",
                 "errors": [{"field": "maxMmf", "message": "at most 0.5"}]}"""))
                .isEqualTo("Unprocessable Entity: invalid change; maxMmf: at most 0.5 (HTTP 422)");
    }

    @Test
    void aBodyThatIsNoProblemIsTheStatusInWords() {
        assertThat(calls.describe(404, "")).isEqualTo("Not Found: the risk service has no such resource (HTTP 404)");
        assertThat(calls.describe(503, "busy")).isEqualTo("HTTP 503: busy (HTTP 503)");
        assertThat(calls.describe(500, "{\"unexpected\": true}")).startsWith("HTTP 500");
    }
}
