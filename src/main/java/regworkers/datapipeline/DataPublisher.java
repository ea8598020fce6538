package regworkers.datapipeline;

import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import com.fasterxml.jackson.core.JsonProcessingException;
import org.apache.camel.Exchange;
import regworkers.platform.Correlation;
import regworkers.platform.SnsTopics;
import regworkers.platform.TopicConfig;
import software.amazon.awssdk.services.sns.SnsClient;

/**
 * processData's publishing: one message's envelope to the registration-data topic (attribute {@code type} for the
 * fan-out, {@code correlationId} carried on). One Publish per message: with batches of messages in flight, a stalled
 * SNS endpoint duplicated past the fault suite's bound, and after a SIGTERM the other replica drained only in 29 s,
 * about the visibility timeout (bench/README.md, "Faults").
 */
@ApplicationScoped
@Named("dataPublisher")
public class DataPublisher {

    @Inject
    DataEvents dataEvents;

    @Inject
    TopicConfig topics;

    @Inject
    SnsTopics snsTopics;

    @Inject
    SnsClient sns;

    /** Publishes the message's envelope; answers its id. A message that cannot become an envelope fails before. */
    public String publish(Exchange exchange) throws JsonProcessingException {
        String envelope = dataEvents.toEnvelope(exchange);
        sns.publish(b -> b.topicArn(snsTopics.arn(topics.registrationData()))
                .message(envelope)
                .messageAttributes(Map.of(
                        "type",
                        SnsTopics.text(exchange.getProperty(DataEvents.DATA_TYPE, String.class)),
                        Correlation.HEADER,
                        SnsTopics.text(Correlation.of(exchange)))));
        return exchange.getProperty(DataEvents.EVENT_ID, String.class);
    }
}
