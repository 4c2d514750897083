package io.ballast.console.client;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The outcome of one call to the risk service, ready for a page: the JSON body, or the refusal in words.
 *
 * @param status HTTP status of the answer (0 when the service could not be reached)
 * @param body   the JSON body of a 2xx answer, else null
 * @param error  what went wrong, in words, for the page (null on success); a missing or another tenant's row is the
 *               service's 404 problem in words ("Not Found: proposal ... does not exist (HTTP 404)")
 */
public record ServiceAnswer(int status, JsonNode body, String error) {

    /** @return true for a 2xx answer with its body */
    public boolean ok() {
        return error == null;
    }

    /** @return a successful answer */
    static ServiceAnswer of(int status, JsonNode body) {
        return new ServiceAnswer(status, body, null);
    }

    /** @return an answer refused or failed, with its reason in words */
    static ServiceAnswer failed(int status, String error) {
        return new ServiceAnswer(status, null, error);
    }
}
