package regworkers.selection;

import static regworkers.platform.ItemAttributes.intOf;
import static regworkers.platform.ItemAttributes.n;
import static regworkers.platform.ItemAttributes.s;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import regworkers.platform.DynamoDbConfig;
import regworkers.platform.markets.MarketSelectionRequest;
import regworkers.platform.markets.RecordedWinners;
import regworkers.platform.markets.Selection;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

/**
 * The record of each market's selection run in demand-table: {@code pk=CAMPAIGN#{campaignId}},
 * {@code sk=SELECTION#{marketId}#{dateId}}, put with a condition before any code is reserved, so only one invocation
 * ever selects a (campaign, market, date). Its status goes SELECTING → SELECTED (the winners with their codes are
 * stored beside it, in parts of {@code selection.part-size}) → EMITTED. An invocation that finds the run SELECTED or
 * EMITTED re-emits the stored winners; one that finds it SELECTING waits for it, and takes it over when its owner
 * has not shown life for {@code selection.claim-timeout} (the takeover reserves under the same reservation id, so the
 * code service hands back the codes it already reserved).
 */
@ApplicationScoped
public class SelectionRuns {

    static final String SELECTING = "SELECTING";
    static final String SELECTED = "SELECTED";
    static final String EMITTED = "EMITTED";

    @Inject
    DynamoDbConfig tables;

    @Inject
    SelectionConfig config;

    @Inject
    DynamoDbClient dynamodb;

    @Inject
    RecordedWinners winners;

    Clock clock = Clock.systemUTC();

    /** Claims the run, or finds it recorded; waits while another invocation is selecting it. */
    public SelectionRun claim(MarketSelectionRequest request) {
        String owner = UUID.randomUUID().toString();
        long deadline = clock.millis() + config.waitForRun().toMillis();
        while (true) {
            try {
                Map<String, AttributeValue> item = new HashMap<>(key(request));
                item.put("status", s(SELECTING));
                item.put("owner", s(owner));
                item.put("claimedAt", n(clock.millis()));
                item.put("campaignId", s(request.campaignId()));
                item.put("marketId", s(request.marketId()));
                item.put("dateId", s(request.dateId()));
                item.put("reservationId", s(request.reservationId()));
                dynamodb.putItem(
                        b -> b.tableName(tables.table()).item(item).conditionExpression("attribute_not_exists(pk)"));
                return owned(new SelectionRun(request, owner, false, false));
            } catch (ConditionalCheckFailedException exists) {
                Map<String, AttributeValue> run = current(request);
                if (run.isEmpty()) {
                    continue;
                }
                String status = run.get("status").s();
                if (!SELECTING.equals(status)) {
                    return recorded(request, owner, run);
                }
                long claimedAt = Long.parseLong(run.get("claimedAt").n());
                if (clock.millis() - claimedAt > config.claimTimeout().toMillis()
                        && takeOver(request, run.get("owner").s(), owner)) {
                    return owned(new SelectionRun(request, owner, false, true));
                }
                if (clock.millis() > deadline) {
                    throw new SelectionInProgress(request);
                }
                pause();
            }
        }
    }

    private SelectionRun owned(SelectionRun run) {
        run.lastHeartbeat = clock.millis();
        return run;
    }

    /**
     * The owner shows life, so no one takes its run over while it pages through a large market; throws
     * {@link SelectionInProgress} when another invocation has taken it over (this one then stops, having written
     * nothing the run's record points at).
     */
    public void heartbeat(SelectionRun run) {
        long now = clock.millis();
        setAsOwner(run, Map.of("claimedAt", n(now)));
        run.lastHeartbeat = now;
    }

    /**
     * {@link #heartbeat} once a quarter of {@code selection.claim-timeout} has passed since the last: by time, so a
     * slow page (a slow entry service) cannot let the claim lapse unnoticed, and the next page finds out at once when it
     * did.
     */
    public void heartbeatIfDue(SelectionRun run) {
        if (clock.millis() - run.lastHeartbeat >= config.claimTimeout().toMillis() / 4) {
            heartbeat(run);
        }
    }

    /**
     * Stores the winners and marks the run SELECTED; only its owner may. The parts are keyed by this owner: an
     * invocation that lost the run writes its parts beside the winner's, never over them, and the run's record names
     * the owner whose parts are the run's ({@code partsOwner}) in the same conditional write that marks it SELECTED.
     */
    public void recordSelected(SelectionRun run) {
        List<Selection> selections = run.selections;
        int parts = winners.write(run.request(), run.owner(), selections);
        Map<String, AttributeValue> fields = new HashMap<>();
        fields.put("status", s(SELECTED));
        fields.put("capacity", n(run.capacity));
        fields.put("scoredEntries", n(run.scored));
        fields.put("unscoredEntries", n(run.unscored));
        fields.put("winners", n(selections.size()));
        fields.put("shortfall", n(run.shortfall));
        fields.put("parts", n(parts));
        fields.put(RecordedWinners.PARTS_OWNER, s(run.owner()));
        fields.put("selectedAt", n(clock.millis()));
        setAsOwner(run, fields);
    }

    public void markEmitted(SelectionRun run) {
        dynamodb.updateItem(b -> b.tableName(tables.table())
                .key(key(run.request()))
                .updateExpression("SET #status = :emitted, emittedAt = :at")
                .expressionAttributeNames(Map.of("#status", "status"))
                .expressionAttributeValues(Map.of(":emitted", s(EMITTED), ":at", n(clock.millis()))));
    }

    /** Every run record of a campaign (not their parts). */
    public List<Map<String, AttributeValue>> runsOf(String campaignId) {
        List<Map<String, AttributeValue>> runs = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> from = start;
            QueryResponse page = dynamodb.query(b -> b.tableName(tables.table())
                    .consistentRead(true)
                    .keyConditionExpression("pk = :pk AND begins_with(sk, :prefix)")
                    .expressionAttributeValues(Map.of(":pk", s("CAMPAIGN#" + campaignId), ":prefix", s("SELECTION#")))
                    .exclusiveStartKey(from));
            page.items().stream().filter(item -> !RecordedWinners.isPart(item)).forEach(runs::add);
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        return runs;
    }

    private SelectionRun recorded(MarketSelectionRequest request, String owner, Map<String, AttributeValue> item) {
        SelectionRun run = new SelectionRun(request, owner, true, false);
        run.capacity = intOf(item, "capacity");
        run.scored = intOf(item, "scoredEntries");
        run.unscored = intOf(item, "unscoredEntries");
        run.shortfall = intOf(item, "shortfall");
        run.selections = winners.all(request, item);
        return run;
    }

    private boolean takeOver(MarketSelectionRequest request, String previousOwner, String owner) {
        try {
            dynamodb.updateItem(b -> b.tableName(tables.table())
                    .key(key(request))
                    .updateExpression("SET #owner = :owner, claimedAt = :now")
                    .conditionExpression("#status = :selecting AND #owner = :previous")
                    .expressionAttributeNames(Map.of("#owner", "owner", "#status", "status"))
                    .expressionAttributeValues(Map.of(
                            ":owner",
                            s(owner),
                            ":now",
                            n(clock.millis()),
                            ":selecting",
                            s(SELECTING),
                            ":previous",
                            s(previousOwner))));
            return true;
        } catch (ConditionalCheckFailedException lost) {
            return false;
        }
    }

    /** Sets the fields on the run record, on condition that this invocation still owns a run being selected. */
    private void setAsOwner(SelectionRun run, Map<String, AttributeValue> fields) {
        Map<String, String> names = new HashMap<>(Map.of("#owner", "owner", "#status", "status"));
        Map<String, AttributeValue> values = new HashMap<>(Map.of(":me", s(run.owner()), ":selecting", s(SELECTING)));
        List<String> assignments = new ArrayList<>();
        int i = 0;
        for (Map.Entry<String, AttributeValue> field : fields.entrySet()) {
            names.put("#f" + i, field.getKey());
            values.put(":f" + i, field.getValue());
            assignments.add("#f" + i + " = :f" + i);
            i++;
        }
        try {
            dynamodb.updateItem(b -> b.tableName(tables.table())
                    .key(key(run.request()))
                    .updateExpression("SET " + String.join(", ", assignments))
                    .conditionExpression("#owner = :me AND #status = :selecting")
                    .expressionAttributeNames(names)
                    .expressionAttributeValues(values));
        } catch (ConditionalCheckFailedException e) {
            throw new SelectionInProgress(run.request(), "another invocation took this selection run over");
        }
    }

    private Map<String, AttributeValue> current(MarketSelectionRequest request) {
        var response = dynamodb.getItem(
                b -> b.tableName(tables.table()).key(key(request)).consistentRead(true));
        return response.hasItem() ? response.item() : Map.of();
    }

    private void pause() {
        try {
            Thread.sleep(200);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a selection run", e);
        }
    }

    private static Map<String, AttributeValue> key(MarketSelectionRequest request) {
        return Map.of("pk", s("CAMPAIGN#" + request.campaignId()), "sk", s(request.runKey()));
    }
}
