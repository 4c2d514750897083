package io.ballast.risk.messaging;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.ballast.devstack.KafkaUser;
import io.ballast.risk.support.BallastServersResource;
import io.ballast.risk.support.HotBooks;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

/**
 * An instance whose price consumer does not hold all of {@code ballast.prices} (another instance started with the same
 * {@code ballast.instance-id} shares its group) is not ready, and says which group; it is ready again once it holds
 * the feed in full. Against the real broker: the test's consumer joins the service's own group.
 */
@QuarkusTest
@QuarkusTestResource(BallastServersResource.class)
class FeedAssignmentsTest {

    @Test
    void aSecondMemberOfThePriceGroupTakesTheInstanceOutOfReadinessUntilItLeaves() throws Exception {
        String group = ConfigProvider.getConfig().getValue("mp.messaging.incoming.ballast-prices.group.id",
                String.class);
        HotBooks.await(() -> "UP".equals(status(feeds())), "the instance holds its feeds in full");
        assertThat(feeds().getMap("data")).containsEntry("ballast.prices", "[0] of 1 (group " + group + ")")
                .containsKey("ballast.parameters");

        Properties props = new Properties();
        props.putAll(BallastServersResource.servers().kafka().clientConfig(KafkaUser.ADMIN));
        props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        // the range assignor gives the one partition to the first member id in order: the service's client id is
        // kafka-consumer-ballast-prices, so this member takes it
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "a-duplicate-instance");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        try (KafkaConsumer<String, String> duplicate = new KafkaConsumer<>(props)) {
            duplicate.subscribe(List.of("ballast.prices"));
            HotBooks.await(() -> {
                duplicate.poll(Duration.ofMillis(200));
                return !duplicate.assignment().isEmpty();
            }, "the duplicate member was assigned the price partition");
            assertThat(duplicate.assignment()).containsExactly(new TopicPartition("ballast.prices", 0));

            HotBooks.await(() -> {
                duplicate.poll(Duration.ofMillis(200));
                return "DOWN".equals(status(feeds()));
            }, "readiness went DOWN");
            assertThat(given().get("/q/health/ready").statusCode()).isEqualTo(503);
            assertThat(feeds().getMap("data")).containsEntry("ballast.prices", "[] of 1 (group " + group + ")");
        }
        HotBooks.await(() -> "UP".equals(status(feeds())), "the instance holds the price feed again");
        assertThat(given().get("/q/health/ready").statusCode()).isEqualTo(200);
    }

    private static JsonPath feeds() {
        List<Map<String, Object>> checks = given().get("/q/health/ready").then().extract().jsonPath()
                .getList("checks");
        Map<String, Object> check = checks.stream().filter(c -> FeedAssignments.CHECK.equals(c.get("name")))
                .findFirst().orElseThrow(() -> new AssertionError("no readiness check " + FeedAssignments.CHECK));
        return new JsonPath(new io.vertx.core.json.JsonObject(check).encode());
    }

    private static String status(JsonPath check) {
        return check.getString("status");
    }
}
