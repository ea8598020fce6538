package regworkers.replication;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import regworkers.platform.Batches;
import regworkers.platform.Correlation;
import regworkers.platform.EntryItems;
import regworkers.platform.ExpectedCounter;
import regworkers.platform.PermanentFailure;
import regworkers.platform.QueueMessage;
import regworkers.platform.QueueOutcome;
import regworkers.platform.Worker;
import regworkers.platform.WorkerLog;
import regworkers.platform.WorkerSpans;
import regworkers.platform.services.Service;
import regworkers.platform.services.ServiceClient;
import regworkers.platform.services.ServiceRequest;
import regworkers.replication.PendingEntry.Operation;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/**
 * saveEntries: {@code {entry, operation}} messages, batched per campaign, are checked against their items' current
 * state (one consistent BatchGetItem per batch; stale events are skipped), replicated to the entry service (upserts
 * grouped per campaign, deletes one by one), then each item is marked replicated on the condition that it is still
 * the version that was read.
 */
@ApplicationScoped
@Named("entryReplication")
public class EntryReplication {

    private static final WorkerLog LOG = WorkerLog.of(EntryReplication.class);

    static final String ENTRIES_COUNTER = "regworkers.entries";

    private static final String NEEDS_REPLICATION = "needsReplication";
    /** Set when {@link #converge} flags an entry again: a unique value, so a replica's older read cannot mark it. */
    static final String FLAGGED_AT = "flaggedAt";

    @Inject
    EntryItems items;

    @Inject
    DynamoDbClient dynamodb;

    @Inject
    ServiceClient services;

    @Inject
    ObjectMapper json;

    @Inject
    MeterRegistry metrics;

    @Inject
    CamelContext camel;

    @Inject
    SaveEntriesConfig config;

    /** Writes the replicated marks of a batch's entries at once: Camel's, so they stop with it. */
    private ExecutorService markers;

    @PostConstruct
    void createMarkers() {
        markers = camel.getExecutorServiceManager()
                .newFixedThreadPool(this, Worker.SAVE_ENTRIES.id() + "-marks", config.marksInFlight());
    }

    /** Every outcome's counter, at 0 from the start. */
    @Produces
    static ExpectedCounter outcomes() {
        return ExpectedCounter.of(
                Worker.SAVE_ENTRIES,
                ENTRIES_COUNTER,
                "outcome",
                List.of("stale", "replicated", "superseded", "deleted", "converged"));
    }

    Clock clock = Clock.systemUTC();

    /** The message's event; its entry's current state is read later, for the whole batch at once ({@link #check}). */
    public ReceivedEntry receive(Exchange exchange) {
        ReceivedEntry received = receive(
                exchange.getMessage().getBody(String.class), QueueMessage.of(exchange), Correlation.of(exchange));
        WorkerSpans.campaign(exchange, received.campaignId());
        return received;
    }

    ReceivedEntry receive(String body, QueueMessage message, String correlationId) {
        return new ReceivedEntry(message, correlationId, EntryEvent.read(json, body));
    }

    /**
     * The events checked against their items' current state, read for all of them at once (consistent reads). Of two
     * events of one entry that both still need work, the second is stale: the first replicates the entry's current
     * state. Throws when the items cannot be read.
     */
    List<PendingEntry> check(List<ReceivedEntry> received) {
        Map<EntryItems.Key, Map<String, AttributeValue>> current =
                items.current(received.stream().map(ReceivedEntry::key).toList());
        Set<EntryItems.Key> working = new HashSet<>();
        List<PendingEntry> checked = new ArrayList<>(received.size());
        for (ReceivedEntry entry : received) {
            EntryEvent event = entry.event();
            Map<String, AttributeValue> item = current.get(entry.key());
            String staleWhy = staleWhy(event.operation(), item);
            if (staleWhy == null && !working.add(entry.key())) {
                staleWhy = "another event of the entry is in the same batch";
            }
            checked.add(new PendingEntry(
                    entry.message(),
                    entry.correlationId(),
                    event.campaignId(),
                    event.globalUserId(),
                    event.operation(),
                    item,
                    staleWhy));
        }
        return checked;
    }

    /** Why an event needs no work given its item now ({@code null}: gone), or null when it does. */
    static String staleWhy(Operation operation, Map<String, AttributeValue> current) {
        if (operation == Operation.REMOVE) {
            return current != null ? "the entry exists again" : null;
        }
        if (current == null) {
            return "the entry is gone";
        }
        return EntryItems.flag(current, NEEDS_REPLICATION) ? null : "the entry no longer needs replication";
    }

    public void skip(PendingEntry pending) {
        metrics.counter(ENTRIES_COUNTER, "outcome", "stale").increment();
        LOG.info(
                "Stale event skipped: " + pending.staleWhy(),
                Map.of(
                        "campaignId",
                        pending.campaignId(),
                        "globalUserId",
                        pending.globalUserId(),
                        "operation",
                        pending.operation().name()));
    }

    /**
     * Replicates a batch of one campaign's events: their items read at once, stale events acknowledged, the others
     * replicated. Never throws: each message gets its own outcome (all of them failed when the items cannot be read).
     */
    public List<QueueOutcome> replicate(List<ReceivedEntry> batch) {
        return Batches.settleEach(batch, received -> replicateChecked(check(received)));
    }

    /** Replicates checked events of one campaign; never throws: each message gets its own outcome. */
    List<QueueOutcome> replicateChecked(List<PendingEntry> batch) {
        List<QueueOutcome> outcomes = new ArrayList<>(batch.size());
        List<PendingEntry> upserts = new ArrayList<>();
        int stale = 0;
        for (PendingEntry pending : batch) {
            if (pending.isStale()) {
                skip(pending);
                stale++;
                outcomes.add(QueueOutcome.succeeded(pending.message(), pending.correlationId()));
            } else if (pending.isRemove()) {
                outcomes.add(delete(pending));
            } else {
                try {
                    EntryDocuments.toEntry(json, pending.current());
                    upserts.add(pending);
                } catch (PermanentFailure unreadable) {
                    outcomes.add(QueueOutcome.failed(pending.message(), pending.correlationId(), unreadable));
                }
            }
        }
        if (!upserts.isEmpty()) {
            outcomes.addAll(Batches.settleEach(upserts, this::upsertAndMark));
        }
        long failed =
                outcomes.stream().filter(outcome -> outcome.failure() != null).count();
        LOG.batch(
                "Replicated a batch of entries",
                failed,
                Map.of(
                        "campaignId",
                        batch.get(0).campaignId(),
                        "received",
                        batch.size(),
                        "processed",
                        batch.size() - failed,
                        "stale",
                        stale,
                        "failed",
                        failed));
        return outcomes;
    }

    /** The invoke endpoint's saveEntries: one message, through the same steps as the queue's. */
    public String replicateNow(ReceivedEntry received) {
        PendingEntry pending = check(List.of(received)).get(0);
        if (pending.isStale()) {
            skip(pending);
            return "SKIPPED: " + pending.staleWhy();
        }
        Batches.requireSucceeded(replicateChecked(List.of(pending)));
        return "REPLICATED " + pending.operation();
    }

    private List<QueueOutcome> upsertAndMark(List<PendingEntry> upserts) {
        List<ObjectNode> documents = new ArrayList<>(upserts.size());
        upserts.forEach(pending -> documents.add(EntryDocuments.toEntry(json, pending.current())));
        upsert(upserts.get(0).campaignId(), documents);
        return markAllReplicated(upserts);
    }

    /**
     * Each entry is marked on its own conditional UpdateItem (no batch write takes conditions, and a transaction would
     * fail whole on one changed entry), all of them at once: a batch costs about one DynamoDB round trip, not 25.
     */
    private List<QueueOutcome> markAllReplicated(List<PendingEntry> upserts) {
        if (upserts.size() == 1) {
            return List.of(markReplicated(upserts.get(0)));
        }
        List<CompletableFuture<QueueOutcome>> marks = new ArrayList<>(upserts.size());
        for (PendingEntry pending : upserts) {
            try {
                marks.add(CompletableFuture.supplyAsync(
                        () -> WorkerLog.inContext(
                                Worker.SAVE_ENTRIES, pending.correlationId(), () -> markReplicated(pending)),
                        markers));
            } catch (RejectedExecutionException stopping) {
                marks.add(CompletableFuture.completedFuture(markReplicated(pending)));
            }
        }
        List<QueueOutcome> outcomes = new ArrayList<>(upserts.size());
        for (int i = 0; i < upserts.size(); i++) {
            PendingEntry pending = upserts.get(i);
            try {
                outcomes.add(marks.get(i).join());
            } catch (RuntimeException failure) {
                outcomes.add(QueueOutcome.failed(pending.message(), pending.correlationId(), failure));
            }
        }
        return outcomes;
    }

    private void upsert(String campaignId, List<ObjectNode> documents) {
        ObjectNode request = json.createObjectNode();
        ArrayNode entries = request.putArray("entries");
        documents.forEach(entries::add);
        services.call(ServiceRequest.put(
                                Service.ENTRY,
                                "/campaigns/" + ServiceRequest.segment(campaignId) + "/entries",
                                request.toString())
                        .withRateKey(campaignId))
                .requireSuccess();
    }

    private QueueOutcome markReplicated(PendingEntry pending) {
        String readUpdatedAt = EntryItems.text(pending.current(), "updatedAt");
        String readFlaggedAt = EntryItems.text(pending.current(), FLAGGED_AT);
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":now", AttributeValue.fromS(Instant.now(clock).toString()));
        // the very version that was read: same updatedAt, and not flagged again since (converge)
        String condition = "attribute_exists(pk) AND " + unchanged("updatedAt", ":read", readUpdatedAt, values)
                + " AND " + unchanged(FLAGGED_AT, ":flagged", readFlaggedAt, values);
        try {
            dynamodb.updateItem(b -> b.tableName(items.table())
                    .key(EntryItems.key(pending.campaignId(), pending.globalUserId()))
                    .updateExpression("REMOVE " + NEEDS_REPLICATION + ", " + FLAGGED_AT + " SET replicatedAt = :now")
                    .conditionExpression(condition)
                    .expressionAttributeValues(values));
            metrics.counter(ENTRIES_COUNTER, "outcome", "replicated").increment();
        } catch (ConditionalCheckFailedException newerWrite) {
            // written (or removed) since it was read, and what was just PUT may have landed after a newer version
            metrics.counter(ENTRIES_COUNTER, "outcome", "superseded").increment();
            try {
                converge(pending, "the entry changed while it was replicated");
            } catch (RuntimeException failure) {
                return QueueOutcome.failed(pending.message(), pending.correlationId(), failure);
            }
        } catch (RuntimeException failure) {
            return QueueOutcome.failed(pending.message(), pending.correlationId(), failure);
        }
        return QueueOutcome.succeeded(pending.message(), pending.correlationId());
    }

    private QueueOutcome delete(PendingEntry pending) {
        try {
            deleteDownstream(pending);
            metrics.counter(ENTRIES_COUNTER, "outcome", "deleted").increment();
            // the entry may have been registered again meanwhile, and its upsert may have landed before this delete
            converge(pending, "the entry was registered again while it was deleted");
            return QueueOutcome.succeeded(pending.message(), pending.correlationId());
        } catch (RuntimeException failure) {
            return QueueOutcome.failed(pending.message(), pending.correlationId(), failure);
        }
    }

    /**
     * After a write to the entry service that may have landed out of order (its PUT or DELETE raced another replica's
     * write of the same entry), makes sure demand-table's current item reaches the entry service last: an item that
     * is gone is deleted downstream again; an item that exists is flagged again with a new {@code flaggedAt}, so its
     * stream event replicates it once more and no replica still holding an older read can mark it replicated.
     * Replicas racing on one entry therefore always end with the entry service holding demand-table's current item.
     */
    void converge(PendingEntry pending, String why) {
        Map<String, Object> data =
                Map.of("campaignId", pending.campaignId(), "globalUserId", pending.globalUserId(), "why", why);
        for (int attempt = 0; attempt < 3; attempt++) {
            Optional<Map<String, AttributeValue>> current = items.current(pending.campaignId(), pending.globalUserId());
            if (current.isEmpty()) {
                if (!pending.isRemove()) {
                    deleteDownstream(pending);
                    metrics.counter(ENTRIES_COUNTER, "outcome", "converged").increment();
                    LOG.info("Entry gone while it was replicated: deleted downstream again", data);
                }
                return;
            }
            if (flagAgain(pending, EntryItems.text(current.get(), "updatedAt"))) {
                metrics.counter(ENTRIES_COUNTER, "outcome", "converged").increment();
                LOG.info("Entry flagged again: its current version replicates once more", data);
                return;
            }
            // written between the read and the flag: look again
        }
        throw new IllegalStateException("the entry kept changing while it was made to replicate again");
    }

    private boolean flagAgain(PendingEntry pending, String updatedAt) {
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":true", AttributeValue.fromBool(true));
        values.put(":flaggedAt", AttributeValue.fromS(Instant.now(clock) + "#" + UUID.randomUUID()));
        String condition = "attribute_exists(pk) AND " + unchanged("updatedAt", ":read", updatedAt, values);
        try {
            dynamodb.updateItem(b -> b.tableName(items.table())
                    .key(EntryItems.key(pending.campaignId(), pending.globalUserId()))
                    .updateExpression("SET " + NEEDS_REPLICATION + " = :true, " + FLAGGED_AT + " = :flaggedAt")
                    .conditionExpression(condition)
                    .expressionAttributeValues(values));
            return true;
        } catch (ConditionalCheckFailedException changed) {
            return false;
        }
    }

    /** A condition that {@code attribute} still has the value read ({@code null}: still absent). */
    private static String unchanged(
            String attribute, String placeholder, String read, Map<String, AttributeValue> values) {
        if (read == null) {
            return "attribute_not_exists(" + attribute + ")";
        }
        values.put(placeholder, AttributeValue.fromS(read));
        return attribute + " = " + placeholder;
    }

    private void deleteDownstream(PendingEntry pending) {
        var response = services.call(ServiceRequest.delete(
                        Service.ENTRY,
                        "/campaigns/" + ServiceRequest.segment(pending.campaignId()) + "/entries/"
                                + ServiceRequest.segment(pending.globalUserId()))
                .withRateKey(pending.campaignId()));
        if (!response.isNotFound()) {
            response.requireSuccess();
        }
    }
}
