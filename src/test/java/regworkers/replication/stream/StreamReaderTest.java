package regworkers.replication.stream;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import localstack.LocalStack;
import localstack.LocalStackResource;
import org.apache.camel.CamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ExpiredIteratorException;
import software.amazon.awssdk.services.dynamodb.model.ShardIteratorType;
import software.amazon.awssdk.services.dynamodb.model.TrimmedDataAccessException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import support.DemandTableEntries;
import support.Queues;

/**
 * Stream readers of their own on the real DynamoDB Local stream and fauxqs, each test with its own consumer name
 * (own lease and checkpoints) and its own test queue, so the app's enqueueEntries reader is not disturbed. Each reader
 * is polled through the steps of the app's poll route, on a route of its own ({@link PolledReader}). Faults come from
 * wrappers around the real clients.
 */
@QuarkusTest
@QuarkusTestResource(LocalStackResource.class)
class StreamReaderTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String LEASE_TABLE = "reg-workers-leases";

    @Inject
    CamelContext camel;

    private final LocalStack stack = LocalStack.shared();
    private final DynamoDbClient dynamo = stack.dynamo();
    private final SqsClient sqs = stack.sqs();
    private final DemandTableEntries entries = new DemandTableEntries(dynamo);
    private final List<PolledReader> readers = new ArrayList<>();

    private String consumer;
    private String queueUrl;
    private String campaign;
    private Arrivals arrivals;

    @BeforeEach
    void ownConsumerAndQueue() {
        String id = UUID.randomUUID().toString().substring(0, 8);
        consumer = "streamReaderTest-" + id;
        campaign = "stream-reader-" + id;
        String queue = "streamReaderTest-" + id;
        stack.createTestQueue(queue);
        queueUrl = sqs.getQueueUrl(b -> b.queueName(queue)).queueUrl();
        arrivals = new Arrivals(sqs, queueUrl, campaign);
    }

    @AfterEach
    void closeReaders() throws Exception {
        for (PolledReader reader : readers) {
            reader.close();
        }
    }

    @Test
    void aRecordWhoseSendFailsIsNotCheckpointedPast() throws Exception {
        FlakySqs flaky = new FlakySqs(sqs);
        PolledReader reader = reader("owner-a", flaky, stack.dynamoStreams(), queueUrl);
        catchUp(reader);
        flaky.refuseBodies(body -> body.contains("\"USER#u2\""));

        entries.put(campaign, "u1", true);
        entries.put(campaign, "u2", true);
        entries.put(campaign, "u3", true);
        pollUntil(reader, () -> arrivals.has("u1", "INSERT") && arrivals.has("u3", "INSERT"));
        // u2 stays refused: every poll reads it again and SQS refuses it again
        int failedPolls = 0;
        for (int i = 0; i < 20 && failedPolls < 3; i++) {
            failedPolls += reader.poll().failed() > 0 ? 1 : 0;
        }
        assertEquals(3, failedPolls, "the refused record is read again on every poll");
        assertFalse(arrivals.receive().has("u2", "INSERT"));

        // a restart (another owner) after the fault is gone resumes after u1, the record before the refused one
        reader.release();
        PolledReader restarted = reader("owner-b", sqs, stack.dynamoStreams(), queueUrl);
        pollUntil(restarted, () -> arrivals.has("u2", "INSERT"));
        catchUp(restarted);
        arrivals.receive();
        assertEquals(1, arrivals.count("u1", "INSERT"), "u1 was before the checkpoint: never sent again");
        assertEquals(1, arrivals.count("u2", "INSERT"));
        assertTrue(arrivals.count("u3", "INSERT") >= 1);
    }

    @Test
    void aRecordWithCharactersSqsRefusesTravelsEscapedAndHoldsNothing() throws Exception {
        PolledReader reader = reader("owner-a", sqs, stack.dynamoStreams(), queueUrl);
        catchUp(reader);
        // DynamoDB stores U+FFFF and an unpaired surrogate; SQS refuses both in a message body (InvalidMessageContents)
        entries.put(
                campaign,
                "odd",
                true,
                item -> item.put("fields", AttributeValue.fromS("{\"note\":\"a\uffffb\ud800c\"}")));
        entries.put(campaign, "normal", true);
        pollUntil(reader, () -> arrivals.has("odd", "INSERT") && arrivals.has("normal", "INSERT"));
        catchUp(reader);
        arrivals.receive();
        assertEquals(1, arrivals.count("odd", "INSERT"), "sent once: the checkpoint moved past it");
        assertEquals(1, arrivals.count("normal", "INSERT"));
        String fields =
                arrivals.bodies("odd").get(0).path("entry").path("fields").asText();
        assertEquals("{\"note\":\"a\uffffb\ud800c\"}", fields, "the characters arrive as they are stored");
    }

    @Test
    void aRecordOverTheQueuesMessageSizeGoesAsItsKeys() throws Exception {
        PolledReader reader = reader("owner-a", sqs, stack.dynamoStreams(), queueUrl);
        catchUp(reader);
        entries.put(
                campaign,
                "large",
                true,
                item -> item.put("fields", AttributeValue.fromS("{\"note\":\"" + "x".repeat(300_000) + "\"}")));
        entries.put(campaign, "normal", true);
        pollUntil(reader, () -> arrivals.has("large", "INSERT") && arrivals.has("normal", "INSERT"));
        catchUp(reader);
        arrivals.receive();
        assertEquals(1, arrivals.count("large", "INSERT"));
        assertEquals(1, arrivals.count("normal", "INSERT"));
        JsonNode large = arrivals.bodies("large").get(0).path("entry");
        assertEquals("USER#large", large.path("sk").asText(), "the keys saveEntries reads the item by");
        assertFalse(large.has("fields"), "only the keys: " + large);
        assertTrue(arrivals.bodies("normal").get(0).path("entry").has("fields"), "a record that fits goes whole");
    }

    @Test
    void aRecordSqsRefusesForGoodGoesAsItsKeysElseToTheDeadLetterQueueAndTheShardMovesOn() throws Exception {
        FlakySqs flaky = new FlakySqs(sqs);
        PolledReader reader = reader("owner-a", flaky, stack.dynamoStreams(), queueUrl);
        catchUp(reader);
        // u1's whole body is refused, its keys are taken; u2 is refused in any form
        flaky.refuseForGood(body -> (body.contains("USER#u1") && body.contains("fields")) || body.contains("USER#u2"));
        entries.put(campaign, "u1", true);
        entries.put(campaign, "u2", true);
        entries.put(campaign, "u3", true);
        pollUntil(reader, () -> arrivals.has("u1", "INSERT") && arrivals.has("u3", "INSERT"));
        catchUp(reader);
        arrivals.receive();
        assertEquals(1, arrivals.count("u1", "INSERT"), "u1 as its keys, once");
        assertFalse(arrivals.bodies("u1").get(0).path("entry").has("fields"));
        assertEquals(0, arrivals.count("u2", "INSERT"));
        assertEquals(
                1, arrivals.count("u3", "INSERT"), "the record behind the refused one, once: the checkpoint moved on");

        List<Message> parked = new Queues(stack)
                .drain(queueUrl.substring(queueUrl.lastIndexOf('/') + 1) + "-dlq", Duration.ofSeconds(2));
        assertEquals(1, parked.size(), "u2 parked in the dead-letter queue");
        Message u2 = parked.get(0);
        assertTrue(u2.body().contains("USER#u2"), u2.body());
        assertEquals("STREAM_RECORD_REFUSED", Queues.attribute(u2, "failureReason"));
        assertTrue(
                Queues.attribute(u2, "failureDetail").contains("InvalidMessageContents"),
                Queues.attribute(u2, "failureDetail"));
        assertFalse(Queues.attribute(u2, "sequenceNumber").isBlank());
        assertFalse(Queues.attribute(u2, "shardId").isBlank());
    }

    @Test
    void aQueueThatCannotBeReachedHoldsTheCheckpoint() throws Exception {
        PolledReader healthy = reader("owner-a", sqs, stack.dynamoStreams(), queueUrl);
        catchUp(healthy);
        healthy.release();
        String missingQueue =
                queueUrl.substring(0, queueUrl.lastIndexOf('/') + 1) + "does-not-exist-" + UUID.randomUUID();
        PolledReader broken = reader("owner-b", sqs, stack.dynamoStreams(), missingQueue);

        entries.put(campaign, "u1", true);
        entries.put(campaign, "u2", true);
        await().atMost(Duration.ofSeconds(30)).until(() -> broken.poll().failed() >= 2);
        broken.poll();
        broken.release();

        PolledReader recovered = reader("owner-c", sqs, stack.dynamoStreams(), queueUrl);
        pollUntil(recovered, () -> arrivals.has("u1", "INSERT") && arrivals.has("u2", "INSERT"));
        catchUp(recovered);
        assertEquals(1, arrivals.receive().count("u1", "INSERT"));
        assertEquals(1, arrivals.count("u2", "INSERT"));
    }

    @Test
    void expiredAndTrimmedIteratorsAreRecovered() throws Exception {
        FlakyStreams streams = new FlakyStreams(stack.dynamoStreams());
        PolledReader reader = reader("owner-a", sqs, streams, queueUrl);
        catchUp(reader);

        entries.put(campaign, "u1", true);
        streams.failNextGetRecords(() -> ExpiredIteratorException.builder()
                .message("Iterator expired (test)")
                .build());
        pollUntil(reader, () -> arrivals.has("u1", "INSERT"));
        assertFalse(streams.failurePending(), "the expired iterator was met");
        catchUp(reader);
        assertEquals(
                1, arrivals.receive().count("u1", "INSERT"), "a new iterator from the checkpoint: nothing sent twice");

        // trimmed: the checkpoint is past the retention; the reader goes on from TRIM_HORIZON and skips nothing
        entries.put(campaign, "u2", true);
        streams.failNextGetRecords(() ->
                TrimmedDataAccessException.builder().message("Trimmed (test)").build());
        pollUntil(reader, () -> arrivals.has("u2", "INSERT"));
        assertFalse(streams.failurePending(), "the trimmed error was met");
    }

    @Test
    void aReaderThatLostItsLeaseCannotMoveTheCheckpoint() throws Exception {
        FlakySqs flaky = new FlakySqs(sqs);
        PolledReader reader = reader("owner-a", flaky, stack.dynamoStreams(), queueUrl);
        catchUp(reader);
        String leaseKey = "stream-lease#" + consumer + "#" + DemandTableEntries.TABLE;
        // while the batch is on its way, another reader takes the lease over (as after a long pause of this one)
        flaky.beforeSend(request -> {
            if (request.entries().stream().anyMatch(entry -> entry.messageBody().contains(campaign))) {
                dynamo.putItem(b -> b.tableName(LEASE_TABLE)
                        .item(Map.of(
                                "pk",
                                AttributeValue.fromS(leaseKey),
                                "owner",
                                AttributeValue.fromS("thief"),
                                "token",
                                AttributeValue.fromS("thief-token"),
                                "leaseUntil",
                                AttributeValue.fromN(String.valueOf(System.currentTimeMillis() + 60_000)))));
            }
        });

        entries.put(campaign, "u1", true);
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(100))
                .until(reader::poll, poll -> "lease lost".equals(poll.stopped()));
        assertFalse(reader.isLeader(), "losing the lease stops reading");
        assertEquals(1, arrivals.receive().count("u1", "INSERT"), "the batch itself had reached SQS");
        assertFalse(reader.poll().leader(), "the thief holds the lease now");

        // the thief's lease ends; whoever reads next finds the checkpoint where it was, before u1
        flaky.heal();
        dynamo.deleteItem(b -> b.tableName(LEASE_TABLE).key(Map.of("pk", AttributeValue.fromS(leaseKey))));
        PolledReader next = reader("owner-b", sqs, stack.dynamoStreams(), queueUrl);
        pollUntil(next, () -> arrivals.count("u1", "INSERT") == 2);
    }

    /** A reader of this test's consumer polled through the enqueueEntries poll route, on its own route. */
    private PolledReader reader(
            String owner,
            SqsClient client,
            software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient streams,
            String queue)
            throws Exception {
        StreamReaderConfig config = new StreamReaderConfig(
                DemandTableEntries.TABLE,
                LEASE_TABLE,
                consumer,
                queue,
                Duration.ofSeconds(10),
                500,
                ShardIteratorType.TRIM_HORIZON,
                1,
                262_144,
                262_144,
                "-dlq");
        StreamReader reader = new StreamReader(
                dynamo,
                streams,
                client,
                JSON,
                owner + "-" + UUID.randomUUID(),
                Clock.systemUTC(),
                config,
                new SimpleMeterRegistry());
        PolledReader polled = new PolledReader(camel, reader);
        readers.add(polled);
        return polled;
    }

    /** Polls until a poll finds nothing new: everything the stream held is forwarded and checkpointed. */
    private static void catchUp(PolledReader reader) {
        await().atMost(Duration.ofSeconds(90))
                .pollDelay(Duration.ZERO)
                .pollInterval(Duration.ofMillis(50))
                .until(() -> {
                    PollSummary poll = reader.poll();
                    return poll.leader() && poll.read() == 0 && poll.stopped() == null;
                });
    }

    private void pollUntil(PolledReader reader, java.util.concurrent.Callable<Boolean> condition) {
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> {
                    reader.poll();
                    arrivals.receive();
                    return condition.call();
                });
    }
}
