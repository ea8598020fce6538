package regworkers.selection;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
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
import regworkers.platform.Correlation;
import regworkers.platform.ExpectedCounter;
import regworkers.platform.PermanentFailure;
import regworkers.platform.Worker;
import regworkers.platform.WorkerLog;
import regworkers.platform.WorkerSpans;
import regworkers.platform.markets.MarketSelected;
import regworkers.platform.markets.MarketSelectionRequest;
import regworkers.platform.markets.Selection;
import regworkers.platform.services.Service;
import regworkers.platform.services.ServiceClient;
import regworkers.platform.services.ServiceRequest;
import regworkers.platform.services.ServiceResponse;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;

/**
 * enqueueMarketSelections, step by step (the route strings the steps together): read the request → claim the run
 * → the market's capacity → rank every scoring record page by page → reserve codes once → pair and record the
 * winners → emit them to saveSelectionQueue in messages of up to {@code selection.message-size} winners.
 */
@ApplicationScoped
@Named("marketSelections")
public class MarketSelections {

    private static final WorkerLog LOG = WorkerLog.of(MarketSelections.class);

    static final String SHORTFALL_COUNTER = "regworkers.selection.code.shortfall";

    public static final String RUN = "regworkers.selectionRun";

    @Inject
    SelectionConfig config;

    @Inject
    ObjectMapper json;

    @Inject
    ServiceClient services;

    @Inject
    SelectionRuns runs;

    @Inject
    SelectionStats stats;

    @Inject
    Event<MarketSelected> selected;

    @Inject
    MeterRegistry metrics;

    /** The shortfall counter, at 0 from the start (its alert: ops/prometheus). */
    @Produces
    static ExpectedCounter shortfalls() {
        return ExpectedCounter.of(Worker.ENQUEUE_MARKET_SELECTIONS, SHORTFALL_COUNTER);
    }

    public MarketSelectionRequest request(Exchange exchange) throws JsonProcessingException {
        String body = exchange.getMessage().getBody(String.class);
        MarketSelectionRequest request = MarketSelectionRequest.read(json, body);
        WorkerLog.context(Worker.ENQUEUE_MARKET_SELECTIONS, Correlation.of(exchange));
        WorkerSpans.begin(exchange, Worker.ENQUEUE_MARKET_SELECTIONS, Correlation.of(exchange), null);
        WorkerSpans.campaign(exchange, request.campaignId());
        return request;
    }

    public SelectionRun claim(MarketSelectionRequest request) {
        return runs.claim(request);
    }

    /** Reads the market's capacity and starts an empty ranking of that size. */
    public void startRanking(SelectionRun run) throws JsonProcessingException {
        MarketSelectionRequest request = run.request();
        ServiceResponse response = services.call(ServiceRequest.get(
                Service.CAMPAIGN,
                "/campaigns/" + ServiceRequest.segment(request.campaignId()) + "/markets/"
                        + ServiceRequest.segment(request.marketId())));
        if (response.isNotFound()) {
            throw new PermanentFailure(
                    "MARKET_NOT_FOUND",
                    "the campaign service knows no market " + request.marketId() + " in campaign "
                            + request.campaignId());
        }
        JsonNode capacity = response.requireSuccess().json(json).get("capacity");
        if (capacity == null || !capacity.canConvertToInt() || capacity.asInt() < 0) {
            throw new PermanentFailure("INVALID_MARKET", "the market has no valid capacity");
        }
        run.capacity = capacity.asInt();
        run.ranking = new WinnerRanking(request.campaignId(), request.marketId(), request.dateId(), run.capacity);
    }

    /** Ranks one page of the market's scoring records; only the ranking's winners stay in memory. */
    public void rankNextPage(SelectionRun run) throws JsonProcessingException {
        MarketSelectionRequest request = run.request();
        String query = "limit=" + config.pageSize()
                + (run.cursor == null ? "" : "&cursor=" + ServiceRequest.segment(run.cursor));
        ServiceResponse response = services.call(ServiceRequest.get(
                                Service.ENTRY,
                                "/campaigns/" + ServiceRequest.segment(request.campaignId()) + "/markets/"
                                        + ServiceRequest.segment(request.marketId()) + "/scoring-records")
                        .withQuery(query)
                        .withRateKey(request.campaignId()))
                .requireSuccess();
        JsonNode page = response.json(json);
        for (JsonNode record : page.path("records")) {
            JsonNode score = record.get("score");
            run.ranking.offer(
                    record.path("globalUserId").asText(), score == null || !score.isNumber() ? null : score.asDouble());
        }
        JsonNode next = page.get("nextCursor");
        run.cursor = next == null || next.isNull() ? null : next.asText();
        run.morePages = run.cursor != null;
        run.pages++;
        runs.heartbeatIfDue(run);
    }

    /** Reserves one code per winner (once: the reservation id is the run's), pairs them in rank order, records it. */
    public void reserveAndRecord(SelectionRun run) throws JsonProcessingException {
        List<WinnerRanking.Candidate> ranked = run.ranking.ranked();
        run.scored = run.ranking.scored();
        run.unscored = run.ranking.unscored();
        run.wanted = ranked.size();
        // still the owner, right before the side effects (the reservation is idempotent; the record is conditional)
        runs.heartbeat(run);
        List<String> codes = run.wanted == 0 ? List.of() : reserveCodes(run.request(), run.wanted);
        int winners = Math.min(run.wanted, codes.size());
        List<Selection> selections = new ArrayList<>(winners);
        for (int i = 0; i < winners; i++) {
            selections.add(new Selection(ranked.get(i).globalUserId(), codes.get(i), i + 1));
        }
        run.selections = selections;
        run.shortfall = run.wanted - winners;
        run.ranking = null;
        runs.recordSelected(run);
        if (run.shortfall > 0) {
            metrics.counter(SHORTFALL_COUNTER).increment(run.shortfall);
            LOG.warn("The code pool ran dry: fewer winners than the market's capacity", run.summary());
        }
    }

    /** saveSelectionQueue messages, grouped by up to 10 for one SendMessageBatch each. */
    public Iterator<List<String>> messageBatches(SelectionRun run) {
        List<Selection> selections = run.selections();
        int messages = (selections.size() + config.messageSize() - 1) / config.messageSize();
        run.messages = messages;
        return new Iterator<>() {
            private int next;

            @Override
            public boolean hasNext() {
                return next < messages;
            }

            @Override
            public List<String> next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                List<String> batch = new ArrayList<>(10);
                for (; batch.size() < 10 && next < messages; next++) {
                    batch.add(message(
                            run.request(),
                            selections.subList(
                                    next * config.messageSize(),
                                    Math.min(selections.size(), (next + 1) * config.messageSize()))));
                }
                return batch;
            }
        };
    }

    /** SendMessageBatch answers 200 even when it refused some messages: that must fail the invocation. */
    public void requireAllSent(SendMessageBatchResponse response) {
        if (response.hasFailed() && !response.failed().isEmpty()) {
            var first = response.failed().get(0);
            throw new IllegalStateException("saveSelectionQueue refused "
                    + response.failed().size() + " messages: " + first.code() + " " + first.message());
        }
    }

    public String emitted(SelectionRun run) throws JsonProcessingException {
        runs.markEmitted(run);
        stats.schedule(run.request().campaignId());
        selected.fire(new MarketSelected(run.request()));
        Map<String, Object> summary = run.summary();
        LOG.info(run.selected() ? "Selections emitted again" : "Market selected", summary);
        return json.writeValueAsString(summary);
    }

    private List<String> reserveCodes(MarketSelectionRequest request, int count) throws JsonProcessingException {
        ObjectNode body = json.createObjectNode().put("count", count).put("reservationId", request.reservationId());
        ServiceResponse response = services.call(ServiceRequest.post(
                        Service.CODE,
                        "/campaigns/" + ServiceRequest.segment(request.campaignId()) + "/markets/"
                                + ServiceRequest.segment(request.marketId()) + "/reservations",
                        body.toString()))
                .requireSuccess();
        List<String> codes = new ArrayList<>(count);
        response.json(json).path("codes").forEach(code -> codes.add(code.asText()));
        return codes.size() > count ? codes.subList(0, count) : codes;
    }

    private String message(MarketSelectionRequest request, List<Selection> selections) {
        ObjectNode message = json.createObjectNode()
                .put("campaignId", request.campaignId())
                .put("marketId", request.marketId())
                .put("dateId", request.dateId());
        ArrayNode array = message.putArray("selections");
        for (Selection selection : selections) {
            array.addObject()
                    .put("globalUserId", selection.globalUserId())
                    .put("code", selection.code())
                    .put("rank", selection.rank());
        }
        return message.toString();
    }
}
