package io.ballast.tools.load;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The tick path's hops with no margin work: the floor under the tick-to-event latency on this machine. A producer
 * configured as the tick driver's ({@code acks=all}, linger 1 ms) sends stamped messages at the target rate to
 * {@value #IN_TOPIC}; a relay configured as the service's price consumer and direct publisher (poll, then
 * {@code acks=all}, linger 0) optionally commits one PostgreSQL transaction per poll (one row updated, in a database of
 * its own, {@value #DATABASE}: a commit waits for the WAL flush like the service's) and forwards each message to
 * {@value #OUT_TOPIC}; a consumer configured as the tick driver's times each message. Everything runs in this process,
 * beside the running stack's broker and PostgreSQL; no service code runs. The service does at least this per tick (two
 * broker hops, a transaction before the book and one after it), so its latency cannot be below this floor's.
 */
public final class FloorDriver {

    /** Where the producer sends. */
    public static final String IN_TOPIC = "ballast.load.floor-in";
    /** Where the relay forwards. */
    public static final String OUT_TOPIC = "ballast.load.floor-out";
    /** The relay's own database on the stack's PostgreSQL server (not Ballast's). */
    public static final String DATABASE = "ballast_load_floor";

    private final Map<String, Object> clientConfig;
    private final String jdbcUrl;
    private final String dbUser;
    private final String dbPassword;
    private final PrintWriter out;

    /**
     * @param clientConfig Kafka client settings (bootstrap, SASL) of a user that may create and use the two topics
     * @param jdbcUrl      the stack's PostgreSQL URL (its database is replaced by {@value #DATABASE}), or null for a
     *                     relay without commits
     * @param dbUser       a PostgreSQL user that may create a database
     * @param dbPassword   its password
     * @param out          progress
     */
    public FloorDriver(Map<String, Object> clientConfig, String jdbcUrl, String dbUser, String dbPassword,
            PrintWriter out) {
        this.clientConfig = clientConfig;
        this.jdbcUrl = jdbcUrl;
        this.dbUser = dbUser;
        this.dbPassword = dbPassword;
        this.out = out;
    }

    /**
     * The figures of a run, in the order a message meets them. All latencies are of measured messages only.
     *
     * @param sent     measured messages sent
     * @param received measured messages the end consumer received
     * @param polls    non-empty polls of the relay while measuring
     * @param in       producer send to the relay's poll
     * @param commit   the relay's poll to its commit (zero without a database)
     * @param onward   the commit to the end consumer's receipt
     * @param total    send to receipt
     */
    public record Result(long sent, long received, long polls, Latencies in, Latencies commit, Latencies onward,
            Latencies total) {
    }

    /**
     * Runs the floor.
     *
     * @param ratePerSecond messages per second
     * @param warmup        sent first and not counted
     * @param duration      measured
     * @return the figures
     * @throws Exception when a client or the database fails
     */
    public Result run(int ratePerSecond, Duration warmup, Duration duration) throws Exception {
        Latencies in = new Latencies();
        Latencies commit = new Latencies();
        Latencies onward = new Latencies();
        Latencies total = new Latencies();
        AtomicLong received = new AtomicLong();
        AtomicLong polls = new AtomicLong();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<Instant> measuredFrom = new AtomicReference<>(Instant.MAX);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        createTopics();
        CountDownLatch ready = new CountDownLatch(2);
        Thread relay = thread("load-floor-relay", failure, () -> relay(stop, ready, polls, measuredFrom));
        Thread sink = thread("load-floor-sink", failure, () -> sink(stop, ready, received, measuredFrom, in, commit,
                onward, total));
        relay.start();
        sink.start();
        if (!ready.await(60, TimeUnit.SECONDS)) {
            stop.set(true);
            throw new IllegalStateException("the floor's relay and consumer did not start within 60 s",
                    failure.get());
        }
        long sent = 0;
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerConfig(1))) {
            Pacer pacer = new Pacer(ratePerSecond, warmup, duration);
            long nextReport = pacer.startNanos() + TimeUnit.SECONDS.toNanos(5);
            long all = 0;
            for (; !pacer.ended(all) && failure.get() == null; all++) {
                long due = pacer.due(all);
                boolean measured = pacer.measured(due);
                if (measured && measuredFrom.get() == Instant.MAX) {
                    measuredFrom.set(Instant.now());
                }
                Pacer.await(due);
                producer.send(new ProducerRecord<>(IN_TOPIC, "BTC", Long.toString(micros(Instant.now()))));
                if (measured) {
                    sent++;
                }
                if (System.nanoTime() > nextReport) {
                    nextReport += TimeUnit.SECONDS.toNanos(5);
                    out.printf(Locale.ROOT, "[%6.1f s] floor: %,d sent%s, %,d received; total %s%n",
                            pacer.elapsedSeconds(), measured ? sent : all,
                            measured ? "" : " (warm-up)", received.get(), total.summary());
                    out.flush();
                }
            }
            producer.flush();
        }
        long drainEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (received.get() < sent && System.nanoTime() < drainEnd && failure.get() == null) {
            Thread.sleep(100);
        }
        stop.set(true);
        relay.join(10_000);
        sink.join(10_000);
        if (failure.get() != null) {
            throw new IllegalStateException("the floor run failed: " + failure.get(), failure.get());
        }
        return new Result(sent, received.get(), polls.get(), in, commit, onward, total);
    }

    /** The service's part: poll, one commit per poll, forward each message with its stamps. */
    private void relay(AtomicBoolean stop, CountDownLatch ready, AtomicLong polls,
            AtomicReference<Instant> measuredFrom) throws Exception {
        try (Connection db = jdbcUrl == null ? null : floorDatabase();
                PreparedStatement bump = db == null ? null
                        : db.prepareStatement("update floor_commit set polls = polls + 1, messages = messages + ?"
                                + " where id = 1");
                KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerConfig());
                KafkaProducer<String, String> producer = new KafkaProducer<>(producerConfig(0))) {
            TopicPartition partition = new TopicPartition(IN_TOPIC, 0);
            consumer.assign(List.of(partition));
            consumer.seekToEnd(List.of(partition));
            consumer.position(partition);
            producer.partitionsFor(OUT_TOPIC); // metadata before the first message
            ready.countDown();
            while (!stop.get()) {
                ConsumerRecords<String, String> records = consumer.poll(Duration.ofMillis(100));
                if (records.isEmpty()) {
                    continue;
                }
                long taken = micros(Instant.now());
                if (bump != null) {
                    bump.setInt(1, records.count());
                    bump.executeUpdate();
                    db.commit();
                }
                long committed = micros(Instant.now());
                if (taken >= micros(measuredFrom.get())) {
                    polls.incrementAndGet();
                }
                for (ConsumerRecord<String, String> r : records) {
                    producer.send(new ProducerRecord<>(OUT_TOPIC, r.key(), r.value() + "," + taken + ","
                            + committed));
                }
            }
        }
    }

    /** The integrator's part: receive and time. */
    private void sink(AtomicBoolean stop, CountDownLatch ready, AtomicLong received,
            AtomicReference<Instant> measuredFrom, Latencies in, Latencies commit, Latencies onward,
            Latencies total) {
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerConfig())) {
            TopicPartition partition = new TopicPartition(OUT_TOPIC, 0);
            consumer.assign(List.of(partition));
            consumer.seekToEnd(List.of(partition));
            consumer.position(partition);
            ready.countDown();
            while (!stop.get()) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(100))) {
                    long now = micros(Instant.now());
                    String[] stamps = r.value().split(",");
                    long sent = Long.parseLong(stamps[0]);
                    if (sent < micros(measuredFrom.get())) {
                        continue;
                    }
                    long taken = Long.parseLong(stamps[1]);
                    long committed = Long.parseLong(stamps[2]);
                    in.recordMicros(taken - sent);
                    commit.recordMicros(committed - taken);
                    onward.recordMicros(now - committed);
                    total.recordMicros(now - sent);
                    received.incrementAndGet();
                }
            }
        }
    }

    /** Both topics, one partition each (the stack's broker has one node), unless they exist. */
    private void createTopics() throws Exception {
        try (Admin admin = Admin.create(clientConfig)) {
            var existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            List<NewTopic> missing = List.of(IN_TOPIC, OUT_TOPIC).stream().filter(t -> !existing.contains(t))
                    .map(t -> new NewTopic(t, 1, (short) 1)).toList();
            if (!missing.isEmpty()) {
                admin.createTopics(missing).all().get(30, TimeUnit.SECONDS);
            }
        }
    }

    /** Creates (once) the relay's database and table on the stack's server; a connection in a transaction. */
    private Connection floorDatabase() throws SQLException {
        try (Connection admin = DriverManager.getConnection(jdbcUrl, dbUser, dbPassword);
                Statement s = admin.createStatement()) {
            boolean exists;
            try (var rs = s.executeQuery("select 1 from pg_database where datname = '" + DATABASE + "'")) {
                exists = rs.next();
            }
            if (!exists) {
                s.execute("create database " + DATABASE);
            }
        }
        Connection db = DriverManager.getConnection(withDatabase(jdbcUrl, DATABASE), dbUser, dbPassword);
        try (Statement s = db.createStatement()) {
            s.execute("create table if not exists floor_commit (id int primary key, polls bigint not null,"
                    + " messages bigint not null)");
            s.execute("insert into floor_commit values (1, 0, 0) on conflict (id) do nothing");
        }
        db.setAutoCommit(false);
        return db;
    }

    /**
     * @param jdbcUrl  e.g. {@code jdbc:postgresql://127.0.0.1:15432/ballast?x=y}
     * @param database the database to name instead
     * @return the same URL naming that database
     */
    public static String withDatabase(String jdbcUrl, String database) {
        int hostStart = jdbcUrl.indexOf("//");
        int slash = jdbcUrl.indexOf('/', hostStart < 0 ? 0 : hostStart + 2);
        if (hostStart < 0 || slash < 0) {
            throw new IllegalArgumentException("not a jdbc:postgresql://host:port/database URL: " + jdbcUrl);
        }
        int query = jdbcUrl.indexOf('?', slash);
        return jdbcUrl.substring(0, slash + 1) + database + (query < 0 ? "" : jdbcUrl.substring(query));
    }

    private Map<String, Object> producerConfig(int lingerMs) {
        Map<String, Object> config = new HashMap<>(clientConfig);
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.LINGER_MS_CONFIG, lingerMs);
        return config;
    }

    private Map<String, Object> consumerConfig() {
        Map<String, Object> config = new HashMap<>(clientConfig);
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        return config;
    }

    private static long micros(Instant t) {
        return t == Instant.MAX ? Long.MAX_VALUE : ChronoUnit.MICROS.between(Instant.EPOCH, t);
    }

    private interface Body {
        void run() throws Exception;
    }

    private static Thread thread(String name, AtomicReference<Throwable> failure, Body body) {
        Thread t = new Thread(() -> {
            try {
                body.run();
            } catch (Throwable e) {
                failure.compareAndSet(null, e);
            }
        }, name);
        t.setDaemon(true);
        return t;
    }
}
