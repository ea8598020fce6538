package regworkers.datapipeline;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import com.fasterxml.jackson.core.JsonProcessingException;
import org.apache.camel.Exchange;
import regworkers.platform.BatchItem;
import regworkers.platform.Batches;
import regworkers.platform.Correlation;
import regworkers.platform.DependencyUnavailable;
import regworkers.platform.PermanentFailure;
import regworkers.platform.QueueMessage;
import regworkers.platform.QueueOutcome;
import regworkers.platform.SnsTopics;
import regworkers.platform.TopicConfig;
import regworkers.platform.Worker;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sns.model.PublishBatchRequestEntry;
import software.amazon.awssdk.services.sns.model.PublishBatchResponse;

/**
 * processData's publishing: the envelopes of a batch of messages go to the registration-data topic in PublishBatch
 * calls (attribute {@code type} for the fan-out, {@code correlationId} carried on), and each message's outcome is that
 * of its own entry.
 */
@ApplicationScoped
@Named("dataPublisher")
public class DataPublisher {

    /** SNS' most entries per PublishBatch call. */
    private static final int MAX_ENTRIES = 10;

    /** A message's envelope, waiting for its batch. */
    public record PendingDataEvent(
            QueueMessage message, String correlationId, String type, String eventId, String envelope)
            implements BatchItem {

        int size() {
            return envelope.getBytes(StandardCharsets.UTF_8).length + type.length() + correlationId.length();
        }
    }

    @Inject
    DataEvents dataEvents;

    @Inject
    DataConfig config;

    @Inject
    TopicConfig topics;

    @Inject
    SnsTopics snsTopics;

    @Inject
    SnsClient sns;

    /** The message's envelope; a message that cannot become one fails here, before it joins a batch. */
    public PendingDataEvent pending(Exchange exchange) throws JsonProcessingException {
        String envelope = dataEvents.toEnvelope(exchange);
        return new PendingDataEvent(
                QueueMessage.of(exchange),
                Correlation.of(exchange),
                exchange.getProperty(DataEvents.DATA_TYPE, String.class),
                exchange.getProperty(DataEvents.EVENT_ID, String.class),
                envelope);
    }

    /** Publishes the batch; never throws: each message gets its own entry's outcome. */
    public List<QueueOutcome> publish(List<PendingDataEvent> batch) {
        List<QueueOutcome> outcomes = new ArrayList<>(batch.size());
        for (List<PendingDataEvent> request : requests(batch)) {
            outcomes.addAll(Batches.settleEach(request, this::publishRequest));
        }
        return outcomes;
    }

    /** The invoke endpoint's path: one envelope published now, its failure thrown. */
    public String publishNow(PendingDataEvent event) {
        Batches.requireSucceeded(publish(List.of(event)));
        return event.eventId();
    }

    /** SNS takes at most 10 entries and 256 KiB per PublishBatch: the batch is cut where either would be passed. */
    List<List<PendingDataEvent>> requests(List<PendingDataEvent> batch) {
        List<List<PendingDataEvent>> requests = new ArrayList<>();
        List<PendingDataEvent> current = new ArrayList<>();
        long bytes = 0;
        for (PendingDataEvent event : batch) {
            if (!current.isEmpty()
                    && (current.size() == MAX_ENTRIES || bytes + event.size() > config.maxPayloadBytes())) {
                requests.add(current);
                current = new ArrayList<>();
                bytes = 0;
            }
            current.add(event);
            bytes += event.size();
        }
        if (!current.isEmpty()) {
            requests.add(current);
        }
        return requests;
    }

    private List<QueueOutcome> publishRequest(List<PendingDataEvent> request) {
        List<PublishBatchRequestEntry> entries = new ArrayList<>(request.size());
        for (int i = 0; i < request.size(); i++) {
            PendingDataEvent event = request.get(i);
            entries.add(PublishBatchRequestEntry.builder()
                    .id(Integer.toString(i))
                    .message(event.envelope())
                    .messageAttributes(Map.of(
                            "type",
                            SnsTopics.text(event.type()),
                            Correlation.HEADER,
                            SnsTopics.text(event.correlationId())))
                    .build());
        }
        PublishBatchResponse response = sns.publishBatch(
                b -> b.topicArn(snsTopics.arn(topics.registrationData())).publishBatchRequestEntries(entries));
        List<QueueOutcome> outcomes = new ArrayList<>(request.size());
        for (PendingDataEvent event : request) {
            outcomes.add(QueueOutcome.succeeded(event.message(), event.correlationId()));
        }
        if (response.hasFailed()) {
            for (BatchResultErrorEntry refused : response.failed()) {
                int index = Integer.parseInt(refused.id());
                PendingDataEvent event = request.get(index);
                outcomes.set(index, QueueOutcome.failed(event.message(), event.correlationId(), refusal(refused)));
            }
        }
        return outcomes;
    }

    /** An entry SNS refuses as the sender's fault can never be published; any other refusal is SNS's trouble. */
    private static RuntimeException refusal(BatchResultErrorEntry refused) {
        String why = "SNS refused the envelope: " + refused.code() + " " + refused.message();
        return Boolean.TRUE.equals(refused.senderFault())
                ? new PermanentFailure("SNS_REFUSED", why)
                : new DependencyUnavailable(Worker.Dependency.SNS, why);
    }
}
