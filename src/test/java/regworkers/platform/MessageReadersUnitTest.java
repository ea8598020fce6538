package regworkers.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.function.Function;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import regworkers.datapipeline.DataConfig;
import regworkers.datapipeline.DataEnvelope;
import regworkers.datapipeline.DataEvent;
import regworkers.platform.markets.MarketSelectionRequest;
import regworkers.registration.UserMessage;
import regworkers.replication.EntryEvent;
import regworkers.replication.ScoreRequest;
import regworkers.selection.CodesToMark;
import regworkers.selection.SelectionBatch;

/** Every message type's reader refuses bad input with its reason, and reads good input into its record. */
class MessageReadersUnitTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DataConfig DATA = new DataConfig() {
        @Override
        public List<String> types() {
            return List.of("registration", "selection");
        }

        @Override
        public int maxPayloadBytes() {
            return 200;
        }
    };

    @ParameterizedTest(name = "{0} [{1}] -> {2}")
    @CsvSource(
            delimiter = '|',
            nullValues = "null",
            value = {
                "user | {\"globalUserId\": \"broken | MALFORMED_JSON",
                "user | null | INVALID_USER",
                "user | [] | INVALID_USER",
                "user | {\"email\":\"x\"} | INVALID_USER",
                "user | {\"globalUserId\":\"u\",\"firstName\":42} | INVALID_USER",
                "entry | {\"operation\":\"INSERT\"} | INVALID_MESSAGE",
                "entry | {\"entry\":{\"campaignId\":\"c\",\"globalUserId\":\"u\"},\"operation\":\"UPSERT\"} | UNKNOWN_OPERATION",
                "entry | {\"entry\":{\"campaignId\":\"c\"},\"operation\":\"INSERT\"} | INVALID_MESSAGE",
                "score | {\"campaignId\":\"c\"} | INVALID_MESSAGE",
                "score | {\"campaignId\":\"c\",\"globalUserId\":7} | INVALID_MESSAGE",
                "codes | not json | MALFORMED_JSON",
                "codes | {\"campaignId\":\"c\",\"marketId\":\"m\",\"codes\":[]} | INVALID_MESSAGE",
                "codes | {\"campaignId\":\"c\",\"marketId\":\"m\",\"codes\":[\"a\",\" \"]} | INVALID_MESSAGE",
                "codes | {\"campaignId\":\" \",\"marketId\":\"m\",\"codes\":[\"a\"]} | INVALID_MESSAGE",
                "selections | {\"campaignId\":\"c\",\"marketId\":\"m\",\"dateId\":\"d\",\"selections\":[{\"globalUserId\":\"u\",\"code\":\"k\",\"rank\":0}]} | INVALID_MESSAGE",
                "selections | {\"campaignId\":\"c\",\"marketId\":\"m\",\"dateId\":\"d\",\"selections\":[7]} | INVALID_MESSAGE",
                "market | {\"campaignId\":\"c\",\"dateId\":\"d\"} | INVALID_REQUEST",
                "market | {\"campaignId\":\"c d\",\"marketId\":\"m\",\"dateId\":\"d\"} | INVALID_REQUEST",
                "data | null | MALFORMED_JSON",
                "data | {\"type\":\"bogus\"} | UNKNOWN_TYPE",
                "data | {\"type\":\"registration\",\"data\":[]} | MISSING_FIELD",
                "data | {\"type\":\"registration\",\"data\":{\"padding\":\""
                        + "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"}} | PAYLOAD_TOO_LARGE",
                "envelope | {\"id\":\"e\",\"data\":{}} | MISSING_FIELD",
            })
    void refusesWithItsReason(String type, String body, String reason) {
        PermanentFailure failure =
                assertThrows(PermanentFailure.class, () -> reader(type).apply(body));
        assertEquals(reason, Failures.reason(failure), failure.getMessage());
    }

    @Test
    void readsWhatItAccepts() {
        assertEquals(
                new EntryEvent(regworkers.replication.PendingEntry.Operation.REMOVE, "c-1", "u-1"),
                EntryEvent.read(
                        JSON, "{\"entry\":{\"pk\":\"CAMPAIGN#c-1\",\"sk\":\"USER#u-1\"},\"operation\":\"REMOVE\"}"));
        assertEquals(
                new CodesToMark("c", "m", List.of("a", "b")),
                CodesToMark.read(JSON, "{\"campaignId\":\"c\",\"marketId\":\"m\",\"codes\":[\"a\",\"b\"]}"));
        assertEquals(
                new ScoreRequest("c", "u"), ScoreRequest.read(JSON, "{\"campaignId\":\"c\",\"globalUserId\":\"u\"}"));
        UserMessage user = UserMessage.read(JSON, "{\"globalUserId\":\"u\",\"email\":null,\"shoeSize\":\"44\"}");
        assertEquals("{\"globalUserId\":\"u\"}", user.user().toString());
        assertEquals(List.of("shoeSize"), user.ignored());
        assertEquals(
                "selection",
                DataEnvelope.read(JSON, "{\"id\":\"e\",\"type\":\"selection\",\"data\":{}}", DATA)
                        .type());
    }

    private static Function<String, ?> reader(String type) {
        return switch (type) {
            case "user" -> body -> UserMessage.read(JSON, body);
            case "entry" -> body -> EntryEvent.read(JSON, body);
            case "score" -> body -> ScoreRequest.read(JSON, body);
            case "codes" -> body -> CodesToMark.read(JSON, body);
            case "selections" -> body -> SelectionBatch.read(JSON, body);
            case "market" -> body -> MarketSelectionRequest.read(JSON, body);
            case "data" -> body -> DataEvent.read(JSON, body, DATA);
            case "envelope" -> body -> DataEnvelope.read(JSON, body, DATA);
            default -> throw new IllegalArgumentException(type);
        };
    }
}
