package regworkers.selection;

import java.time.Instant;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import regworkers.replication.EntryItems;

/**
 * {@code verdicts.{marketId}} of an entry item in demand-table: written only while the market's verdict holds no code
 * (absent, or PENDING with a null code), so a verdict that holds a code is never overwritten: the same code again
 * changes nothing, a different one is a conflict.
 */
@ApplicationScoped
public class Verdicts {

    public enum Outcome { RECORDED, ALREADY_RECORDED, CONFLICT, NO_ENTRY }

    static final String SELECTED = "SELECTED";

    @Inject
    DynamoDbClient dynamodb;
    @ConfigProperty(name = "dynamodb.table")
    String table;

    public Outcome record(String campaignId, String marketId, String dateId, Selection selection, Instant selectedAt) {
        Map<String, AttributeValue> key = EntryItems.key(campaignId, selection.globalUserId());
        try {
            // a map attribute must exist before one of its keys can be set
            dynamodb.updateItem(b -> b.tableName(table).key(key)
                    .updateExpression("SET verdicts = :empty")
                    .conditionExpression("attribute_exists(pk) AND attribute_not_exists(verdicts)")
                    .expressionAttributeValues(Map.of(":empty", AttributeValue.fromM(Map.of()))));
        } catch (ConditionalCheckFailedException alreadyThereOrNoEntry) {
            // either way the next write's condition decides
        }
        AttributeValue verdict = AttributeValue.fromM(Map.of(
                "status", AttributeValue.fromS(SELECTED),
                "code", AttributeValue.fromS(selection.code()),
                "dateId", AttributeValue.fromS(dateId),
                "rank", AttributeValue.fromN(Integer.toString(selection.rank())),
                "selectedAt", AttributeValue.fromS(selectedAt.toString())));
        try {
            dynamodb.updateItem(b -> b.tableName(table).key(key)
                    .updateExpression("SET verdicts.#market = :verdict")
                    .conditionExpression("attribute_exists(pk) AND (attribute_not_exists(verdicts.#market.code)"
                            + " OR attribute_type(verdicts.#market.code, :null))")
                    .expressionAttributeNames(Map.of("#market", marketId))
                    .expressionAttributeValues(Map.of(":verdict", verdict, ":null", AttributeValue.fromS("NULL"))));
            return Outcome.RECORDED;
        } catch (ConditionalCheckFailedException notWritten) {
            return whyNot(key, marketId, selection.code());
        }
    }

    /** The code the entry's verdict for the market holds, if any. */
    public String codeOf(String campaignId, String globalUserId, String marketId) {
        var item = dynamodb.getItem(b -> b.tableName(table).key(EntryItems.key(campaignId, globalUserId)).consistentRead(true)).item();
        AttributeValue verdicts = item == null ? null : item.get("verdicts");
        AttributeValue verdict = verdicts == null || !verdicts.hasM() ? null : verdicts.m().get(marketId);
        return verdict == null || !verdict.hasM() || verdict.m().get("code") == null ? null : verdict.m().get("code").s();
    }

    private Outcome whyNot(Map<String, AttributeValue> key, String marketId, String code) {
        var item = dynamodb.getItem(b -> b.tableName(table).key(key).consistentRead(true)).item();
        if (item == null || item.isEmpty()) {
            return Outcome.NO_ENTRY;
        }
        AttributeValue verdicts = item.get("verdicts");
        AttributeValue verdict = verdicts == null || !verdicts.hasM() ? null : verdicts.m().get(marketId);
        AttributeValue held = verdict == null || !verdict.hasM() ? null : verdict.m().get("code");
        return held != null && code.equals(held.s()) ? Outcome.ALREADY_RECORDED : Outcome.CONFLICT;
    }
}
