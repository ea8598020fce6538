package regworkers.selection;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.Exchange;
import regworkers.platform.BatchItem;
import regworkers.platform.Batches;
import regworkers.platform.Correlation;
import regworkers.platform.QueueMessage;
import regworkers.platform.QueueOutcome;
import regworkers.platform.WorkerLog;
import regworkers.platform.WorkerSpans;
import regworkers.platform.services.Service;
import regworkers.platform.services.ServiceClient;
import regworkers.platform.services.ServiceRequest;

/**
 * markAssignedCodes: markAssignedCodesQueue messages of one (campaign, market), aggregated in memory, become one
 * code-service mark-assigned call. Nothing is lost if the process dies while they wait: a message leaves its queue
 * only after the call that covered its codes succeeded (each is settled after the flush).
 */
@ApplicationScoped
@Named("codeMarks")
public class CodeMarks {

    private static final WorkerLog LOG = WorkerLog.of(CodeMarks.class);

    /** A message waiting for its (campaign, market) batch. */
    public record PendingCodes(
            QueueMessage message, String correlationId, String campaignId, String marketId, List<String> codes)
            implements BatchItem {

        public String market() {
            return campaignId + "\n" + marketId;
        }
    }

    @Inject
    ObjectMapper json;

    @Inject
    ServiceClient services;

    public PendingCodes pending(Exchange exchange) {
        CodesToMark codes = CodesToMark.read(json, exchange.getMessage().getBody(String.class));
        WorkerSpans.campaign(exchange, codes.campaignId());
        return new PendingCodes(
                QueueMessage.of(exchange),
                Correlation.of(exchange),
                codes.campaignId(),
                codes.marketId(),
                codes.codes());
    }

    /**
     * One mark-assigned call for the batch (all of one market); never throws: a batch the code service refuses as a
     * whole is marked message by message, so only the message it refuses fails.
     */
    public List<QueueOutcome> mark(List<PendingCodes> batch) {
        PendingCodes first = batch.get(0);
        List<QueueOutcome> outcomes = Batches.settleEach(batch, this::markBatch);
        long failed =
                outcomes.stream().filter(outcome -> outcome.failure() != null).count();
        LOG.batch(
                "Codes marked assigned",
                failed,
                Map.of(
                        "campaignId",
                        first.campaignId(),
                        "marketId",
                        first.marketId(),
                        "messages",
                        batch.size(),
                        "failed",
                        failed));
        return outcomes;
    }

    private List<QueueOutcome> markBatch(List<PendingCodes> batch) {
        PendingCodes first = batch.get(0);
        Set<String> codes = new LinkedHashSet<>();
        batch.forEach(pending -> codes.addAll(pending.codes()));
        call(first.campaignId(), first.marketId(), codes);
        List<QueueOutcome> outcomes = new ArrayList<>(batch.size());
        batch.forEach(pending -> outcomes.add(QueueOutcome.succeeded(pending.message(), pending.correlationId())));
        return outcomes;
    }

    /** The invoke endpoint's markAssignedCodes: one message's codes, through the same batch work as the queue's. */
    public String markNow(PendingCodes pending) {
        Batches.requireSucceeded(mark(List.of(pending)));
        return "MARKED " + pending.codes().size();
    }

    private void call(String campaignId, String marketId, Set<String> codes) {
        ObjectNode request =
                json.createObjectNode().put("campaignId", campaignId).put("marketId", marketId);
        ArrayNode array = request.putArray("codes");
        codes.forEach(array::add);
        services.call(ServiceRequest.post(Service.CODE, "/codes/assigned", request.toString()))
                .requireSuccess();
    }
}
