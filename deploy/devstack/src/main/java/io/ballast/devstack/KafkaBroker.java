package io.ballast.devstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;

/**
 * A real Apache Kafka broker in KRaft mode (one node acting as broker and controller), running in a child JVM whose
 * classpath is the broker's jars in {@code deploy/devstack/target/kafka-lib} (copied there by the build). The broker
 * never loads into the caller's JVM.
 */
public final class KafkaBroker implements AutoCloseable {

    /** System property overriding the directory of the broker's jars. */
    public static final String KAFKA_LIB_PROPERTY = "ballast.devstack.kafka-lib";
    /** Default client port of the launcher's broker. */
    public static final int DEFAULT_PORT = 9092;
    /** Default controller (KRaft quorum) port of the launcher's broker. */
    public static final int DEFAULT_CONTROLLER_PORT = 9093;

    private static final int NODE_ID = 1;

    private final ChildProcess process;
    private final int port;
    private final Path deleteOnClose;

    private KafkaBroker(ChildProcess process, int port, Path deleteOnClose) {
        this.process = process;
        this.port = port;
        this.deleteOnClose = deleteOnClose;
    }

    /**
     * Starts a throw-away broker on random ports with its state in a temporary directory, deleted on close.
     *
     * @param projectRoot the Ballast project root (to find the broker's jars)
     * @param logFile     file receiving the broker's log (appended; kept after close)
     * @return the running broker, answering an admin client
     */
    public static KafkaBroker startEphemeral(Path projectRoot, Path logFile) {
        Path home;
        try {
            home = Files.createTempDirectory("ballast-kafka-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary directory for Kafka", e);
        }
        try {
            return start(projectRoot, home, Ports.free(), Ports.free(), logFile, true);
        } catch (RuntimeException e) {
            deleteTree(home);
            throw e;
        }
    }

    /**
     * Starts a broker whose state persists in {@code home} (formatted on first use).
     *
     * @param projectRoot    the Ballast project root (to find the broker's jars)
     * @param home           state directory, e.g. {@code .ballast/kafka}; holds {@code server.properties} and
     *                       {@code data/}
     * @param port           client (PLAINTEXT) port on 127.0.0.1
     * @param controllerPort KRaft controller port on 127.0.0.1
     * @param logFile        file receiving the broker's log (appended)
     * @return the running broker, answering an admin client
     */
    public static KafkaBroker startPersistent(Path projectRoot, Path home, int port, int controllerPort,
            Path logFile) {
        return start(projectRoot, home, port, controllerPort, logFile, false);
    }

    private static KafkaBroker start(Path projectRoot, Path home, int port, int controllerPort, Path logFile,
            boolean ephemeral) {
        Ports.requireValid(port, "Kafka port");
        Ports.requireValid(controllerPort, "Kafka controller port");
        if (port == controllerPort) {
            throw new IllegalArgumentException("Kafka port and controller port must differ, both are " + port);
        }
        Path lib = kafkaLib(projectRoot);
        Path dataDir = home.resolve("data");
        Path config = home.resolve("server.properties");
        try {
            Files.createDirectories(dataDir);
            Files.writeString(config, serverProperties(port, controllerPort, dataDir), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write Kafka configuration under " + home, e);
        }
        String classpath = lib.toAbsolutePath() + "/*";
        if (!Files.exists(dataDir.resolve("meta.properties"))) {
            format(classpath, config, home, logFile);
        }
        List<String> command = new ArrayList<>(List.of(javaBinary(), "-Xms128m", "-Xmx512m",
                "-XX:+UseSerialGC", "-Dorg.slf4j.simpleLogger.defaultLogLevel=info",
                "-cp", classpath, "kafka.Kafka", config.toAbsolutePath().toString()));
        ChildProcess child = ChildProcess.start("kafka", command, home, Map.of(), logFile);
        KafkaBroker broker = new KafkaBroker(child, port, ephemeral ? home : null);
        try {
            broker.awaitAdminClient(Duration.ofSeconds(120));
        } catch (RuntimeException e) {
            broker.close();
            throw e;
        }
        return broker;
    }

    private static String serverProperties(int port, int controllerPort, Path dataDir) {
        String host = Ports.LOOPBACK;
        return String.join("\n",
                "# written by ballast devstack at every start",
                "process.roles=broker,controller",
                "node.id=" + NODE_ID,
                "controller.quorum.voters=" + NODE_ID + "@" + host + ":" + controllerPort,
                "listeners=PLAINTEXT://" + host + ":" + port + ",CONTROLLER://" + host + ":" + controllerPort,
                "advertised.listeners=PLAINTEXT://" + host + ":" + port,
                "controller.listener.names=CONTROLLER",
                "inter.broker.listener.name=PLAINTEXT",
                "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
                "log.dirs=" + dataDir.toAbsolutePath(),
                "num.partitions=1",
                "auto.create.topics.enable=true",
                "offsets.topic.replication.factor=1",
                "offsets.topic.num.partitions=5",
                "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1",
                "transaction.state.log.num.partitions=5",
                "share.coordinator.state.topic.replication.factor=1",
                "share.coordinator.state.topic.min.isr=1",
                "group.initial.rebalance.delay.ms=0",
                "");
    }

    /** Formats the log directory once: {@code kafka.tools.StorageTool format -t <new cluster id> -c <config>}. */
    private static void format(String classpath, Path config, Path home, Path logFile) {
        List<String> command = List.of(javaBinary(), "-Xmx256m", "-cp", classpath, "kafka.tools.StorageTool",
                "format", "-t", Uuid.randomUuid().toString(), "-c", config.toAbsolutePath().toString());
        try {
            Files.createDirectories(logFile.toAbsolutePath().getParent());
            Process format = new ProcessBuilder(command).directory(home.toFile()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile())).start();
            format.getOutputStream().close();
            if (!format.waitFor(120, TimeUnit.SECONDS)) {
                format.destroyForcibly();
                throw new IllegalStateException("Kafka storage format did not finish in 120 s; see " + logFile);
            }
            if (format.exitValue() != 0) {
                throw new IllegalStateException("Kafka storage format failed (exit " + format.exitValue() + "); see "
                        + logFile);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run Kafka storage format", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while formatting Kafka storage", e);
        }
    }

    private void awaitAdminClient(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        process.awaitReady("listener on " + bootstrapServers(), timeout, () -> !Ports.isFree(port));
        timeout = Duration.ofNanos(Math.max(deadline - System.nanoTime(), Duration.ofSeconds(10).toNanos()));
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 3_000);
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5_000);
        props.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 500);
        try (Admin admin = Admin.create(props)) {
            process.awaitReady("admin client answer on " + bootstrapServers(), timeout, () -> {
                try {
                    return !admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty();
                } catch (Exception notYet) {
                    return false;
                }
            });
        }
    }

    /**
     * Finds the directory of the broker's jars: system property {@value #KAFKA_LIB_PROPERTY}, else
     * {@code <root>/deploy/devstack/target/kafka-lib}.
     */
    static Path kafkaLib(Path projectRoot) {
        String configured = System.getProperty(KAFKA_LIB_PROPERTY);
        Path lib = configured != null ? Path.of(configured)
                : projectRoot.resolve("deploy/devstack/target/kafka-lib");
        if (!hasBrokerJar(lib)) {
            throw new IllegalStateException("no Kafka broker jars in " + lib
                    + ": build deploy/devstack first (./mvnw -pl deploy/devstack -am install -DskipTests)");
        }
        return lib;
    }

    private static boolean hasBrokerJar(Path lib) {
        if (!Files.isDirectory(lib)) {
            return false;
        }
        try (Stream<Path> jars = Files.list(lib)) {
            return jars.map(p -> p.getFileName().toString())
                    .anyMatch(n -> n.startsWith("kafka_2.13-") && n.endsWith(".jar"));
        } catch (IOException e) {
            return false;
        }
    }

    static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** @return the client bootstrap address, {@code 127.0.0.1:<port>} */
    public String bootstrapServers() {
        return Ports.LOOPBACK + ":" + port;
    }

    /** @return the client port */
    public int port() {
        return port;
    }

    /** @return the broker's log file */
    public Path logFile() {
        return process.logFile();
    }

    /** Stops the broker (controlled shutdown, SIGKILL after 30 s); a throw-away broker's state is deleted. */
    @Override
    public void close() {
        process.stop(Duration.ofSeconds(30));
        if (deleteOnClose != null) {
            deleteTree(deleteOnClose);
        }
    }

    static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // best effort: a temporary directory left behind is harmless
        }
    }
}
