package regworkers.notification;

import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.jboss.logging.MDC;
import regworkers.platform.DependencyUnavailable;
import regworkers.platform.PermanentFailure;
import regworkers.platform.QueueConfig;
import regworkers.platform.QueueMessage;
import regworkers.platform.SnsTopics;
import regworkers.platform.TopicConfig;
import regworkers.platform.Worker;
import regworkers.platform.WorkerLog;
import regworkers.platform.WorkerSpans;
import regworkers.platform.markets.MarketSelectionRequest;
import regworkers.platform.markets.RecordedWinners;
import regworkers.platform.markets.RecordedWinners.StoredRun;
import regworkers.platform.markets.Selection;
import regworkers.platform.services.Service;
import regworkers.platform.services.ServiceClient;
import regworkers.platform.services.ServiceRequest;
import regworkers.platform.services.ServiceResponse;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.PublishBatchRequestEntry;
import software.amazon.awssdk.services.sns.model.PublishBatchResponse;

/**
 * notificationGenerator: a notificationQueue message {campaignId, marketId, dateId} → take the market (one generator
 * at a time) → from its recorded progress, the market's winners part by part (the selection run's stored parts: memory
 * holds one part) → one notification per winner → SNS {@code notifications} in PublishBatch calls of 10, up to
 * {@code notification.batches-in-flight} at a time, the progress written every {@code notification.checkpoint-every}
 * batches → after {@code notification.batches-per-message} batches the market is handed to a continuation message;
 * when all are sent, a {@code notification} data event goes to processData and the market is NOTIFIED. A crash
 * re-sends at most the batches in flight and those whose progress was not written yet ({@link PublishWindow}); every
 * notification carries a stable {@code notificationId}.
 */
@ApplicationScoped
@Named("notificationGenerator")
public class NotificationGenerator {

    private static final WorkerLog LOG = WorkerLog.of(NotificationGenerator.class);

    static final int PUBLISH_BATCH = 10;

    @Inject
    TopicConfig topics;

    @Inject
    NotificationConfig config;

    @Inject
    ObjectMapper json;

    @Inject
    NotificationTargets targets;

    @Inject
    RecordedWinners recorded;

    @Inject
    ServiceClient services;

    @Inject
    SnsClient sns;

    @Inject
    SnsTopics snsTopics;

    @Inject
    CamelContext camel;

    @Inject
    QueueConfig queues;

    Clock clock = Clock.systemUTC();
    private ExecutorService publishers;

    public MarketNotification start(Exchange exchange) throws JsonProcessingException {
        String body = exchange.getMessage().getBody(String.class);
        MarketSelectionRequest market = MarketSelectionRequest.read(json, body);
        WorkerSpans.campaign(exchange, market.campaignId());
        StoredRun stored = recorded.stored(market)
                .orElseThrow(() -> new PermanentFailure(
                        "NOT_SELECTED",
                        "market " + market.marketId() + " of campaign " + market.campaignId()
                                + " has no recorded selection for " + market.dateId()));
        // the owner is the message: a retry or a redelivery of the same message takes its own claim back at once
        QueueMessage message = QueueMessage.of(exchange);
        String owner = message != null ? message.messageId() : UUID.randomUUID().toString();
        var progress = targets.own(market, owner);
        if (progress.isEmpty()) {
            LOG.info(
                    "Market already notified: nothing to send",
                    Map.of("campaignId", market.campaignId(), "marketId", market.marketId()));
            return MarketNotification.notifiedBefore(market);
        }
        return new MarketNotification(market, owner, stored, campaign(market.campaignId()), progress.get());
    }

    /** Up to 10 winners, and where the market stands once they are sent. */
    public record Batch(List<Selection> winners, int nextPart, int nextIndex) {}

    /** The next batches of up to 10 winners, from the market's progress, at most {@code batches-per-message} of them. */
    public Iterator<Batch> batches(MarketNotification notification) {
        return new Iterator<>() {
            private int part = notification.nextPart;
            private int index = notification.nextIndex;
            private List<Selection> winners;
            private int batches;

            @Override
            public boolean hasNext() {
                if (batches >= config.batchesPerMessage()) {
                    return false;
                }
                while (part < notification.stored.parts()) {
                    if (winners == null) {
                        winners = recorded.part(notification.market, notification.stored, part);
                    }
                    if (index < winners.size()) {
                        return true;
                    }
                    part++;
                    index = 0;
                    winners = null;
                }
                return false;
            }

            @Override
            public Batch next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                List<Selection> batch =
                        new ArrayList<>(winners.subList(index, Math.min(winners.size(), index + PUBLISH_BATCH)));
                index += batch.size();
                batches++;
                return index >= winners.size() ? new Batch(batch, part + 1, 0) : new Batch(batch, part, index);
            }
        };
    }

    /**
     * Sends {@code batch} once fewer than {@code batches-in-flight} PublishBatch calls are in flight; the market's
     * progress is written every {@code checkpoint-every} batches that went through in order ({@link PublishWindow}).
     * Throws the failure of an earlier batch it had to wait for.
     */
    public void send(MarketNotification notification, Batch batch) {
        String correlationId = (String) MDC.get(WorkerLog.CORRELATION_ID);
        window(notification)
                .send(
                        batch,
                        () -> CompletableFuture.runAsync(
                                () -> WorkerLog.inContext(Worker.NOTIFICATION_GENERATOR, correlationId, () -> {
                                    publish(notification, batch.winners());
                                    return null;
                                }),
                                publishers));
    }

    /** Waits for the batches still in flight and writes the progress; throws the first failure. */
    public void finishSending(MarketNotification notification) {
        window(notification).close();
    }

    private PublishWindow<Batch> window(MarketNotification notification) {
        if (notification.window == null) {
            notification.window = new PublishWindow<>(
                    config.batchesInFlight(),
                    config.checkpointEvery(),
                    config.ownerTimeout(),
                    new PublishWindow.Progress<>() {
                        @Override
                        public void advance(Batch sent) {
                            notification.nextPart = sent.nextPart();
                            notification.nextIndex = sent.nextIndex();
                            notification.sent += sent.winners().size();
                        }

                        @Override
                        public void save() {
                            targets.checkpoint(notification.market, notification.owner, notification.progress());
                        }
                    });
        }
        return notification.window;
    }

    private void publish(MarketNotification notification, List<Selection> batch) {
        List<PublishBatchRequestEntry> entries = new ArrayList<>(batch.size());
        for (int i = 0; i < batch.size(); i++) {
            Selection winner = batch.get(i);
            String notificationId = notificationId(notification.market, winner.globalUserId());
            entries.add(PublishBatchRequestEntry.builder()
                    .id(Integer.toString(i))
                    .message(toJson(notification(notification, winner, notificationId)))
                    .messageAttributes(Map.of(
                            "notificationId", SnsTopics.text(notificationId), "type", SnsTopics.text("PRESALE_CODE")))
                    .build());
        }
        PublishBatchResponse response = sns.publishBatch(
                b -> b.topicArn(snsTopics.arn(topics.notifications())).publishBatchRequestEntries(entries));
        if (response.hasFailed() && !response.failed().isEmpty()) {
            var failed = response.failed().get(0);
            // what SNS refuses in a batch of well-formed notifications is SNS's trouble (throttling, an internal error)
            throw new DependencyUnavailable(
                    Worker.Dependency.SNS,
                    "SNS refused " + response.failed().size() + " of " + batch.size() + " notifications: "
                            + failed.code() + " " + failed.message());
        }
    }

    private String toJson(ObjectNode notification) {
        try {
            return json.writeValueAsString(notification);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The PublishBatch threads, enough for every worker thread's window: Camel's, so they stop with it. */
    @PostConstruct
    void createPublishers() {
        publishers = camel.getExecutorServiceManager()
                .newFixedThreadPool(
                        this,
                        Worker.NOTIFICATION_GENERATOR.id() + "-publish",
                        config.batchesInFlight() * queues.workerThreads());
    }

    /** The {@code notification} data event for processData: the market is done. */
    public String dataEvent(MarketNotification notification) {
        ObjectNode event = json.createObjectNode().put("type", "notification");
        event.putObject("data")
                .put("campaignId", notification.market.campaignId())
                .put("marketId", notification.market.marketId())
                .put("dateId", notification.market.dateId())
                .put("notifications", notification.sent)
                .put("notifiedAt", clock.instant().toString());
        return event.toString();
    }

    public void markNotified(MarketNotification notification) {
        targets.markNotified(notification.market, notification.owner, notification.sent);
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("campaignId", notification.market.campaignId());
        data.put("marketId", notification.market.marketId());
        data.put("dateId", notification.market.dateId());
        data.put("notifications", notification.sent);
        LOG.info("Market notified", data);
    }

    /** Hands the market over to a continuation message, which takes it from the recorded progress. */
    public String continuation(MarketNotification notification) {
        targets.release(notification.market, notification.owner);
        return json.createObjectNode()
                .put("campaignId", notification.market.campaignId())
                .put("marketId", notification.market.marketId())
                .put("dateId", notification.market.dateId())
                .toString();
    }

    private ObjectNode notification(MarketNotification notification, Selection winner, String notificationId) {
        MarketSelectionRequest market = notification.market;
        ObjectNode payload = json.createObjectNode()
                .put("notificationId", notificationId)
                .put("type", "PRESALE_CODE")
                .put("globalUserId", winner.globalUserId())
                .put("campaignId", market.campaignId())
                .put("marketId", market.marketId())
                .put("dateId", market.dateId())
                .put("code", winner.code())
                .put("rank", winner.rank());
        JsonNode campaign = notification.campaign;
        if (campaign != null) {
            payload.put("campaignName", campaign.path("name").asText(null));
            for (JsonNode candidate : campaign.path("markets")) {
                if (market.marketId().equals(candidate.path("id").asText())) {
                    payload.put("marketName", candidate.path("name").asText(null));
                    payload.set("event", candidate.has("event") ? candidate.get("event") : campaign.get("event"));
                }
            }
        }
        return payload;
    }

    static String notificationId(MarketSelectionRequest market, String globalUserId) {
        return UUID.nameUUIDFromBytes(("notification\n" + market.campaignId() + "\n" + market.marketId() + "\n"
                                + market.dateId() + "\n" + globalUserId)
                        .getBytes(StandardCharsets.UTF_8))
                .toString();
    }

    private JsonNode campaign(String campaignId) throws JsonProcessingException {
        ServiceResponse response =
                services.call(ServiceRequest.get(Service.CAMPAIGN, "/campaigns/" + ServiceRequest.segment(campaignId)));
        return response.isNotFound() ? null : response.requireSuccess().json(json);
    }
}
