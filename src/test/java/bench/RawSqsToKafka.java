package bench;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Future;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/**
 * The baseline: what sendData does, written directly against the AWS SDK v2 and kafka-clients. {@code threads}
 * loops ({@link RawSqsLoop}), each: ReceiveMessage (10, wait 1 s) -> per message, parse the envelope with Jackson, key = data.campaignId,
 * value = {type, data}, headers correlationId and eventId -> send (one producer shared by the loops, acks=all,
 * idempotent, linger.ms=5, like the app's) -> wait for every ack of the batch -> DeleteMessageBatch.
 * With {@code kafkaBootstrap == null} it only receives and deletes: the ceiling of the SQS side.
 * It does not validate against the JSON schema, which the app does.
 */
final class RawSqsToKafka extends RawSqsLoop {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String topic;
    private final KafkaProducer<String, String> producer;

    RawSqsToKafka(SqsClient sqs, String queueUrl, String kafkaBootstrap, String topic, int threads) {
        super(sqs, queueUrl, true);
        this.topic = topic;
        this.producer = kafkaBootstrap == null ? null : new KafkaProducer<>(producerConfig(kafkaBootstrap));
        start(threads, "baseline");
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

    /** Sends the batch, then waits for every ack; done = the messages whose record was acknowledged. */
    @Override
    protected List<Message> handle(List<Message> messages) {
        if (producer == null) {
            return messages;
        }
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
        List<Message> done = new ArrayList<>(messages.size());
        for (int i = 0; i < acks.size(); i++) {
            try {
                acks.get(i).get();
                done.add(sent.get(i));
            } catch (Exception e) {
                fail(e);
            }
        }
        return done;
    }

    private ProducerRecord<String, String> toRecord(Message message) throws Exception {
        JsonNode envelope = JSON.readTree(message.body());
        if (envelope == null
                || !envelope.isObject()
                || !"registration".equals(envelope.path("type").asText())) {
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
        String correlationId =
                carried != null && carried.stringValue() != null ? carried.stringValue() : message.messageId();
        ProducerRecord<String, String> record = new ProducerRecord<>(topic, key, JSON.writeValueAsString(value));
        record.headers().add("correlationId", correlationId.getBytes(StandardCharsets.UTF_8));
        record.headers().add("eventId", envelope.path("id").asText().getBytes(StandardCharsets.UTF_8));
        return record;
    }

    @Override
    public void close() {
        super.close();
        if (producer != null) {
            producer.close();
        }
    }
}
