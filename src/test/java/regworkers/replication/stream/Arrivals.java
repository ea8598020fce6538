package regworkers.replication.stream;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * The messages of one campaign that arrive on a queue, received (and deleted) as they come; messages of other
 * campaigns (other tests write demand-table too) are deleted and ignored.
 */
final class Arrivals {

    record Arrival(JsonNode body, String correlationId) {

        String user() {
            return body.path("entry")
                    .path("globalUserId")
                    .asText(body.path("entry").path("sk").asText().replace("USER#", ""));
        }

        String operation() {
            return body.path("operation").asText();
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final SqsClient sqs;
    private final String queueUrl;
    private final String campaign;
    private final List<Arrival> arrivals = new ArrayList<>();

    Arrivals(SqsClient sqs, String queueUrl, String campaign) {
        this.sqs = sqs;
        this.queueUrl = queueUrl;
        this.campaign = campaign;
    }

    /** Receives what is there now. */
    synchronized Arrivals receive() {
        while (true) {
            List<Message> batch = sqs.receiveMessage(b -> b.queueUrl(queueUrl)
                            .maxNumberOfMessages(10)
                            .waitTimeSeconds(0)
                            .messageAttributeNames("All"))
                    .messages();
            if (batch.isEmpty()) {
                return this;
            }
            for (Message message : batch) {
                sqs.deleteMessage(b -> b.queueUrl(queueUrl).receiptHandle(message.receiptHandle()));
                JsonNode body;
                try {
                    body = JSON.readTree(message.body());
                } catch (Exception notJson) {
                    continue;
                }
                if (("CAMPAIGN#" + campaign)
                        .equals(body.path("entry").path("pk").asText())) {
                    var attribute = message.messageAttributes().get("correlationId");
                    arrivals.add(new Arrival(body, attribute == null ? null : attribute.stringValue()));
                }
            }
        }
    }

    synchronized long count(String user, String operation) {
        return arrivals.stream()
                .filter(a -> a.user().equals(user) && a.operation().equals(operation))
                .count();
    }

    synchronized boolean has(String user, String operation) {
        return count(user, operation) > 0;
    }

    /** The bodies that arrived for {@code user}, in order. */
    synchronized List<JsonNode> bodies(String user) {
        return arrivals.stream()
                .filter(a -> a.user().equals(user))
                .map(Arrival::body)
                .toList();
    }

    synchronized List<Arrival> all() {
        return List.copyOf(arrivals);
    }
}
