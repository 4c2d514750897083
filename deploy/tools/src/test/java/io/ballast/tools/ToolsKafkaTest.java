package io.ballast.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ballast.devstack.KafkaBroker;
import io.ballast.devstack.KafkaUser;
import io.ballast.devstack.PostgresServer;
import io.ballast.devstack.ProjectRoot;
import io.ballast.tools.load.FloorDriver;
import io.ballast.tools.replay.ReplayCommand;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code replay}, {@code events} and the load command's floor against a real broker with the dev stack's SASL users and
 * ACLs (the floor also against a real PostgreSQL).
 */
class ToolsKafkaTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static KafkaBroker broker;

    @BeforeAll
    static void startBroker() {
        Path root = ProjectRoot.locate();
        broker = KafkaBroker.startEphemeral(root, root.resolve("deploy/tools/target/test-servers/kafka-"
                + ProcessHandle.current().pid() + ".log"));
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void replayPublishesTheDaysReturnsFromTheStartPriceAsTheFeedUser() throws Exception {
        String topic = "ballast.prices";
        Instant before = Instant.now();
        Run run = run("replay", "--data", ProjectRoot.locate().resolve("deploy/demo-data/BTC_1h.csv").toString(),
                "--from", "2020-03-12", "--to", "2020-03-12", "--speed", "0", "--start-price", "BTC=90000",
                "--source", "replay,replay-b", "--bootstrap", broker.bootstrapServers());
        assertThat(run.code).as(run.err).isZero();
        assertThat(run.out).contains("BTC: 24 bars 2020-03-12T00:00:00Z .. 2020-03-12T23:00:00Z")
                .contains("replayed 24 ticks");

        List<ConsumerRecord<String, String>> records = read(topic, 48);
        assertThat(records).hasSize(48).allSatisfy(r -> assertThat(r.key()).isEqualTo("BTC"));
        JsonNode first = JSON.readTree(records.get(0).value());
        JsonNode second = JSON.readTree(records.get(1).value());
        assertThat(first.path("source").asText()).isEqualTo("replay");
        assertThat(second.path("source").asText()).isEqualTo("replay-b");
        assertThat(second.path("priceUsd")).isEqualTo(first.path("priceUsd"));
        assertThat(first.path("underlying").asText()).isEqualTo("BTC");
        assertThat(first.path("priceUsd").isTextual()).isTrue();
        // the reference is the close of 2020-03-11T23 (7,934.52), the first bar 2020-03-12T00 closed at 7,913.42
        assertThat(first.path("priceUsd").asDouble()).isCloseTo(90_000 * 7913.42 / close23(),
                within(1e-3));
        assertThat(first.path("annualVol").isNumber()).isTrue();
        assertThat(Instant.parse(first.path("sourceTime").asText())).isBetween(before.minusSeconds(1),
                Instant.now());
        assertThat(new String(records.get(0).headers().lastHeader(ReplayCommand.HEADER_BAR_TIME).value(),
                StandardCharsets.UTF_8)).isEqualTo("2020-03-12T00:00:00Z");
        JsonNode last = JSON.readTree(records.get(47).value());
        assertThat(last.path("priceUsd").asDouble()).isCloseTo(90_000 * 4800 / close23(),
                within(1e-3));
    }

    @Test
    void replayLoggedInAsTheServiceIsRefusedByTheBroker(@TempDir Path dir) throws Exception {
        Path login = dir.resolve("service.properties");
        Files.writeString(login, "sasl.jaas.config=" + KafkaUser.SERVICE.jaasConfig() + "\nmax.block.ms=10000\n");
        Run run = run("replay", "--data", ProjectRoot.locate().resolve("deploy/demo-data/ETH_1h.csv").toString(),
                "--from", "2020-03-12T00:00:00Z", "--to", "2020-03-12T02:00:00Z", "--speed", "0", "--levels",
                "--bootstrap", broker.bootstrapServers(), "--kafka-config", login.toString());
        assertThat(run.code).isEqualTo(1);
        assertThat(run.err).contains("ballast replay:").contains("Not authorized to access topics");
    }

    @Test
    void eventsShowsAMarginEventOfTheChosenTenantReadably() throws Exception {
        String tenant = UUID.randomUUID().toString();
        String other = UUID.randomUUID().toString();
        Map<String, Object> props = broker.clientConfig(KafkaUser.SERVICE);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        try (KafkaProducer<String, String> service = new KafkaProducer<>(props)) {
            service.send(new ProducerRecord<>("ballast.margin-events", other, envelope(other, "EARLY_WARNING")))
                    .get(30, TimeUnit.SECONDS);
            service.send(new ProducerRecord<>("ballast.margin-events", tenant, "garbage")).get(30, TimeUnit.SECONDS);
            service.send(new ProducerRecord<>("ballast.margin-events", tenant, envelope(tenant, "MARGIN_CALL")))
                    .get(30, TimeUnit.SECONDS);
        }
        Run run = run("events", "--from-beginning", "--tenant", tenant.substring(0, 8), "--max", "2", "--timeout",
                "60", "--color", "never", "--bootstrap", broker.bootstrapServers());
        assertThat(run.code).as(run.err).isZero();
        assertThat(run.out).contains("(unreadable) key=" + tenant + " value=garbage")
                .contains("tenant " + tenant.substring(0, 8) + "  acct acc00001  MARGIN_CALL")
                .contains("HEALTHY -> MARGIN_CALL")
                .contains("equity 950.00 < MM 1,000.00")
                .doesNotContain(other.substring(0, 8));
    }

    @Test
    void theFloorRelaysEveryMessageOnceWithOneCommitPerPoll() throws Exception {
        try (PostgresServer postgres = PostgresServer.startEphemeral()) {
            StringWriter progress = new StringWriter();
            FloorDriver.Result r = new FloorDriver(broker.clientConfig(KafkaUser.ADMIN), postgres.jdbcUrl(),
                    PostgresServer.USER, PostgresServer.PASSWORD, new PrintWriter(progress))
                    .run(200, Duration.ofSeconds(1), Duration.ofSeconds(2));
            assertThat(r.sent()).isEqualTo(400);
            assertThat(r.received()).as("each measured message once").isEqualTo(r.sent());
            assertThat(r.total().count()).isEqualTo(400);
            assertThat(r.polls()).isBetween(1L, 400L);
            assertThat(r.total().percentileMillis(50)).isGreaterThanOrEqualTo(r.in().percentileMillis(0));
            try (Connection c = DriverManager.getConnection(FloorDriver.withDatabase(postgres.jdbcUrl(),
                    FloorDriver.DATABASE), PostgresServer.USER, PostgresServer.PASSWORD);
                    Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("select polls, messages from floor_commit where id = 1")) {
                assertThat(rs.next()).isTrue();
                // every message of the run, warm-up included, went through a committed poll
                assertThat(rs.getLong("messages")).isEqualTo(600);
                assertThat(rs.getLong("polls")).isGreaterThanOrEqualTo(r.polls());
            }
        }
    }

    @Test
    void theFloorNamesItsOwnDatabase() {
        assertThat(FloorDriver.withDatabase("jdbc:postgresql://127.0.0.1:15432/ballast?sslmode=disable", "x"))
                .isEqualTo("jdbc:postgresql://127.0.0.1:15432/x?sslmode=disable");
        assertThat(FloorDriver.withDatabase("jdbc:postgresql://localhost/ballast", "x"))
                .isEqualTo("jdbc:postgresql://localhost/x");
    }

    private static String envelope(String tenant, String type) {
        return "{\"eventId\":1,\"tenantId\":\"" + tenant + "\",\"type\":\"" + type + "\",\"aggregateType\":"
                + "\"Account\",\"aggregateId\":\"acc00001-x\",\"occurredAt\":\"2026-12-01T14:00:00Z\",\"payload\":"
                + "{\"accountId\":\"acc00001-x\",\"type\":\"" + type + "\",\"previousStatus\":\"HEALTHY\","
                + "\"status\":\"" + type + "\",\"equityUsd\":950,\"maintenanceMarginUsd\":1000}}";
    }

    private static double close23() throws Exception {
        return Files.readAllLines(ProjectRoot.locate().resolve("deploy/demo-data/BTC_1h.csv")).stream()
                .filter(l -> l.startsWith("2020-03-11T23:00:00Z")).map(l -> Double.parseDouble(l.split(",")[4]))
                .findFirst().orElseThrow();
    }

    private static List<ConsumerRecord<String, String>> read(String topic, int count) {
        Map<String, Object> props = broker.clientConfig(KafkaUser.ADMIN);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        List<ConsumerRecord<String, String>> records = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props)) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (records.size() < count && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(500)).forEach(records::add);
            }
        }
        return records;
    }

    private record Run(int code, String out, String err) {
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = Cli.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int code = cli.execute(args);
        return new Run(code, out.toString(), err.toString());
    }
}
