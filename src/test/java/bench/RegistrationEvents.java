package bench;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The messages the benchmark puts on sendData-registration: what processData publishes through SNS with raw
 * delivery, i.e. the envelope {id, type, occurredAt, source, data} of a registration event valid against
 * schemas/registration.json, with the correlationId message attribute. Every event of a phase carries a
 * globalUserId unique to it ({@code <tag>-<n>}), so the records that land on Kafka can be told apart and counted.
 */
final class RegistrationEvents {

    /** Spread over this many campaigns, so the keys spread over the topic's partitions. */
    static final int CAMPAIGNS = 64;

    record Event(String body, String correlationId) {}

    private static final ObjectMapper JSON = new ObjectMapper();

    private RegistrationEvents() {}

    static String userId(String tag, int n) {
        return tag + "-" + n;
    }

    /** What processData reads: the data events {type, data} the other workers send to processDataQueue. */
    static List<Event> dataEvents(String tag, int count) {
        List<Event> events = new ArrayList<>(count);
        for (int n = 0; n < count; n++) {
            ObjectNode event = JSON.createObjectNode();
            event.put("type", "registration");
            event.set("data", data(tag, n));
            events.add(new Event(event.toString(), "corr-" + userId(tag, n)));
        }
        return events;
    }

    private static ObjectNode data(String tag, int n) {
        ObjectNode data = JSON.createObjectNode();
        data.put("campaignId", "campaign-" + (n % CAMPAIGNS));
        data.put("globalUserId", userId(tag, n));
        data.putArray("marketIds").add("market-" + (n % 7)).add("market-100");
        data.put("registeredAt", "2024-01-15T10:30:00Z");
        data.put("locale", "en-GB");
        data.put("countryCode", "GB");
        data.putObject("fields").put("ticket_count", 1 + n % 4).put("newsletter", n % 2 == 0);
        return data;
    }

    static List<Event> create(String tag, int count) {
        List<Event> events = new ArrayList<>(count);
        for (int n = 0; n < count; n++) {
            ObjectNode data = data(tag, n);
            ObjectNode envelope = JSON.createObjectNode();
            envelope.put("id", UUID.randomUUID().toString());
            envelope.put("type", "registration");
            envelope.put("occurredAt", "2024-01-15T10:30:01Z");
            envelope.put("source", "reg-workers");
            envelope.set("data", data);
            events.add(new Event(envelope.toString(), "corr-" + userId(tag, n)));
        }
        return events;
    }
}
