package regworkers.platform.markets;

/** A winner of a market's selection run: the fan, the access code paired with them, and their rank (1 = best). */
public record Selection(String globalUserId, String code, int rank) {}
