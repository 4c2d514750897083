package io.ballast.tools.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.math.MathContext;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Drives ticks through the real broker at a target rate for a bounded time, and times the margin events they cause.
 *
 * <p>Ticks alternate between the underlyings (every 2 s, one is the stable collateral USDT at its base price, so
 * that its oracle stays healthy); each underlying's price follows {@code base × (1 + swing ×
 * sin(2π t / period))}, so accounts near maintenance cross it both ways and events keep coming, while one tick never
 * moves more than a fraction of a per cent (no oracle jump limit is hit). {@code sourceTime} is stamped just before the
 * send, with microseconds.
 *
 * <p>Latency, measured per margin event of the load tenant: <b>tick-to-event</b> = the moment this process's consumer
 * receives the event minus the {@code tickSourceTime} in its payload (the stamp of the tick that caused it): producer,
 * broker, service consume, oracle guard, margin recompute, outbox commit, relay, broker and consumer, all on one
 * clock. <b>service part</b> = the same receive moment minus the payload's {@code tickReceivedAt} (the service's own
 * stamp when it took the tick). <b>Stages</b> split it at the service's two stamps: <i>in</i> = {@code tickReceivedAt}
 * minus {@code tickSourceTime} (producer, broker, the service's consumer); <i>evaluate</i> = the payload's
 * {@code evaluatedAt} minus {@code tickReceivedAt} (the tick batch's storing, the move's wait for its book and the
 * book's work up to this account's verdict); <i>store</i> = the event record's Kafka timestamp (the service's producer
 * clock when it sent the event, milliseconds) minus {@code evaluatedAt} (the rest of the move, the commit);
 * <i>out</i> = receipt minus that timestamp (the service's producer, broker, this consumer).
 */
public final class TickDriver {

    /** The topic margin events arrive on. */
    public static final String EVENTS_TOPIC = "ballast.margin-events";
    /** The load tenant's collateral asset: ticked at its base price every {@link #STABLE_EVERY} ns. */
    static final String STABLE = "USDT";
    private static final long STABLE_EVERY = TimeUnit.SECONDS.toNanos(2);

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * What a tick run measured.
     *
     * @param sent         ticks handed to the producer
     * @param acked        ticks the broker acknowledged
     * @param failed       ticks the broker refused or that timed out
     * @param seconds      from the first send to the last acknowledgement
     * @param events       margin events of the load tenant received
     * @param eventTypes   their count by type
     * @param tickToEvent  tick-to-event latency
     * @param servicePart  service part of it
     * @param stages       tick-to-event split in four stages (see the class comment)
     */
    public record Result(long sent, long acked, long failed, double seconds, long events,
            Map<String, Long> eventTypes, Latencies tickToEvent, Latencies servicePart, Stages stages) {

        /** @return acknowledged ticks per second, sustained over the run */
        public double ticksPerSecond() {
            return seconds > 0 ? acked / seconds : 0;
        }
    }

    /**
     * Tick-to-event split at the service's stamps (see the class comment).
     *
     * @param in       tick sent to the service's receipt
     * @param evaluate the service's receipt to the account's verdict
     * @param store    the verdict to the service's send of the event
     * @param out      that send to this process's receipt
     */
    public record Stages(Latencies in, Latencies evaluate, Latencies store, Latencies out) {

        /** Empty histograms. */
        public Stages() {
            this(new Latencies(), new Latencies(), new Latencies(), new Latencies());
        }

        /** @return one line: p50 / p99 of each stage */
        public String summary() {
            return "in " + in.brief() + "; evaluate " + evaluate.brief() + "; store " + store.brief() + "; out "
                    + out.brief();
        }
    }

    private final Map<String, Object> producerConfig;
    private final Map<String, Object> consumerConfig;
    private final String pricesTopic;
    private final PrintWriter out;
    /** Where the counted events go one by one (null: nowhere). */
    private EventLog eventLog;

    /**
     * @param producerConfig Kafka settings of the feed login (bootstrap and SASL)
     * @param consumerConfig Kafka settings of a login that may read {@value #EVENTS_TOPIC}
     * @param pricesTopic    the price topic
     * @param out            progress output
     */
    public TickDriver(Map<String, Object> producerConfig, Map<String, Object> consumerConfig, String pricesTopic,
            PrintWriter out) {
        this.producerConfig = producerConfig;
        this.consumerConfig = consumerConfig;
        this.pricesTopic = pricesTopic;
        this.out = out;
    }

    /**
     * Keeps every counted event of the next runs in a log (see {@link EventLog}).
     *
     * @param log the log
     * @return this driver
     */
    public TickDriver withEventLog(EventLog log) {
        this.eventLog = log;
        return this;
    }

    /**
     * Runs ticks, then waits for the last events.
     *
     * @param tenantId      the tenant whose events count (others are ignored)
     * @param basePricesUsd base price of each underlying
     * @param source        the ticks' source name
     * @param ratePerSecond target ticks per second
     * @param warmup        how long to send before the measured part (its ticks and their events are not counted)
     * @param duration      how long to send and measure
     * @param drain         how long to keep listening for events after the last tick
     * @param swing         amplitude of the price wave, a fraction (0.06 = ±6%)
     * @param period        period of the price wave
     * @return the measurements
     */
    public Result run(String tenantId, Map<String, Double> basePricesUsd, String source, int ratePerSecond,
            Duration warmup, Duration duration, Duration drain, double swing, Duration period) throws Exception {
        Latencies tickToEvent = new Latencies();
        Latencies servicePart = new Latencies();
        Stages stages = new Stages();
        Map<String, Long> types = new ConcurrentHashMap<>();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong events = new AtomicLong();
        CountDownReady ready = new CountDownReady();
        // events of ticks sourced before this instant belong to the warm-up (set when the measured part starts)
        java.util.concurrent.atomic.AtomicReference<Instant> measuredFrom = new java.util.concurrent.atomic
                .AtomicReference<>(Instant.MAX);
        Thread listener = new Thread(() -> listen(tenantId, tickToEvent, servicePart, stages, types, events, stop,
                ready, measuredFrom), "load-events");
        listener.setDaemon(true);
        listener.start();
        ready.await();

        Map<String, Object> config = new java.util.HashMap<>(producerConfig);
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.LINGER_MS_CONFIG, 1);
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 20_000);
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000); // at least linger + request timeout
        long startNanos;
        LongAdder acked = new LongAdder();
        LongAdder failed = new LongAdder();
        AtomicLong lastAckNanos = new AtomicLong();
        List<String> underlyings = basePricesUsd.keySet().stream().filter(u -> !STABLE.equals(u)).sorted().toList();
        long sent = 0;
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(config)) {
            // connect, log in, fetch metadata and send one tick before the clock starts (not counted)
            String first = underlyings.get(0);
            producer.send(new ProducerRecord<>(pricesTopic, first, tick(source, first, basePricesUsd.get(first))))
                    .get(60, TimeUnit.SECONDS);
            Pacer pacer = new Pacer(ratePerSecond, warmup, duration);
            long start = pacer.startNanos();
            long nextReport = start + TimeUnit.SECONDS.toNanos(5);
            long lastStable = start - STABLE_EVERY;
            startNanos = pacer.measureStartNanos();
            long all = 0;
            if (warmup.isZero()) {
                measuredFrom.set(Instant.now());
            } else {
                out.printf(Locale.ROOT, "warm-up: %d s of ticks not counted%n", warmup.toSeconds());
            }
            while (!pacer.ended(all)) {
                long due = pacer.due(all);
                boolean measured = pacer.measured(due);
                if (measured && measuredFrom.get() == Instant.MAX) {
                    measuredFrom.set(Instant.now());
                    out.printf(Locale.ROOT, "warm-up done: %,d ticks sent; measuring for %d s%n", all,
                            duration.toSeconds());
                }
                Pacer.await(due);
                // every 2 s one tick is the stable collateral at its base price (its oracle must stay healthy, or
                // every liquidation alert of an account holding it would be held, as an unhealthy oracle demands)
                boolean stable = basePricesUsd.containsKey(STABLE) && System.nanoTime() - lastStable > STABLE_EVERY;
                if (stable) {
                    lastStable = System.nanoTime();
                }
                String underlying = stable ? STABLE : underlyings.get((int) (all % underlyings.size()));
                double t = (System.nanoTime() - start) / 1e9;
                double price = stable ? basePricesUsd.get(STABLE) : basePricesUsd.get(underlying)
                        * (1 + swing * Math.sin(2 * Math.PI * t / (period.toNanos() / 1e9)));
                producer.send(new ProducerRecord<>(pricesTopic, underlying, tick(source, underlying, price)),
                        (metadata, error) -> {
                            if (!measured) {
                                return;
                            }
                            if (error == null) {
                                acked.increment();
                                lastAckNanos.set(System.nanoTime());
                            } else {
                                failed.increment();
                            }
                        });
                all++;
                if (measured) {
                    sent++;
                }
                if (System.nanoTime() > nextReport) {
                    nextReport += TimeUnit.SECONDS.toNanos(5);
                    out.printf(Locale.ROOT,
                            "[%6.1f s] ticks: %,d sent, %,d acked, %,d margin events; tick-to-event %s%s%n",
                            (System.nanoTime() - start) / 1e9, measured ? sent : all, acked.sum(), events.get(),
                            tickToEvent.summary(), measured ? "" : " (warm-up: ticks sent so far, none counted)");
                    out.flush();
                }
            }
            producer.flush();
        }
        double seconds = (Math.max(lastAckNanos.get(), startNanos) - startNanos) / 1e9;
        long drainEnd = System.nanoTime() + drain.toNanos();
        long lastCount = -1;
        while (System.nanoTime() < drainEnd) {
            long now = events.get();
            if (now == lastCount && now > 0) {
                break; // one quiet second after events stopped
            }
            lastCount = now;
            Thread.sleep(1_000);
        }
        stop.set(true);
        listener.join(10_000);
        return new Result(sent, acked.sum(), failed.sum(), seconds, events.get(), new TreeMap<>(types), tickToEvent,
                servicePart, stages);
    }

    private static List<TopicPartition> partitions(KafkaConsumer<String, String> consumer) {
        List<PartitionInfo> infos = consumer.partitionsFor(EVENTS_TOPIC, Duration.ofSeconds(30));
        return infos == null ? List.of()
                : infos.stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
    }

    private static String tick(String source, String underlying, double price) {
        ObjectNode node = JSON.createObjectNode();
        node.put("source", source);
        node.put("underlying", underlying);
        node.put("priceUsd", new BigDecimal(price).round(new MathContext(10)).toPlainString());
        node.put("sourceTime", Instant.now().toString());
        return node.toString();
    }

    private void listen(String tenantId, Latencies tickToEvent, Latencies servicePart, Stages stages,
            Map<String, Long> types, AtomicLong events, AtomicBoolean stop, CountDownReady ready,
            java.util.concurrent.atomic.AtomicReference<Instant> measuredFrom) {
        Map<String, Object> config = new java.util.HashMap<>(consumerConfig);
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        // the service creates its topic (with its partition count); a tail must not create it first
        config.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config)) {
            List<TopicPartition> partitions = partitions(consumer);
            if (partitions.isEmpty()) {
                out.println("note: " + EVENTS_TOPIC + " does not exist: the service has published no margin event"
                        + " yet (is the live loop of issue 9 in this build?); waiting for it during the run");
                out.flush();
            } else {
                consumer.assign(partitions);
                consumer.seekToEnd(partitions);
                partitions.forEach(consumer::position); // resolve the end offsets before the first tick
            }
            ready.done();
            while (!stop.get() && partitions.isEmpty()) {
                Thread.sleep(2_000);
                partitions = partitions(consumer);
                if (!partitions.isEmpty()) {
                    consumer.assign(partitions);
                    consumer.seekToBeginning(partitions); // created during this run: all of it is ours
                }
            }
            // the warm-up's events go through the same recording into sinks thrown away, so that this process has
            // compiled that path before the measured part (it competes for the same two cores as the service)
            WarmUp warmUp = new WarmUp();
            while (!stop.get()) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(100))) {
                    Instant received = Instant.now();
                    if (!tenantId.equals(r.key())) {
                        continue;
                    }
                    if (record(r.value(), received, r.timestamp(), tickToEvent, servicePart, stages, types,
                            measuredFrom.get(), eventLog, warmUp)) {
                        events.incrementAndGet();
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            out.println("events listener stopped: " + e);
            ready.done();
        }
    }

    /**
     * Records one event; false for an event of a warm-up tick (sourced before {@code measuredFrom}), not counted.
     * {@code sentMillis} is the event record's Kafka timestamp (epoch milliseconds; negative when it has none).
     */
    static boolean record(String value, Instant received, long sentMillis, Latencies tickToEvent,
            Latencies servicePart, Stages stages, Map<String, Long> types, Instant measuredFrom) {
        return record(value, received, sentMillis, tickToEvent, servicePart, stages, types, measuredFrom, null,
                null);
    }

    /**
     * Where the events of warm-up ticks are recorded, to be thrown away: the same histograms and rows as the
     * measured part's, so that this process has compiled the recording's code before the measured part.
     */
    static final class WarmUp {
        final Latencies tickToEvent = new Latencies();
        final Latencies servicePart = new Latencies();
        final Stages stages = new Stages();
        final Map<String, Long> types = new java.util.HashMap<>();
        final EventLog log = new EventLog();

        /** @return the warm-up events recorded */
        long recorded() {
            return log.size();
        }
    }

    /**
     * As {@link #record(String, Instant, long, Latencies, Latencies, Stages, Map, Instant)}, and a counted event is
     * also added to {@code log} when it is not null.
     */
    static boolean record(String value, Instant received, long sentMillis, Latencies tickToEvent,
            Latencies servicePart, Stages stages, Map<String, Long> types, Instant measuredFrom, EventLog log,
            WarmUp warmUp) {
        try {
            JsonNode envelope = JSON.readTree(value);
            JsonNode payload = envelope.path("payload");
            if (payload.isTextual()) {
                payload = JSON.readTree(payload.asText());
            }
            String source = payload.path("tickSourceTime").asText("");
            if (source.isEmpty() ? measuredFrom == Instant.MAX : Instant.parse(source).isBefore(measuredFrom)) {
                if (warmUp != null) {
                    String type = payload.path("type").asText(envelope.path("type").asText("?"));
                    warmUp.types.merge(type, 1L, Long::sum);
                    micros(source, received, warmUp.tickToEvent);
                    micros(payload.path("tickReceivedAt").asText(""), received, warmUp.servicePart);
                    stages(source, payload.path("tickReceivedAt").asText(""), payload.path("evaluatedAt").asText(""),
                            sentMillis, received, warmUp.stages);
                    warmUp.log.add(source, payload.path("tickReceivedAt").asText(""),
                            payload.path("evaluatedAt").asText(""), sentMillis, received, type,
                            payload.path("accountId").asText(""));
                }
                return false;
            }
            String type = payload.path("type").asText(envelope.path("type").asText("?"));
            types.merge(type, 1L, Long::sum);
            micros(payload.path("tickSourceTime").asText(""), received, tickToEvent);
            micros(payload.path("tickReceivedAt").asText(""), received, servicePart);
            stages(payload.path("tickSourceTime").asText(""), payload.path("tickReceivedAt").asText(""),
                    payload.path("evaluatedAt").asText(""), sentMillis, received, stages);
            if (log != null) {
                log.add(source, payload.path("tickReceivedAt").asText(""), payload.path("evaluatedAt").asText(""),
                        sentMillis, received, type, payload.path("accountId").asText(""));
            }
        } catch (Exception e) {
            types.merge("(unreadable)", 1L, Long::sum);
        }
        return true;
    }

    private static void stages(String source, String receivedAt, String evaluatedAt, long sentMillis,
            Instant received, Stages into) {
        if (source.isEmpty() || receivedAt.isEmpty() || evaluatedAt.isEmpty() || sentMillis < 0) {
            return;
        }
        try {
            Instant taken = Instant.parse(receivedAt);
            Instant evaluated = Instant.parse(evaluatedAt);
            Instant sent = Instant.ofEpochMilli(sentMillis);
            into.in().recordMicros(Duration.between(Instant.parse(source), taken).toNanos() / 1_000);
            into.evaluate().recordMicros(Duration.between(taken, evaluated).toNanos() / 1_000);
            into.store().recordMicros(Duration.between(evaluated, sent).toNanos() / 1_000);
            into.out().recordMicros(Duration.between(sent, received).toNanos() / 1_000);
        } catch (RuntimeException e) {
            // a stamp that does not parse is not a latency
        }
    }

    private static void micros(String stamp, Instant received, Latencies into) {
        if (stamp.isEmpty()) {
            return;
        }
        try {
            Duration d = Duration.between(Instant.parse(stamp), received);
            into.recordMicros(d.toNanos() / 1_000);
        } catch (RuntimeException e) {
            // a stamp that does not parse is not a latency
        }
    }

    /** The listener's signal that it has found the end of the topic, so no event of this run is missed. */
    private static final class CountDownReady {
        private final java.util.concurrent.CountDownLatch latch = new java.util.concurrent.CountDownLatch(1);

        void done() {
            latch.countDown();
        }

        void await() throws InterruptedException {
            if (!latch.await(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the margin-events listener did not start within 60 s");
            }
        }
    }
}
