package io.ballast.risk.rest;

import io.ballast.risk.service.IdempotencyService.Outcome;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** Turns a stored or fresh write outcome into an HTTP response. */
public final class Responses {

    /** Set to {@code true} on a response replayed from an earlier attempt with the same Idempotency-Key. */
    static final String REPLAYED = "Idempotent-Replayed";

    private Responses() {
    }

    /**
     * The HTTP response of a write outcome: its status, its JSON body, and {@value #REPLAYED}.
     *
     * @param outcome the outcome
     * @return the response
     */
    public static Response of(Outcome outcome) {
        return Response.status(outcome.status()).type(MediaType.APPLICATION_JSON_TYPE).entity(outcome.json())
                .header(REPLAYED, Boolean.toString(outcome.replayed())).build();
    }
}
