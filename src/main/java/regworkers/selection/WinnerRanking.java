package regworkers.selection;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/**
 * The best {@code capacity} scored entries of a market, fed one scoring record at a time: memory holds at most
 * {@code capacity} candidates whatever the market's size. Higher score ranks first; equal scores are ordered by a
 * stable hash of (campaignId, marketId, dateId, globalUserId), so the same records always give the same winners in
 * the same order, and a tie is not decided by user id or arrival order. Entries without a score are left out.
 */
public final class WinnerRanking {

    /** A ranked entry; {@code tieBreak} is compared unsigned, smaller first. */
    public record Candidate(String globalUserId, double score, long tieBreak) {}

    /** Best first. */
    static final Comparator<Candidate> BEST_FIRST = Comparator.comparingDouble(Candidate::score)
            .reversed()
            .thenComparing(Candidate::tieBreak, Long::compareUnsigned)
            .thenComparing(Candidate::globalUserId);

    private final String tieBreakPrefix;
    private final int capacity;
    private final PriorityQueue<Candidate> kept;
    private final MessageDigest sha256;
    private long scored;
    private long unscored;

    public WinnerRanking(String campaignId, String marketId, String dateId, int capacity) {
        if (capacity < 0) {
            throw new IllegalArgumentException("capacity must not be negative");
        }
        this.tieBreakPrefix = campaignId + "\n" + marketId + "\n" + dateId + "\n";
        this.capacity = capacity;
        this.kept = new PriorityQueue<>(Math.max(1, Math.min(capacity, 1 << 16)), BEST_FIRST.reversed());
        try {
            this.sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Considers one scoring record; a null or non-finite score is not ranked. */
    public void offer(String globalUserId, Double score) {
        if (score == null || !Double.isFinite(score)) {
            unscored++;
            return;
        }
        scored++;
        if (capacity == 0) {
            return;
        }
        if (kept.size() == capacity && score < kept.peek().score()) {
            return; // cannot beat the worst kept one: no need to hash it
        }
        Candidate candidate = new Candidate(globalUserId, score, tieBreak(globalUserId));
        if (kept.size() < capacity) {
            kept.add(candidate);
        } else if (BEST_FIRST.compare(candidate, kept.peek()) < 0) {
            kept.poll();
            kept.add(candidate);
        }
    }

    /** The winners so far, best first. */
    public List<Candidate> ranked() {
        List<Candidate> ranked = new ArrayList<>(kept);
        ranked.sort(BEST_FIRST);
        return ranked;
    }

    public long scored() {
        return scored;
    }

    public long unscored() {
        return unscored;
    }

    public int capacity() {
        return capacity;
    }

    long tieBreak(String globalUserId) {
        byte[] digest = sha256.digest((tieBreakPrefix + globalUserId).getBytes(StandardCharsets.UTF_8));
        return ByteBuffer.wrap(digest, 0, Long.BYTES).getLong();
    }
}
