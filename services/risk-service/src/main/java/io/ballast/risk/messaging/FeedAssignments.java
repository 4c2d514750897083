package io.ballast.risk.messaging;

import io.smallrye.common.annotation.Identifier;
import io.smallrye.reactive.messaging.kafka.KafkaConsumerRebalanceListener;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Default;
import jakarta.inject.Singleton;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;
import org.jboss.logging.Logger;

/**
 * Whether this instance holds every partition of the feeds each instance must read in full: {@code ballast.prices}
 * (the market data its hot books move on) and {@code ballast.parameters} (the parameter versions its books apply).
 * Each is read in a consumer group of the instance's own ({@code ballast.instance-id}). Two instances started with the
 * same id share that group and Kafka gives each partition to one of them: the other receives none of its messages,
 * and nothing else says so (its books stop moving and its tenants' margin events stop). While a feed is not held in
 * full, readiness is DOWN, naming the group, and each such assignment logs an ERROR.
 */
@Readiness
@Default // also injected, into the listeners below (@Readiness alone is a qualifier)
@ApplicationScoped
public class FeedAssignments implements HealthCheck {

    /** The name of the readiness check. */
    public static final String CHECK = "Feeds read in full";

    private static final Logger LOG = Logger.getLogger(FeedAssignments.class);

    private static final List<String> FEEDS = List.of(Topics.PRICES, Topics.PARAMETERS);

    /** Partitions of a feed this instance's consumer holds, of how many, in which group. */
    private record Held(String group, Set<Integer> partitions, int of) {

        boolean full() {
            return of > 0 && partitions.size() == of;
        }

        @Override
        public String toString() {
            return partitions + " of " + of + " (group " + group + ")";
        }
    }

    private final Map<String, Held> feeds = new ConcurrentHashMap<>();

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder check = HealthCheckResponse.named(CHECK).up();
        for (String topic : FEEDS) {
            Held held = feeds.get(topic);
            check.withData(topic, held == null ? "no partition assigned yet" : held.toString());
            if (held == null || !held.full()) {
                check.down();
            }
        }
        return check.build();
    }

    /**
     * Records what a rebalance left a feed's consumer with. Revocations update readiness only: a rebalance revokes
     * before it assigns; an assignment that leaves part of the feed to another member logs an ERROR.
     */
    void record(String topic, Consumer<?, ?> consumer, Set<Integer> partitions, boolean assigned) {
        String group = consumer.groupMetadata().groupId();
        Held held = new Held(group, Set.copyOf(partitions), consumer.partitionsFor(topic).size());
        Held before = feeds.put(topic, held);
        if (!assigned) {
            return;
        }
        if (!held.full()) {
            LOG.errorf("this instance's consumer of %s holds partitions %s: another member of group %s (an instance "
                    + "started with the same ballast.instance-id) receives the rest, and this instance misses them: "
                    + "give every instance its own ballast.instance-id; readiness is DOWN meanwhile", topic,
                    held, group);
        } else if (before != null && !before.full()) {
            LOG.infof("this instance's consumer of %s holds all its partitions again: %s", topic, held);
        }
    }

    /** Keeps the partitions a feed's consumer holds, per rebalance (no other work in a rebalance listener). */
    abstract static class FeedListener implements KafkaConsumerRebalanceListener {

        private final FeedAssignments assignments;
        private final String topic;
        private final Set<Integer> held = new TreeSet<>();

        FeedListener(FeedAssignments assignments, String topic) {
            this.assignments = assignments;
            this.topic = topic;
        }

        @Override
        public synchronized void onPartitionsAssigned(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
            partitions.forEach(p -> held.add(p.partition()));
            assignments.record(topic, consumer, held, true);
        }

        @Override
        public synchronized void onPartitionsRevoked(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
            partitions.forEach(p -> held.remove(p.partition()));
            assignments.record(topic, consumer, held, false);
        }

        @Override
        public void onPartitionsLost(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
            onPartitionsRevoked(consumer, partitions);
        }
    }

    /** The rebalance listener of the price channel ({@code ballast.prices}). */
    @Singleton
    @Identifier("ballast-prices-feed")
    public static class PricesListener extends FeedListener {

        /** Wires the assignments. */
        public PricesListener(FeedAssignments assignments) {
            super(assignments, Topics.PRICES);
        }
    }

    /** The rebalance listener of the parameter channel ({@code ballast.parameters}). */
    @Singleton
    @Identifier("ballast-parameters-feed")
    public static class ParametersListener extends FeedListener {

        /** Wires the assignments. */
        public ParametersListener(FeedAssignments assignments) {
            super(assignments, Topics.PARAMETERS);
        }
    }
}
