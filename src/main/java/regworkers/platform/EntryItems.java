package regworkers.platform;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;

/** Entry items of {@code demand-table} (SPEC §2): {@code pk=CAMPAIGN#{campaignId}}, {@code sk=USER#{globalUserId}}. */
@ApplicationScoped
public class EntryItems {

    /** BatchGetItem's limit of keys per request. */
    static final int MAX_KEYS_PER_READ = 100;
    /** Requests for the keys DynamoDB left unprocessed (throttled) before the read fails as a dependency failure. */
    static final int MAX_READ_ATTEMPTS = 5;

    /** An entry item's key. */
    public record Key(String campaignId, String globalUserId) {

        public Map<String, AttributeValue> item() {
            return key(campaignId, globalUserId);
        }

        static Key of(Map<String, AttributeValue> item) {
            return new Key(
                    text(item, "pk").substring("CAMPAIGN#".length()),
                    text(item, "sk").substring("USER#".length()));
        }
    }

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

    /**
     * The items of {@code keys} as they are now, by key (a key without an item is absent): consistent reads, one
     * BatchGetItem per {@value #MAX_KEYS_PER_READ} distinct keys instead of a GetItem each. Throws when DynamoDB
     * fails or keeps keys unprocessed.
     */
    public Map<Key, Map<String, AttributeValue>> current(Collection<Key> keys) {
        List<Key> distinct = new ArrayList<>(new LinkedHashSet<>(keys));
        Map<Key, Map<String, AttributeValue>> found = new HashMap<>();
        for (int from = 0; from < distinct.size(); from += MAX_KEYS_PER_READ) {
            List<Map<String, AttributeValue>> chunk =
                    distinct.subList(from, Math.min(distinct.size(), from + MAX_KEYS_PER_READ)).stream()
                            .map(Key::item)
                            .toList();
            readAll(chunk, found);
        }
        return found;
    }

    private void readAll(List<Map<String, AttributeValue>> keys, Map<Key, Map<String, AttributeValue>> found) {
        KeysAndAttributes request =
                KeysAndAttributes.builder().keys(keys).consistentRead(true).build();
        for (int attempt = 1; attempt <= MAX_READ_ATTEMPTS; attempt++) {
            KeysAndAttributes wanted = request;
            BatchGetItemResponse response = dynamodb.batchGetItem(b -> b.requestItems(Map.of(tables.table(), wanted)));
            response.responses().getOrDefault(tables.table(), List.of()).forEach(item -> found.put(Key.of(item), item));
            request = response.unprocessedKeys().get(tables.table());
            if (request == null || !request.hasKeys() || request.keys().isEmpty()) {
                return;
            }
            pause(attempt);
        }
        throw new DependencyUnavailable(
                Worker.Dependency.DYNAMODB,
                "DynamoDB left " + request.keys().size() + " keys unread after " + MAX_READ_ATTEMPTS + " requests");
    }

    private static void pause(int attempt) {
        try {
            Thread.sleep(20L << attempt);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DependencyUnavailable(Worker.Dependency.DYNAMODB, "interrupted while reading entries", e);
        }
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
