package regworkers.selection;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import regworkers.platform.DynamoDbConfig;
import regworkers.platform.EntryItems;
import regworkers.platform.markets.Selection;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/**
 * {@code verdicts.{marketId}} of an entry item in demand-table: written only while the market's verdict holds no code
 * (absent, or PENDING with a null code), so a verdict that holds a code is never overwritten: the same code again
 * changes nothing, a different one is a conflict.
 */
@ApplicationScoped
public class Verdicts {

    public enum Outcome {
        RECORDED,
        ALREADY_RECORDED,
        CONFLICT,
        NO_ENTRY
    }

    static final String SELECTED = "SELECTED";

    @Inject
    DynamoDbConfig tables;

    @Inject
    DynamoDbClient dynamodb;

    public Outcome record(String campaignId, String marketId, String dateId, Selection selection, Instant selectedAt) {
        Map<String, AttributeValue> key = EntryItems.key(campaignId, selection.globalUserId());
        AttributeValue verdict = AttributeValue.fromM(Map.of(
                "status", AttributeValue.fromS(SELECTED),
                "code", AttributeValue.fromS(selection.code()),
                "dateId", AttributeValue.fromS(dateId),
                "rank", AttributeValue.fromN(Integer.toString(selection.rank())),
                "selectedAt", AttributeValue.fromS(selectedAt.toString())));
        if (setVerdict(key, marketId, verdict)) {
            return Outcome.RECORDED;
        }
        Map<String, AttributeValue> item = dynamodb.getItem(
                        b -> b.tableName(tables.table()).key(key).consistentRead(true))
                .item();
        if (item == null || item.isEmpty()) {
            return Outcome.NO_ENTRY;
        }
        if (!item.containsKey("verdicts")) {
            // a map attribute must exist before one of its keys can be set: the rare entry without one gets it now
            try {
                dynamodb.updateItem(b -> b.tableName(tables.table())
                        .key(key)
                        .updateExpression("SET verdicts = :empty")
                        .conditionExpression("attribute_exists(pk) AND attribute_not_exists(verdicts)")
                        .expressionAttributeValues(Map.of(":empty", AttributeValue.fromM(Map.of()))));
            } catch (ConditionalCheckFailedException createdMeanwhile) {
                // the retry's condition decides
            }
            return record(campaignId, marketId, dateId, selection, selectedAt);
        }
        return code(item, marketId).filter(selection.code()::equals).isPresent()
                ? Outcome.ALREADY_RECORDED
                : Outcome.CONFLICT;
    }

    /** Sets the market's verdict if the entry has a verdicts map whose entry for the market holds no code yet. */
    private boolean setVerdict(Map<String, AttributeValue> key, String marketId, AttributeValue verdict) {
        try {
            dynamodb.updateItem(b -> b.tableName(tables.table())
                    .key(key)
                    .updateExpression("SET verdicts.#market = :verdict")
                    .conditionExpression("attribute_exists(verdicts) AND (attribute_not_exists(verdicts.#market.code)"
                            + " OR attribute_type(verdicts.#market.code, :null))")
                    .expressionAttributeNames(Map.of("#market", marketId))
                    .expressionAttributeValues(Map.of(":verdict", verdict, ":null", AttributeValue.fromS("NULL"))));
            return true;
        } catch (ConditionalCheckFailedException notWritten) {
            return false;
        }
    }

    /** The code held by the entry's verdict for the market, if any. */
    private static Optional<String> code(Map<String, AttributeValue> item, String marketId) {
        AttributeValue verdicts = item.get("verdicts");
        AttributeValue verdict =
                verdicts == null || !verdicts.hasM() ? null : verdicts.m().get(marketId);
        AttributeValue code =
                verdict == null || !verdict.hasM() ? null : verdict.m().get("code");
        return code == null ? Optional.empty() : Optional.ofNullable(code.s());
    }
}
