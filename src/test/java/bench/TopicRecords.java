package bench;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Counts the records of a topic by its end offsets, and reads a range of them back to check what landed. */
final class TopicRecords implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final KafkaConsumer<String, String> consumer;
    private final List<TopicPartition> partitions;

    TopicRecords(String bootstrap, String topic) {
        Properties config = new Properties();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000);
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        consumer = new KafkaConsumer<>(config);
        List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(30));
        partitions = infos.stream()
                .map(info -> new TopicPartition(topic, info.partition()))
                .toList();
        consumer.assign(partitions);
    }

    Map<TopicPartition, Long> endOffsets() {
        return consumer.endOffsets(partitions, Duration.ofSeconds(10));
    }

    static long total(Map<TopicPartition, Long> offsets) {
        return offsets.values().stream().mapToLong(Long::longValue).sum();
    }

    /** What a range of records holds: how many, how many distinct events of the phase, and what is off. */
    record Check(long records, long distinctEvents, long ofOtherPhases, long withoutKeyOrHeaders) {
        long duplicates() {
            return records - distinctEvents - ofOtherPhases;
        }
    }

    /** Reads every record between the two offset snapshots; events of the phase have globalUserId {@code <tag>-n}. */
    Check check(Map<TopicPartition, Long> from, Map<TopicPartition, Long> to, String tag) throws Exception {
        Set<String> events = new HashSet<>();
        long records = 0;
        long others = 0;
        long incomplete = 0;
        Map<TopicPartition, Long> remaining = new HashMap<>();
        for (TopicPartition partition : partitions) {
            long start = from.getOrDefault(partition, 0L);
            long end = to.getOrDefault(partition, 0L);
            if (end > start) {
                consumer.seek(partition, start);
                remaining.put(partition, end);
            } else {
                consumer.seek(partition, end);
            }
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!remaining.isEmpty()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(
                        "could not read back the records of " + tag + "; still missing " + remaining);
            }
            for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
                TopicPartition partition = new TopicPartition(record.topic(), record.partition());
                Long end = remaining.get(partition);
                if (end == null || record.offset() >= end) {
                    continue;
                }
                records++;
                String user = JSON.readTree(record.value())
                        .path("data")
                        .path("globalUserId")
                        .asText();
                if (user.startsWith(tag + "-")) {
                    events.add(user);
                } else {
                    others++;
                }
                if (record.key() == null
                        || !record.key().startsWith("campaign-")
                        || !(("corr-" + user).equals(header(record, "correlationId")))
                        || header(record, "eventId") == null) {
                    incomplete++;
                }
                if (record.offset() + 1 >= end) {
                    remaining.remove(partition);
                }
            }
        }
        return new Check(records, events.size(), others, incomplete);
    }

    private static String header(ConsumerRecord<String, String> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        consumer.close();
    }
}
