package io.ballast.risk.support;

import io.ballast.devstack.KafkaUser;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Real Kafka clients against the test broker: a producer and a reader of whole topics. */
public final class KafkaClients {

    private KafkaClients() {
    }

    /** A producer with acks=all, logged in as the platform price feed (may write ballast.prices only; close it). */
    public static KafkaProducer<String, String> producer() {
        return producer(BallastServersResource.servers().kafka());
    }

    /**
     * A producer of another broker than the shared test broker (a test that restarts its own), with acks=all,
     * logged in as the platform price feed; close it.
     */
    public static KafkaProducer<String, String> producer(io.ballast.devstack.KafkaBroker broker) {
        return producer(broker, KafkaUser.FEED);
    }

    /** A producer of the shared test broker with acks=all, logged in as the given user (close it). */
    public static KafkaProducer<String, String> producer(KafkaUser user) {
        return producer(BallastServersResource.servers().kafka(), user);
    }

    private static KafkaProducer<String, String> producer(io.ballast.devstack.KafkaBroker broker, KafkaUser user) {
        Properties props = new Properties();
        props.putAll(broker.clientConfig(user));
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        return new KafkaProducer<>(props);
    }

    /** Sends one record and waits for the broker's acknowledgement. */
    public static void send(KafkaProducer<String, String> producer, String topic, String key, String value) {
        try {
            producer.send(new ProducerRecord<>(topic, key, value)).get();
        } catch (Exception e) {
            throw new IllegalStateException("send to " + topic + " failed", e);
        }
    }

    /**
     * Reads a topic from the beginning in a fresh group, keeping the records that match, until {@code done} holds
     * for them or the timeout passes; then keeps reading for {@code settle} to catch anything extra.
     */
    public static List<ConsumerRecord<String, String>> read(String topic, Predicate<ConsumerRecord<String, String>> keep,
            Predicate<List<ConsumerRecord<String, String>>> done, Duration timeout, Duration settle) {
        return read(BallastServersResource.servers().kafka(), topic, keep, done, timeout, settle);
    }

    /** As {@link #read(String, Predicate, Predicate, Duration, Duration)}, from another broker. */
    public static List<ConsumerRecord<String, String>> read(io.ballast.devstack.KafkaBroker broker, String topic,
            Predicate<ConsumerRecord<String, String>> keep, Predicate<List<ConsumerRecord<String, String>>> done,
            Duration timeout, Duration settle) {
        Properties props = new Properties();
        props.putAll(broker.clientConfig(KafkaUser.ADMIN));
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        List<ConsumerRecord<String, String>> out = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props)) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline && !done.test(out)) {
                consumer.poll(Duration.ofMillis(250)).forEach(r -> {
                    if (keep.test(r)) {
                        out.add(r);
                    }
                });
            }
            long until = System.nanoTime() + settle.toNanos();
            while (System.nanoTime() < until) {
                consumer.poll(Duration.ofMillis(250)).forEach(r -> {
                    if (keep.test(r)) {
                        out.add(r);
                    }
                });
            }
        }
        return out;
    }

    /** The value of a header as text, or null. */
    public static String header(ConsumerRecord<String, String> r, String name) {
        var h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), java.nio.charset.StandardCharsets.UTF_8);
    }
}
