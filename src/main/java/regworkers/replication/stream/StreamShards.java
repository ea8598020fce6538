package regworkers.replication.stream;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import regworkers.platform.WorkerLog;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.DescribeStreamResponse;
import software.amazon.awssdk.services.dynamodb.model.Shard;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/**
 * The table's stream and its shards as this reader knows them: the table's LatestStreamArn, then DescribeStream page
 * by page; again every few polls, and at once after a shard ended or could not be found.
 */
final class StreamShards {

    private static final WorkerLog LOG = WorkerLog.of(StreamShards.class);

    /** What a discovery found. NO_STREAM and NEW_STREAM: what was known of the shards before no longer applies. */
    enum Discovery {
        NOT_DUE,
        NO_STREAM,
        NEW_STREAM,
        SAME_STREAM
    }

    private final DynamoDbClient dynamo;
    private final DynamoDbStreamsClient streams;
    private final String table;
    private final int discoverEveryPolls;
    private String streamArn;
    private final Map<String, Shard> shards = new LinkedHashMap<>();
    private boolean discoveryDue = true;
    private int pollsSinceDiscovery;

    StreamShards(DynamoDbClient dynamo, DynamoDbStreamsClient streams, String table, int discoverEveryPolls) {
        this.dynamo = dynamo;
        this.streams = streams;
        this.table = table;
        this.discoverEveryPolls = discoverEveryPolls;
    }

    /** Nothing changes when a call fails: the next poll tries again. */
    Discovery discoverIfDue() {
        if (!discoveryDue && ++pollsSinceDiscovery < discoverEveryPolls) {
            return Discovery.NOT_DUE;
        }
        String latest = dynamo.describeTable(b -> b.tableName(table)).table().latestStreamArn();
        if (latest == null) {
            LOG.warn("The table has no stream: nothing to read", Map.of("table", table));
            forget();
            discoveryDue = false;
            return Discovery.NO_STREAM;
        }
        Map<String, Shard> found = new LinkedHashMap<>();
        String startAfter = null;
        do {
            String exclusiveStart = startAfter;
            DescribeStreamResponse page =
                    streams.describeStream(b -> b.streamArn(latest).exclusiveStartShardId(exclusiveStart));
            page.streamDescription().shards().forEach(shard -> found.put(shard.shardId(), shard));
            startAfter = page.streamDescription().lastEvaluatedShardId();
        } while (startAfter != null);
        boolean newStream = !latest.equals(streamArn);
        if (newStream && streamArn != null) {
            LOG.warn("The table's stream changed: reading the new one", Map.of("from", streamArn, "to", latest));
        }
        streamArn = latest;
        shards.clear();
        shards.putAll(found);
        discoveryDue = false;
        pollsSinceDiscovery = 0;
        return newStream ? Discovery.NEW_STREAM : Discovery.SAME_STREAM;
    }

    String streamArn() {
        return streamArn;
    }

    /** Null when the stream does not list it (any more). */
    Shard shard(String shardId) {
        return shards.get(shardId);
    }

    boolean lists(String shardId) {
        return shards.containsKey(shardId);
    }

    Collection<Shard> all() {
        return shards.values();
    }

    Set<String> ids() {
        return shards.keySet();
    }

    /** A shard the stream no longer has (trimmed away, or the stream was replaced): the next discovery tells. */
    void gone(String shardId) {
        shards.remove(shardId);
        discoveryDue = true;
    }

    void discoverNextPoll() {
        discoveryDue = true;
    }

    void forget() {
        streamArn = null;
        shards.clear();
        discoveryDue = true;
    }
}
