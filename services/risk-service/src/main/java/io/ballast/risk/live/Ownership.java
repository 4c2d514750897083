package io.ballast.risk.live;

import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.common.utils.Utils;

/**
 * Which tenants this instance owns: those whose id (the Kafka key of {@code ballast.events}) hashes, with Kafka's
 * default partitioner (murmur2 of the key bytes, positive, modulo the partition count), to a partition of
 * {@code ballast.events} assigned to this instance's consumer. Written by the rebalance listener, read by everyone.
 */
@ApplicationScoped
public class Ownership {

    private record Assignment(Set<Integer> partitions, int partitionCount, long generation) {
    }

    /**
     * Each tenant's key hash, kept: a price batch asks, per tenant, whether it is owned in two views (the tenants are
     * a few hundred at most; the hash of the id's text was computed twice per tenant per batch).
     */
    private static final java.util.concurrent.ConcurrentMap<UUID, Integer> HASHES =
            new java.util.concurrent.ConcurrentHashMap<>();

    private volatile Assignment assignment = new Assignment(Set.of(), 0, 0);

    /** Told of every new assignment, after it is recorded (the price consumer takes the gained tenants over). */
    private final java.util.List<Runnable> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();

    /**
     * Records a new assignment (rebalance listener only), then tells the listeners.
     *
     * @param partitions     partitions of {@code ballast.events} now assigned here
     * @param partitionCount how many partitions the topic has
     */
    public void assign(Set<Integer> partitions, int partitionCount) {
        synchronized (this) {
            assignment = new Assignment(Set.copyOf(partitions), partitionCount, assignment.generation + 1);
        }
        for (Runnable l : listeners) {
            l.run();
        }
    }

    /**
     * Registers work to run after each new assignment, on the thread that recorded it: it must only hand the news
     * on (the rebalance listener runs on the Kafka consumer's thread, which must not wait).
     *
     * @param listener the work
     */
    public void onChange(Runnable listener) {
        listeners.add(listener);
    }

    /**
     * What this instance owned at one moment.
     *
     * @param partitions     partitions of {@code ballast.events} assigned
     * @param partitionCount partitions of the topic (0: nothing assigned yet)
     * @param generation     the assignment's number
     */
    public record View(Set<Integer> partitions, int partitionCount, long generation) {

        /**
         * @param tenant tenant id
         * @return whether the tenant was owned in this view
         */
        public boolean owns(UUID tenant) {
            return partitionCount > 0 && partitions.contains(partition(tenant, partitionCount));
        }
    }

    /** @return the ownership now, as a value that does not change */
    public View view() {
        Assignment a = assignment;
        return new View(a.partitions, a.partitionCount, a.generation);
    }

    /** @return how many assignments were recorded (grows by one with every rebalance) */
    public long generation() {
        return assignment.generation;
    }

    /**
     * Whether this instance owns a tenant now.
     *
     * @param tenant tenant id
     * @return true when the tenant's partition is assigned here
     */
    public boolean owns(UUID tenant) {
        return view().owns(tenant);
    }

    /**
     * The partition of {@code ballast.events} a tenant's events go to.
     *
     * @param tenant         tenant id
     * @param partitionCount partitions of the topic
     * @return partition number
     */
    public static int partition(UUID tenant, int partitionCount) {
        return HASHES.computeIfAbsent(tenant, t -> Utils.toPositive(Utils.murmur2(t.toString()
                .getBytes(StandardCharsets.UTF_8)))) % partitionCount;
    }
}
