package standins;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** The five downstream service stand-ins, started together on loopback ports. */
public final class StandIns implements AutoCloseable {

    /** The service names, in the order their ports are given out. */
    public static final List<String> SERVICES = List.of("campaign", "entry", "code", "user", "scoring");

    private final CampaignStandIn campaign;
    private final EntryStandIn entry;
    private final CodeStandIn code;
    private final UserStandIn user;
    private final ScoringStandIn scoring;
    private final Map<String, StandInServer> byService;

    private StandIns(Path contractsDir, String apiKey) {
        campaign = new CampaignStandIn(contractsDir, apiKey);
        entry = new EntryStandIn(contractsDir, apiKey);
        code = new CodeStandIn(contractsDir, apiKey);
        user = new UserStandIn(contractsDir, apiKey);
        scoring = new ScoringStandIn(contractsDir, apiKey);
        byService = Map.of("campaign", campaign, "entry", entry, "code", code, "user", user, "scoring", scoring);
    }

    /** Starts all five without an API key; see {@link #start(int, String)}. */
    public static StandIns start(int firstPort) {
        return start(firstPort, null);
    }

    /**
     * Starts all five stand-ins.
     *
     * @param firstPort 0 for a free port each; otherwise firstPort, firstPort+1, ... in {@link #SERVICES} order
     * @param apiKey    the x-api-key every service request must carry, or null to accept any
     */
    public static StandIns start(int firstPort, String apiKey) {
        StandIns standIns = new StandIns(contractsDir(), apiKey);
        try {
            for (int i = 0; i < SERVICES.size(); i++) {
                standIns.server(SERVICES.get(i)).start(firstPort == 0 ? 0 : firstPort + i);
            }
            return standIns;
        } catch (RuntimeException e) {
            standIns.close();
            throw e;
        }
    }

    /** Where the contracts are: system property {@code contracts.dir}, else {@code ./contracts}. */
    public static Path contractsDir() {
        return Path.of(System.getProperty("contracts.dir", "contracts"));
    }

    public CampaignStandIn campaign() {
        return campaign;
    }

    public EntryStandIn entry() {
        return entry;
    }

    public CodeStandIn code() {
        return code;
    }

    public UserStandIn user() {
        return user;
    }

    public ScoringStandIn scoring() {
        return scoring;
    }

    /** The stand-in of a service named as in {@link #SERVICES}. */
    public StandInServer server(String service) {
        StandInServer server = byService.get(service);
        if (server == null) {
            throw new IllegalArgumentException("unknown service " + service + "; one of " + SERVICES);
        }
        return server;
    }

    /** E.g. {@code http://127.0.0.1:40123} for a service named as in {@link #SERVICES}. */
    public String baseUrl(String service) {
        return server(service).baseUrl();
    }

    /** Resets every stand-in: state, faults and recorded requests. */
    public void reset() {
        byService.values().forEach(StandInServer::reset);
    }

    @Override
    public void close() {
        byService.values().forEach(StandInServer::stop);
    }
}
