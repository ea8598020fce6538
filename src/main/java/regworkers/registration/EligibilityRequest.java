package regworkers.registration;

import com.fasterxml.jackson.databind.JsonNode;

/** A checkEligibility request whose shape is valid: slug, entry (an object), userInfo with globalUserId. */
public record EligibilityRequest(String slug, JsonNode entry, UserInfo userInfo, boolean doTransfer) {}
