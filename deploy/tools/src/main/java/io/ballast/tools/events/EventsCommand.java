package io.ballast.tools.events;

import io.ballast.devstack.KafkaUser;
import io.ballast.tools.Cli;
import io.ballast.tools.RunningStack;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ./ballast events}: tails {@code ballast.margin-events} as readable lines (see {@link EventLine}).
 *
 * <p>Reads every partition without a consumer group (nothing is committed; any number of tails can run), as the
 * dev stack's admin user unless {@code --kafka-config} gives another login.
 */
@Command(name = "events", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Tails ballast.margin-events readably: time, tenant, account, type, status change, equity vs"
                + " maintenance margin, oracle health, held flag, liquidation plan. Ctrl-C stops.")
public final class EventsCommand implements Callable<Integer> {

    /** The topic of margin events (docs/design-price-path.md). */
    public static final String TOPIC = "ballast.margin-events";

    @Spec
    private CommandSpec spec;

    @Option(names = "--from-beginning", description = "show every event kept on the topic, then follow")
    private boolean fromBeginning;

    @Option(names = "--tenant", paramLabel = "ID", description = "only this tenant (its id, or the start of it)")
    private String tenant;

    @Option(names = "--color", defaultValue = "auto", paramLabel = "WHEN",
            description = "auto (when the output is a terminal), always, never")
    private String color;

    @Option(names = "--max", defaultValue = "0", paramLabel = "N", description = "stop after N events (0: never)")
    private long max;

    @Option(names = "--timeout", defaultValue = "0", paramLabel = "SECONDS",
            description = "stop after this long (0: never)")
    private long timeoutSeconds;

    @Option(names = "--bootstrap", paramLabel = "HOST:PORT", description = "Kafka bootstrap (default: "
            + ".ballast/stack.json of ./ballast run, else 127.0.0.1:9092)")
    private String bootstrap;

    @Option(names = "--kafka-config", paramLabel = "FILE", description = "Kafka client properties overriding the dev"
            + " stack's admin login (for a real broker)")
    private Path kafkaConfig;

    @Option(names = "--topic", defaultValue = TOPIC, hidden = true)
    private String topic;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        boolean colour = switch (color) {
            case "always" -> true;
            case "never" -> false;
            case "auto" -> System.console() != null && System.getenv("NO_COLOR") == null;
            default -> throw new IllegalArgumentException("--color is auto, always or never, got " + color);
        };
        RunningStack stack = RunningStack.locate(Cli.root(), System.getenv());
        Map<String, Object> config = stack.kafkaConfig(bootstrap, KafkaUser.ADMIN, kafkaConfig);
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        EventLine lines = new EventLine(colour);
        long deadline = timeoutSeconds > 0 ? System.nanoTime() + Duration.ofSeconds(timeoutSeconds).toNanos()
                : Long.MAX_VALUE;
        AtomicBoolean stopped = new AtomicBoolean();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config)) {
            Thread main = Thread.currentThread();
            Thread hook = new Thread(() -> {
                stopped.set(true);
                consumer.wakeup();
                try {
                    main.join(5_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "events-stop");
            Runtime.getRuntime().addShutdownHook(hook);
            out.printf("tailing %s on %s (%s%s; Ctrl-C stops)%n", topic, config.get("bootstrap.servers"),
                    fromBeginning ? "from the beginning" : "new events only",
                    tenant == null ? "" : ", tenant " + tenant);
            out.flush();
            try {
                List<TopicPartition> partitions = awaitPartitions(consumer, out, deadline, stopped);
                if (partitions.isEmpty()) {
                    return 0;
                }
                consumer.assign(partitions);
                if (fromBeginning) {
                    consumer.seekToBeginning(partitions);
                } else {
                    consumer.seekToEnd(partitions);
                }
                long shown = 0;
                while (!stopped.get() && System.nanoTime() < deadline && (max == 0 || shown < max)) {
                    for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                        if (tenant != null && !EventLine.tenantOf(r.key(), r.value()).startsWith(tenant)) {
                            continue;
                        }
                        out.println(lines.format(r.key(), r.value()));
                        shown++;
                        if (max > 0 && shown >= max) {
                            break;
                        }
                    }
                    out.flush();
                }
            } catch (WakeupException e) {
                // Ctrl-C
            } finally {
                if (!stopped.get()) {
                    Runtime.getRuntime().removeShutdownHook(hook);
                }
            }
        }
        out.flush();
        return 0;
    }

    private List<TopicPartition> awaitPartitions(KafkaConsumer<String, String> consumer, PrintWriter out,
            long deadline, AtomicBoolean stopped) {
        boolean told = false;
        while (!stopped.get() && System.nanoTime() < deadline) {
            List<PartitionInfo> infos = consumer.listTopics(Duration.ofSeconds(10)).get(topic);
            if (infos != null && !infos.isEmpty()) {
                return infos.stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            }
            if (!told) {
                out.printf("%s does not exist yet; waiting for the first event ...%n", topic);
                out.flush();
                told = true;
            }
            try {
                Thread.sleep(1_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return List.of();
            }
        }
        return List.of();
    }
}
