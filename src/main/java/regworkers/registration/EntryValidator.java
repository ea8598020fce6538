package regworkers.registration;

import static regworkers.registration.EntryValidation.accepted;
import static regworkers.registration.EntryValidation.rejected;

import java.math.BigDecimal;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import regworkers.registration.Campaign.Preference;

/**
 * Checks a fan's entry against the campaign's preferences and normalises it.
 *
 * <p>Rules, in order (the first failure wins, so results are deterministic): the entry is a JSON
 * object of at most {@link #MAX_FIELDS} fields; every field, in the entry's order, is a preference
 * of the campaign; then each preference, in the campaign's order, is checked for presence, type,
 * abuse limits, min/max and allowed values. A null value counts as absent, and so does a string
 * that is empty after trimming (a required one is then "required", an optional one is dropped).
 */
@ApplicationScoped
public class EntryValidator {

    /** Abuse limits: far above any real campaign, low enough to bound the work per request. */
    public static final int MAX_FIELDS = 50;

    public static final int MAX_STRING_LENGTH = 1000;
    public static final int MAX_ARRAY_ITEMS = 100;

    static final String ENTRY = "entry";

    public EntryValidation validate(Campaign campaign, JsonNode entry) {
        if (entry == null || !entry.isObject()) {
            return rejected(ENTRY, "The entry must be a JSON object.");
        }
        if (entry.size() > MAX_FIELDS) {
            return rejected(ENTRY, "The entry has more than " + MAX_FIELDS + " fields.");
        }
        for (Iterator<String> names = entry.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (campaign.preference(name).isEmpty()) {
                return rejected(name, "This field is not a preference of the campaign.");
            }
        }
        ObjectNode fields = JsonNodeFactory.instance.objectNode();
        for (Preference preference : campaign.preferences()) {
            JsonNode value = entry.get(preference.id());
            JsonNode normalised;
            try {
                normalised = value == null || value.isNull() ? null : normalise(campaign, preference, value);
            } catch (Rejection rejection) {
                return rejected(preference.id(), rejection.getMessage());
            }
            if (normalised != null) {
                fields.set(preference.id(), normalised);
            } else if (preference.required()) {
                return rejected(preference.id(), "This field is required.");
            }
        }
        return accepted(fields);
    }

    /** The normalised value, or null when the value counts as absent. */
    private static JsonNode normalise(Campaign campaign, Preference preference, JsonNode value) {
        return switch (preference.type()) {
            case STRING -> string(preference, value);
            case NUMBER -> number(preference, value);
            case INTEGER -> integer(preference, value);
            case BOOLEAN -> bool(preference, value);
            case ARRAY -> array(preference, value);
            case MARKETS -> markets(campaign, preference, value);
        };
    }

    private static JsonNode string(Preference preference, JsonNode value) {
        if (!value.isTextual()) {
            throw new Rejection("Must be a string.");
        }
        checkStringLength(value);
        String text = value.textValue().trim();
        if (text.isEmpty()) {
            return null;
        }
        // Lengths count code points, so an emoji is one character, as a fan would count it.
        checkRange(preference, BigDecimal.valueOf(text.codePointCount(0, text.length())), "characters");
        TextNode normalised = TextNode.valueOf(text);
        checkAllowed(preference, normalised, "Must be one of the allowed values.");
        return normalised;
    }

    private static JsonNode number(Preference preference, JsonNode value) {
        if (!value.isNumber() || !finite(value)) {
            throw new Rejection("Must be a number.");
        }
        checkRange(preference, value.decimalValue(), null);
        checkAllowed(preference, value, "Must be one of the allowed values.");
        return value;
    }

    private static JsonNode integer(Preference preference, JsonNode value) {
        if (!value.isNumber() || !finite(value) || !value.canConvertToExactIntegral()) {
            throw new Rejection("Must be a whole number.");
        }
        if (!value.canConvertToLong()) {
            throw new Rejection("Is too large.");
        }
        long number = value.longValue();
        checkRange(preference, BigDecimal.valueOf(number), null);
        // The smallest node type, as a parser would produce, so 2.0 and 2 normalise to equal nodes.
        JsonNode normalised = number == (int) number ? IntNode.valueOf((int) number) : LongNode.valueOf(number);
        checkAllowed(preference, normalised, "Must be one of the allowed values.");
        return normalised;
    }

    private static JsonNode bool(Preference preference, JsonNode value) {
        if (!value.isBoolean()) {
            throw new Rejection("Must be true or false.");
        }
        checkAllowed(preference, value, "Must be one of the allowed values.");
        return value;
    }

    private static JsonNode array(Preference preference, JsonNode value) {
        checkArray(value, "Must be a list.");
        for (JsonNode item : value) {
            if (!(item.isTextual() || item.isBoolean() || item.isNumber() && finite(item))) {
                throw new Rejection("Must contain only strings, numbers or booleans.");
            }
            checkStringLength(item);
        }
        checkRange(preference, BigDecimal.valueOf(value.size()), "items");
        for (JsonNode item : value) {
            checkAllowed(preference, item, "Contains a value that is not allowed.");
        }
        return value.deepCopy();
    }

    private static JsonNode markets(Campaign campaign, Preference preference, JsonNode value) {
        checkArray(value, "Must be a list of market ids.");
        Set<String> ids = new LinkedHashSet<>();
        for (JsonNode item : value) {
            if (!item.isTextual()) {
                throw new Rejection("Must contain only market ids.");
            }
            checkStringLength(item);
            if (!campaign.hasMarket(item.textValue())) {
                throw new Rejection("Names a market that is not part of the campaign.");
            }
            ids.add(item.textValue());
        }
        if (ids.isEmpty()) {
            throw new Rejection("Must name at least one market.");
        }
        checkRange(preference, BigDecimal.valueOf(ids.size()), "markets");
        ArrayNode normalised = JsonNodeFactory.instance.arrayNode();
        ids.forEach(normalised::add);
        for (JsonNode item : normalised) {
            checkAllowed(preference, item, "Contains a value that is not allowed.");
        }
        return normalised;
    }

    private static void checkArray(JsonNode value, String problem) {
        if (!value.isArray()) {
            throw new Rejection(problem);
        }
        if (value.size() > MAX_ARRAY_ITEMS) {
            throw new Rejection("Has more than " + MAX_ARRAY_ITEMS + " items.");
        }
    }

    private static void checkStringLength(JsonNode value) {
        if (value.isTextual() && value.textValue().length() > MAX_STRING_LENGTH) {
            throw new Rejection("Is longer than " + MAX_STRING_LENGTH + " characters.");
        }
    }

    /** {@code unit} null: compares the value itself; otherwise a count of {@code unit}. */
    private static void checkRange(Preference preference, BigDecimal amount, String unit) {
        String verb = unit == null ? "be" : "have";
        String suffix = unit == null ? "." : " " + unit + ".";
        if (preference.min() != null && amount.compareTo(preference.min()) < 0) {
            throw new Rejection("Must " + verb + " at least " + preference.min().toPlainString() + suffix);
        }
        if (preference.max() != null && amount.compareTo(preference.max()) > 0) {
            throw new Rejection("Must " + verb + " at most " + preference.max().toPlainString() + suffix);
        }
    }

    private static void checkAllowed(Preference preference, JsonNode value, String problem) {
        if (!preference.allowedValues().isEmpty()
                && preference.allowedValues().stream().noneMatch(allowed -> same(value, allowed))) {
            throw new Rejection(problem);
        }
    }

    /** Numbers compare by value (2 equals 2.0); everything else by JSON equality. */
    private static boolean same(JsonNode value, JsonNode allowed) {
        if (value.isNumber() && allowed.isNumber() && finite(value) && finite(allowed)) {
            return value.decimalValue().compareTo(allowed.decimalValue()) == 0;
        }
        return value.equals(allowed);
    }

    /** Excludes the infinities a parser makes of literals like 1e400, which have no decimal value. */
    private static boolean finite(JsonNode number) {
        return !number.isFloatingPointNumber() || Double.isFinite(number.doubleValue());
    }

    /** Carries a problem sentence out of the per-type checks; a control-flow signal, so no stack trace. */
    private static final class Rejection extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Rejection(String problem) {
            super(problem, null, false, false);
        }
    }
}
