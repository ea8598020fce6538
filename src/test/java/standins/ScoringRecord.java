package standins;

/** A scoring record to seed into the entry stand-in; a null score means "not scored yet". */
public record ScoringRecord(String globalUserId, Double score) {}
