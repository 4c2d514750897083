package io.ballast.risk.messaging;

import io.smallrye.common.annotation.Identifier;
import io.vertx.core.json.JsonObject;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.jboss.logging.Logger;

/**
 * Tells which outbox rows are already on their topic although the database does not say so: the rows a relay sent
 * and the broker acknowledged, but whose {@code published_at} was never committed because the instance died (or the
 * pass failed) between the acknowledgement and the commit. {@link OutboxRelay} asks it about such "suspect" rows only,
 * marks the ones found as published without sending them again, and sends the others. That makes the publication of
 * each outbox row exactly-once on the topic across a restart, not only at-least-once.
 *
 * <p>How: for each topic of the suspect rows, a plain Kafka consumer (no group, so no commits; the service's own
 * credentials) reads every partition from the offset of the oldest suspect row's creation time (broker time index,
 * {@code offsetsForTimes}, minus a clock allowance) up to the end offsets, and collects the {@code eventId} of every
 * envelope. Positions and the ids seen are kept while suspects keep coming, so a long backlog after a broker outage
 * reads each record once, not once per batch; {@link #forget()} drops them when the relay is back to fresh rows.
 * All Kafka calls run on one thread of the reconciler's own (the consumer is not thread-safe).
 */
@ApplicationScoped
public class OutboxReconciler {

    private static final Logger LOG = Logger.getLogger(OutboxReconciler.class);
    /** How far before a row's creation time the search starts: clocks of the database and the broker may differ. */
    static final Duration CLOCK_ALLOWANCE = Duration.ofMinutes(1);
    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);

    private final Map<String, Object> kafkaConfig;
    private final ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "ballast-outbox-reconciler");
        t.setDaemon(true);
        return t;
    });
    private KafkaConsumer<String, String> consumer;
    /** Per partition already read: the next offset to read. Touched only on {@link #thread}. */
    private final Map<TopicPartition, Long> nextOffset = new HashMap<>();
    /** Event ids seen on each topic since the last {@link #forget()}. Touched only on {@link #thread}. */
    private final Map<String, Set<Long>> seen = new HashMap<>();

    /** Takes the application's Kafka client settings ({@code kafka.*}: bootstrap servers, SASL). */
    @Inject
    public OutboxReconciler(@Identifier("default-kafka-broker") Map<String, Object> kafkaConfig) {
        this.kafkaConfig = Map.copyOf(kafkaConfig);
    }

    /** The executor the relay runs {@link #onTopic} on; blocking Kafka calls must not run on the event loop. */
    ExecutorService executor() {
        return thread;
    }

    /**
     * Which of these rows are already on their topic. Blocking: call it on {@link #executor()}.
     *
     * @param suspects the suspect rows: outbox id, topic, creation time
     * @return the outbox ids found on their topic
     */
    Set<Long> onTopic(Collection<Suspect> suspects) {
        Map<String, OffsetDateTime> oldestByTopic = new HashMap<>();
        for (Suspect s : suspects) {
            oldestByTopic.merge(s.topic(), s.createdAt(), (a, b) -> a.isBefore(b) ? a : b);
        }
        for (Map.Entry<String, OffsetDateTime> topic : oldestByTopic.entrySet()) {
            readTopic(topic.getKey(), topic.getValue().minus(CLOCK_ALLOWANCE).toInstant().toEpochMilli());
        }
        Set<Long> found = new HashSet<>();
        for (Suspect s : suspects) {
            if (seen.getOrDefault(s.topic(), Set.of()).contains(s.id())) {
                found.add(s.id());
            }
        }
        return found;
    }

    /** Drops the positions and ids kept since the last suspects (the relay is back to fresh rows). */
    void forget() {
        thread.execute(() -> {
            nextOffset.clear();
            seen.clear();
        });
    }

    private void readTopic(String topic, long fromMillis) {
        KafkaConsumer<String, String> c = consumer();
        List<TopicPartition> partitions = new ArrayList<>();
        for (PartitionInfo p : c.partitionsFor(topic, CALL_TIMEOUT)) {
            partitions.add(new TopicPartition(topic, p.partition()));
        }
        Map<TopicPartition, Long> end = c.endOffsets(partitions, CALL_TIMEOUT);
        Map<TopicPartition, Long> query = new HashMap<>();
        for (TopicPartition tp : partitions) {
            if (!nextOffset.containsKey(tp)) {
                query.put(tp, fromMillis);
            }
        }
        if (!query.isEmpty()) {
            Map<TopicPartition, OffsetAndTimestamp> start = c.offsetsForTimes(query, CALL_TIMEOUT);
            for (TopicPartition tp : query.keySet()) {
                OffsetAndTimestamp at = start.get(tp);
                nextOffset.put(tp, at == null ? end.get(tp) : at.offset());
            }
        }
        Set<Long> ids = seen.computeIfAbsent(topic, t -> new HashSet<>());
        List<TopicPartition> toRead = new ArrayList<>();
        for (TopicPartition tp : partitions) {
            if (nextOffset.get(tp) < end.get(tp)) {
                toRead.add(tp);
            }
        }
        if (toRead.isEmpty()) {
            return;
        }
        c.assign(toRead);
        toRead.forEach(tp -> c.seek(tp, nextOffset.get(tp)));
        long deadline = System.nanoTime() + CALL_TIMEOUT.toNanos();
        while (!toRead.isEmpty()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("reading " + topic + " to its end offsets took over " + CALL_TIMEOUT);
            }
            for (ConsumerRecord<String, String> rec : c.poll(POLL)) {
                Long id = eventId(rec.value());
                if (id != null) {
                    ids.add(id);
                }
            }
            toRead.removeIf(tp -> {
                long position = c.position(tp, CALL_TIMEOUT);
                nextOffset.put(tp, position);
                return position >= end.get(tp);
            });
        }
        c.unsubscribe();
    }

    private static Long eventId(String value) {
        try {
            Object id = new JsonObject(value).getValue("eventId");
            return id instanceof Number n ? n.longValue() : null;
        } catch (RuntimeException notAnEnvelope) {
            return null;
        }
    }

    private KafkaConsumer<String, String> consumer() {
        if (consumer == null) {
            Map<String, Object> config = new HashMap<>(kafkaConfig);
            config.keySet().removeIf(k -> k.startsWith("mp.") || k.equals("group.id"));
            config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
            config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
            config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
            config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            config.put(ConsumerConfig.CLIENT_ID_CONFIG, "ballast-outbox-reconciler");
            consumer = new KafkaConsumer<>(config);
            LOG.info("outbox reconciler: reading topic tails to find rows published before a restart or failure");
        }
        return consumer;
    }

    /** Closes the consumer. */
    @PreDestroy
    void close() {
        thread.execute(() -> {
            if (consumer != null) {
                consumer.close(Duration.ofSeconds(2));
            }
        });
        thread.shutdown();
    }

    /**
     * An outbox row that may already be on its topic.
     *
     * @param id        outbox id (the envelope's {@code eventId})
     * @param topic     the row's topic
     * @param createdAt when the row was written (database clock)
     */
    record Suspect(long id, String topic, OffsetDateTime createdAt) {
    }
}
