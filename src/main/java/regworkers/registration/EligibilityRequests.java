package regworkers.registration;

import java.io.IOException;
import java.util.Iterator;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Exchange;

/**
 * Reads a checkEligibility request: {@code {"input":{"body":{…}}}} as AppSync sends it, the bare body, or
 * {@code {"body":{…}}} as the seed's workers:invoke passes it. Every
 * client mistake becomes a {@link ClientError} that names it.
 */
@ApplicationScoped
@Named("eligibilityRequests")
public class EligibilityRequests {

    public static final String REQUEST = "regworkers.eligibilityRequest";
    private static final Set<String> BODY_FIELDS = Set.of("slug", "entry", "userInfo", "doTransfer");
    private static final int MAX_SLUG_LENGTH = 200;
    private static final int MAX_USER_ID_LENGTH = 128;

    @Inject
    CheckEligibilityConfig config;

    @Inject
    ObjectMapper json;

    /** Content type and size, checked before anything is parsed. */
    public void checkTransport(Exchange exchange) {
        String contentType = exchange.getMessage().getHeader(Exchange.CONTENT_TYPE, String.class);
        if (contentType == null || !contentType.toLowerCase().startsWith("application/json")) {
            throw new ClientError(
                    415,
                    "UNSUPPORTED_MEDIA_TYPE",
                    "Content-Type must be application/json, was " + (contentType == null ? "missing" : contentType),
                    null);
        }
        byte[] body = exchange.getMessage().getBody(byte[].class);
        exchange.getMessage().setBody(body); // converted once: read() takes the bytes as they are
        if (body != null && body.length > config.maxBodyBytes()) {
            throw new ClientError(
                    413,
                    "PAYLOAD_TOO_LARGE",
                    "the body has " + body.length + " bytes, at most " + config.maxBodyBytes() + " are accepted",
                    null);
        }
    }

    /** Parses and checks the request's shape; the result is kept as an exchange property. */
    public void read(Exchange exchange) {
        byte[] raw = exchange.getMessage().getBody(byte[].class);
        if (raw == null || raw.length == 0) {
            throw ClientError.badRequest("the body is empty", "body");
        }
        JsonNode root;
        try {
            root = json.readTree(raw);
        } catch (JsonProcessingException e) {
            throw new ClientError(400, "MALFORMED_JSON", "the body is not valid JSON: " + e.getOriginalMessage(), null);
        } catch (IOException e) { // bytes that are no text in any encoding JSON allows
            throw new ClientError(400, "MALFORMED_JSON", "the body is not valid JSON: " + e.getMessage(), null);
        }
        exchange.setProperty(REQUEST, shape(unwrap(root)));
    }

    private static JsonNode unwrap(JsonNode root) {
        if (root == null || !root.isObject()) {
            throw ClientError.badRequest("the body must be a JSON object", "body");
        }
        if (!root.has("input")) {
            return root.has("body") && root.size() == 1 && root.get("body").isObject() ? root.get("body") : root;
        }
        JsonNode input = root.get("input");
        if (!input.isObject() || !input.path("body").isObject()) {
            throw ClientError.badRequest("input.body must be an object", "input.body");
        }
        return input.get("body");
    }

    private EligibilityRequest shape(JsonNode body) {
        for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!BODY_FIELDS.contains(name)) {
                throw ClientError.badRequest("unknown field '" + name + "'", name);
            }
        }
        String slug = requiredText(body, "slug", MAX_SLUG_LENGTH);
        JsonNode entry = body.get("entry");
        if (entry == null || entry.isNull()) {
            throw ClientError.badRequest("entry is required", "entry");
        }
        if (!entry.isObject()) {
            throw ClientError.badRequest("entry must be an object", "entry");
        }
        JsonNode userInfoNode = body.get("userInfo");
        if (userInfoNode == null || userInfoNode.isNull()) {
            throw ClientError.badRequest("userInfo is required", "userInfo");
        }
        if (!userInfoNode.isObject()) {
            throw ClientError.badRequest("userInfo must be an object", "userInfo");
        }
        requiredText(userInfoNode, "globalUserId", MAX_USER_ID_LENGTH, "userInfo.globalUserId");
        UserInfo userInfo;
        try {
            userInfo = json.treeToValue(userInfoNode, UserInfo.class);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw ClientError.badRequest("userInfo fields must be strings", "userInfo");
        }
        JsonNode doTransfer = body.get("doTransfer");
        if (doTransfer != null && !doTransfer.isNull() && !doTransfer.isBoolean()) {
            throw ClientError.badRequest("doTransfer must be a boolean", "doTransfer");
        }
        return new EligibilityRequest(slug, entry, userInfo, doTransfer != null && doTransfer.asBoolean(false));
    }

    private static String requiredText(JsonNode node, String name, int maxLength) {
        return requiredText(node, name, maxLength, name);
    }

    private static String requiredText(JsonNode node, String name, int maxLength, String path) {
        JsonNode value = node.get(name);
        if (value == null || value.isNull()) {
            throw ClientError.badRequest(path + " is required", path);
        }
        if (!value.isTextual()) {
            throw ClientError.badRequest(path + " must be a string", path);
        }
        String text = value.asText().trim();
        if (text.isEmpty()) {
            throw ClientError.badRequest(path + " must not be empty", path);
        }
        if (text.length() > maxLength) {
            throw ClientError.badRequest(path + " is longer than " + maxLength + " characters", path);
        }
        return text;
    }
}
