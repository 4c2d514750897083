package io.ballast.risk.messaging;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.ballast.risk.domain.ApiException;
import io.ballast.risk.rest.MarginViews.PricesInput;
import io.ballast.risk.service.MarketPriceService;
import io.ballast.risk.service.MarketPriceService.PriceUpdate;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Consumes market data from Kafka topic {@code ballast.prices}: key = tenant id, value = the body of
 * {@code PUT /api/v1/market/prices} ({@code {"prices": [{"underlying", "indexPriceUsd", "annualVol"?, "observedAt"?}]}}).
 * Each message is one transaction; an invalid message (bad key, bad JSON, unknown tenant or underlying, NaN or
 * negative values) is logged and skipped, never written in part. Whoever may write to the topic may set any tenant's
 * prices: the topic's ACLs are the security boundary.
 */
@ApplicationScoped
public class PriceConsumer {

    /** Channel name (configured to topic {@code ballast.prices}). */
    public static final String CHANNEL = "ballast-prices";

    private static final Logger LOG = Logger.getLogger(PriceConsumer.class);

    private final MarketPriceService prices;
    private final ObjectMapper json;

    /** Wires collaborators. */
    public PriceConsumer(MarketPriceService prices, ObjectMapper json) {
        this.prices = prices;
        this.json = json;
    }

    /** Records one message's prices, or logs why it was skipped. */
    @Incoming(CHANNEL)
    public Uni<Void> consume(ConsumerRecord<String, String> record) {
        List<PriceUpdate> updates;
        UUID tenant;
        try {
            tenant = UUID.fromString(String.valueOf(record.key()));
            PricesInput body = json.readValue(record.value(), PricesInput.class);
            if (body.prices() == null || body.prices().isEmpty()) {
                throw new IllegalArgumentException("prices must not be empty");
            }
            updates = body.prices().stream().map(p -> new PriceUpdate(p.underlying(), p.indexPriceUsd(),
                    p.annualVol(), p.observedAt())).toList();
        } catch (Exception e) {
            LOG.warnf("skipped price message at offset %d: %s", record.offset(), e.getMessage());
            return Uni.createFrom().voidItem();
        }
        return prices.putFromFeed(tenant, updates).replaceWithVoid()
                .onFailure(ApiException.class).recoverWithUni(e -> {
                    LOG.warnf("skipped price message at offset %d for tenant %s: %s", record.offset(), tenant,
                            e.getMessage());
                    return Uni.createFrom().voidItem();
                });
    }
}
