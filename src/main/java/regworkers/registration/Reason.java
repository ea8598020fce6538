package regworkers.registration;

/** Why a fan may not register (the seed's error codes). */
public enum Reason {
    CAMPAIGN_NOT_FOUND,
    CAMPAIGN_CLOSED,
    INTERNAL_SERVER_ERROR,
    INVALID_ENTRY,
    INELIGIBLE_ENTRY,
    NO_INVITE,
    LINKED_ENTRY,
    IDV_REQUIRED
}
