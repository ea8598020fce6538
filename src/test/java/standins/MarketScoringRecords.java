package standins;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.NavigableMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The scoring records of one market: the seeded records first, then every stored entry of the campaign
 * that chose the market (in globalUserId order). Seeded records are held compactly so that a market can
 * hold a million of them: synthetic ones are computed from their index, explicit ones sit in parallel arrays.
 */
final class MarketScoringRecords {

    private final String marketId;
    private volatile List<Segment> segments = List.of();

    MarketScoringRecords(String marketId) {
        this.marketId = marketId;
    }

    /**
     * Adds {@code count} records of users {@code user-{seed}-{index}}. Scores are a deterministic function of
     * (seed, index): about 1 in 100 is unscored (null) and the rest lie in 0..999.99 with two decimals, so large
     * markets have ties. Two markets seeded with the same seed share their users.
     */
    synchronized void addSynthetic(int count, long seed) {
        append(new SyntheticSegment(count, seed));
    }

    synchronized void add(List<ScoringRecord> records) {
        String[] ids = new String[records.size()];
        double[] scores = new double[records.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = records.get(i).globalUserId();
            scores[i] =
                    records.get(i).score() == null ? Double.NaN : records.get(i).score();
        }
        append(new ExplicitSegment(ids, scores));
    }

    /** The seeded records become these (scores changed between two rankings, as retryScore does). */
    synchronized void replace(List<ScoringRecord> records) {
        segments = List.of();
        add(records);
    }

    int seededCount() {
        return count(segments);
    }

    /** One page of records after {@code cursor} (null for the first page). */
    ObjectNode page(int limit, String cursor, NavigableMap<String, ? extends JsonNode> campaignEntries) {
        Position position = cursor == null ? Position.START : Position.decode(cursor);
        List<Segment> seeded = segments;
        ObjectNode page = Json.object();
        ArrayNode records = page.putArray("records");
        if (!position.inEntries()) {
            int total = count(seeded);
            int end = Math.min(total, position.offset() + limit);
            appendSeeded(seeded, position.offset(), end, records);
            if (end < total) {
                return page.put("nextCursor", Position.seeded(end).encode());
            }
            position = Position.entriesAfter("");
        }
        Iterator<? extends JsonNode> entries = campaignEntries.tailMap(position.afterUserId(), false).values().stream()
                .filter(this::choseThisMarket)
                .iterator();
        String lastUserId = position.afterUserId();
        while (records.size() < limit && entries.hasNext()) {
            JsonNode entry = entries.next();
            lastUserId = entry.path("globalUserId").asText();
            addRecord(
                    records,
                    lastUserId,
                    entry.path("score").isNumber() ? entry.path("score").asDouble() : Double.NaN);
        }
        return page.put(
                "nextCursor",
                entries.hasNext() ? Position.entriesAfter(lastUserId).encode() : null);
    }

    private boolean choseThisMarket(JsonNode entry) {
        for (JsonNode market : entry.path("markets")) {
            if (marketId.equals(market.asText())) {
                return true;
            }
        }
        return false;
    }

    private void appendSeeded(List<Segment> seeded, int from, int to, ArrayNode records) {
        int segmentStart = 0;
        for (Segment segment : seeded) {
            int first = Math.max(from - segmentStart, 0);
            int last = Math.min(to - segmentStart, segment.size());
            for (int i = first; i < last; i++) {
                addRecord(records, segment.globalUserId(i), segment.score(i));
            }
            segmentStart += segment.size();
        }
    }

    private void addRecord(ArrayNode records, String globalUserId, double score) {
        ObjectNode record = records.addObject().put("globalUserId", globalUserId);
        if (Double.isNaN(score)) {
            record.putNull("score");
        } else {
            record.put("score", score);
        }
        record.put("marketId", marketId);
    }

    private void append(Segment segment) {
        List<Segment> grown = new ArrayList<>(segments);
        grown.add(segment);
        segments = List.copyOf(grown);
    }

    private static int count(List<Segment> seeded) {
        return seeded.stream().mapToInt(Segment::size).sum();
    }

    private interface Segment {
        int size();

        String globalUserId(int index);

        /** NaN when the record is not scored. */
        double score(int index);
    }

    private record SyntheticSegment(int size, long seed) implements Segment {

        @Override
        public String globalUserId(int index) {
            return "user-" + seed + "-" + index;
        }

        @Override
        public double score(int index) {
            long hash = mix(seed * 0x9E3779B97F4A7C15L + index);
            if (Math.floorMod(hash, 100) == 0) {
                return Double.NaN;
            }
            return Math.floorMod(hash >>> 8, 100_000) / 100.0;
        }

        /** The finaliser of SplitMix64: spreads consecutive inputs over all 64 bits. */
        private static long mix(long value) {
            long z = value;
            z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
            z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
            return z ^ (z >>> 31);
        }
    }

    private record ExplicitSegment(String[] ids, double[] scores) implements Segment {

        @Override
        public int size() {
            return ids.length;
        }

        @Override
        public String globalUserId(int index) {
            return ids[index];
        }

        @Override
        public double score(int index) {
            return scores[index];
        }
    }

    /** Where a page starts: an offset into the seeded records, or the entries after a globalUserId. */
    private record Position(boolean inEntries, int offset, String afterUserId) {

        static final Position START = seeded(0);

        static Position seeded(int offset) {
            return new Position(false, offset, null);
        }

        static Position entriesAfter(String globalUserId) {
            return new Position(true, 0, globalUserId);
        }

        String encode() {
            String plain = inEntries ? "e:" + afterUserId : "s:" + offset;
            return Base64.getUrlEncoder().withoutPadding().encodeToString(plain.getBytes(StandardCharsets.UTF_8));
        }

        static Position decode(String cursor) {
            try {
                String plain = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
                if (plain.startsWith("e:")) {
                    return entriesAfter(plain.substring(2));
                }
                if (plain.startsWith("s:")) {
                    int offset = Integer.parseInt(plain.substring(2));
                    if (offset >= 0) {
                        return seeded(offset);
                    }
                }
            } catch (IllegalArgumentException e) {
                // falls through to the rejection below
            }
            throw HttpError.badRequest("unknown cursor");
        }
    }
}
