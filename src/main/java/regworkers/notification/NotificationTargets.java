package regworkers.notification;

import static regworkers.platform.ItemAttributes.intOf;
import static regworkers.platform.ItemAttributes.n;
import static regworkers.platform.ItemAttributes.s;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import regworkers.platform.DynamoDbConfig;
import regworkers.platform.markets.MarketSelected;
import regworkers.platform.markets.MarketSelectionRequest;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;

/**
 * The markets to notify, in demand-table: {@code pk=NOTIFY#MARKETS}, {@code sk=CAMPAIGN#{c}#MARKET#{m}#DATE#{d}},
 * registered when a selection run is emitted. Status PENDING → ENQUEUED (claimed by getMarketsToNotify with a
 * condition, so two schedulers never both enqueue it) → NOTIFIED. While a generator works on it the item carries its
 * {@code owner} and {@code heartbeatAt}, and its progress: the next stored part of winners and the next winner in it.
 */
@ApplicationScoped
public class NotificationTargets {

    static final String PENDING = "PENDING";
    static final String ENQUEUED = "ENQUEUED";
    static final String NOTIFIED = "NOTIFIED";
    private static final String PK = "NOTIFY#MARKETS";

    /** Where a market's notifications stand. */
    public record Progress(int nextPart, int nextIndex, int sent) {}

    @Inject
    DynamoDbConfig tables;

    @Inject
    NotificationConfig config;

    @Inject
    DynamoDbClient dynamodb;

    Clock clock = Clock.systemUTC();

    /** A selected market (the selection stack's {@link MarketSelected}) becomes a market to notify once it is due. */
    void onSelected(@Observes MarketSelected selected) {
        register(selected.market());
    }

    /** The market becomes a market to notify, once: a later selection event changes nothing. */
    public void register(MarketSelectionRequest market) {
        Map<String, AttributeValue> item = new HashMap<>(key(market));
        item.put("campaignId", s(market.campaignId()));
        item.put("marketId", s(market.marketId()));
        item.put("dateId", s(market.dateId()));
        item.put("status", s(PENDING));
        item.put("registeredAt", n(clock.millis()));
        try {
            dynamodb.putItem(
                    b -> b.tableName(tables.table()).item(item).conditionExpression("attribute_not_exists(pk)"));
        } catch (ConditionalCheckFailedException alreadyRegistered) {
            // registered by an earlier emission of the same run
        }
    }

    /** Markets not yet notified: PENDING, or ENQUEUED so long ago that the message may have been lost. */
    public List<MarketSelectionRequest> waiting() {
        List<MarketSelectionRequest> markets = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        long stale = clock.millis() - config.requeueAfter().toMillis();
        do {
            Map<String, AttributeValue> from = start;
            QueryResponse page = dynamodb.query(b -> b.tableName(tables.table())
                    .consistentRead(true)
                    .keyConditionExpression("pk = :pk")
                    .filterExpression("#status = :pending OR (#status = :enqueued AND enqueuedAt < :stale)")
                    .expressionAttributeNames(Map.of("#status", "status"))
                    .expressionAttributeValues(
                            Map.of(":pk", s(PK), ":pending", s(PENDING), ":enqueued", s(ENQUEUED), ":stale", n(stale)))
                    .exclusiveStartKey(from));
            page.items()
                    .forEach(item -> markets.add(new MarketSelectionRequest(
                            item.get("campaignId").s(),
                            item.get("marketId").s(),
                            item.get("dateId").s())));
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        return markets;
    }

    /** Claims the market for one notificationQueue message; false when another scheduler (or a re-run) did. */
    public boolean claimForQueue(MarketSelectionRequest market) {
        long now = clock.millis();
        try {
            dynamodb.updateItem(b -> b.tableName(tables.table())
                    .key(key(market))
                    .updateExpression("SET #status = :enqueued, enqueuedAt = :now")
                    .conditionExpression("#status = :pending OR (#status = :enqueued AND enqueuedAt < :stale)")
                    .expressionAttributeNames(Map.of("#status", "status"))
                    .expressionAttributeValues(Map.of(
                            ":enqueued",
                            s(ENQUEUED),
                            ":pending",
                            s(PENDING),
                            ":now",
                            n(now),
                            ":stale",
                            n(now - config.requeueAfter().toMillis()))));
            return true;
        } catch (ConditionalCheckFailedException claimedElsewhere) {
            return false;
        }
    }

    /**
     * Takes the market for this generator (free, ours, or its owner silent for {@code owner-timeout}); empty when it
     * is already NOTIFIED. Throws {@link NotificationInProgress} while another generator works on it.
     */
    public Optional<Progress> own(MarketSelectionRequest market, String owner) {
        long now = clock.millis();
        try {
            Map<String, AttributeValue> item = dynamodb.updateItem(b -> b.tableName(tables.table())
                            .key(key(market))
                            .updateExpression("SET #owner = :me, heartbeatAt = :now")
                            .conditionExpression("attribute_exists(pk) AND #status <> :notified"
                                    + " AND (attribute_not_exists(#owner) OR #owner = :me OR heartbeatAt < :stale)")
                            .expressionAttributeNames(Map.of("#owner", "owner", "#status", "status"))
                            .expressionAttributeValues(Map.of(
                                    ":me",
                                    s(owner),
                                    ":now",
                                    n(now),
                                    ":notified",
                                    s(NOTIFIED),
                                    ":stale",
                                    n(now - config.ownerTimeout().toMillis())))
                            .returnValues(ReturnValue.ALL_NEW))
                    .attributes();
            return Optional.of(new Progress(intOf(item, "nextPart"), intOf(item, "nextIndex"), intOf(item, "sent")));
        } catch (ConditionalCheckFailedException notOurs) {
            Map<String, AttributeValue> item = dynamodb.getItem(
                            b -> b.tableName(tables.table()).key(key(market)).consistentRead(true))
                    .item();
            if (item == null || item.isEmpty()) {
                throw new IllegalStateException("market " + market.marketId() + " of campaign " + market.campaignId()
                        + " (date " + market.dateId() + ") is not registered for notification");
            }
            if (NOTIFIED.equals(item.get("status").s())) {
                return Optional.empty();
            }
            throw new NotificationInProgress(market);
        }
    }

    /** Records how far the market got; only its owner may. */
    public void checkpoint(MarketSelectionRequest market, String owner, Progress progress) {
        update(
                market,
                owner,
                "SET nextPart = :part, nextIndex = :index, sent = :sent, heartbeatAt = :now",
                Map.of(
                        ":part",
                        n(progress.nextPart()),
                        ":index",
                        n(progress.nextIndex()),
                        ":sent",
                        n(progress.sent()),
                        ":now",
                        n(clock.millis())));
    }

    /** Gives the market up between two slices of work (the continuation message takes it again). */
    public void release(MarketSelectionRequest market, String owner) {
        update(market, owner, "REMOVE #owner", Map.of());
    }

    public void markNotified(MarketSelectionRequest market, String owner, int sent) {
        update(
                market,
                owner,
                "SET #status = :notified, notifiedAt = :now, sent = :sent REMOVE #owner",
                Map.of(":notified", s(NOTIFIED), ":now", n(clock.millis()), ":sent", n(sent)));
    }

    private void update(
            MarketSelectionRequest market, String owner, String expression, Map<String, AttributeValue> values) {
        Map<String, AttributeValue> all = new HashMap<>(values);
        all.put(":me", s(owner));
        Map<String, String> names = new HashMap<>(Map.of("#owner", "owner"));
        if (expression.contains("#status")) {
            names.put("#status", "status");
        }
        try {
            dynamodb.updateItem(b -> b.tableName(tables.table())
                    .key(key(market))
                    .updateExpression(expression)
                    .conditionExpression("#owner = :me")
                    .expressionAttributeNames(names)
                    .expressionAttributeValues(all));
        } catch (ConditionalCheckFailedException lost) {
            throw new NotificationInProgress(market);
        }
    }

    static Map<String, AttributeValue> key(MarketSelectionRequest market) {
        return Map.of(
                "pk",
                s(PK),
                "sk",
                s("CAMPAIGN#" + market.campaignId() + "#MARKET#" + market.marketId() + "#DATE#" + market.dateId()));
    }
}
