package io.ballast.risk.support;

import io.ballast.devstack.KafkaUser;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** A real Kafka consumer of the test broker (SASL, as the broker's admin user), in a fresh consumer group, reading from the earliest offset. */
public final class TestKafka {

    private TestKafka() {
    }

    /** A new string-keyed, string-valued consumer (close it). */
    public static KafkaConsumer<String, String> consumer() {
        Properties props = new Properties();
        props.putAll(BallastServersResource.servers().kafka().clientConfig(KafkaUser.ADMIN));
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        return new KafkaConsumer<>(props);
    }
}
