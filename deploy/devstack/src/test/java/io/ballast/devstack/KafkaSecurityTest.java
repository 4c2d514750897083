package io.ballast.devstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The dev stack's broker authenticates every client with SASL/PLAIN and enforces the ACLs of
 * {@link KafkaBroker#aclBindings()}: only the feed writes prices, the service reads them and owns its own topics.
 */
class KafkaSecurityTest {

    private static KafkaBroker broker;

    @BeforeAll
    static void startBroker() {
        Path root = ProjectRoot.locate();
        broker = KafkaBroker.startEphemeral(root,
                root.resolve("deploy/devstack/target/test-servers/kafka-security-" + ProcessHandle.current().pid()
                        + ".log"));
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void feedWritesPricesAndTheServiceReadsThemInItsOwnGroup() throws Exception {
        String tick = "{\"source\":\"test\",\"underlying\":\"BTC\",\"priceUsd\":\"60000.5\",\"marker\":\""
                + UUID.randomUUID() + "\"}";
        try (KafkaProducer<String, String> feed = producer(KafkaUser.FEED)) {
            feed.send(new ProducerRecord<>(KafkaBroker.PRICES_TOPIC, "BTC", tick)).get(30, TimeUnit.SECONDS);
        }
        assertThat(readAll(KafkaUser.SERVICE, KafkaBroker.PRICES_TOPIC, "ballast-risk-service-prices-test"))
                .contains(tick);
    }

    @Test
    void serviceCannotWritePricesButWritesAndReadsItsOwnTopics() throws Exception {
        try (KafkaProducer<String, String> service = producer(KafkaUser.SERVICE)) {
            assertThatThrownBy(() -> service.send(new ProducerRecord<>(KafkaBroker.PRICES_TOPIC, "BTC", "{}"))
                    .get(30, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(TopicAuthorizationException.class);
            service.send(new ProducerRecord<>("ballast.margin-events", "tenant-1", "margin-call"))
                    .get(30, TimeUnit.SECONDS);
        }
        assertThat(readAll(KafkaUser.SERVICE, "ballast.margin-events", "ballast-test-" + UUID.randomUUID()))
                .contains("margin-call");
    }

    @Test
    void feedCannotWriteTheServiceTopics() throws Exception {
        try (KafkaProducer<String, String> feed = producer(KafkaUser.FEED)) {
            assertThatThrownBy(() -> feed.send(new ProducerRecord<>("ballast.margin-events", "t", "forged"))
                    .get(30, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(TopicAuthorizationException.class);
        }
    }

    @Test
    void wrongPasswordIsRefusedWithAnAuthenticationError() {
        KafkaUser impostor = new KafkaUser(KafkaUser.FEED.name(), "not-the-password");
        try (KafkaProducer<String, String> producer = producer(impostor)) {
            assertThatThrownBy(() -> producer.send(new ProducerRecord<>(KafkaBroker.PRICES_TOPIC, "BTC", "{}"))
                    .get(30, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(SaslAuthenticationException.class);
        }
    }

    /** A client without SASL never gets an answer: the broker drops connections that skip the SASL handshake. */
    @Test
    void unauthenticatedClientIsRefused() {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5_000);
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2_000);
        try (Admin anonymous = Admin.create(props)) {
            assertThatThrownBy(() -> anonymous.listTopics().names().get(30, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(TimeoutException.class);
        }
    }

    @Test
    void aclsCanBeCreatedAgainAtTheNextStart() throws Exception {
        try (Admin admin = Admin.create(broker.clientConfig(KafkaUser.ADMIN))) {
            admin.createAcls(KafkaBroker.aclBindings()).all().get(30, TimeUnit.SECONDS);
            assertThat(admin.describeAcls(org.apache.kafka.common.acl.AclBindingFilter.ANY).values()
                    .get(30, TimeUnit.SECONDS)).containsExactlyInAnyOrderElementsOf(KafkaBroker.aclBindings());
        }
    }

    private static KafkaProducer<String, String> producer(KafkaUser user) {
        Map<String, Object> props = broker.clientConfig(user);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 20_000);
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 25_000);
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        return new KafkaProducer<>(props);
    }

    private static List<String> readAll(KafkaUser user, String topic, String group) {
        Map<String, Object> props = broker.clientConfig(user);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props)) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (values.isEmpty() && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                    values.add(r.value());
                }
            }
        }
        return values;
    }
}
