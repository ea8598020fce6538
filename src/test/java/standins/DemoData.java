package standins;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** The demo campaign of the local run, matching the examples of the seed API document. */
public final class DemoData {

    public static final String SLUG = "artist-presale-2024";
    public static final String CAMPAIGN_ID = "campaign-789";
    public static final String MARKET_A = "market-123";
    public static final String MARKET_B = "market-456";
    public static final String INVITED_USER = "global-user-123";
    public static final int CODES_PER_MARKET = 1000;
    /** The seed's enqueueMarketSelections example: {"campaignId":"campaign-123","dateId":"2024-03-01","marketId":"market-456"}. */
    public static final String SELECTION_CAMPAIGN_ID = "campaign-123";

    public static final String SELECTION_MARKET = "market-456";
    public static final int SELECTION_CAPACITY = 100;
    public static final int SELECTION_ENTRANTS = 2_000;
    /**
     * The seed's checkEligibility example request (443 bytes), for the invited user: the test's seed case and the
     * benchmark's request body.
     */
    public static final String CHECK_ELIGIBILITY_REQUEST = """
            {"input":{"body":{"slug":"artist-presale-2024",
              "entry":{"email":"fan@example.com","markets":["market-123","market-456"],"ticket_count":2,"opt_in":true},
              "userInfo":{"email":"fan@example.com","phoneNumber":"+15551234567","firstName":"Jane","lastName":"Doe",
                "globalUserId":"global-user-123","memberId":"member-456","postalCode":"90210","countryCode":"US",
                "locale":"en-US","env":"prod","isLoggedIn":"true"},
              "doTransfer":false}}}""";
    /** The seed's success response to {@link #CHECK_ELIGIBILITY_REQUEST} (compare as JSON). */
    public static final String CHECK_ELIGIBILITY_RESPONSE = """
            {"isEligible":true,"campaignId":"campaign-789",
             "fields":{"email":"fan@example.com","markets":["market-123","market-456"],"ticket_count":2,"opt_in":true},
             "linkedCampaignId":null}""";

    private DemoData() {}

    /** For the tests: the selection example's entrants exist only as the entry service's scoring records. */
    public static void seed(StandIns standIns) {
        seedCampaigns(standIns);
        if (standIns.entry().seededScoringRecords(SELECTION_CAMPAIGN_ID, SELECTION_MARKET) == 0) {
            standIns.entry().seedScoringRecords(SELECTION_CAMPAIGN_ID, SELECTION_MARKET, SELECTION_ENTRANTS, 123);
        }
    }

    /**
     * For the local run: the campaigns, invites and code pools, and the selection example's market due for
     * notification as soon as it is selected. Its entrants are registered in demand-table by
     * {@link #selectionEntrant} (the stream replicates them to the entry service), so a selection writes verdicts.
     */
    public static void seedLocalRun(StandIns standIns) {
        seedCampaigns(standIns);
        ObjectNode selection = selectionCampaign(Instant.now());
        ((ObjectNode) selection.get("markets").get(0))
                .put("notifyAt", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        standIns.campaign().seedCampaign(selection);
    }

    private static void seedCampaigns(StandIns standIns) {
        standIns.campaign().seedCampaign(campaign(Instant.now()));
        standIns.campaign().seedInvite(CAMPAIGN_ID, INVITED_USER);
        standIns.code().seedCodePool(CAMPAIGN_ID, MARKET_A, CODES_PER_MARKET);
        standIns.code().seedCodePool(CAMPAIGN_ID, MARKET_B, CODES_PER_MARKET);
        standIns.campaign().seedCampaign(selectionCampaign(Instant.now()));
        standIns.code().seedCodePool(SELECTION_CAMPAIGN_ID, SELECTION_MARKET, 2 * SELECTION_CAPACITY);
    }

    /**
     * Entrant {@code index} of the selection example as the registration service writes it to demand-table: chose
     * the market, scored (1 in 50 unscored, as retryScore has yet to score them), flagged for replication.
     */
    public static java.util.Map<String, software.amazon.awssdk.services.dynamodb.model.AttributeValue> selectionEntrant(
            int index) {
        var item = new java.util.LinkedHashMap<String, software.amazon.awssdk.services.dynamodb.model.AttributeValue>();
        String user = "fan-" + index;
        item.put("pk", av("CAMPAIGN#" + SELECTION_CAMPAIGN_ID));
        item.put("sk", av("USER#" + user));
        item.put("campaignId", av(SELECTION_CAMPAIGN_ID));
        item.put("globalUserId", av(user));
        item.put("fields", av("{\"markets\":[\"" + SELECTION_MARKET + "\"],\"ticket_count\":2}"));
        if (index % 50 != 0) {
            item.put(
                    "score",
                    software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromN(
                            Integer.toString(100 + (index * 7919) % 900)));
        }
        item.put("needsReplication", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromBool(true));
        item.put("createdAt", av("2024-01-10T12:00:00Z"));
        item.put("updatedAt", av("2024-01-10T12:00:00Z"));
        return item;
    }

    private static software.amazon.awssdk.services.dynamodb.model.AttributeValue av(String text) {
        return software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS(text);
    }

    /** The campaign of the seed's selection example: registration closed yesterday, one market of 100 winners. */
    public static ObjectNode selectionCampaign(Instant now) {
        Instant today = now.truncatedTo(ChronoUnit.SECONDS);
        ObjectNode campaign = campaign(now)
                .put("id", SELECTION_CAMPAIGN_ID)
                .put("slug", "selection-example-2024")
                .put("name", "Selection Example")
                .put("status", "CLOSED");
        campaign.putObject("registration")
                .put("opensAt", today.minus(Duration.ofDays(30)).toString())
                .put("closesAt", today.minus(Duration.ofDays(1)).toString());
        campaign.putArray("markets")
                .addObject()
                .put("id", SELECTION_MARKET)
                .put("name", "Chicago")
                .put("capacity", SELECTION_CAPACITY);
        return campaign;
    }

    /** The demo campaign, open from 30 days before {@code now} to 30 days after. */
    public static ObjectNode campaign(Instant now) {
        Instant today = now.truncatedTo(ChronoUnit.SECONDS);
        ObjectNode campaign = Json.object()
                .put("id", CAMPAIGN_ID)
                .put("slug", SLUG)
                .put("name", "Artist Presale 2024")
                .put("status", "OPEN");
        campaign.putObject("registration")
                .put("opensAt", today.minus(Duration.ofDays(30)).toString())
                .put("closesAt", today.plus(Duration.ofDays(30)).toString());
        campaign.putObject("gate").put("inviteOnly", false).put("idvRequired", false);
        campaign.putNull("linkedCampaignId");
        ArrayNode markets = campaign.putArray("markets");
        markets.addObject()
                .put("id", MARKET_A)
                .put("name", "Los Angeles")
                .put("capacity", 500)
                .put("notifyAt", today.plus(Duration.ofDays(2)).toString());
        markets.addObject().put("id", MARKET_B).put("name", "New York").put("capacity", 300);
        ArrayNode preferences = campaign.putArray("preferences");
        preferences.addObject().put("id", "email").put("type", "string").put("required", true);
        preferences.addObject().put("id", "markets").put("type", "markets").put("required", true);
        preferences
                .addObject()
                .put("id", "ticket_count")
                .put("type", "integer")
                .put("required", true)
                .put("min", 1)
                .put("max", 4);
        preferences.addObject().put("id", "opt_in").put("type", "boolean").put("required", false);
        return campaign;
    }
}
