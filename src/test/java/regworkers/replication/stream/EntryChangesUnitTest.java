package regworkers.replication.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import regworkers.platform.PermanentFailure;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.OperationType;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.model.StreamRecord;

/** Which stream records become saveEntriesQueue messages, and the typed → plain conversion of their images. */
class EntryChangesUnitTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final EntryChanges changes = new EntryChanges(JSON, 262_144);

    /** The seed's enqueueEntries stream event (api-usage.md, "DynamoDB Stream Records"). */
    private static final String SEED_EVENT = """
            {
              "Records": [
                {
                  "eventName": "INSERT",
                  "dynamodb": {
                    "Keys": {
                      "pk": { "S": "CAMPAIGN#campaign-123" },
                      "sk": { "S": "USER#user-456" }
                    },
                    "NewImage": {
                      "pk": { "S": "CAMPAIGN#campaign-123" },
                      "sk": { "S": "USER#user-456" },
                      "globalUserId": { "S": "user-456" },
                      "campaignId": { "S": "campaign-123" },
                      "needsReplication": { "BOOL": true },
                      "fields": { "S": "{\\"email\\":\\"fan@example.com\\"}" }
                    }
                  }
                }
              ]
            }""";

    @Test
    void theSeedsRecordBecomesTheSeedsSaveEntriesMessage() throws Exception {
        List<Record> records = EntryChanges.parseEvent(JSON.readTree(SEED_EVENT));
        assertEquals(1, records.size());

        EntryChange change = changes.of(records.get(0), "invoke-1").orElseThrow();

        assertEquals(JSON.readTree("""
                {"entry": {"pk": "CAMPAIGN#campaign-123", "sk": "USER#user-456", "globalUserId": "user-456",
                           "campaignId": "campaign-123", "needsReplication": true, "fields": "{\\"email\\":\\"fan@example.com\\"}"},
                 "operation": "INSERT"}"""), JSON.readTree(change.body()));
        assertEquals("INSERT", change.operation());
        assertEquals("invoke-1", change.correlationId(), "without an eventID the invocation's id correlates");
    }

    static Stream<Arguments> attributeTypes() {
        return Stream.of(
                Arguments.of("S", AttributeValue.fromS("fan"), "\"fan\""),
                Arguments.of("S empty", AttributeValue.fromS(""), "\"\""),
                Arguments.of("N integer", AttributeValue.fromN("850"), "850"),
                Arguments.of("N negative", AttributeValue.fromN("-3"), "-3"),
                Arguments.of("N decimal", AttributeValue.fromN("1.50"), "1.5"),
                Arguments.of("N exponent", AttributeValue.fromN("1E+3"), "1000"),
                Arguments.of("N long", AttributeValue.fromN("9007199254740993"), "9007199254740993"),
                Arguments.of(
                        "N 38 digits",
                        AttributeValue.fromN("12345678901234567890123456789012345678"),
                        "12345678901234567890123456789012345678"),
                Arguments.of("N small decimal", AttributeValue.fromN("0.000123"), "0.000123"),
                Arguments.of("B", AttributeValue.fromB(SdkBytes.fromString("hi", StandardCharsets.UTF_8)), "\"aGk=\""),
                Arguments.of("BOOL true", AttributeValue.fromBool(true), "true"),
                Arguments.of("BOOL false", AttributeValue.fromBool(false), "false"),
                Arguments.of("NULL", AttributeValue.fromNul(true), "null"),
                Arguments.of(
                        "M",
                        AttributeValue.fromM(Map.of(
                                "market-123",
                                AttributeValue.fromM(Map.of(
                                        "status",
                                        AttributeValue.fromS("SELECTED"),
                                        "code",
                                        AttributeValue.fromS("ABC"))))),
                        "{\"market-123\": {\"status\": \"SELECTED\", \"code\": \"ABC\"}}"),
                Arguments.of("M empty", AttributeValue.fromM(Map.of()), "{}"),
                Arguments.of(
                        "L mixed",
                        AttributeValue.fromL(List.of(
                                AttributeValue.fromS("a"),
                                AttributeValue.fromN("2"),
                                AttributeValue.fromBool(true),
                                AttributeValue.fromNul(true),
                                AttributeValue.fromL(List.of()))),
                        "[\"a\", 2, true, null, []]"),
                Arguments.of("L empty", AttributeValue.fromL(List.of()), "[]"),
                Arguments.of(
                        "SS",
                        AttributeValue.fromSs(List.of("market-123", "market-456")),
                        "[\"market-123\", \"market-456\"]"),
                Arguments.of("NS", AttributeValue.fromNs(List.of("1", "2.5")), "[1, 2.5]"),
                Arguments.of(
                        "BS",
                        AttributeValue.fromBs(List.of(SdkBytes.fromString("a", StandardCharsets.UTF_8))),
                        "[\"YQ==\"]"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("attributeTypes")
    void everyAttributeTypeBecomesPlainJson(String type, AttributeValue value, String expected) throws Exception {
        Record record = insert(Map.of(
                "pk",
                AttributeValue.fromS("CAMPAIGN#c"),
                "sk",
                AttributeValue.fromS("USER#u"),
                "needsReplication",
                AttributeValue.fromBool(true),
                "value",
                value));

        JsonNode entry =
                JSON.readTree(changes.of(record, "x").orElseThrow().body()).get("entry");

        assertEquals(JSON.readTree(expected), entry.get("value"), type);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("attributeTypes")
    void theTypedJsonOfAnEventReadsLikeTheSdksValues(String type, AttributeValue value, String expected)
            throws Exception {
        String typed = JSON.writeValueAsString(Map.of("value", typedJson(value)));

        Map<String, AttributeValue> parsed = PlainImages.fromTyped(JSON.readTree(typed));

        assertEquals(
                JSON.readTree(expected),
                JSON.readTree(JSON.writeValueAsString(PlainImages.toPlain(parsed.get("value")))),
                type);
    }

    @Test
    void onlyRecordsThatNeedReplicationAreKept() {
        Map<String, AttributeValue> keys =
                Map.of("pk", AttributeValue.fromS("CAMPAIGN#c"), "sk", AttributeValue.fromS("USER#u"));
        assertTrue(changes.of(insert(with(keys, "needsReplication", AttributeValue.fromBool(true))), "x")
                .isPresent());
        assertEquals(
                Optional.empty(),
                changes.of(insert(with(keys, "needsReplication", AttributeValue.fromBool(false))), "x"));
        assertEquals(Optional.empty(), changes.of(insert(keys), "x"), "no flag");
        assertEquals(
                Optional.empty(),
                changes.of(insert(with(keys, "needsReplication", AttributeValue.fromS("true"))), "x"),
                "the flag is a BOOL");

        Record modified = record(
                OperationType.MODIFY,
                keys,
                with(keys, "needsReplication", AttributeValue.fromBool(true)),
                with(keys, "needsReplication", AttributeValue.fromBool(false)));
        assertEquals("MODIFY", changes.of(modified, "x").orElseThrow().operation());
        Record cleared = record(
                OperationType.MODIFY,
                keys,
                with(keys, "needsReplication", AttributeValue.fromBool(false)),
                with(keys, "needsReplication", AttributeValue.fromBool(true)));
        assertEquals(
                Optional.empty(), changes.of(cleared, "x"), "saveEntries clearing the flag is not replicated again");
    }

    @Test
    void aRemoveOfAnEntryCarriesItsOldImageElseItsKeys() throws Exception {
        Map<String, AttributeValue> keys =
                Map.of("pk", AttributeValue.fromS("CAMPAIGN#c"), "sk", AttributeValue.fromS("USER#u"));
        Map<String, AttributeValue> old = with(
                with(keys, "globalUserId", AttributeValue.fromS("u")),
                "needsReplication",
                AttributeValue.fromBool(false));

        EntryChange withOldImage =
                changes.of(record(OperationType.REMOVE, keys, null, old), "x").orElseThrow();
        assertEquals(JSON.readTree("""
                {"entry": {"pk": "CAMPAIGN#c", "sk": "USER#u", "globalUserId": "u", "needsReplication": false},
                 "operation": "REMOVE"}"""), JSON.readTree(withOldImage.body()));

        EntryChange keysOnly =
                changes.of(record(OperationType.REMOVE, keys, null, null), "x").orElseThrow();
        assertEquals(
                JSON.readTree("{\"entry\": {\"pk\": \"CAMPAIGN#c\", \"sk\": \"USER#u\"}, \"operation\": \"REMOVE\"}"),
                JSON.readTree(keysOnly.body()));
    }

    @Test
    void aRemoveOfAnItemThatIsNoEntryIsSkipped() {
        Map<String, AttributeValue> selectionRun =
                Map.of("pk", AttributeValue.fromS("SELECTION#c#m#d"), "sk", AttributeValue.fromS("RUN"));
        assertEquals(Optional.empty(), changes.of(record(OperationType.REMOVE, selectionRun, null, selectionRun), "x"));
    }

    @Test
    void theStreamRecordsEventIdIsTheCorrelationId() {
        Map<String, AttributeValue> image = Map.of(
                "pk",
                AttributeValue.fromS("CAMPAIGN#c"),
                "sk",
                AttributeValue.fromS("USER#u"),
                "needsReplication",
                AttributeValue.fromBool(true));
        Record record = insert(image).toBuilder().eventID("event-42").build();
        assertEquals("event-42", changes.of(record, "poll-1").orElseThrow().correlationId());
    }

    @Test
    void aMalformedEventIsAPermanentFailure() {
        assertThrows(PermanentFailure.class, () -> EntryChanges.parseEvent(JSON.readTree("{\"records\": []}")));
        assertThrows(PermanentFailure.class, () -> EntryChanges.parseEvent(JSON.readTree("""
                {"Records": [{"eventName": "INSERT", "dynamodb": {"NewImage": {"pk": {"X": "?"}}}}]}""")));
        assertThrows(PermanentFailure.class, () -> EntryChanges.parseEvent(JSON.readTree("""
                {"Records": [{"eventName": "INSERT", "dynamodb": {"NewImage": {"score": {"N": "many"}}}}]}""")));
    }

    @Test
    void aBatchTakesAtMostTenMessagesAndItsByteLimit() {
        SaveEntriesQueue queue = new SaveEntriesQueue(null, "q", 1000, "-dlq");
        EntryChange small = new EntryChange("INSERT", "x".repeat(50), "c", "1");
        EntryChange large = new EntryChange("INSERT", "x".repeat(600), "c", "2");
        List<EntryChange> nine = java.util.Collections.nCopies(9, small);
        assertTrue(queue.fits(nine, small));
        assertEquals(false, queue.fits(java.util.Collections.nCopies(10, small), small), "11 messages");
        assertEquals(false, queue.fits(List.of(large), large), "over the byte limit");
        assertTrue(
                queue.fits(List.of(), new EntryChange("INSERT", "x".repeat(5000), "c", "3")),
                "a batch always takes one");
    }

    private static Record insert(Map<String, AttributeValue> image) {
        return record(OperationType.INSERT, Map.of("pk", image.get("pk"), "sk", image.get("sk")), image, null);
    }

    private static Record record(
            OperationType operation,
            Map<String, AttributeValue> keys,
            Map<String, AttributeValue> newImage,
            Map<String, AttributeValue> oldImage) {
        return Record.builder()
                .eventName(operation)
                .dynamodb(StreamRecord.builder()
                        .keys(keys)
                        .newImage(newImage)
                        .oldImage(oldImage)
                        .sequenceNumber("1")
                        .build())
                .build();
    }

    private static Map<String, AttributeValue> with(
            Map<String, AttributeValue> image, String name, AttributeValue value) {
        Map<String, AttributeValue> copy = new java.util.HashMap<>(image);
        copy.put(name, value);
        return copy;
    }

    /** The typed JSON the stream event carries for {@code value}, written independently of the code under test. */
    private static Object typedJson(AttributeValue value) {
        return switch (value.type()) {
            case S -> Map.of("S", value.s());
            case N -> Map.of("N", value.n());
            case B ->
                Map.of(
                        "B",
                        java.util.Base64.getEncoder().encodeToString(value.b().asByteArray()));
            case BOOL -> Map.of("BOOL", value.bool());
            case NUL -> Map.of("NULL", true);
            case M ->
                Map.of(
                        "M",
                        value.m().entrySet().stream()
                                .collect(java.util.stream.Collectors.toMap(
                                        Map.Entry::getKey, e -> typedJson(e.getValue()))));
            case L ->
                Map.of(
                        "L",
                        value.l().stream().map(EntryChangesUnitTest::typedJson).toList());
            case SS -> Map.of("SS", value.ss());
            case NS -> Map.of("NS", value.ns());
            case BS ->
                Map.of(
                        "BS",
                        value.bs().stream()
                                .map(b -> java.util.Base64.getEncoder().encodeToString(b.asByteArray()))
                                .toList());
            default -> throw new IllegalArgumentException(value.toString());
        };
    }
}
