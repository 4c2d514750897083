package io.ballast.console.live;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.operators.multi.processors.BroadcastProcessor;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Iterator;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Reads {@code ballast.margin-events} (every instance reads it all, in its own consumer group, from "now") and
 * fans each event out to the browsers of its tenant. Keeps the last {@link #RECENT} events per tenant so that a
 * freshly opened dashboard shows what just happened. A message that does not parse is logged and skipped: it never
 * stops the stream.
 */
@ApplicationScoped
public class MarginEventStream {

    /** Channel name of the Kafka consumer. */
    public static final String CHANNEL = "margin-events";
    /** Events kept per tenant for a newly opened dashboard. */
    public static final int RECENT = 20;

    private static final Logger LOG = Logger.getLogger(MarginEventStream.class);
    private static final int SEEN_IDS = 10_000;

    private final ObjectMapper json;
    private final BroadcastProcessor<MarginEvent> broadcast = BroadcastProcessor.create();
    private final Map<String, Deque<MarginEvent>> recent = new ConcurrentHashMap<>();
    private final LinkedHashSet<String> seen = new LinkedHashSet<>();

    /**
     * @param json the object mapper
     */
    public MarginEventStream(ObjectMapper json) {
        this.json = json;
    }

    /**
     * Consumes one record: parses the envelope, drops duplicates (same {@code eventId}), remembers it and
     * broadcasts it.
     *
     * @param record key tenant id, value the JSON envelope
     */
    @Incoming(CHANNEL)
    public void consume(ConsumerRecord<String, String> record) {
        MarginEvent event;
        try {
            event = MarginEvent.of(record.key(), json.readTree(record.value()));
        } catch (Exception e) {
            LOG.warnf("skipping an unreadable margin event at %s-%d@%d: %s", record.topic(), record.partition(),
                    record.offset(), e.getMessage());
            return;
        }
        synchronized (seen) {
            if (!seen.add(event.eventId())) {
                return;
            }
            if (seen.size() > SEEN_IDS) {
                Iterator<String> oldest = seen.iterator();
                oldest.next();
                oldest.remove();
            }
        }
        Deque<MarginEvent> tenantRecent = recent.computeIfAbsent(event.tenantId(), t -> new ArrayDeque<>());
        synchronized (tenantRecent) {
            tenantRecent.addFirst(event);
            while (tenantRecent.size() > RECENT) {
                tenantRecent.removeLast();
            }
        }
        broadcast.onNext(event);
    }

    /**
     * @param tenantId the tenant
     * @return its latest events, newest first
     */
    public List<MarginEvent> recent(String tenantId) {
        Deque<MarginEvent> tenantRecent = recent.get(tenantId);
        if (tenantRecent == null) {
            return List.of();
        }
        synchronized (tenantRecent) {
            return List.copyOf(tenantRecent);
        }
    }

    /**
     * @param tenantId the tenant
     * @return the events of this tenant from now on (never another tenant's)
     */
    public Multi<MarginEvent> live(String tenantId) {
        return broadcast.filter(event -> tenantId.equals(event.tenantId()));
    }
}
