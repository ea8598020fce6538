package regworkers.platform;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/** The workers of reg-workers, the stack each belongs to (SPEC §1) and the connections each uses. */
public enum Worker {
    CHECK_ELIGIBILITY(
            "checkEligibility", Stack.REGISTRATION, Dependency.REDIS, Dependency.DYNAMODB, Dependency.CAMPAIGN_SERVICE),
    UPSERT_USERS("upsertUsers", Stack.REGISTRATION, Dependency.SQS, Dependency.USER_SERVICE),
    ENQUEUE_ENTRIES("enqueueEntries", Stack.REPLICATION, Dependency.DYNAMODB, Dependency.SQS),
    SAVE_ENTRIES("saveEntries", Stack.REPLICATION, Dependency.SQS, Dependency.DYNAMODB, Dependency.ENTRY_SERVICE),
    RETRY_SCORE("retryScore", Stack.REPLICATION, Dependency.SQS, Dependency.DYNAMODB, Dependency.SCORING_SERVICE),
    ENQUEUE_MARKET_SELECTIONS(
            "enqueueMarketSelections",
            Stack.SELECTION,
            Dependency.SQS,
            Dependency.DYNAMODB,
            Dependency.CAMPAIGN_SERVICE,
            Dependency.ENTRY_SERVICE,
            Dependency.CODE_SERVICE),
    SAVE_SELECTIONS("saveSelections", Stack.SELECTION, Dependency.SQS, Dependency.DYNAMODB, Dependency.ENTRY_SERVICE),
    REFRESH_SELECTIONS(
            "refreshSelections",
            Stack.SELECTION,
            Dependency.DYNAMODB,
            Dependency.CAMPAIGN_SERVICE,
            Dependency.ENTRY_SERVICE),
    MARK_ASSIGNED_CODES("markAssignedCodes", Stack.SELECTION, Dependency.SQS, Dependency.CODE_SERVICE),
    PROCESS_DATA("processData", Stack.DATA_PIPELINE, Dependency.SQS, Dependency.SNS),
    SEND_DATA("sendData", Stack.DATA_PIPELINE, Dependency.SQS, Dependency.KAFKA),
    GET_MARKETS_TO_NOTIFY(
            "getMarketsToNotify", Stack.NOTIFICATION, Dependency.DYNAMODB, Dependency.CAMPAIGN_SERVICE, Dependency.SQS),
    NOTIFICATION_GENERATOR(
            "notificationGenerator",
            Stack.NOTIFICATION,
            Dependency.SQS,
            Dependency.SNS,
            Dependency.DYNAMODB,
            Dependency.CAMPAIGN_SERVICE);

    public enum Stack {
        REGISTRATION("registration"),
        REPLICATION("replication"),
        SELECTION("selection"),
        DATA_PIPELINE("dataPipeline"),
        NOTIFICATION("notification");

        private final String id;

        Stack(String id) {
            this.id = id;
        }

        public String id() {
            return id;
        }

        public static Optional<Stack> byId(String id) {
            return Arrays.stream(values()).filter(stack -> stack.id.equals(id)).findFirst();
        }
    }

    /** The prefix of every log tag (SPEC §5): the tag is this and the worker's id. */
    public static final String TAG_PREFIX = "registration:apps:";

    public enum Dependency {
        SQS,
        SNS,
        DYNAMODB,
        KAFKA,
        REDIS,
        CAMPAIGN_SERVICE,
        ENTRY_SERVICE,
        CODE_SERVICE,
        USER_SERVICE,
        SCORING_SERVICE
    }

    private final String id;
    private final Stack stack;
    private final Set<Dependency> dependencies;

    Worker(String id, Stack stack, Dependency first, Dependency... rest) {
        this.id = id;
        this.stack = stack;
        this.dependencies = EnumSet.of(first, rest);
    }

    /** The worker's name: its route id, its APP_NAME and the last part of its log tag. */
    public String id() {
        return id;
    }

    /** The id of the worker's main route: its consumer, REST route or schedule. */
    public String routeId() {
        return id;
    }

    /**
     * The id of another of the worker's routes, {@code <worker>-<part>}. Route ids decide which routes a per-stack
     * process runs ({@link WorkerSelection#routeFilterPattern}), so they are made here, never typed by hand.
     */
    public String routeId(String part) {
        return id + "-" + part;
    }

    /** Where the worker's work is entered, by its consumer and by the invoke endpoint alike. */
    public String workEndpoint() {
        return "direct:" + id;
    }

    public Stack stack() {
        return stack;
    }

    public Set<Dependency> dependencies() {
        return dependencies;
    }

    /** The log tag of SPEC §5. */
    public String tag() {
        return TAG_PREFIX + id;
    }

    public static Optional<Worker> byId(String id) {
        return Arrays.stream(values()).filter(worker -> worker.id.equals(id)).findFirst();
    }
}
