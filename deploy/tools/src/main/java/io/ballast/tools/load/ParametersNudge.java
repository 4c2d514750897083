package io.ballast.tools.load;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * {@code ./ballast load --parameters-at}: one {@code ballast.parameters} record for the load tenant, sent at a given
 * moment of a tick run. The tenant's owner reads the parameter versions and settings in force and applies them to its
 * book (LiveLoop#onParameters), as after a governance decision; the parameters do not change, so no transition is
 * published, but the book does the whole work of a change while the ticks go on.
 */
final class ParametersNudge {

    /** The topic governance writes when a parameter or settings version takes effect. */
    static final String TOPIC = "ballast.parameters";

    private ParametersNudge() {
    }

    /**
     * Starts a daemon thread that sends the record after a delay.
     *
     * @param kafka    client settings of a Kafka user allowed to write the topic
     * @param tenantId the load tenant
     * @param after    the delay from now
     * @param out      where to say when it was sent
     * @return the thread (join it to wait for the send)
     */
    static Thread start(Map<String, Object> kafka, String tenantId, Duration after, PrintWriter out) {
        Map<String, Object> config = new LinkedHashMap<>(kafka);
        config.put("key.serializer", StringSerializer.class.getName());
        config.put("value.serializer", StringSerializer.class.getName());
        Thread t = new Thread(() -> {
            try {
                Thread.sleep(after.toMillis());
                try (KafkaProducer<String, String> producer = new KafkaProducer<>(config)) {
                    producer.send(new ProducerRecord<>(TOPIC, tenantId, "{\"tenantId\":\"" + tenantId
                            + "\",\"type\":\"LoadParametersReapplied\"}")).get();
                }
                synchronized (out) {
                    out.println("PARAMETERS: a " + TOPIC + " record for tenant " + tenantId + " sent at "
                            + Instant.now());
                    out.flush();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                synchronized (out) {
                    out.println("PARAMETERS: not sent: " + e);
                    out.flush();
                }
            }
        }, "load-parameters");
        t.setDaemon(true);
        t.start();
        return t;
    }
}
