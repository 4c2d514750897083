package io.ballast.risk.market;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.ballast.risk.live.LiveLoop;
import io.ballast.risk.live.Ownership;
import io.ballast.risk.market.OracleGuard.Verdict;
import io.ballast.risk.market.OracleService.TenantOutcome;
import io.ballast.risk.market.OracleService.TickOutcome;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import io.vertx.core.json.JsonObject;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

/**
 * Consumes platform ticks from {@code ballast.prices} (key = underlying; every instance reads the whole topic in a
 * consumer group of its own). Per tick: parse, guard, update the oracles of the tenants this instance owns in one
 * transaction ({@link OracleService#apply}), then hand accepted index moves to the live loop.
 *
 * <p>Nothing stops the stream: a message that does not parse, or whose processing fails after retries, is nacked
 * and SmallRye's {@code dead-letter-queue} failure strategy copies it to {@code ballast.prices.dlq} with the reason
 * in header {@code dead-letter-reason}; a tick the guard rejects (for every tenant, or for one) is sent there
 * explicitly as {@code {"reason", "detail", "tenantId"?, "tick"}} with the same header.
 */
@ApplicationScoped
public class PriceFeedConsumer {

    /** Incoming channel (topic {@code ballast.prices}). */
    public static final String CHANNEL = "ballast-prices";
    /** Outgoing channel of explicit rejections (topic {@code ballast.prices.dlq}). */
    public static final String DLQ_CHANNEL = "ballast-prices-rejected";
    /** Header carrying the reason on dead-lettered messages (the name SmallRye's strategy uses). */
    public static final String REASON_HEADER = "dead-letter-reason";

    private static final Logger LOG = Logger.getLogger(PriceFeedConsumer.class);

    private final OracleService oracle;
    private final Ownership ownership;
    private final LiveLoop live;
    private final ObjectMapper json;
    private final MutinyEmitter<String> rejected;
    private final MeterRegistry metrics;

    /** Wires collaborators. */
    public PriceFeedConsumer(OracleService oracle, Ownership ownership, LiveLoop live, ObjectMapper json,
            @Channel(DLQ_CHANNEL) MutinyEmitter<String> rejected, MeterRegistry metrics) {
        this.oracle = oracle;
        this.ownership = ownership;
        this.live = live;
        this.json = json;
        this.rejected = rejected;
        this.metrics = metrics;
    }

    /**
     * Handles one message; a failure (malformed message, storage failing after retries) dead-letters it.
     *
     * @param record the Kafka record
     * @return completion
     */
    @Incoming(CHANNEL)
    public Uni<Void> consume(ConsumerRecord<String, String> record) {
        Instant receivedAt = Instant.now();
        Tick tick;
        try {
            tick = Tick.parse(record.value(), json);
        } catch (Tick.MalformedTickException e) {
            count("rejected", "malformed");
            LOG.warnf("price message at %s-%d offset %d is not a tick: %s", record.topic(), record.partition(),
                    record.offset(), e.getMessage());
            return Uni.createFrom().failure(e);
        }
        return oracle.apply(tick, ownership::owns, receivedAt)
                .onFailure().retry().withBackOff(Duration.ofMillis(200), Duration.ofSeconds(2)).atMost(3)
                .flatMap(outcome -> afterCommit(outcome, receivedAt));
    }

    private Uni<Void> afterCommit(TickOutcome outcome, Instant receivedAt) {
        if (!outcome.global().accepted()) {
            count("rejected", outcome.global().reason());
            return reject(outcome.tick(), null, outcome.global());
        }
        return Multi.createFrom().iterable(outcome.outcomes()).onItem().transformToUniAndConcatenate(o -> {
            if (!o.verdict().accepted()) {
                count("rejected", o.verdict().reason());
                return reject(outcome.tick(), o, o.verdict());
            }
            count("accepted", "none");
            return o.price() == null ? Uni.createFrom().voidItem() : live.onPrice(o, outcome.tick(), receivedAt)
                    .onFailure().invoke(e -> LOG.errorf(e, "live margin after a %s tick failed for tenant %s",
                            o.underlying(), o.tenant()))
                    .onFailure().recoverWithNull().replaceWithVoid();
        }).collect().last().replaceWithVoid();
    }

    private Uni<Void> reject(Tick tick, TenantOutcome tenant, Verdict verdict) {
        JsonObject body = new JsonObject().put("reason", verdict.reason()).put("detail", verdict.detail())
                .put("tick", new JsonObject().put("source", tick.source()).put("underlying", tick.underlying())
                        .put("priceUsd", tick.priceUsd().toString())
                        .put("annualVol", tick.annualVol() == null ? null : tick.annualVol().toString())
                        .put("sourceTime", tick.sourceTime().toString()));
        RecordHeaders headers = new RecordHeaders();
        headers.add(REASON_HEADER, verdict.reason().getBytes(StandardCharsets.UTF_8));
        if (tenant != null) {
            body.put("tenantId", tenant.tenant().toString());
            headers.add("ballast-tenant-id", tenant.tenant().toString().getBytes(StandardCharsets.UTF_8));
            MDC.put("tenantId", tenant.tenant().toString());
        }
        LOG.infof("tick %s %s from %s rejected: %s", tick.underlying(), tick.priceUsd(), tick.source(),
                verdict.detail());
        MDC.remove("tenantId");
        Message<String> m = Message.of(body.encode()).addMetadata(OutgoingKafkaRecordMetadata.<String>builder()
                .withKey(tick.underlying()).withHeaders(headers).build());
        return rejected.sendMessage(m);
    }

    private void count(String result, String reason) {
        metrics.counter("ballast.ticks", "result", result, "reason", reason).increment();
    }
}
