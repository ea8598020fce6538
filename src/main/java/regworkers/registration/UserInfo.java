package regworkers.registration;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/** Who is registering, as AppSync passes it. Contact fields are PII: never log them. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record UserInfo(
        String globalUserId,
        String email,
        String phoneNumber,
        String firstName,
        String lastName,
        String memberId,
        String postalCode,
        String countryCode,
        String locale) {}
