package regworkers.platform;

import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Entry items of {@code demand-table} (SPEC §2): {@code pk=CAMPAIGN#{campaignId}}, {@code sk=USER#{globalUserId}}. */
@ApplicationScoped
public class EntryItems {

    @Inject
    DynamoDbConfig tables;

    @Inject
    DynamoDbClient dynamodb;

    public static Map<String, AttributeValue> key(String campaignId, String globalUserId) {
        return Map.of(
                "pk",
                AttributeValue.fromS("CAMPAIGN#" + campaignId),
                "sk",
                AttributeValue.fromS("USER#" + globalUserId));
    }

    /** The item as it is now (a consistent read), if it exists. */
    public Optional<Map<String, AttributeValue>> current(String campaignId, String globalUserId) {
        var response = dynamodb.getItem(b ->
                b.tableName(tables.table()).key(key(campaignId, globalUserId)).consistentRead(true));
        return response.hasItem() && !response.item().isEmpty() ? Optional.of(response.item()) : Optional.empty();
    }

    public String table() {
        return tables.table();
    }

    public static String text(Map<String, AttributeValue> item, String name) {
        AttributeValue value = item.get(name);
        return value == null ? null : value.s();
    }

    public static boolean flag(Map<String, AttributeValue> item, String name) {
        AttributeValue value = item.get(name);
        return value != null && Boolean.TRUE.equals(value.bool());
    }
}
