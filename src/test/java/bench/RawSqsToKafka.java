package bench;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/**
 * The baseline: what sendData does, written directly against the AWS SDK v2 and kafka-clients. {@code threads}
 * loops, each: ReceiveMessage (10, wait 1 s) -> per message, parse the envelope with Jackson, key = data.campaignId,
 * value = {type, data}, headers correlationId and eventId -> send (one producer shared by the loops, acks=all,
 * idempotent, linger.ms=5, like the app's) -> wait for every ack of the batch -> DeleteMessageBatch.
 * With {@code kafkaBootstrap == null} it only receives and deletes: the ceiling of the SQS side.
 * It does not validate against the JSON schema, which the app does.
 */
final class RawSqsToKafka implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final SqsClient sqs;
    private final String queueUrl;
    private final String topic;
    private final KafkaProducer<String, String> producer;
    private final List<Thread> loops = new ArrayList<>();
    private final AtomicLong handled = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicReference<Throwable> firstFailure = new AtomicReference<>();
    private volatile boolean running = true;

    RawSqsToKafka(SqsClient sqs, String queueUrl, String kafkaBootstrap, String topic, int threads) {
        this.sqs = sqs;
        this.queueUrl = queueUrl;
        this.topic = topic;
        this.producer = kafkaBootstrap == null ? null : new KafkaProducer<>(producerConfig(kafkaBootstrap));
        for (int t = 0; t < threads; t++) {
            Thread loop = new Thread(this::loop, "baseline-" + t);
            loop.setDaemon(true);
            loops.add(loop);
        }
        loops.forEach(Thread::start);
    }

    static Properties producerConfig(String bootstrap) {
        Properties config = new Properties();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
        config.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 120_000);
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        return config;
    }

    private void loop() {
        while (running) {
            try {
                List<Message> messages = sqs.receiveMessage(r -> r.queueUrl(queueUrl).maxNumberOfMessages(10).waitTimeSeconds(1)
                        .messageAttributeNames("All").messageSystemAttributeNames(MessageSystemAttributeName.ALL)).messages();
                if (messages.isEmpty()) {
                    continue;
                }
                List<DeleteMessageBatchRequestEntry> done = new ArrayList<>(messages.size());
                if (producer == null) {
                    for (int i = 0; i < messages.size(); i++) {
                        done.add(deleteEntry(i, messages.get(i)));
                    }
                } else {
                    List<Future<RecordMetadata>> acks = new ArrayList<>(messages.size());
                    List<Message> sent = new ArrayList<>(messages.size());
                    for (Message message : messages) {
                        try {
                            acks.add(producer.send(toRecord(message)));
                            sent.add(message);
                        } catch (Exception e) {
                            fail(e);
                        }
                    }
                    for (int i = 0; i < acks.size(); i++) {
                        try {
                            acks.get(i).get();
                            done.add(deleteEntry(i, sent.get(i)));
                        } catch (Exception e) {
                            fail(e);
                        }
                    }
                }
                if (!done.isEmpty()) {
                    DeleteMessageBatchResponse deleted = sqs.deleteMessageBatch(r -> r.queueUrl(queueUrl).entries(done));
                    if (!deleted.failed().isEmpty()) {
                        fail(new IllegalStateException("DeleteMessageBatch failed for " + deleted.failed()));
                    }
                    handled.addAndGet(deleted.successful().size());
                }
            } catch (Exception e) {
                if (running) {
                    fail(e);
                }
            }
        }
    }

    private ProducerRecord<String, String> toRecord(Message message) throws Exception {
        JsonNode envelope = JSON.readTree(message.body());
        if (envelope == null || !envelope.isObject() || !"registration".equals(envelope.path("type").asText())) {
            throw new IllegalArgumentException("not a registration envelope: " + message.messageId());
        }
        String key = envelope.path("data").path("campaignId").asText();
        if (key.isBlank()) {
            throw new IllegalArgumentException("no data.campaignId: " + message.messageId());
        }
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("type", envelope.get("type").asText());
        value.put("data", envelope.get("data"));
        MessageAttributeValue carried = message.messageAttributes().get("correlationId");
        String correlationId = carried != null && carried.stringValue() != null ? carried.stringValue() : message.messageId();
        ProducerRecord<String, String> record = new ProducerRecord<>(topic, key, JSON.writeValueAsString(value));
        record.headers().add("correlationId", correlationId.getBytes(StandardCharsets.UTF_8));
        record.headers().add("eventId", envelope.path("id").asText().getBytes(StandardCharsets.UTF_8));
        return record;
    }

    private static DeleteMessageBatchRequestEntry deleteEntry(int i, Message message) {
        return DeleteMessageBatchRequestEntry.builder().id(Integer.toString(i)).receiptHandle(message.receiptHandle()).build();
    }

    private void fail(Throwable e) {
        failed.incrementAndGet();
        firstFailure.compareAndSet(null, e);
    }

    long handled() {
        return handled.get();
    }

    long failures() {
        return failed.get();
    }

    Throwable firstFailure() {
        return firstFailure.get();
    }

    @Override
    public void close() {
        running = false;
        for (Thread loop : loops) {
            try {
                loop.join(15_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (producer != null) {
            producer.close();
        }
    }
}
