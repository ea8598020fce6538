package regworkers.replication.stream;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import regworkers.platform.PermanentFailure;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.OperationType;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.model.StreamRecord;

/**
 * Which demand-table stream records go to saveEntriesQueue (SPEC §4 enqueueEntries), and as what: an INSERT or
 * MODIFY whose new image has {@code needsReplication = true}, with the new image as the entry; a REMOVE of an entry
 * item ({@code pk = CAMPAIGN#…}, {@code sk = USER#…}), with the old image (else the keys) as the entry. Everything
 * else is skipped: the flag-clearing writes of saveEntries, selection-run items, TTL deletes of other items.
 */
public final class EntryChanges {

    public static final String NEEDS_REPLICATION = "needsReplication";
    static final String ENTRY_PK_PREFIX = "CAMPAIGN#";
    static final String ENTRY_SK_PREFIX = "USER#";

    private final ObjectMapper json;
    private final int maxMessageBytes;

    /** {@code maxMessageBytes}: saveEntriesQueue's MaximumMessageSize; a larger message goes as its keys only. */
    public EntryChanges(ObjectMapper json, int maxMessageBytes) {
        this.json = json;
        this.maxMessageBytes = maxMessageBytes;
    }

    /** The message for {@code record}, or empty when it is skipped. */
    public Optional<EntryChange> of(Record record, String fallbackCorrelationId) {
        StreamRecord data = record.dynamodb();
        if (data == null || record.eventName() == null) {
            return Optional.empty();
        }
        Map<String, AttributeValue> entry;
        switch (record.eventName()) {
            case INSERT, MODIFY -> {
                if (!data.hasNewImage() || !flagged(data.newImage())) {
                    return Optional.empty();
                }
                entry = data.newImage();
            }
            case REMOVE -> {
                entry = data.hasOldImage() && !data.oldImage().isEmpty() ? data.oldImage() : data.keys();
                if (!isEntry(data.hasKeys() && !data.keys().isEmpty() ? data.keys() : entry)) {
                    return Optional.empty();
                }
            }
            default -> {
                return Optional.empty();
            }
        }
        String correlationId =
                record.eventID() != null && !record.eventID().isBlank() ? record.eventID() : fallbackCorrelationId;
        Map<String, AttributeValue> keys = new java.util.LinkedHashMap<>();
        for (String key : List.of("pk", "sk")) {
            AttributeValue value =
                    data.hasKeys() && data.keys().containsKey(key) ? data.keys().get(key) : entry.get(key);
            if (value != null) {
                keys.put(key, value);
            }
        }
        String keysBody = body(keys, record.eventName().toString());
        EntryChange change = new EntryChange(
                record.eventName().toString(),
                body(entry, record.eventName().toString()),
                keysBody,
                correlationId,
                data.sequenceNumber());
        return Optional.of(change.sizeBytes() <= maxMessageBytes ? change : change.withBody(keysBody));
    }

    private String body(Map<String, AttributeValue> entry, String operation) {
        ObjectNode message = json.createObjectNode();
        message.set("entry", PlainImages.toPlain(entry));
        message.put("operation", operation);
        try {
            return sqsSafe(json.writeValueAsString(message));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the message of a stream record", e);
        }
    }

    /**
     * The JSON text with every character SQS refuses in a message body written as a JSON escape: DynamoDB stores
     * U+FFFE, U+FFFF and unpaired surrogates, SQS answers InvalidMessageContents. Such characters can only stand in
     * the JSON's strings, where the escape means the same character to the reader.
     */
    static String sqsSafe(String text) {
        StringBuilder safe = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                if (safe != null) {
                    safe.append(c).append(text.charAt(i + 1));
                }
                i++;
                continue;
            }
            boolean accepted =
                    c == 0x9 || c == 0xA || c == 0xD || (c >= 0x20 && c <= 0xD7FF) || (c >= 0xE000 && c <= 0xFFFD);
            if (!accepted && safe == null) {
                safe = new StringBuilder(text.length() + 16).append(text, 0, i);
            }
            if (safe != null) {
                if (accepted) {
                    safe.append(c);
                } else {
                    safe.append(String.format("\\u%04x", (int) c));
                }
            }
        }
        return safe == null ? text : safe.toString();
    }

    static boolean flagged(Map<String, AttributeValue> image) {
        AttributeValue flag = image.get(NEEDS_REPLICATION);
        return flag != null && Boolean.TRUE.equals(flag.bool());
    }

    static boolean isEntry(Map<String, AttributeValue> keys) {
        return startsWith(keys.get("pk"), ENTRY_PK_PREFIX) && startsWith(keys.get("sk"), ENTRY_SK_PREFIX);
    }

    private static boolean startsWith(AttributeValue value, String prefix) {
        return value != null && value.s() != null && value.s().startsWith(prefix);
    }

    /**
     * The records of a whole stream event in the seed's (Lambda's) JSON: {@code {"Records": [{"eventID",
     * "eventName", "dynamodb": {"Keys", "NewImage", "OldImage", "SequenceNumber", "ApproximateCreationDateTime"}}]}}.
     */
    public static List<Record> parseEvent(JsonNode event) {
        if (event == null || !event.path("Records").isArray()) {
            throw new PermanentFailure("INVALID_STREAM_EVENT", "a stream event is {\"Records\": [...]}");
        }
        List<Record> records = new ArrayList<>();
        for (JsonNode record : event.get("Records")) {
            JsonNode data = record.path("dynamodb");
            StreamRecord.Builder stream = StreamRecord.builder()
                    .keys(PlainImages.fromTyped(data.get("Keys")))
                    .newImage(data.has("NewImage") ? PlainImages.fromTyped(data.get("NewImage")) : null)
                    .oldImage(data.has("OldImage") ? PlainImages.fromTyped(data.get("OldImage")) : null);
            if (data.hasNonNull("SequenceNumber")) {
                stream.sequenceNumber(data.get("SequenceNumber").asText());
            }
            if (data.path("ApproximateCreationDateTime").isNumber()) {
                stream.approximateCreationDateTime(Instant.ofEpochMilli(
                        (long) (data.get("ApproximateCreationDateTime").asDouble() * 1000)));
            }
            records.add(Record.builder()
                    .eventID(record.path("eventID").asText(null))
                    .eventName(OperationType.fromValue(record.path("eventName").asText("")))
                    .dynamodb(stream.build())
                    .build());
        }
        return records;
    }
}
