package regworkers.registration;

import java.util.List;

/** What checkEligibility uses of a verified token: the subject and the gate claims. */
public record AccessToken(String subject, boolean identityVerified, List<String> cards) {}
