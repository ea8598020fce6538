package regworkers.platform.markets;

import static regworkers.platform.ItemAttributes.intOf;
import static regworkers.platform.ItemAttributes.s;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import regworkers.platform.DynamoDbConfig;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * The winners a market's selection run recorded, as they are stored in demand-table beside the run's record
 * ({@code pk=CAMPAIGN#…}, {@code sk=SELECTION#{marketId}#{dateId}}): in parts of up to {@code selection.part-size},
 * keyed by the owner that wrote them ({@code …#PART#{owner}#{n}}); the run's record names the owner whose parts are
 * the run's ({@link #PARTS_OWNER}) and how many there are ({@code parts}). The selection stack writes them, the
 * notification stack reads them: the format lives here, once.
 */
@ApplicationScoped
public class RecordedWinners {

    /** The run record's attribute naming the owner whose parts are the run's. */
    public static final String PARTS_OWNER = "partsOwner";

    private static final String PART = "#PART#";
    private static final int BATCH_WRITE_LIMIT = 25;

    @Inject
    DynamoDbConfig tables;

    @Inject
    WinnersStorageConfig storage;

    @Inject
    DynamoDbClient dynamodb;

    /** Stores the winners under {@code owner}'s parts; answers how many parts they fill. */
    public int write(MarketSelectionRequest request, String owner, List<Selection> selections) {
        int partSize = storage.partSize();
        int parts = (selections.size() + partSize - 1) / partSize;
        List<WriteRequest> writes = new ArrayList<>();
        for (int part = 0; part < parts; part++) {
            List<Selection> slice =
                    selections.subList(part * partSize, Math.min(selections.size(), (part + 1) * partSize));
            Map<String, AttributeValue> item = new HashMap<>(partKey(request, owner, part));
            item.put("selections", s(encode(slice)));
            writes.add(WriteRequest.builder()
                    .putRequest(PutRequest.builder().item(item).build())
                    .build());
            if (writes.size() == BATCH_WRITE_LIMIT) {
                write(writes);
                writes = new ArrayList<>();
            }
        }
        write(writes);
        return parts;
    }

    /** Where a recorded run's winners are stored: how many parts, under which owner's keys. */
    public record StoredRun(int parts, String partsOwner) {

        /**
         * From a run record, once it is recorded: {@code parts} is written by the same conditional write that marks
         * the run SELECTED, so a record without it is still selecting (or no run).
         */
        static Optional<StoredRun> of(Map<String, AttributeValue> runRecord) {
            return runRecord.containsKey("parts")
                    ? Optional.of(new StoredRun(intOf(runRecord, "parts"), RecordedWinners.partsOwner(runRecord)))
                    : Optional.empty();
        }
    }

    /** The run's stored winners, once recorded; empty before (or without a run). One read of the run record. */
    public Optional<StoredRun> stored(MarketSelectionRequest request) {
        return StoredRun.of(runRecord(request));
    }

    /** Every winner of a recorded run, in rank order, from its record. */
    public List<Selection> all(MarketSelectionRequest request, Map<String, AttributeValue> runRecord) {
        List<Selection> selections = new ArrayList<>();
        StoredRun stored = StoredRun.of(runRecord)
                .orElseThrow(() -> new IllegalStateException(
                        "the selection run " + request.runKey() + " has no recorded winners"));
        for (int part = 0; part < stored.parts(); part++) {
            selections.addAll(part(request, stored, part));
        }
        return selections;
    }

    /** Whether a demand-table item is a stored part rather than a run record. */
    public static boolean isPart(Map<String, AttributeValue> item) {
        return item.get("sk").s().contains(PART);
    }

    /** The winners stored in one part of a recorded run, in rank order. */
    public List<Selection> part(MarketSelectionRequest request, StoredRun stored, int part) {
        Map<String, AttributeValue> partKey = partKey(request, stored.partsOwner(), part);
        var item = dynamodb.getItem(
                        b -> b.tableName(tables.table()).consistentRead(true).key(partKey))
                .item();
        if (item == null || !item.containsKey("selections")) {
            throw new IllegalStateException(
                    "part " + part + " of the selection run " + request.runKey() + " is missing");
        }
        return decode(item.get("selections").s());
    }

    private Map<String, AttributeValue> runRecord(MarketSelectionRequest request) {
        var response = dynamodb.getItem(b -> b.tableName(tables.table())
                .consistentRead(true)
                .key(Map.of("pk", s("CAMPAIGN#" + request.campaignId()), "sk", s(request.runKey()))));
        return response.hasItem() ? response.item() : Map.of();
    }

    private void write(List<WriteRequest> writes) {
        Map<String, List<WriteRequest>> pending = Map.of(tables.table(), writes);
        while (!pending.isEmpty()
                && !pending.getOrDefault(tables.table(), List.of()).isEmpty()) {
            Map<String, List<WriteRequest>> batch = pending;
            pending = dynamodb.batchWriteItem(b -> b.requestItems(batch)).unprocessedItems();
        }
    }

    /** The owner whose parts a recorded run's are; null for a run recorded before parts were keyed by owner. */
    private static String partsOwner(Map<String, AttributeValue> run) {
        AttributeValue owner = run.get(PARTS_OWNER);
        return owner == null ? null : owner.s();
    }

    private static Map<String, AttributeValue> partKey(MarketSelectionRequest request, String owner, int part) {
        String attempt = owner == null ? "" : owner + "#";
        return Map.of(
                "pk",
                s("CAMPAIGN#" + request.campaignId()),
                "sk",
                s(request.runKey() + PART + attempt + String.format("%06d", part)));
    }

    static String encode(List<Selection> selections) {
        StringBuilder text = new StringBuilder(selections.size() * 48);
        for (Selection selection : selections) {
            text.append(selection.rank())
                    .append('\t')
                    .append(selection.globalUserId())
                    .append('\t')
                    .append(selection.code())
                    .append('\n');
        }
        return text.toString();
    }

    static List<Selection> decode(String text) {
        List<Selection> selections = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (!line.isEmpty()) {
                String[] fields = line.split("\t", 3);
                selections.add(new Selection(fields[1], fields[2], Integer.parseInt(fields[0])));
            }
        }
        return selections;
    }
}
