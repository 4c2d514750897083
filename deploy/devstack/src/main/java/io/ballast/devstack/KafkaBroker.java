package io.ballast.devstack;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import java.util.stream.Stream;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

/**
 * A real Apache Kafka broker in KRaft mode (one node acting as broker and controller), running in a child JVM whose
 * classpath is the broker's jars in {@code deploy/devstack/target/kafka-lib} (copied there by the build). The broker
 * never loads into the caller's JVM.
 *
 * <p>Security: both listeners (clients on {@link #port()}, the KRaft controller) take SASL/PLAIN only, with the users
 * of {@link KafkaUser}; the {@code StandardAuthorizer} enforces the ACLs of {@link #aclBindings()}, created through
 * the admin client at every start (creating an existing ACL again changes nothing). An unauthenticated client gets
 * no answer: the broker closes a connection that does not start with a SASL handshake.
 */
public final class KafkaBroker implements AutoCloseable {

    /** System property overriding the directory of the broker's jars. */
    public static final String KAFKA_LIB_PROPERTY = "ballast.devstack.kafka-lib";
    /** Default client port of the launcher's broker. */
    public static final int DEFAULT_PORT = 9092;
    /** Default controller (KRaft quorum) port of the launcher's broker. */
    public static final int DEFAULT_CONTROLLER_PORT = 9093;

    /** The price topic: only the feed (and the admin) may write it. */
    public static final String PRICES_TOPIC = "ballast.prices";
    /** Prefix of every topic the risk service reads or writes. */
    public static final String SERVICE_TOPIC_PREFIX = "ballast.";
    /** Prefix of every consumer group id and transactional id of the risk service. */
    public static final String SERVICE_GROUP_PREFIX = "ballast";

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
        return startEphemeral(projectRoot, logFile, Ports::free);
    }

    /** How many times {@link #startEphemeral} picks new ports when the broker finds one of them taken. */
    static final int EPHEMERAL_ATTEMPTS = 3;

    /**
     * {@link #startEphemeral(Path, Path)} with the ports from {@code ports}. A port that was free when picked can be
     * taken before the broker binds it (another test's server, or any client's outgoing connection: the picked ports
     * are in the ephemeral range); a broker that exits because a port is in use ("Address already in use" in its log
     * since this attempt began) is started again on new ports and in a new directory, up to
     * {@value #EPHEMERAL_ATTEMPTS} times. Any other failure is thrown at once.
     */
    static KafkaBroker startEphemeral(Path projectRoot, Path logFile, IntSupplier ports) {
        for (int attempt = 1; ; attempt++) {
            Path home;
            try {
                home = Files.createTempDirectory("ballast-kafka-");
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create a temporary directory for Kafka", e);
            }
            long logFrom = sizeOf(logFile);
            try {
                return start(projectRoot, home, ports.getAsInt(), ports.getAsInt(), logFile, true);
            } catch (IllegalStateException e) {
                deleteTree(home);
                if (attempt >= EPHEMERAL_ATTEMPTS || !logSays(logFile, logFrom, "Address already in use")) {
                    throw e;
                }
                System.err.println("ballast: a port picked for Kafka was taken before the broker bound it; starting"
                        + " it again on new ports (attempt " + (attempt + 1) + " of " + EPHEMERAL_ATTEMPTS + ")");
            } catch (RuntimeException e) {
                deleteTree(home);
                throw e;
            }
        }
    }

    private static long sizeOf(Path file) {
        try {
            return Files.exists(file) ? Files.size(file) : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    /** Whether the log, from byte {@code from} on, contains {@code text}. */
    static boolean logSays(Path logFile, long from, String text) {
        try (InputStream in = Files.newInputStream(logFile)) {
            in.skipNBytes(Math.min(from, Files.size(logFile)));
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).contains(text);
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Starts a broker whose state persists in {@code home} (formatted on first use).
     *
     * @param projectRoot    the Ballast project root (to find the broker's jars)
     * @param home           state directory, e.g. {@code .ballast/kafka}; holds {@code server.properties} and
     *                       {@code data/}
     * @param port           client (SASL_PLAINTEXT) port on 127.0.0.1
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
        List<String> command = new ArrayList<>();
        command.add(javaBinary());
        command.addAll(javaOptions(System.getenv()));
        command.addAll(List.of("-Dorg.slf4j.simpleLogger.defaultLogLevel=info",
                "-cp", classpath, "kafka.Kafka", config.toAbsolutePath().toString()));
        ChildProcess child = ChildProcess.start("kafka", command, home, Map.of(), logFile);
        KafkaBroker broker = new KafkaBroker(child, port, ephemeral ? home : null);
        try {
            broker.awaitAdminClient(Duration.ofSeconds(120));
            broker.createAcls();
        } catch (RuntimeException e) {
            broker.close();
            throw e;
        }
        return broker;
    }

    /** Environment variable of the broker's JVM options. */
    public static final String JAVA_OPTS_ENV = "BALLAST_KAFKA_JAVA_OPTS";
    /** The broker's JVM options when {@value #JAVA_OPTS_ENV} is unset or blank. */
    public static final String DEFAULT_JAVA_OPTS = "-Xms128m -Xmx512m -XX:+UseSerialGC";

    /**
     * The broker's JVM options: {@value #JAVA_OPTS_ENV}, split on white space, else {@value #DEFAULT_JAVA_OPTS}.
     *
     * @param env the environment
     * @return the options, in order
     */
    static List<String> javaOptions(Map<String, String> env) {
        String value = env.get(JAVA_OPTS_ENV);
        String options = value == null || value.isBlank() ? DEFAULT_JAVA_OPTS : value.strip();
        return List.of(options.split("\\s+"));
    }

    private static String serverProperties(int port, int controllerPort, Path dataDir) {
        String host = Ports.LOOPBACK;
        KafkaUser admin = KafkaUser.ADMIN;
        StringBuilder clientUsers = new StringBuilder();
        for (KafkaUser user : List.of(KafkaUser.ADMIN, KafkaUser.SERVICE, KafkaUser.FEED)) {
            clientUsers.append(" user_").append(user.name()).append("=\"").append(user.password()).append('"');
        }
        String loginAsAdmin = "org.apache.kafka.common.security.plain.PlainLoginModule required username=\""
                + admin.name() + "\" password=\"" + admin.password() + "\"";
        return String.join("\n",
                "# written by ballast devstack at every start",
                "process.roles=broker,controller",
                "node.id=" + NODE_ID,
                "controller.quorum.voters=" + NODE_ID + "@" + host + ":" + controllerPort,
                "listeners=CLIENT://" + host + ":" + port + ",CONTROLLER://" + host + ":" + controllerPort,
                "advertised.listeners=CLIENT://" + host + ":" + port,
                "controller.listener.names=CONTROLLER",
                "inter.broker.listener.name=CLIENT",
                "listener.security.protocol.map=CLIENT:SASL_PLAINTEXT,CONTROLLER:SASL_PLAINTEXT",
                "# SASL/PLAIN on both listeners; the broker logs in to itself and to the controller as the admin",
                "sasl.enabled.mechanisms=PLAIN",
                "sasl.mechanism.inter.broker.protocol=PLAIN",
                "sasl.mechanism.controller.protocol=PLAIN",
                "listener.name.client.plain.sasl.jaas.config=" + loginAsAdmin + clientUsers + ";",
                "listener.name.controller.plain.sasl.jaas.config=" + loginAsAdmin + " user_" + admin.name() + "=\""
                        + admin.password() + "\";",
                "# ACLs in the cluster metadata; nothing is allowed without an ACL except to the super user",
                "authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer",
                "super.users=" + admin.principal(),
                "allow.everyone.if.no.acl.found=false",
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

    /**
     * The ACLs of the dev stack (the admin needs none: it is the super user).
     *
     * <ul>
     *   <li>{@link KafkaUser#FEED}: WRITE, DESCRIBE and CREATE on topic {@value #PRICES_TOPIC} only;</li>
     *   <li>{@link KafkaUser#SERVICE}: READ, WRITE, CREATE, DESCRIBE, DESCRIBE_CONFIGS on topics prefixed
     *       {@value #SERVICE_TOPIC_PREFIX}, but WRITE on {@value #PRICES_TOPIC} DENIED (a deny wins over an allow);
     *       READ and DESCRIBE on consumer groups, WRITE and DESCRIBE on transactional ids, both prefixed
     *       {@value #SERVICE_GROUP_PREFIX}.</li>
     * </ul>
     *
     * @return the bindings, in a stable order
     */
    public static List<AclBinding> aclBindings() {
        List<AclBinding> acls = new ArrayList<>();
        ResourcePattern prices = new ResourcePattern(ResourceType.TOPIC, PRICES_TOPIC, PatternType.LITERAL);
        for (AclOperation op : List.of(AclOperation.WRITE, AclOperation.DESCRIBE, AclOperation.CREATE)) {
            acls.add(allow(prices, KafkaUser.FEED, op));
        }
        ResourcePattern serviceTopics = new ResourcePattern(ResourceType.TOPIC, SERVICE_TOPIC_PREFIX,
                PatternType.PREFIXED);
        for (AclOperation op : List.of(AclOperation.READ, AclOperation.WRITE, AclOperation.CREATE,
                AclOperation.DESCRIBE, AclOperation.DESCRIBE_CONFIGS)) {
            acls.add(allow(serviceTopics, KafkaUser.SERVICE, op));
        }
        acls.add(new AclBinding(prices, new AccessControlEntry(KafkaUser.SERVICE.principal(), "*",
                AclOperation.WRITE, AclPermissionType.DENY)));
        ResourcePattern groups = new ResourcePattern(ResourceType.GROUP, SERVICE_GROUP_PREFIX, PatternType.PREFIXED);
        acls.add(allow(groups, KafkaUser.SERVICE, AclOperation.READ));
        acls.add(allow(groups, KafkaUser.SERVICE, AclOperation.DESCRIBE));
        ResourcePattern transactions = new ResourcePattern(ResourceType.TRANSACTIONAL_ID, SERVICE_GROUP_PREFIX,
                PatternType.PREFIXED);
        acls.add(allow(transactions, KafkaUser.SERVICE, AclOperation.WRITE));
        acls.add(allow(transactions, KafkaUser.SERVICE, AclOperation.DESCRIBE));
        return acls;
    }

    private static AclBinding allow(ResourcePattern resource, KafkaUser user, AclOperation op) {
        return new AclBinding(resource, new AccessControlEntry(user.principal(), "*", op, AclPermissionType.ALLOW));
    }

    private void createAcls() {
        try (Admin admin = Admin.create(adminProperties())) {
            admin.createAcls(aclBindings()).all().get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot create the Kafka ACLs on " + bootstrapServers() + ": " + e
                    + "; see " + logFile(), e);
        }
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
        try (Admin admin = Admin.create(adminProperties())) {
            process.awaitReady("admin client answer on " + bootstrapServers(), timeout, () -> {
                try {
                    return !admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty();
                } catch (Exception notYet) {
                    return false;
                }
            });
        }
    }

    private Properties adminProperties() {
        Properties props = new Properties();
        props.putAll(clientConfig(KafkaUser.ADMIN));
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 3_000);
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5_000);
        props.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 500);
        return props;
    }

    /**
     * Kafka client settings that reach this broker as one of its users: {@code bootstrap.servers} plus
     * {@link KafkaUser#saslClientConfig()}. Add serializers, group id and so on as the client needs.
     *
     * @param user who the client authenticates as
     * @return a new mutable map
     */
    public Map<String, Object> clientConfig(KafkaUser user) {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        config.putAll(user.saslClientConfig());
        return config;
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
