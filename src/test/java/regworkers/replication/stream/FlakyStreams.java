package regworkers.replication.stream;

import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import software.amazon.awssdk.services.dynamodb.model.DescribeStreamRequest;
import software.amazon.awssdk.services.dynamodb.model.DescribeStreamResponse;
import software.amazon.awssdk.services.dynamodb.model.GetRecordsRequest;
import software.amazon.awssdk.services.dynamodb.model.GetRecordsResponse;
import software.amazon.awssdk.services.dynamodb.model.GetShardIteratorRequest;
import software.amazon.awssdk.services.dynamodb.model.GetShardIteratorResponse;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/** The real streams client, except that the next GetRecords can be made to fail once with a given exception. */
final class FlakyStreams implements DynamoDbStreamsClient {

    private final DynamoDbStreamsClient real;
    private final AtomicReference<Supplier<RuntimeException>> nextGetRecords = new AtomicReference<>();

    FlakyStreams(DynamoDbStreamsClient real) {
        this.real = real;
    }

    void failNextGetRecords(Supplier<RuntimeException> failure) {
        nextGetRecords.set(failure);
    }

    boolean failurePending() {
        return nextGetRecords.get() != null;
    }

    @Override
    public GetRecordsResponse getRecords(GetRecordsRequest request) {
        Supplier<RuntimeException> failure = nextGetRecords.getAndSet(null);
        if (failure != null) {
            throw failure.get();
        }
        return real.getRecords(request);
    }

    @Override
    public DescribeStreamResponse describeStream(DescribeStreamRequest request) {
        return real.describeStream(request);
    }

    @Override
    public GetShardIteratorResponse getShardIterator(GetShardIteratorRequest request) {
        return real.getShardIterator(request);
    }

    @Override
    public String serviceName() {
        return real.serviceName();
    }

    @Override
    public void close() {
        // the real client belongs to the local stack
    }
}
