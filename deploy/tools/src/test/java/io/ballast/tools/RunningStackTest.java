package io.ballast.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ballast.devstack.KafkaUser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunningStackTest {

    @Test
    void readsTheLaunchersStackFile(@TempDir Path root) throws Exception {
        Files.createDirectories(root.resolve(".ballast"));
        Files.writeString(root.resolve(".ballast/stack.json"), "{\"kafkaBootstrap\":\"127.0.0.1:19092\","
                + "\"postgresJdbcUrl\":\"jdbc:postgresql://127.0.0.1:25432/ballast\",\"postgresUser\":\"postgres\","
                + "\"postgresPassword\":\"pw\",\"tokenUrl\":\"http://127.0.0.1:18180/t\","
                + "\"apiUrl\":\"http://127.0.0.1:18080\"}");
        RunningStack stack = RunningStack.locate(root, Map.of());
        assertThat(stack.kafkaBootstrap()).isEqualTo("127.0.0.1:19092");
        assertThat(stack.apiUrl()).isEqualTo("http://127.0.0.1:18080");
        assertThat(stack.jdbcUrl()).isEqualTo("jdbc:postgresql://127.0.0.1:25432/ballast");
        assertThat(stack.postgresPassword()).isEqualTo("pw");
        assertThat(stack.demo().isEmpty()).isTrue();
    }

    @Test
    void withoutStateTheLaunchersDefaultPortsAndTheirEnvironmentVariablesApply(@TempDir Path root) {
        RunningStack stack = RunningStack.locate(root, Map.of("BALLAST_KAFKA_PORT", "29092"));
        assertThat(stack.kafkaBootstrap()).isEqualTo("127.0.0.1:29092");
        assertThat(stack.apiUrl()).isEqualTo("http://127.0.0.1:8080");
        assertThat(stack.jdbcUrl()).isEqualTo("jdbc:postgresql://127.0.0.1:15432/ballast");
    }

    @Test
    void aKafkaPropertiesFileReplacesTheDevLogin(@TempDir Path root) throws Exception {
        Path file = root.resolve("client.properties");
        Files.writeString(file, "security.protocol=SASL_SSL\nsasl.mechanism=SCRAM-SHA-512\n");
        Map<String, Object> config = RunningStack.locate(root, Map.of()).kafkaConfig("broker:9093", KafkaUser.FEED,
                file);
        assertThat(config).containsEntry("bootstrap.servers", "broker:9093")
                .containsEntry("security.protocol", "SASL_SSL").containsEntry("sasl.mechanism", "SCRAM-SHA-512")
                .containsEntry("sasl.jaas.config", KafkaUser.FEED.jaasConfig());
    }

    @Test
    void onlyLoopbackAddressesPass() {
        RunningStack.requireLoopback("Kafka", "127.0.0.1:9092");
        RunningStack.requireLoopback("API", "http://localhost:8080");
        RunningStack.requireLoopback("PostgreSQL", "jdbc:postgresql://127.0.0.1:15432/ballast");
        assertThatThrownBy(() -> RunningStack.requireLoopback("Kafka", "10.0.0.7:9092"))
                .hasMessageContaining("Kafka must be on 127.0.0.1");
        assertThatThrownBy(() -> RunningStack.requireLoopback("API", "http://db.example:8080"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RunningStack.requireLoopback("PostgreSQL", "jdbc:postgresql://10.1.1.1:5432/x"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
