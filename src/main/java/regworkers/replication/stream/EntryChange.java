package regworkers.replication.stream;

import java.nio.charset.StandardCharsets;

/**
 * One kept stream record as its saveEntriesQueue message: {@code body} is {@code {"entry": {…plain item…},
 * "operation": "INSERT|MODIFY|REMOVE"}}; {@code correlationId} travels as the message attribute of that name (the
 * stream record's eventID); {@code sequenceNumber} is the record's position in its shard.
 */
public record EntryChange(String operation, String body, String correlationId, String sequenceNumber) {

    /** What the message counts against SQS' size limits: body plus its one attribute (name, type, value). */
    public int sizeBytes() {
        return body.getBytes(StandardCharsets.UTF_8).length + "correlationId".length() + "String".length()
                + (correlationId == null ? 0 : correlationId.getBytes(StandardCharsets.UTF_8).length);
    }
}
