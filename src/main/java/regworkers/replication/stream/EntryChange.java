package regworkers.replication.stream;

import java.nio.charset.StandardCharsets;

/**
 * One kept stream record as its saveEntriesQueue message: {@code body} is {@code {"entry": {…plain item…},
 * "operation": "INSERT|MODIFY|REMOVE"}}; {@code keysBody} the same with only the entry's keys, which is all
 * saveEntries needs (it re-reads the item): what is sent when SQS refuses {@code body} for good. {@code correlationId}
 * travels as the message attribute of that name (the stream record's eventID); {@code sequenceNumber} is the record's
 * position in its shard.
 */
public record EntryChange(String operation, String body, String keysBody, String correlationId, String sequenceNumber) {

    /** A change whose body is its keys-only form already. */
    public EntryChange(String operation, String body, String correlationId, String sequenceNumber) {
        this(operation, body, body, correlationId, sequenceNumber);
    }

    public EntryChange withBody(String otherBody) {
        return new EntryChange(operation, otherBody, keysBody, correlationId, sequenceNumber);
    }

    /** What the message counts against SQS' size limits: body plus its one attribute (name, type, value). */
    public int sizeBytes() {
        return body.getBytes(StandardCharsets.UTF_8).length
                + "correlationId".length()
                + "String".length()
                + (correlationId == null ? 0 : correlationId.getBytes(StandardCharsets.UTF_8).length);
    }
}
