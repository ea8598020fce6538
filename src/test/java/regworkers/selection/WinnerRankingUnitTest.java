package regworkers.selection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import regworkers.platform.markets.MarketSelectionRequest;

class WinnerRankingUnitTest {

    private static List<String> winners(WinnerRanking ranking) {
        return ranking.ranked().stream()
                .map(WinnerRanking.Candidate::globalUserId)
                .toList();
    }

    @Test
    void higherScoresWinAndUnscoredEntriesAreLeftOut() {
        WinnerRanking ranking = new WinnerRanking("c", "m", "d", 3);
        ranking.offer("low", 1.0);
        ranking.offer("unscored", null);
        ranking.offer("best", 99.5);
        ranking.offer("nan", Double.NaN);
        ranking.offer("middle", 50.0);
        ranking.offer("second", 60.0);
        assertEquals(List.of("best", "second", "middle"), winners(ranking));
        assertEquals(4, ranking.scored());
        assertEquals(2, ranking.unscored());
    }

    @Test
    void theOrderRecordsArriveInChangesNothing() {
        List<String[]> records = new ArrayList<>();
        Random random = new Random(7);
        for (int i = 0; i < 5_000; i++) {
            records.add(new String[] {"user-" + i, Integer.toString(random.nextInt(100))}); // many ties
        }
        List<String> first = null;
        for (int attempt = 0; attempt < 4; attempt++) {
            Collections.shuffle(records, new Random(attempt));
            WinnerRanking ranking = new WinnerRanking("campaign", "market", "2024-03-01", 700);
            records.forEach(r -> ranking.offer(r[0], Double.valueOf(r[1])));
            List<String> winners = winners(ranking);
            assertEquals(700, winners.size());
            if (first == null) {
                first = winners;
            } else {
                assertEquals(first, winners, "shuffle " + attempt);
            }
        }
    }

    @Test
    void tiesAreBrokenByTheRunsStableHashNotByUserId() {
        List<String> users = IntStream.range(0, 200).mapToObj(i -> "user-" + i).toList();
        WinnerRanking runA = new WinnerRanking("campaign", "market", "2024-03-01", 20);
        WinnerRanking runB = new WinnerRanking("campaign", "market", "2024-03-02", 20);
        users.forEach(user -> {
            runA.offer(user, 10.0);
            runB.offer(user, 10.0);
        });
        List<String> winnersA = winners(runA);
        List<String> sortedById = users.stream().sorted().limit(20).toList();
        assertNotEquals(sortedById, winnersA, "ties are not decided by user id");
        assertNotEquals(winnersA, winners(runB), "another date is another draw among equal scores");
        for (int i = 1; i < winnersA.size(); i++) {
            long previous = runA.tieBreak(winnersA.get(i - 1));
            long next = runA.tieBreak(winnersA.get(i));
            assertTrue(Long.compareUnsigned(previous, next) < 0, "tie order follows the hash");
        }
    }

    @Test
    void memoryHoldsAtMostTheCapacity() {
        WinnerRanking ranking = new WinnerRanking("c", "m", "d", 10);
        for (int i = 0; i < 100_000; i++) {
            ranking.offer("user-" + i, (double) i);
        }
        List<String> winners = winners(ranking);
        assertEquals(
                IntStream.range(0, 10).mapToObj(i -> "user-" + (99_999 - i)).toList(), winners);
    }

    @Test
    void aMarketWithoutCapacitySelectsNoOne() {
        WinnerRanking ranking = new WinnerRanking("c", "m", "d", 0);
        ranking.offer("user", 100.0);
        assertTrue(ranking.ranked().isEmpty());
        assertEquals(1, ranking.scored());
    }

    @Test
    void theReservationIdIsTheRunsAndOnlyTheRuns() {
        MarketSelectionRequest run = new MarketSelectionRequest("c", "m", "2024-03-01");
        assertEquals(run.reservationId(), new MarketSelectionRequest("c", "m", "2024-03-01").reservationId());
        assertNotEquals(run.reservationId(), new MarketSelectionRequest("c", "m", "2024-03-02").reservationId());
        assertNotEquals(
                new MarketSelectionRequest("c", "m1", "d").reservationId(),
                new MarketSelectionRequest("c", "m", "1d").reservationId());
    }
}
