package io.ballast.risk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.ballast.devstack.KafkaUser;
import io.ballast.risk.support.BallastServersResource;
import io.ballast.risk.support.TestTenants;
import io.ballast.risk.support.TestTenants.Tenant;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/** Prices sent by a real Kafka producer to {@code ballast.prices} land in the tenant's market data; bad ones do not. */
@QuarkusTest
@QuarkusTestResource(BallastServersResource.class)
class PriceFeedKafkaTest {

    private static Map<String, Object> price(Tenant t, String symbol) {
        List<Map<String, Object>> rows = t.asIntegrator().get("/api/v1/market/prices").then().statusCode(200)
                .extract().jsonPath().getList("findAll { it.underlying == '" + symbol + "' }");
        return rows.isEmpty() ? null : rows.get(0);
    }

    @Test
    void messagesKeyedByTenantSetItsPricesAndInvalidOnesAreSkipped() throws Exception {
        Tenant t = TestTenants.onboard("feed");
        TestTenants.asset(t, "USDT");
        TestTenants.asset(t, "BTC");
        Properties props = new Properties();
        props.putAll(BallastServersResource.servers().kafka().clientConfig(KafkaUser.FEED));
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props)) {
            send(producer, t.id(), "{\"prices\":[{\"underlying\":\"BTC\",\"indexPriceUsd\":61000,\"annualVol\":0.6}]}");
            // skipped: NaN, a negative price, an unknown underlying (nothing of that message lands), a bad key
            send(producer, t.id(), "{\"prices\":[{\"underlying\":\"BTC\",\"indexPriceUsd\":NaN}]}");
            send(producer, t.id(), "{\"prices\":[{\"underlying\":\"BTC\",\"indexPriceUsd\":-5}]}");
            send(producer, t.id(), "{\"prices\":[{\"underlying\":\"BTC\",\"indexPriceUsd\":1},"
                    + "{\"underlying\":\"NOPE\",\"indexPriceUsd\":1}]}");
            send(producer, "not-a-tenant", "{\"prices\":[{\"underlying\":\"BTC\",\"indexPriceUsd\":2}]}");
            // the last message: once it has landed, every earlier one of this tenant has been handled
            send(producer, t.id(), "{\"prices\":[{\"underlying\":\"USDT\",\"indexPriceUsd\":1.01}]}");
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (price(t, "USDT") == null && System.nanoTime() < deadline) {
            Thread.sleep(250);
        }
        assertThat(price(t, "USDT")).as("USDT price from the feed").isNotNull();
        assertThat(((Number) price(t, "USDT").get("indexPriceUsd")).doubleValue()).isCloseTo(1.01, within(1e-6));
        Map<String, Object> btc = price(t, "BTC");
        assertThat(((Number) btc.get("indexPriceUsd")).doubleValue()).isCloseTo(61000.0, within(1e-6));
        assertThat(((Number) btc.get("annualVol")).doubleValue()).isCloseTo(0.6, within(1e-6));
    }

    private static void send(KafkaProducer<String, String> producer, String key, String value) throws Exception {
        producer.send(new ProducerRecord<>("ballast.prices", key, value)).get();
    }
}
