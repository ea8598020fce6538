package regworkers.replication.stream;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import jakarta.inject.Singleton;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.Exchange;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.MDC;
import regworkers.platform.Correlation;
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
    @ConfigProperty(name = "dynamodb.table")
    String table;
    @ConfigProperty(name = "replication.lease-table")
    String leaseTable;
    @ConfigProperty(name = "queue.save-entries")
    String queue;
    @ConfigProperty(name = "queue.dead-letter-suffix")
    String deadLetterSuffix;

    @Produces
    @Singleton
    StreamReaderConfig readerConfig() {
        return StreamReaderConfig.of(stream, table, leaseTable, CONSUMER, queue, deadLetterSuffix);
    }

    @Produces
    @Singleton
    StreamReader reader(StreamReaderConfig config) {
        return new StreamReader(dynamodb, streams, sqs, json, StreamLease.newOwnerId(), Clock.systemUTC(), config, meters);
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
        List<Record> records = EntryChanges.parseEvent(json.readTree(exchange.getMessage().getBody(String.class)));
        EntryChanges changes = new EntryChanges(json, stream.maxMessageBytes());
        SaveEntriesQueue saveEntries = new SaveEntriesQueue(sqs, queue, stream.maxBatchBytes(), deadLetterSuffix);
        List<EntryChange> kept = new ArrayList<>();
        List<String> identifiers = new ArrayList<>();
        for (int i = 0; i < records.size(); i++) {
            Optional<EntryChange> change = changes.of(records.get(i), correlationId);
            if (change.isPresent()) {
                kept.add(change.get());
                Record record = records.get(i);
                identifiers.add(record.eventID() != null ? record.eventID() : String.valueOf(i));
            }
        }
        List<Map<String, String>> failures = new ArrayList<>();
        int forwarded = 0;
        for (int start = 0; start < kept.size(); ) {
            List<EntryChange> batch = new ArrayList<>();
            int end = start;
            while (end < kept.size() && saveEntries.fits(batch, kept.get(end))) {
                batch.add(kept.get(end++));
            }
            SaveEntriesQueue.Sent sent = saveEntries.send(batch);
            forwarded += sent.delivered();
            for (int refused : sent.refused()) {
                failures.add(Map.of("itemIdentifier", identifiers.get(start + refused), "detail", String.valueOf(sent.error())));
            }
            start = end;
        }
        Map<String, Object> count = new LinkedHashMap<>();
        count.put("received", records.size());
        count.put("forwarded", forwarded);
        count.put("skipped", records.size() - kept.size());
        count.put("failed", kept.size() - forwarded);
        WorkerLog.info("Stream event forwarded to saveEntriesQueue", count);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("batchItemFailures", failures);
        answer.put("count", count);
        return answer;
    }
}
