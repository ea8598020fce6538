package regworkers.datapipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import regworkers.datapipeline.DataPublisher.PendingDataEvent;

/** How a batch of envelopes is cut into PublishBatch calls: at most 10 entries and the payload limit each. */
class DataPublisherRequestsTest {

    private static final int LIMIT = 1_000;

    private final DataPublisher publisher = publisher();

    @Test
    void tenSmallEnvelopesAreOneCall() {
        List<List<PendingDataEvent>> requests = publisher.requests(events(10, 20));
        assertEquals(List.of(10), sizes(requests));
    }

    @Test
    void theEleventhEnvelopeStartsASecondCall() {
        assertEquals(List.of(10, 1), sizes(publisher.requests(events(11, 20))));
    }

    @Test
    void aCallIsCutBeforeItsEnvelopesPassThePayloadLimit() {
        // each event is 300 bytes of envelope plus its type and correlation id: three fit in 1 000 bytes, four do not
        assertEquals(List.of(3, 3, 1), sizes(publisher.requests(events(7, 300))));
    }

    @Test
    void anEnvelopeAsLargeAsTheLimitTravelsAlone() {
        List<PendingDataEvent> batch = new ArrayList<>(events(1, 20));
        batch.add(event(LIMIT - 20));
        batch.addAll(events(1, 20));
        assertEquals(List.of(1, 1, 1), sizes(publisher.requests(batch)));
    }

    @Test
    void anEmptyBatchMakesNoCall() {
        assertEquals(List.of(), sizes(publisher.requests(List.of())));
    }

    private static List<Integer> sizes(List<List<PendingDataEvent>> requests) {
        return requests.stream().map(List::size).toList();
    }

    private static List<PendingDataEvent> events(int count, int envelopeBytes) {
        List<PendingDataEvent> events = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            events.add(event(envelopeBytes));
        }
        return events;
    }

    private static PendingDataEvent event(int envelopeBytes) {
        return new PendingDataEvent(null, "c", "user", "id", "x".repeat(envelopeBytes));
    }

    private static DataPublisher publisher() {
        DataPublisher publisher = new DataPublisher();
        publisher.config = new DataConfig() {
            @Override
            public List<String> types() {
                return List.of("user");
            }

            @Override
            public int maxPayloadBytes() {
                return LIMIT;
            }
        };
        return publisher;
    }
}
