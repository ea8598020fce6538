package regworkers.notification;

import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Exchange;
import regworkers.platform.Worker;
import regworkers.platform.WorkerLog;
import regworkers.platform.markets.MarketSelectionRequest;
import regworkers.platform.services.Service;
import regworkers.platform.services.ServiceClient;
import regworkers.platform.services.ServiceRequest;
import regworkers.platform.services.ServiceResponse;

/**
 * getMarketsToNotify: of the selected markets not yet notified, those whose {@code notifyAt} (campaign service) has
 * passed; each is claimed in demand-table before its notificationQueue message is sent, so two schedulers or a re-run
 * never enqueue it twice. A market without {@code notifyAt} is never due.
 */
@ApplicationScoped
@Named("marketsToNotify")
public class MarketsToNotify {

    private static final WorkerLog LOG = WorkerLog.of(MarketsToNotify.class);

    static final String ENQUEUED_COUNT = "regworkers.enqueuedMarkets";

    @Inject
    NotificationTargets targets;

    @Inject
    ServiceClient services;

    @Inject
    ObjectMapper json;

    Clock clock = Clock.systemUTC();

    /** The due markets; also starts the count of this run's enqueued ones. */
    public List<MarketSelectionRequest> due(Exchange exchange) throws JsonProcessingException {
        WorkerLog.context(Worker.GET_MARKETS_TO_NOTIFY, exchange.getExchangeId());
        exchange.setProperty(ENQUEUED_COUNT, new AtomicInteger());
        Instant now = clock.instant();
        Map<String, Optional<JsonNode>> campaigns = new HashMap<>(); // one campaign-service call per campaign and run
        List<MarketSelectionRequest> due = new ArrayList<>();
        for (MarketSelectionRequest market : targets.waiting()) {
            if (!campaigns.containsKey(market.campaignId())) {
                campaigns.put(market.campaignId(), campaign(market.campaignId()));
            }
            Instant notifyAt = notifyAt(campaigns.get(market.campaignId()).orElse(null), market.marketId());
            if (notifyAt != null && !notifyAt.isAfter(now)) {
                due.add(market);
            }
        }
        return due;
    }

    public boolean claim(Exchange exchange, MarketSelectionRequest market) {
        boolean claimed = targets.claimForQueue(market);
        if (claimed) {
            exchange.getProperty(ENQUEUED_COUNT, AtomicInteger.class).incrementAndGet();
        }
        return claimed;
    }

    public String message(MarketSelectionRequest market) {
        return json.createObjectNode()
                .put("campaignId", market.campaignId())
                .put("marketId", market.marketId())
                .put("dateId", market.dateId())
                .toString();
    }

    public String report(Exchange exchange) {
        int enqueued = exchange.getProperty(ENQUEUED_COUNT, AtomicInteger.class).get();
        if (enqueued > 0) {
            LOG.info("Markets to notify enqueued", Map.of("enqueued", enqueued));
        }
        return "{\"enqueued\":" + enqueued + "}";
    }

    private Optional<JsonNode> campaign(String campaignId) throws JsonProcessingException {
        ServiceResponse response =
                services.call(ServiceRequest.get(Service.CAMPAIGN, "/campaigns/" + ServiceRequest.segment(campaignId)));
        if (response.isNotFound()) {
            LOG.warn(
                    "A market to notify belongs to a campaign the campaign service does not know",
                    Map.of("campaignId", campaignId));
            return Optional.empty();
        }
        return Optional.of(response.requireSuccess().json(json));
    }

    static Instant notifyAt(JsonNode campaign, String marketId) {
        if (campaign == null) {
            return null;
        }
        for (JsonNode market : campaign.path("markets")) {
            if (marketId.equals(market.path("id").asText())
                    && market.path("notifyAt").isTextual()) {
                try {
                    return Instant.parse(market.get("notifyAt").asText());
                } catch (DateTimeParseException e) {
                    return null;
                }
            }
        }
        return null;
    }
}
