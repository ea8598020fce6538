package regworkers.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;
import support.MutableClock;

class UnsettledMessagesUnitTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-25T12:00:00Z"));

    @Test
    void aWorkerIsFullAtTheLimitAndHasRoomAgainBelowSeventyPercent() {
        UnsettledMessages unsettled = new UnsettledMessages(10, 30, clock);
        for (int i = 0; i < 10; i++) {
            unsettled.received("saveEntries", "m" + i);
        }
        assertTrue(unsettled.isFull("saveEntries"));
        assertFalse(unsettled.isFull("upsertUsers"), "per worker");
        unsettled.settled("saveEntries", "m0");
        unsettled.settled("saveEntries", "m1");
        unsettled.settled("saveEntries", "m2");
        assertFalse(unsettled.hasRoom("saveEntries"), "7 of 10 is not below 70 %");
        unsettled.settled("saveEntries", "m3");
        assertTrue(unsettled.hasRoom("saveEntries"));
        assertFalse(unsettled.awaitRoom("saveEntries", Duration.ofSeconds(1)), "not full: no wait");
    }

    @Test
    void aMessageUnsettledPastItsVisibilityTimeoutNoLongerCounts() {
        UnsettledMessages unsettled = new UnsettledMessages(2, 30, clock);
        unsettled.received("w", "lost-1");
        unsettled.received("w", "lost-2");
        assertTrue(unsettled.isFull("w"));
        clock.advance(Duration.ofSeconds(31));
        assertEquals(0, unsettled.count("w"), "SQS has made them visible again: no longer ours");
        assertTrue(unsettled.hasRoom("w"));
    }

    @Test
    void aFullWorkerWaitsAtMostTheGivenTime() {
        UnsettledMessages unsettled = new UnsettledMessages(1, 30, Clock.systemUTC());
        unsettled.received("w", "a");
        long start = System.nanoTime();
        assertTrue(unsettled.awaitRoom("w", Duration.ofMillis(200)));
        assertTrue(System.nanoTime() - start >= Duration.ofMillis(200).toNanos());
    }

    @Test
    void settlingTwiceOrSettlingAnUnknownMessageChangesNothing() {
        UnsettledMessages unsettled = new UnsettledMessages(5, 30, clock);
        unsettled.received("w", "a");
        unsettled.settled("w", "a");
        unsettled.settled("w", "a");
        unsettled.settled("w", "never-received");
        assertEquals(0, unsettled.count("w"));
    }
}
