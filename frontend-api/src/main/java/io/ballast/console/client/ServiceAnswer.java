package io.ballast.console.client;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The outcome of one call to the risk service, ready for a page: the JSON body, or the refusal in words.
 *
 * @param status       HTTP status of the answer (0 when the service could not be reached)
 * @param body         the JSON body of a 2xx answer, else null
 * @param error        what went wrong, in words, for the page (null on success)
 * @param notAvailable true when the endpoint does not exist on the running service yet (a 404 from an endpoint
 *                     that answers for every tenant once deployed, e.g. the governance list)
 */
public record ServiceAnswer(int status, JsonNode body, String error, boolean notAvailable) {

    /** @return true for a 2xx answer with its body */
    public boolean ok() {
        return error == null && !notAvailable;
    }

    /** @return a successful answer */
    static ServiceAnswer of(int status, JsonNode body) {
        return new ServiceAnswer(status, body, null, false);
    }

    /** @return an answer refused or failed, with its reason in words */
    static ServiceAnswer failed(int status, String error) {
        return new ServiceAnswer(status, null, error, false);
    }

    /** @return the answer of an endpoint the service does not have yet */
    static ServiceAnswer missing(String what) {
        return new ServiceAnswer(404, null, what + " is not available yet on this risk service", true);
    }
}
