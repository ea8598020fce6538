package regworkers.replication.stream;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import jakarta.inject.Singleton;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.Exchange;
import org.jboss.logging.MDC;
import regworkers.platform.Correlation;
import regworkers.platform.DynamoDbConfig;
import regworkers.platform.QueueConfig;
import regworkers.platform.WorkerLog;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * enqueueEntries' configuration and beans: the stream reader of this process (one owner id per process), and the
 * invoke endpoint's path, which forwards the kept records of one whole stream event the same way.
 */
@ApplicationScoped
@Named("enqueueEntries")
public class EnqueueEntries {

    private static final WorkerLog LOG = WorkerLog.of(EnqueueEntries.class);

    /** The name leases and checkpoints are kept under. */
    public static final String CONSUMER = "enqueueEntries";

    @Inject
    DynamoDbClient dynamodb;

    @Inject
    DynamoDbStreamsClient streams;

    @Inject
    SqsClient sqs;

    @Inject
    ObjectMapper json;

    @Inject
    MeterRegistry meters;

    @Inject
    ReplicationStreamConfig stream;

    @Inject
    ReplicationLeaseConfig leases;

    @Inject
    DynamoDbConfig tables;

    @Inject
    QueueConfig queues;

    @Produces
    @Singleton
    StreamReaderConfig readerConfig() {
        return StreamReaderConfig.of(
                stream,
                tables.table(),
                leases.leaseTable(),
                CONSUMER,
                queues.names().saveEntries(),
                queues.deadLetterSuffix());
    }

    // the invoke endpoint's: built once, so its queue URL is looked up once
    private EntryChanges changes;
    private SaveEntriesQueue saveEntries;

    @PostConstruct
    void createInvokePath() {
        changes = new EntryChanges(json, stream.maxMessageBytes());
        saveEntries = new SaveEntriesQueue(
                sqs, queues.names().saveEntries(), stream.maxBatchBytes(), queues.deadLetterSuffix());
    }

    @Produces
    @Singleton
    StreamReader reader(StreamReaderConfig config) {
        return new StreamReader(
                dynamodb, streams, sqs, json, StreamLease.newOwnerId(), Clock.systemUTC(), config, meters);
    }

    /**
     * POST /workers/enqueueEntries/invoke: the kept records of a whole stream event (the seed's JSON, typed attribute
     * values) to saveEntriesQueue in batches of up to 10. Answers with the counts and, like a Lambda's partial batch
     * response, the records SQS did not take.
     */
    public Map<String, Object> forwardEvent(Exchange exchange) throws Exception {
        // the invocation's id, which its log lines carry
        Object invocation = MDC.get(WorkerLog.CORRELATION_ID);
        String correlationId = invocation != null ? invocation.toString() : Correlation.of(exchange);
        List<Record> records =
                EntryChanges.parseEvent(json.readTree(exchange.getMessage().getBody(String.class)));
        List<Optional<EntryChange>> kept = records.stream()
                .map(record -> changes.of(record, correlationId))
                .toList();
        List<Map<String, String>> failures = new ArrayList<>();
        int forwarded = 0;
        for (SaveEntriesQueue.Batch batch : saveEntries.batches(kept)) {
            SaveEntriesQueue.Sent sent = saveEntries.send(batch.changes());
            forwarded += sent.delivered();
            for (int refused : sent.refused()) {
                int position = batch.positions().get(refused);
                String eventId = records.get(position).eventID();
                failures.add(Map.of(
                        "itemIdentifier",
                        eventId != null ? eventId : String.valueOf(position),
                        "detail",
                        String.valueOf(sent.error())));
            }
        }
        int keptCount = (int) kept.stream().filter(Optional::isPresent).count();
        Map<String, Object> count = new LinkedHashMap<>();
        count.put("received", records.size());
        count.put("forwarded", forwarded);
        count.put("skipped", records.size() - keptCount);
        count.put("failed", keptCount - forwarded);
        LOG.info("Stream event forwarded to saveEntriesQueue", count);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("batchItemFailures", failures);
        answer.put("count", count);
        return answer;
    }
}
