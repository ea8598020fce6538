package regworkers.platform.cluster;

import static regworkers.platform.ItemAttributes.n;
import static regworkers.platform.ItemAttributes.s;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.TransactionConflictException;

/**
 * The lease table (no stream): one leader-lease item per consumer of a table's stream, and one checkpoint item per
 * shard. Every write that matters is conditional: taking the lease needs it free, expired or already ours; renewing
 * and every checkpoint write need it to still carry our lease token (fencing).
 */
public final class LeaseTable {

    /** A lease this process holds: {@code token} is new on every acquisition; {@code renewedAt} is our clock's. */
    public record Lease(String owner, String token, Instant renewedAt, Instant until) {}

    /** Who holds a lease, as stored. */
    public record Holder(String owner, Instant until, boolean hasToken) {}

    /** The last sequence number forwarded of a shard ({@code null}: none yet), and whether the shard is done. */
    public record Checkpoint(String sequenceNumber, boolean finished) {

        public static final Checkpoint NONE = new Checkpoint(null, false);
    }

    /** A write found the lease no longer ours: the caller must stop reading at once. */
    public static final class LeaseLost extends RuntimeException {
        LeaseLost(String message) {
            super(message);
        }
    }

    /** Checkpoints of trimmed shards need not stay: a TTL on this attribute (epoch seconds) removes them. */
    static final String EXPIRES_AT = "expiresAt";

    static final Duration CHECKPOINT_RETENTION = Duration.ofDays(2);
    private static final int TRANSACTION_ATTEMPTS = 3;

    private final DynamoDbClient dynamo;
    private final String table;
    private final String consumer;
    private final String leaseKey;

    /** {@code consumer} names the reading application (enqueueEntries); {@code streamTable} the table read. */
    public LeaseTable(DynamoDbClient dynamo, String table, String consumer, String streamTable) {
        this(dynamo, table, consumer, "stream-lease#" + consumer + "#", streamTable);
    }

    private LeaseTable(DynamoDbClient dynamo, String table, String consumer, String keyPrefix, String name) {
        this.dynamo = dynamo;
        this.table = table;
        this.consumer = consumer;
        this.leaseKey = keyPrefix + name;
    }

    /** A leader lease of its own for {@code namespace} (a Camel cluster view), in the same table; no checkpoints. */
    public static LeaseTable leadership(DynamoDbClient dynamo, String table, String namespace) {
        return new LeaseTable(dynamo, table, namespace, "leader-lease#", namespace);
    }

    /** Takes the lease when it is free, expired or already {@code owner}'s; empty when another process holds it. */
    public Optional<Lease> acquire(String owner, Instant now, Duration duration) {
        Optional<Holder> holder = holder();
        if (holder.isPresent()
                && holder.get().hasToken()
                && !holder.get().owner().equals(owner)
                && holder.get().until().isAfter(now)) {
            return Optional.empty();
        }
        String token = UUID.randomUUID().toString();
        Instant until = now.plus(duration);
        Map<String, AttributeValue> item = new HashMap<>();
        item.put("pk", s(leaseKey));
        item.put("owner", s(owner));
        item.put("token", s(token));
        item.put("leaseUntil", n(until.toEpochMilli()));
        item.put("acquiredAt", s(now.toString()));
        item.put("renewedAt", s(now.toString()));
        item.put("consumer", s(consumer));
        try {
            dynamo.putItem(b -> b.tableName(table)
                    .item(item)
                    .conditionExpression(
                            "attribute_not_exists(pk) OR attribute_not_exists(#token) OR leaseUntil < :now OR #owner = :owner")
                    .expressionAttributeNames(Map.of("#token", "token", "#owner", "owner"))
                    .expressionAttributeValues(Map.of(":now", n(now.toEpochMilli()), ":owner", s(owner))));
            return Optional.of(new Lease(owner, token, now, until));
        } catch (ConditionalCheckFailedException | TransactionConflictException takenMeanwhile) {
            return Optional.empty();
        }
    }

    /** Extends our lease; empty when it is no longer ours. Throws when the table cannot be reached. */
    public Optional<Lease> renew(Lease lease, Instant now, Duration duration) {
        Instant until = now.plus(duration);
        try {
            dynamo.updateItem(b -> b.tableName(table)
                    .key(Map.of("pk", s(leaseKey)))
                    .updateExpression("SET leaseUntil = :until, renewedAt = :now")
                    .conditionExpression("#token = :token")
                    .expressionAttributeNames(Map.of("#token", "token"))
                    .expressionAttributeValues(Map.of(
                            ":until", n(until.toEpochMilli()), ":now", s(now.toString()), ":token", s(lease.token()))));
            return Optional.of(new Lease(lease.owner(), lease.token(), now, until));
        } catch (ConditionalCheckFailedException notOursAnyMore) {
            return Optional.empty();
        }
    }

    /** Gives the lease up at once (graceful stop), so another replica need not wait for it to expire. */
    public void release(Lease lease, Instant now) {
        try {
            dynamo.updateItem(b -> b.tableName(table)
                    .key(Map.of("pk", s(leaseKey)))
                    .updateExpression("SET leaseUntil = :zero, releasedAt = :now REMOVE #token")
                    .conditionExpression("#token = :token")
                    .expressionAttributeNames(Map.of("#token", "token"))
                    .expressionAttributeValues(
                            Map.of(":zero", n(0), ":now", s(now.toString()), ":token", s(lease.token()))));
        } catch (ConditionalCheckFailedException notOursAnyMore) {
            // nothing to give up
        }
    }

    public Optional<Holder> holder() {
        Map<String, AttributeValue> item = dynamo.getItem(
                        b -> b.tableName(table).key(Map.of("pk", s(leaseKey))).consistentRead(true))
                .item();
        if (item == null || item.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Holder(
                item.get("owner").s(),
                Instant.ofEpochMilli(Long.parseLong(item.get("leaseUntil").n())),
                item.containsKey("token")));
    }

    public Checkpoint checkpoint(String streamArn, String shardId) {
        Map<String, AttributeValue> item = dynamo.getItem(b -> b.tableName(table)
                        .key(Map.of("pk", s(checkpointKey(streamArn, shardId))))
                        .consistentRead(true))
                .item();
        if (item == null || item.isEmpty()) {
            return Checkpoint.NONE;
        }
        AttributeValue sequence = item.get("sequenceNumber");
        AttributeValue finished = item.get("finished");
        return new Checkpoint(
                sequence == null ? null : sequence.s(), finished != null && Boolean.TRUE.equals(finished.bool()));
    }

    /**
     * Writes a shard's checkpoint in one transaction with a check that the lease still carries our token, so a
     * reader that lost its lease can never move a checkpoint. Throws {@link LeaseLost} when it does not.
     */
    public void saveCheckpoint(Lease lease, String streamArn, String shardId, Checkpoint checkpoint, Instant now) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put("pk", s(checkpointKey(streamArn, shardId)));
        item.put("consumer", s(consumer));
        item.put("streamArn", s(streamArn));
        item.put("shardId", s(shardId));
        if (checkpoint.sequenceNumber() != null) {
            item.put("sequenceNumber", s(checkpoint.sequenceNumber()));
        }
        item.put("finished", AttributeValue.fromBool(checkpoint.finished()));
        item.put("owner", s(lease.owner()));
        item.put("updatedAt", s(now.toString()));
        item.put(EXPIRES_AT, n(now.plus(CHECKPOINT_RETENTION).getEpochSecond()));
        TransactWriteItem stillOurs = TransactWriteItem.builder()
                .conditionCheck(c -> c.tableName(table)
                        .key(Map.of("pk", s(leaseKey)))
                        .conditionExpression("#token = :token")
                        .expressionAttributeNames(Map.of("#token", "token"))
                        .expressionAttributeValues(Map.of(":token", s(lease.token()))))
                .build();
        TransactWriteItem write = TransactWriteItem.builder()
                .put(p -> p.tableName(table).item(item))
                .build();
        for (int attempt = 1; ; attempt++) {
            try {
                dynamo.transactWriteItems(b -> b.transactItems(stillOurs, write));
                return;
            } catch (TransactionCanceledException cancelled) {
                if (reason(cancelled, 0).equals("ConditionalCheckFailed")) {
                    throw new LeaseLost("the lease of " + leaseKey + " no longer carries this reader's token");
                }
                // another process touched the lease item at that instant (its acquire attempt): try again
                boolean conflict = reason(cancelled, 0).equals("TransactionConflict")
                        || reason(cancelled, 1).equals("TransactionConflict");
                if (!conflict || attempt >= TRANSACTION_ATTEMPTS) {
                    throw cancelled;
                }
            }
        }
    }

    private String checkpointKey(String streamArn, String shardId) {
        return "stream-checkpoint#" + consumer + "#" + streamArn + "#" + shardId;
    }

    private static String reason(TransactionCanceledException cancelled, int index) {
        if (!cancelled.hasCancellationReasons()
                || cancelled.cancellationReasons().size() <= index) {
            return "";
        }
        CancellationReason reason = cancelled.cancellationReasons().get(index);
        return reason.code() == null ? "" : reason.code();
    }
}
