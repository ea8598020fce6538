package regworkers.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import support.MutableClock;

class HeldMessagesUnitTest {

    private final MutableClock clock = new MutableClock(java.time.Instant.parse("2026-12-01T00:00:00Z"));
    private final HeldMessages held = new HeldMessages(3, Duration.ofMinutes(15), Duration.ofSeconds(30), clock);

    @Test
    void aWorkerIsFullAtItsLimitAndEachWorkerCountsItsOwn() {
        held.hold(message("saveEntries", "m1"), "saveEntries", Map.of());
        held.hold(message("saveEntries", "m2"), "saveEntries", Map.of());
        assertFalse(held.isFull("saveEntries"));
        held.hold(message("saveEntries", "m3"), "saveEntries", Map.of());
        assertTrue(held.isFull("saveEntries"));
        assertFalse(held.isFull("upsertUsers"), "per worker");
        held.settled(message("saveEntries", "m2"));
        assertFalse(held.isFull("saveEntries"));
        assertEquals(2, held.count("saveEntries"));
    }

    @Test
    void aMessageWhoseInvisibilityRunsOutUnrenewedIsForgottenAndOnlyThen() {
        QueueMessage renewed = message("processData", "renewed");
        QueueMessage lapsing = message("processData", "lapsing");
        held.hold(renewed, "processData", Map.of());
        held.hold(lapsing, "processData", Map.of());

        clock.advance(Duration.ofSeconds(24)); // 30 s of invisibility from the receive, 5 s of margin
        assertFalse(held.forgetIfLapsed(lapsing));
        held.keptInvisible(List.of(heldOf(renewed)), clock.millis()); // a heartbeat went through for one of them

        clock.advance(Duration.ofSeconds(2));
        assertTrue(held.forgetIfLapsed(lapsing), "26 s after its receive, without a heartbeat");
        assertFalse(held.forgetIfLapsed(renewed), "renewed 2 s ago");
        assertEquals(1, held.count("processData"), "the lapsed one is no longer held");
        assertFalse(held.forgetIfLapsed(message("processData", "never-held")));
    }

    @Test
    void aHeartbeatSentAfterTheInvisibilityRanOutDoesNotRenewIt() {
        QueueMessage message = message("processData", "frozen");
        held.hold(message, "processData", Map.of());
        clock.advance(Duration.ofSeconds(31)); // SQS was frozen: no heartbeat went through in time
        held.keptInvisible(List.of(heldOf(message)), clock.millis()); // the first one after it thawed
        assertTrue(held.forgetIfLapsed(message), "another consumer may have received it meanwhile");
    }

    private HeldMessages.Held heldOf(QueueMessage message) {
        return held.toKeepInvisible().values().stream()
                .flatMap(List::stream)
                .filter(h -> h.message().messageId().equals(message.messageId()))
                .findFirst()
                .orElseThrow();
    }

    @Test
    void settlingTwiceOrWhatWasNeverHeldCountsNothing() {
        held.hold(message("w", "a"), "w", Map.of());
        held.settled(message("w", "a"));
        held.settled(message("w", "a"));
        held.settled(message("w", "never-held"));
        assertEquals(0, held.count("w"));
        assertEquals(0, held.total());
    }

    @Test
    void aParkedMessageRunAgainIsNotHeldTwice() {
        assertTrue(held.hold(message("w", "a"), "w", Map.of()));
        assertEquals(0, held.park(message("w", "a"), true, 0));
        assertEquals(1, held.parkedCount("w"));
        List<String> runAgain = new ArrayList<>();
        held.unpark("w", each -> runAgain.add(each.message().messageId()));
        assertEquals(List.of("a"), runAgain);
        assertFalse(held.hold(message("w", "a"), "w", Map.of()), "the same message entering its route again");
        assertEquals(1, held.count("w"));
        assertEquals(0, held.parkedCount("w"));
        assertEquals(
                0,
                held.park(message("w", "a"), true, 0),
                "failed again with the rest of its worker: the dependency's fault");
        assertEquals(1, held.park(message("w", "a"), true, 5), "failed again while others succeeded: counts");
        assertEquals(1, held.park(message("w", "a"), false, 9), "parked on arrival at a paused worker: not a run");
        assertEquals(2, held.park(message("w", "a"), true, 9));
    }

    @Test
    void onlyTheParkedMessagesOfTheResumedWorkerRunAgain() {
        held.hold(message("w", "a"), "w", Map.of());
        held.hold(message("w", "b"), "w", Map.of());
        held.hold(message("other", "c"), "other", Map.of());
        held.park(message("w", "a"), true, 0);
        held.park(message("other", "c"), true, 0);
        List<String> runAgain = new ArrayList<>();
        held.unpark("w", each -> runAgain.add(each.message().messageId()));
        assertEquals(List.of("a"), runAgain);
        held.unpark("w", each -> runAgain.add(each.message().messageId()));
        assertEquals(List.of("a"), runAgain, "taken out of the parking once");
    }

    @Test
    void aMessageHeldPastMaxHoldIsTakenForLostUnlessParked() {
        held.hold(message("w", "lost"), "w", Map.of());
        held.hold(message("w", "parked"), "w", Map.of());
        held.park(message("w", "parked"), true, 0);
        clock.advance(Duration.ofMinutes(14));
        assertEquals(List.of(), held.takeOverdue());
        clock.advance(Duration.ofMinutes(2));
        List<HeldMessages.Held> overdue = held.takeOverdue();
        assertEquals(1, overdue.size());
        assertEquals("lost", overdue.get(0).message().messageId());
        assertEquals(1, held.count("w"), "the parked one is held as long as its worker's pause lasts");
    }

    @Test
    void everyHeldMessageIsKeptInvisibleByQueue() {
        held.hold(message("w", "a"), "w", Map.of());
        held.hold(message("w", "b"), "w", Map.of());
        held.park(message("w", "b"), true, 0);
        assertEquals(2, held.toKeepInvisible().get("queue-w").size(), "parked ones too");
    }

    private static QueueMessage message(String worker, String id) {
        return new QueueMessage("queue-" + worker, id, "receipt-" + id, 1, 0L, worker, "{}");
    }
}
