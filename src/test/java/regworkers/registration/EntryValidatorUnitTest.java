package regworkers.registration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.time.Instant;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import standins.DemoData;

class EntryValidatorUnitTest {

    private static final ObjectMapper MAPPER =
            JsonMapper.builder().findAndAddModules().build();
    private static final EntryValidator VALIDATOR = new EntryValidator();
    private static final String SEED_ENTRY =
            "{\"email\":\"fan@example.com\",\"markets\":[\"market-123\",\"market-456\"],\"ticket_count\":2,\"opt_in\":true}";

    /** The demo campaign plus a third market and one optional preference per remaining rule. */
    private static final Campaign CAMPAIGN = richCampaign();

    private static Campaign richCampaign() {
        ObjectNode json = DemoData.campaign(Instant.parse("2024-06-01T00:00:00Z"));
        ((ArrayNode) json.get("markets"))
                .addObject()
                .put("id", "market-789")
                .put("name", "Chicago")
                .put("capacity", 100);
        ArrayNode preferences = (ArrayNode) json.get("preferences");
        preferences
                .addObject()
                .put("id", "nickname")
                .put("type", "string")
                .put("required", false)
                .put("min", 2)
                .put("max", 5);
        preference(preferences, "size", "string")
                .putArray("allowedValues")
                .add("S")
                .add("M");
        preferences
                .addObject()
                .put("id", "budget")
                .put("type", "number")
                .put("required", false)
                .put("min", 10.5)
                .put("max", 100);
        preference(preferences, "tier", "number")
                .putArray("allowedValues")
                .add(1)
                .add(2.5);
        preference(preferences, "seats", "integer")
                .putArray("allowedValues")
                .add(2)
                .add(4);
        preference(preferences, "consent", "boolean").putArray("allowedValues").add(true);
        preferences
                .addObject()
                .put("id", "tags")
                .put("type", "array")
                .put("required", false)
                .put("min", 1)
                .put("max", 2);
        preference(preferences, "colours", "array")
                .putArray("allowedValues")
                .add("red")
                .add(1);
        preferences
                .addObject()
                .put("id", "backup_markets")
                .put("type", "markets")
                .put("required", false)
                .put("min", 2)
                .put("max", 2);
        preference(preferences, "vip_markets", "markets")
                .putArray("allowedValues")
                .add("market-123");
        return MAPPER.convertValue(json, Campaign.class);
    }

    private static ObjectNode preference(ArrayNode preferences, String id, String type) {
        return preferences.addObject().put("id", id).put("type", type).put("required", false);
    }

    /** A valid entry for the required preferences, plus {@code extra} (JSON members, may be empty). */
    private static String entry(String extra) {
        return "{\"email\":\"fan@example.com\",\"markets\":[\"market-123\"],\"ticket_count\":2"
                + (extra.isEmpty() ? "" : "," + extra) + "}";
    }

    /** The normalised form of {@link #entry} with the given normalised extra members. */
    private static String normalised(String extra) {
        return entry(extra);
    }

    private static Arguments valid(String description, String entry, String normalised) {
        return arguments(description, entry, true, null, normalised);
    }

    private static Arguments invalid(String description, String entry, String field) {
        return arguments(description, entry, false, field, null);
    }

    static Stream<Arguments> rows() {
        String longText = "x".repeat(EntryValidator.MAX_STRING_LENGTH + 1);
        String tooManyFields = IntStream.range(0, EntryValidator.MAX_FIELDS + 1)
                .mapToObj(i -> "\"f" + i + "\":1")
                .reduce((a, b) -> a + "," + b)
                .map(s -> "{" + s + "}")
                .orElseThrow();
        return Stream.of(
                // the seed's example and the basics
                valid("seed example normalises to itself", SEED_ENTRY, SEED_ENTRY),
                valid("only required fields", entry(""), normalised("")),
                valid(
                        "output follows the campaign's preference order",
                        "{\"opt_in\":false,\"ticket_count\":3,\"markets\":[\"market-456\"],\"email\":\"a@b.c\"}",
                        "{\"email\":\"a@b.c\",\"markets\":[\"market-456\"],\"ticket_count\":3,\"opt_in\":false}"),
                // the entry as a whole
                invalid("entry is an array", "[]", "entry"),
                invalid("entry is a string", "\"fan@example.com\"", "entry"),
                invalid("entry is JSON null", "null", "entry"),
                invalid("entry has too many fields", tooManyFields, "entry"),
                // unknown fields
                invalid("unknown field", entry("\"foo\":1"), "foo"),
                invalid("first unknown field in entry order wins", "{\"zeta\":1,\"alpha\":2}", "zeta"),
                invalid("unknown field is reported before a missing required one", "{\"bogus\":true}", "bogus"),
                // required and null
                invalid("all missing: first required in preference order", "{}", "email"),
                invalid("required markets missing", "{\"email\":\"fan@example.com\",\"ticket_count\":2}", "markets"),
                invalid(
                        "required given as null",
                        entry("").replace("\"ticket_count\":2", "\"ticket_count\":null"),
                        "ticket_count"),
                valid("optional null is dropped", entry("\"opt_in\":null,\"nickname\":null"), normalised("")),
                // string
                valid("string is trimmed", entry("\"nickname\":\"  Jo \""), normalised("\"nickname\":\"Jo\"")),
                invalid("string given a number", entry("\"nickname\":12"), "nickname"),
                invalid(
                        "required string blank counts as missing",
                        entry("").replace("fan@example.com", "   "),
                        "email"),
                valid("optional string blank is dropped", entry("\"nickname\":\"   \""), normalised("")),
                invalid("string shorter than min", entry("\"nickname\":\"J\""), "nickname"),
                invalid("string longer than max", entry("\"nickname\":\"Joanna\""), "nickname"),
                valid(
                        "string at max counting code points, not UTF-16 units",
                        entry("\"nickname\":\"ab\uD83D\uDE00cd\""),
                        normalised("\"nickname\":\"ab\uD83D\uDE00cd\"")),
                invalid("string over the abuse cap", entry("").replace("fan@example.com", longText), "email"),
                valid("string allowed value after trim", entry("\"size\":\" M \""), normalised("\"size\":\"M\"")),
                invalid("string not an allowed value", entry("\"size\":\"XL\""), "size"),
                invalid("string allowed values are case-sensitive", entry("\"size\":\"m\""), "size"),
                // number
                valid("number at min", entry("\"budget\":10.5"), normalised("\"budget\":10.5")),
                valid("integer literal is a number, at max", entry("\"budget\":100"), normalised("\"budget\":100")),
                invalid("number below min", entry("\"budget\":10.4"), "budget"),
                invalid("number above max", entry("\"budget\":100.01"), "budget"),
                invalid("number given as a string", entry("\"budget\":\"50\""), "budget"),
                invalid("number overflowing to infinity", entry("\"budget\":1e400"), "budget"),
                valid("number allowed compares numerically", entry("\"tier\":2.50"), normalised("\"tier\":2.50")),
                valid("number 1.0 matches allowed 1", entry("\"tier\":1.0"), normalised("\"tier\":1.0")),
                invalid("number not allowed", entry("\"tier\":2"), "tier"),
                // integer
                valid(
                        "integer at min",
                        entry("").replace("\"ticket_count\":2", "\"ticket_count\":1"),
                        normalised("").replace("\"ticket_count\":2", "\"ticket_count\":1")),
                valid(
                        "integer at max",
                        entry("").replace("\"ticket_count\":2", "\"ticket_count\":4"),
                        normalised("").replace("\"ticket_count\":2", "\"ticket_count\":4")),
                valid(
                        "integral decimal normalises to an integer",
                        entry("").replace("\"ticket_count\":2", "\"ticket_count\":2.0"),
                        normalised("")),
                invalid(
                        "integer below min",
                        entry("").replace("\"ticket_count\":2", "\"ticket_count\":0"),
                        "ticket_count"),
                invalid(
                        "integer above max",
                        entry("").replace("\"ticket_count\":2", "\"ticket_count\":5"),
                        "ticket_count"),
                invalid(
                        "integer given as a string",
                        entry("").replace("\"ticket_count\":2", "\"ticket_count\":\"2\""),
                        "ticket_count"),
                invalid(
                        "integer given a fraction",
                        entry("").replace("\"ticket_count\":2", "\"ticket_count\":2.5"),
                        "ticket_count"),
                invalid(
                        "integer given a boolean",
                        entry("").replace("\"ticket_count\":2", "\"ticket_count\":true"),
                        "ticket_count"),
                invalid("integer beyond a long", entry("\"seats\":1e20"), "seats"),
                valid("integer allowed value, normalised", entry("\"seats\":4.0"), normalised("\"seats\":4")),
                invalid("integer not allowed", entry("\"seats\":3"), "seats"),
                // boolean
                valid("boolean false", entry("\"opt_in\":false"), normalised("\"opt_in\":false")),
                invalid("boolean given as a string", entry("\"opt_in\":\"true\""), "opt_in"),
                invalid("boolean given as a number", entry("\"opt_in\":1"), "opt_in"),
                valid("boolean allowed", entry("\"consent\":true"), normalised("\"consent\":true")),
                invalid("boolean not allowed", entry("\"consent\":false"), "consent"),
                // array
                valid(
                        "array of scalars kept as given",
                        entry("\"tags\":[\"rock\",2]"),
                        normalised("\"tags\":[\"rock\",2]")),
                invalid("array given a scalar", entry("\"tags\":\"rock\""), "tags"),
                invalid("array holding an object", entry("\"tags\":[{\"a\":1}]"), "tags"),
                invalid("array holding an array", entry("\"tags\":[[1]]"), "tags"),
                invalid("array holding null", entry("\"tags\":[null]"), "tags"),
                invalid("array shorter than min", entry("\"tags\":[]"), "tags"),
                invalid("array longer than max", entry("\"tags\":[\"a\",\"b\",\"c\"]"), "tags"),
                invalid("array string over the abuse cap", entry("\"tags\":[\"" + longText + "\"]"), "tags"),
                valid(
                        "array allowed values compare numbers numerically",
                        entry("\"colours\":[\"red\",1.0]"),
                        normalised("\"colours\":[\"red\",1.0]")),
                invalid("array element not allowed", entry("\"colours\":[\"red\",\"blue\"]"), "colours"),
                // markets
                valid(
                        "markets duplicates removed keeping first order",
                        entry("").replace("[\"market-123\"]", "[\"market-456\",\"market-123\",\"market-456\"]"),
                        normalised("").replace("[\"market-123\"]", "[\"market-456\",\"market-123\"]")),
                invalid(
                        "market not in the campaign",
                        entry("").replace("[\"market-123\"]", "[\"market-123\",\"market-999\"]"),
                        "markets"),
                invalid("markets empty", entry("").replace("[\"market-123\"]", "[]"), "markets"),
                invalid("markets given a string", entry("").replace("[\"market-123\"]", "\"market-123\""), "markets"),
                invalid("markets holding a number", entry("").replace("[\"market-123\"]", "[123]"), "markets"),
                invalid("markets below min", entry("\"backup_markets\":[\"market-123\"]"), "backup_markets"),
                invalid(
                        "markets above max",
                        entry("\"backup_markets\":[\"market-123\",\"market-456\",\"market-789\"]"),
                        "backup_markets"),
                valid(
                        "markets count is taken after de-duplication",
                        entry("\"backup_markets\":[\"market-123\",\"market-123\",\"market-456\"]"),
                        normalised("\"backup_markets\":[\"market-123\",\"market-456\"]")),
                valid(
                        "markets allowed",
                        entry("\"vip_markets\":[\"market-123\",\"market-123\"]"),
                        normalised("\"vip_markets\":[\"market-123\"]")),
                invalid(
                        "market of the campaign but not allowed",
                        entry("\"vip_markets\":[\"market-789\"]"),
                        "vip_markets"),
                // several problems: the campaign's preference order decides
                invalid(
                        "first failing preference in campaign order wins",
                        "{\"tags\":[],\"email\":\"fan@example.com\",\"markets\":[\"market-123\"],\"ticket_count\":9}",
                        "ticket_count"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void validates(
            String description,
            String entryJson,
            boolean expectedValid,
            String expectedField,
            String expectedNormalised)
            throws JsonProcessingException {
        JsonNode entry = MAPPER.readTree(entryJson);

        EntryValidation result = VALIDATOR.validate(CAMPAIGN, entry);

        assertEquals(expectedValid, result.valid(), () -> "valid? " + result);
        assertEquals(expectedField, result.field());
        if (expectedValid) {
            // Compared as text, so the key order and the number forms (2 vs 2.0) count too.
            assertEquals(
                    MAPPER.writeValueAsString(MAPPER.readTree(expectedNormalised)),
                    MAPPER.writeValueAsString(result.fields()));
            assertNull(result.problem());
        } else {
            assertNull(result.fields());
            assertNotNull(result.problem());
            assertFalse(result.problem().isBlank());
            assertProblemOmitsValues(result.problem(), entry);
        }
    }

    /**
     * Submitted values may be personal data, and the problem text is logged. Short values are
     * skipped: "true" legitimately occurs in "Must be true or false."
     */
    private static void assertProblemOmitsValues(String problem, JsonNode node) {
        if (node.isTextual() && node.textValue().trim().length() >= 6) {
            assertFalse(problem.contains(node.textValue().trim()), () -> "problem leaks a value: " + problem);
        }
        node.elements().forEachRemaining(child -> assertProblemOmitsValues(problem, child));
    }

    /** Rows whose field alone would not show which rule fired. */
    static Stream<Arguments> problems() {
        return Stream.of(
                arguments(entry("\"seats\":1e20"), "Is too large."),
                arguments(entry("\"seats\":3"), "Must be one of the allowed values."),
                arguments(entry("\"budget\":10.4"), "Must be at least 10.5."),
                arguments(entry("\"budget\":100.01"), "Must be at most 100."),
                arguments(entry("\"nickname\":\"J\""), "Must have at least 2 characters."),
                arguments(entry("\"tags\":[\"a\",\"b\",\"c\"]"), "Must have at most 2 items."),
                arguments(entry("\"backup_markets\":[\"market-123\"]"), "Must have at least 2 markets."),
                arguments(entry("\"vip_markets\":[\"market-789\"]"), "Contains a value that is not allowed."),
                arguments(
                        entry("").replace("[\"market-123\"]", "[\"market-999\"]"),
                        "Names a market that is not part of the campaign."),
                arguments(entry("").replace("[\"market-123\"]", "[]"), "Must name at least one market."),
                arguments(entry("").replace("fan@example.com", " "), "This field is required."),
                arguments(entry("\"foo\":1"), "This field is not a preference of the campaign."));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("problems")
    void namesTheRuleThatFailed(String entryJson, String expectedProblem) throws JsonProcessingException {
        EntryValidation result = VALIDATOR.validate(CAMPAIGN, MAPPER.readTree(entryJson));

        assertEquals(expectedProblem, result.problem());
    }

    @Test
    void seedExampleIsValidForTheDemoCampaignUnchanged() throws JsonProcessingException {
        Campaign demo = MAPPER.convertValue(DemoData.campaign(Instant.now()), Campaign.class);

        EntryValidation result = VALIDATOR.validate(demo, MAPPER.readTree(SEED_ENTRY));

        assertTrue(result.valid(), () -> result.toString());
        assertEquals(SEED_ENTRY, MAPPER.writeValueAsString(result.fields()));
    }

    @Test
    void nullEntryIsRejectedAsEntry() {
        EntryValidation result = VALIDATOR.validate(CAMPAIGN, null);

        assertFalse(result.valid());
        assertEquals("entry", result.field());
    }

    @Test
    void problemDoesNotRepeatTheEmail() throws JsonProcessingException {
        EntryValidation result = VALIDATOR.validate(
                CAMPAIGN,
                MAPPER.readTree(
                        "{\"email\":[\"jane.doe@example.com\"],\"markets\":[\"market-123\"],\"ticket_count\":2}"));

        assertEquals("email", result.field());
        assertEquals("Must be a string.", result.problem());
    }

    @Test
    void validationDoesNotModifyTheEntry() throws JsonProcessingException {
        JsonNode entry = MAPPER.readTree(entry("\"tags\":[\"rock\"]"));
        JsonNode before = entry.deepCopy();

        EntryValidation result = VALIDATOR.validate(CAMPAIGN, entry);
        ((ArrayNode) result.fields().get("tags")).add("pop");

        assertEquals(before, entry);
    }
}
