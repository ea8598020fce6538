package regworkers.registration;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import regworkers.platform.JsonMessage;

/**
 * An upsertUsersQueue message: one user, with only the user service's fields ({@code ignored}: the other fields it
 * carried, not forwarded).
 */
public record UserMessage(ObjectNode user, List<String> ignored) {

    /** The fields of the user service's User (contracts/user-service.yaml); others are not forwarded. */
    static final Set<String> USER_FIELDS = Set.of(
            "globalUserId",
            "email",
            "firstName",
            "lastName",
            "phoneNumber",
            "memberId",
            "postalCode",
            "countryCode",
            "locale");

    static final String INVALID = "INVALID_USER";
    private static final int MAX_FIELD_LENGTH = 256;

    public static UserMessage read(ObjectMapper json, String body) {
        JsonMessage message = JsonMessage.read(json, body, INVALID, "{globalUserId, email, firstName, ...}");
        ObjectNode user = json.createObjectNode();
        List<String> ignored = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> fields = message.node().fields(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> field = fields.next();
            if (!USER_FIELDS.contains(field.getKey())) {
                ignored.add(field.getKey());
            } else if (!field.getValue().isNull()) {
                if (!field.getValue().isTextual()) {
                    throw message.invalid(field.getKey() + " must be a string");
                }
                if (field.getValue().asText().length() > MAX_FIELD_LENGTH) {
                    throw message.invalid(field.getKey() + " is longer than " + MAX_FIELD_LENGTH);
                }
                user.set(field.getKey(), field.getValue());
            }
        }
        if (user.path("globalUserId").asText("").isBlank()) {
            throw message.invalid("globalUserId is required");
        }
        return new UserMessage(user, List.copyOf(ignored));
    }
}
