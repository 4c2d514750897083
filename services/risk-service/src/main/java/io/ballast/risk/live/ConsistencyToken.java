package io.ballast.risk.live;

import io.smallrye.common.vertx.VertxContext;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.util.regex.Pattern;

/**
 * The changes a client has seen, as the API's {@code Ballast-Consistency} header carries them: the highest outbox id
 * of the tenant's {@code ballast.events} and of its {@code ballast.parameters} that an answer includes. A write's
 * answer names the rows it wrote; a read's answer names what it was computed from. A read that sends a token back is
 * answered from the hot book without the freshness read (docs/architecture.md "Event order and freshness") once the
 * book has applied both marks: read-your-writes for the client's own writes, at no database round trip. A read
 * without one keeps the freshness read, which also covers writes the client has not seen.
 *
 * <p>The token lives in the request's Vert.x duplicated context (never in a shared one: it would reach other
 * requests), set by the request filter and by {@link io.ballast.risk.messaging.OutboxWriter}, read by
 * {@link LiveLoop#caughtUp}.
 *
 * @param events     highest {@code ballast.events} outbox id included, 0 for none
 * @param parameters highest {@code ballast.parameters} outbox id included, 0 for none
 */
public record ConsistencyToken(long events, long parameters) {

    /** The HTTP header, in requests and in answers. */
    public static final String HEADER = "Ballast-Consistency";
    private static final String REQUESTED = "ballast.consistency.requested";
    private static final String REFLECTED = "ballast.consistency.reflected";
    /** The token's form: two whole numbers of at most 19 digits, without leading zeros, joined by a dot. */
    public static final String FORM_REGEX = "(0|[1-9][0-9]{0,18})\\.(0|[1-9][0-9]{0,18})";
    private static final Pattern FORM = Pattern.compile(FORM_REGEX);

    /**
     * Reads a token as answers print it ({@code 1234.56}).
     *
     * @param text the header's value
     * @return the token
     * @throws IllegalArgumentException when it is not two whole numbers of at most 19 digits
     */
    public static ConsistencyToken parse(String text) {
        String t = text == null ? "" : text.trim();
        var m = FORM.matcher(t);
        if (!m.matches()) {
            throw new IllegalArgumentException("not a consistency token");
        }
        try {
            return new ConsistencyToken(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a consistency token", e);
        }
    }

    @Override
    public String toString() {
        return events + "." + parameters;
    }

    /** Whether a book that applied these marks includes every change this token names. */
    boolean coveredBy(long appliedEvents, long appliedParameters) {
        return events <= appliedEvents && parameters <= appliedParameters;
    }

    /**
     * Records the token a request sent, in the current request's context.
     *
     * @param token the token
     */
    public static void request(ConsistencyToken token) {
        Context c = requestContext();
        if (c != null) {
            c.putLocal(REQUESTED, token);
        }
    }

    /** The token the request of this context sent, or null. */
    static ConsistencyToken requested(Context context) {
        return context == null || !VertxContext.isDuplicatedContext(context) ? null : context.getLocal(REQUESTED);
    }

    /**
     * Records that the answer of the request of this context includes the changes up to these marks (kept at the
     * highest of each across calls).
     *
     * @param context    the request's context, or null (nothing recorded)
     * @param events     highest {@code ballast.events} outbox id included
     * @param parameters highest {@code ballast.parameters} outbox id included
     */
    public static void reflect(Context context, long events, long parameters) {
        if (context == null || !VertxContext.isDuplicatedContext(context)) {
            return;
        }
        ConsistencyToken was = context.getLocal(REFLECTED);
        context.putLocal(REFLECTED, was == null ? new ConsistencyToken(events, parameters)
                : new ConsistencyToken(Math.max(was.events, events), Math.max(was.parameters, parameters)));
    }

    /**
     * Records an outbox row written in the current request's transaction: its answer names it. Rows of other topics
     * (margin events, governance) do not change what a book answers and are not named.
     *
     * @param topic the row's topic
     * @param id    its outbox id
     */
    public static void wrote(String topic, long id) {
        if (io.ballast.risk.messaging.Topics.EVENTS.equals(topic)) {
            reflect(requestContext(), id, 0);
        } else if (io.ballast.risk.messaging.Topics.PARAMETERS.equals(topic)) {
            reflect(requestContext(), 0, id);
        }
    }

    /**
     * What the answer of the current request includes, or null when it named nothing.
     *
     * @return the token to send back
     */
    public static ConsistencyToken reflected() {
        Context c = requestContext();
        return c == null ? null : c.getLocal(REFLECTED);
    }

    /**
     * The current request's context, captured before work that may complete on another one (a pool's query), so that
     * {@link #reflect} records on the request's.
     *
     * @return the context, or null outside a request
     */
    public static Context requestContext() {
        Context c = Vertx.currentContext();
        return c != null && VertxContext.isDuplicatedContext(c) ? c : null;
    }
}
