package regworkers.platform;

import io.smallrye.config.ConfigMapping;

/** The Kafka cluster and the analytics topic ({@code kafka.*}). */
@ConfigMapping(prefix = "kafka")
public interface KafkaConfig {

    String brokers();

    String topic();
}
