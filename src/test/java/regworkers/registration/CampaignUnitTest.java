package regworkers.registration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import regworkers.registration.Campaign.CampaignStatus;
import regworkers.registration.Campaign.GateRuleType;
import regworkers.registration.Campaign.Preference;
import regworkers.registration.Campaign.PreferenceType;
import standins.DemoData;

class CampaignUnitTest {

    // Fails on unknown properties by default, so the model's own leniency is what is tested.
    private static final ObjectMapper MAPPER =
            JsonMapper.builder().findAndAddModules().build();
    private static final Instant NOW = Instant.parse("2024-06-01T12:00:00Z");
    private static final Instant OPENS = NOW.minus(Duration.ofDays(30));
    private static final Instant CLOSES = NOW.plus(Duration.ofDays(30));

    private static Campaign read(ObjectNode json) throws JsonProcessingException {
        return MAPPER.treeToValue(json, Campaign.class);
    }

    @Test
    void readsTheDemoCampaignIgnoringUnknownProperties() throws JsonProcessingException {
        ObjectNode json = DemoData.campaign(NOW);
        json.putObject("event").put("name", "Tour").put("venue", "Arena").put("startsAt", "2024-09-01T19:00:00Z");
        json.putObject("someFutureProperty").put("anything", 1);
        ((ObjectNode) json.get("markets").get(0)).putObject("event").put("kind", "stadium");

        Campaign campaign = read(json);

        assertEquals(DemoData.CAMPAIGN_ID, campaign.id());
        assertEquals(DemoData.SLUG, campaign.slug());
        assertEquals("Artist Presale 2024", campaign.name());
        assertEquals(CampaignStatus.OPEN, campaign.status());
        assertEquals(OPENS, campaign.registration().opensAt());
        assertEquals(CLOSES, campaign.registration().closesAt());
        assertFalse(campaign.gate().inviteOnly());
        assertFalse(campaign.gate().idvRequired());
        assertNull(campaign.gate().rule());
        assertNull(campaign.linkedCampaignId());

        assertEquals(2, campaign.markets().size());
        assertEquals(
                new Campaign.Market(DemoData.MARKET_A, "Los Angeles", 500, NOW.plus(Duration.ofDays(2))),
                campaign.markets().get(0));
        assertEquals(
                new Campaign.Market(DemoData.MARKET_B, "New York", 300, null),
                campaign.markets().get(1));

        assertEquals(
                List.of("email", "markets", "ticket_count", "opt_in"),
                campaign.preferences().stream().map(Preference::id).toList());
        assertEquals(
                List.of(PreferenceType.STRING, PreferenceType.MARKETS, PreferenceType.INTEGER, PreferenceType.BOOLEAN),
                campaign.preferences().stream().map(Preference::type).toList());
        assertEquals(
                List.of(true, true, true, false),
                campaign.preferences().stream().map(Preference::required).toList());
        Preference tickets = campaign.preference("ticket_count").orElseThrow();
        assertEquals(0, BigDecimal.ONE.compareTo(tickets.min()));
        assertEquals(0, BigDecimal.valueOf(4).compareTo(tickets.max()));
        assertTrue(tickets.allowedValues().isEmpty());
        assertNull(campaign.preference("email").orElseThrow().min());
    }

    @Test
    void readsGateRuleAllowedValuesLinkedCampaignAndOffsetTimes() throws JsonProcessingException {
        ObjectNode json = DemoData.campaign(NOW);
        json.put("linkedCampaignId", "campaign-001");
        ((ObjectNode) json.get("registration")).put("opensAt", "2024-06-01T10:00:00+02:00");
        ObjectNode gate = json.putObject("gate").put("inviteOnly", true).put("idvRequired", true);
        gate.putObject("rule")
                .put("type", "CARD")
                .putArray("allowed")
                .add("visa")
                .add("amex");
        ((ObjectNode) json.get("preferences").get(3))
                .putArray("allowedValues")
                .add(7)
                .add("seven");

        Campaign campaign = read(json);

        assertEquals("campaign-001", campaign.linkedCampaignId());
        assertEquals(
                Instant.parse("2024-06-01T08:00:00Z"), campaign.registration().opensAt());
        assertTrue(campaign.gate().inviteOnly());
        assertTrue(campaign.gate().idvRequired());
        assertEquals(
                new Campaign.GateRule(GateRuleType.CARD, List.of("visa", "amex")),
                campaign.gate().rule());
        assertEquals(
                List.of(IntNode.valueOf(7), TextNode.valueOf("seven")),
                campaign.preference("opt_in").orElseThrow().allowedValues());
    }

    @Test
    void absentMarketsAndPreferencesAreEmpty() throws JsonProcessingException {
        ObjectNode json = DemoData.campaign(NOW);
        json.remove("markets");
        json.remove("preferences");
        json.remove("linkedCampaignId");

        Campaign campaign = read(json);

        assertEquals(List.of(), campaign.markets());
        assertEquals(List.of(), campaign.preferences());
        assertFalse(campaign.hasMarket(DemoData.MARKET_A));
        assertTrue(campaign.preference("email").isEmpty());
    }

    @Test
    void findsMarketsAndPreferencesById() throws JsonProcessingException {
        Campaign campaign = read(DemoData.campaign(NOW));

        assertTrue(campaign.hasMarket(DemoData.MARKET_A));
        assertTrue(campaign.hasMarket(DemoData.MARKET_B));
        assertFalse(campaign.hasMarket("market-999"));
        assertEquals(
                PreferenceType.MARKETS,
                campaign.preference("markets").orElseThrow().type());
        assertTrue(campaign.preference("nope").isEmpty());
    }

    static Stream<Arguments> contractViolations() {
        return Stream.of(
                arguments("no registration window", (Mutation) json -> json.remove("registration")),
                arguments("no gate", (Mutation) json -> json.remove("gate")),
                arguments("no status", (Mutation) json -> json.remove("status")),
                arguments("unknown status", (Mutation) json -> json.put("status", "PAUSED")),
                arguments("window without closesAt", (Mutation)
                        json -> ((ObjectNode) json.get("registration")).remove("closesAt")),
                arguments("market without capacity", (Mutation)
                        json -> ((ObjectNode) json.get("markets").get(1)).remove("capacity")),
                arguments("negative capacity", (Mutation)
                        json -> ((ObjectNode) json.get("markets").get(1)).put("capacity", -1)),
                arguments("unknown preference type", (Mutation)
                        json -> ((ObjectNode) json.get("preferences").get(0)).put("type", "date")),
                arguments("preference without required", (Mutation)
                        json -> ((ObjectNode) json.get("preferences").get(0)).remove("required")),
                arguments("unknown gate rule type", (Mutation) json -> ((ObjectNode) json.get("gate"))
                        .putObject("rule")
                        .put("type", "AGE")
                        .putArray("allowed")),
                arguments("unknown property in a closed nested object", (Mutation)
                        json -> ((ObjectNode) json.get("gate")).put("surprise", true)));
    }

    interface Mutation {
        void apply(ObjectNode campaign);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("contractViolations")
    void rejectsWhatTheContractForbids(String description, Mutation mutation) {
        ObjectNode json = DemoData.campaign(NOW);
        mutation.apply(json);

        assertThrows(JsonMappingException.class, () -> read(json));
    }

    static Stream<Arguments> registrationTimes() {
        return Stream.of(
                arguments("OPEN", OPENS.minusNanos(1), false),
                arguments("OPEN", OPENS, true),
                arguments("OPEN", NOW, true),
                arguments("OPEN", CLOSES.minusNanos(1), true),
                arguments("OPEN", CLOSES, false),
                arguments("OPEN", CLOSES.plusSeconds(1), false),
                arguments("DRAFT", NOW, false),
                arguments("CLOSED", NOW, false),
                arguments("FINISHED", NOW, false));
    }

    @ParameterizedTest(name = "{0} at {1} -> {2}")
    @MethodSource("registrationTimes")
    void acceptsRegistrationsOnlyWhileOpenAndInsideTheWindow(String status, Instant at, boolean expected)
            throws JsonProcessingException {
        ObjectNode json = DemoData.campaign(NOW).put("status", status);

        assertEquals(expected, read(json).acceptsRegistrationsAt(at));
    }

    @Test
    void listsAreImmutable() throws JsonProcessingException {
        Campaign campaign = read(DemoData.campaign(NOW));

        assertThrows(
                UnsupportedOperationException.class, () -> campaign.markets().clear());
        assertThrows(
                UnsupportedOperationException.class,
                () -> campaign.preferences().clear());
    }
}
