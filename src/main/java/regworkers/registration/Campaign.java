package regworkers.registration;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * A campaign as served by the campaign service ({@code contracts/campaign-service.yaml}).
 *
 * <p>The Campaign object is open in the contract, so unknown properties (e.g. {@code event}) are
 * ignored. The nested objects are closed there and are read as such, except that a market's
 * {@code event}, which the contract allows, is skipped because no worker needs it. Properties the
 * logic depends on are checked when the record is built, so a campaign that breaks the contract
 * fails at deserialisation rather than later with a NullPointerException.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Campaign(
        @JsonProperty(required = true) String id,
        @JsonProperty(required = true) String slug,
        @JsonProperty(required = true) String name,
        @JsonProperty(required = true) CampaignStatus status,
        @JsonProperty(required = true) RegistrationWindow registration,
        @JsonProperty(required = true) Gate gate,
        String linkedCampaignId,
        List<Market> markets,
        List<Preference> preferences) {

    public Campaign {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(slug, "slug");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(registration, "registration");
        // A missing gate must not silently mean "no gate": that would open an invite-only campaign.
        Objects.requireNonNull(gate, "gate");
        markets = markets == null ? List.of() : List.copyOf(markets);
        preferences = preferences == null ? List.of() : List.copyOf(preferences);
    }

    /** Whether the campaign is OPEN and {@code now} lies in [opensAt, closesAt). */
    public boolean acceptsRegistrationsAt(Instant now) {
        return status == CampaignStatus.OPEN
                && !now.isBefore(registration.opensAt())
                && now.isBefore(registration.closesAt());
    }

    public boolean hasMarket(String marketId) {
        return markets.stream().anyMatch(market -> market.id().equals(marketId));
    }

    public Optional<Preference> preference(String preferenceId) {
        return preferences.stream()
                .filter(preference -> preference.id().equals(preferenceId))
                .findFirst();
    }

    public enum CampaignStatus {
        DRAFT,
        OPEN,
        CLOSED,
        FINISHED
    }

    public record RegistrationWindow(
            @JsonProperty(required = true) Instant opensAt,
            @JsonProperty(required = true) Instant closesAt) {

        public RegistrationWindow {
            Objects.requireNonNull(opensAt, "opensAt");
            Objects.requireNonNull(closesAt, "closesAt");
        }
    }

    /** {@code rule} is optional: null means no card/country rule. */
    public record Gate(
            @JsonProperty(required = true) boolean inviteOnly,
            @JsonProperty(required = true) boolean idvRequired,
            GateRule rule) {}

    public record GateRule(
            @JsonProperty(required = true) GateRuleType type,
            @JsonProperty(required = true) List<String> allowed) {

        public GateRule {
            Objects.requireNonNull(type, "type");
            allowed = allowed == null ? List.of() : List.copyOf(allowed);
        }
    }

    public enum GateRuleType {
        CARD,
        COUNTRY
    }

    @JsonIgnoreProperties({"event"})
    public record Market(
            @JsonProperty(required = true) String id,
            @JsonProperty(required = true) String name,
            @JsonProperty(required = true) int capacity,
            Instant notifyAt) {

        public Market {
            Objects.requireNonNull(id, "id");
            if (capacity < 0) {
                throw new IllegalArgumentException("capacity must not be negative");
            }
        }
    }

    /**
     * One field a fan fills in. {@code allowedValues} is empty when the campaign sets none; an
     * explicitly empty list is read the same way (no restriction). {@code min}/{@code max} are
     * inclusive and null when absent.
     */
    public record Preference(
            @JsonProperty(required = true) String id,
            @JsonProperty(required = true) PreferenceType type,
            @JsonProperty(required = true) boolean required,
            List<JsonNode> allowedValues,
            BigDecimal min,
            BigDecimal max) {

        public Preference {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(type, "type");
            allowedValues = allowedValues == null ? List.of() : List.copyOf(allowedValues);
        }
    }

    public enum PreferenceType {
        @JsonProperty("string")
        STRING,
        @JsonProperty("number")
        NUMBER,
        @JsonProperty("integer")
        INTEGER,
        @JsonProperty("boolean")
        BOOLEAN,
        @JsonProperty("array")
        ARRAY,
        @JsonProperty("markets")
        MARKETS
    }
}
