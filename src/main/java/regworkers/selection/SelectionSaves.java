package regworkers.selection;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.Exchange;
import regworkers.platform.ExpectedCounter;
import regworkers.platform.Worker;
import regworkers.platform.WorkerLog;
import regworkers.platform.WorkerSpans;
import regworkers.platform.markets.Selection;
import regworkers.platform.services.Service;
import regworkers.platform.services.ServiceClient;
import regworkers.platform.services.ServiceRequest;

/**
 * saveSelections: one saveSelectionQueue message (up to 25 winners of a market) → entry service assign-codes →
 * {@code verdicts.{marketId}} on each winner's entry → the codes now held by their winners, as one
 * markAssignedCodesQueue message. Every step is idempotent, so a redelivered message does the same again.
 */
@ApplicationScoped
@Named("selectionSaves")
public class SelectionSaves {

    private static final WorkerLog LOG = WorkerLog.of(SelectionSaves.class);

    static final String CONFLICTS_COUNTER = "regworkers.selection.code.conflicts";

    @Inject
    ObjectMapper json;

    @Inject
    ServiceClient services;

    @Inject
    Verdicts verdicts;

    @Inject
    MeterRegistry metrics;

    /** The conflicts counter, at 0 from the start (its alert: ops/prometheus). */
    @Produces
    static ExpectedCounter conflicts() {
        return ExpectedCounter.of(Worker.SAVE_SELECTIONS, CONFLICTS_COUNTER);
    }

    Clock clock = Clock.systemUTC();

    public SelectionBatch read(Exchange exchange) {
        SelectionBatch batch = SelectionBatch.read(json, exchange.getMessage().getBody(String.class));
        WorkerSpans.campaign(exchange, batch.campaignId());
        return batch;
    }

    /**
     * Assigns the codes, records the verdicts; answers the markAssignedCodes message of the codes their winners now
     * hold, or null when none does.
     */
    public String save(SelectionBatch batch) throws JsonProcessingException {
        Set<String> conflicting = assign(batch);
        Map<Verdicts.Outcome, Integer> outcomes = new EnumMap<>(Verdicts.Outcome.class);
        List<String> heldCodes = new ArrayList<>();
        Instant now = Instant.now(clock);
        for (Selection selection : batch.selections()) {
            if (conflicting.contains(selection.globalUserId())) {
                continue;
            }
            Verdicts.Outcome outcome =
                    verdicts.record(batch.campaignId(), batch.marketId(), batch.dateId(), selection, now);
            outcomes.merge(outcome, 1, Integer::sum);
            if (outcome != Verdicts.Outcome.CONFLICT) {
                heldCodes.add(selection.code());
            }
        }
        int verdictConflicts = outcomes.getOrDefault(Verdicts.Outcome.CONFLICT, 0);
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("campaignId", batch.campaignId());
        data.put("marketId", batch.marketId());
        data.put("dateId", batch.dateId());
        data.put("winners", batch.selections().size());
        data.put("assignmentConflicts", conflicting.size());
        outcomes.forEach((outcome, count) -> data.put("verdicts" + outcome.name(), count));
        if (!conflicting.isEmpty() || verdictConflicts > 0) {
            metrics.counter(CONFLICTS_COUNTER).increment(conflicting.size() + verdictConflicts);
            LOG.warn(
                    "Winners already hold another code in this market: their new code stays reserved, unassigned",
                    data);
        } else {
            LOG.info("Selections saved", data);
        }
        if (heldCodes.isEmpty()) {
            return null;
        }
        ObjectNode marks =
                json.createObjectNode().put("campaignId", batch.campaignId()).put("marketId", batch.marketId());
        ArrayNode codes = marks.putArray("codes");
        heldCodes.forEach(codes::add);
        return marks.toString();
    }

    /** Entry service assign-codes; answers the winners it reports holding a different code. */
    private Set<String> assign(SelectionBatch batch) throws JsonProcessingException {
        ObjectNode request = json.createObjectNode().put("dateId", batch.dateId());
        ArrayNode assignments = request.putArray("assignments");
        batch.selections()
                .forEach(s -> assignments
                        .addObject()
                        .put("globalUserId", s.globalUserId())
                        .put("code", s.code()));
        JsonNode answer = services.call(ServiceRequest.post(
                                Service.ENTRY,
                                "/campaigns/" + ServiceRequest.segment(batch.campaignId()) + "/markets/"
                                        + ServiceRequest.segment(batch.marketId()) + "/assignments",
                                request.toString())
                        .withRateKey(batch.campaignId()))
                .requireSuccess()
                .json(json);
        Set<String> conflicting = new HashSet<>();
        answer.path("conflicts")
                .forEach(conflict ->
                        conflicting.add(conflict.path("globalUserId").asText()));
        return conflicting;
    }
}
