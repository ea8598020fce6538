package support;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Entry items of demand-table (SPEC §2) written the way the registration flow writes them, and read back. */
public final class DemandTableEntries {

    public static final String TABLE = "demand-table";

    private final DynamoDbClient dynamo;

    public DemandTableEntries(DynamoDbClient dynamo) {
        this.dynamo = dynamo;
    }

    /** Puts the entry of {@code user} in {@code campaign}; returns the item as written. */
    public Map<String, AttributeValue> put(String campaign, String user, boolean needsReplication) {
        return put(campaign, user, needsReplication, item -> {});
    }

    /** Like {@link #put(String, String, boolean)}, with the item changed by {@code adjust} before it is written. */
    public Map<String, AttributeValue> put(
            String campaign, String user, boolean needsReplication, Consumer<Map<String, AttributeValue>> adjust) {
        String now = Instant.now().toString();
        Map<String, AttributeValue> item = new LinkedHashMap<>(key(campaign, user));
        item.put("globalUserId", AttributeValue.fromS(user));
        item.put("campaignId", AttributeValue.fromS(campaign));
        item.put("fields", AttributeValue.fromS("{\"markets\":[\"market-123\"],\"ticket_count\":2}"));
        item.put("score", AttributeValue.fromN("850"));
        if (needsReplication) {
            item.put("needsReplication", AttributeValue.fromBool(true));
        }
        item.put(
                "verdicts",
                AttributeValue.fromM(Map.of(
                        "market-123",
                        AttributeValue.fromM(Map.of(
                                "status", AttributeValue.fromS("PENDING"), "code", AttributeValue.fromNul(true))))));
        item.put("createdAt", AttributeValue.fromS(now));
        item.put("updatedAt", AttributeValue.fromS(now));
        adjust.accept(item);
        dynamo.putItem(b -> b.tableName(TABLE).item(item));
        return item;
    }

    /** The item now (a consistent read); empty when there is none. */
    public Map<String, AttributeValue> item(String campaign, String user) {
        return dynamo.getItem(b -> b.tableName(TABLE).consistentRead(true).key(key(campaign, user)))
                .item();
    }

    public void delete(String campaign, String user) {
        dynamo.deleteItem(b -> b.tableName(TABLE).key(key(campaign, user)));
    }

    private static Map<String, AttributeValue> key(String campaign, String user) {
        return Map.of("pk", AttributeValue.fromS("CAMPAIGN#" + campaign), "sk", AttributeValue.fromS("USER#" + user));
    }
}
