package regworkers.replication.stream;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Entry items of demand-table (SPEC §2) written the way the registration flow writes them. */
final class DemandTableEntries {

    static final String TABLE = "demand-table";

    private final DynamoDbClient dynamo;

    DemandTableEntries(DynamoDbClient dynamo) {
        this.dynamo = dynamo;
    }

    /** Puts the entry of {@code user} in {@code campaign}; returns the item as written. */
    Map<String, AttributeValue> put(String campaign, String user, boolean needsReplication) {
        String now = Instant.now().toString();
        Map<String, AttributeValue> item = new LinkedHashMap<>();
        item.put("pk", AttributeValue.fromS("CAMPAIGN#" + campaign));
        item.put("sk", AttributeValue.fromS("USER#" + user));
        item.put("globalUserId", AttributeValue.fromS(user));
        item.put("campaignId", AttributeValue.fromS(campaign));
        item.put("fields", AttributeValue.fromS("{\"markets\":[\"market-123\"],\"ticket_count\":2}"));
        item.put("score", AttributeValue.fromN("850"));
        item.put("needsReplication", AttributeValue.fromBool(needsReplication));
        item.put("verdicts", AttributeValue.fromM(Map.of("market-123", AttributeValue.fromM(Map.of(
                "status", AttributeValue.fromS("PENDING"), "code", AttributeValue.fromNul(true))))));
        item.put("createdAt", AttributeValue.fromS(now));
        item.put("updatedAt", AttributeValue.fromS(now));
        dynamo.putItem(b -> b.tableName(TABLE).item(item));
        return item;
    }

    void delete(String campaign, String user) {
        dynamo.deleteItem(b -> b.tableName(TABLE).key(Map.of(
                "pk", AttributeValue.fromS("CAMPAIGN#" + campaign), "sk", AttributeValue.fromS("USER#" + user))));
    }
}
