package regworkers.platform;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class FailuresUnitTest {

    private final PermanentFailure refused = new PermanentFailure("SERVICE_REJECTED", "PUT entry /campaigns/c/entries answered 400");

    @Test
    void aPermanentFailureOfABatchOfSeveralIsRetryableForEachMessage() {
        RuntimeException perMessage = Failures.forEachMessageOfBatch(refused, 3);
        assertFalse(Failures.isPermanent(perMessage));
        assertTrue(perMessage.getMessage().contains("answered 400"));
    }

    @Test
    void aBatchOfOneKeepsItsPermanentFailure() {
        assertSame(refused, Failures.forEachMessageOfBatch(refused, 1));
        assertTrue(Failures.isPermanent(Failures.forEachMessageOfBatch(refused, 1)));
    }

    @Test
    void aTransientFailureStaysAsItIs() {
        IllegalStateException timeout = new IllegalStateException("timeout");
        assertSame(timeout, Failures.forEachMessageOfBatch(timeout, 5));
    }
}
