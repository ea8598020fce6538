package bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The fault suite's replica scenarios, short, on the packaged app (run by failsafe after the package phase of
 * {@code ./mvnw verify}): two replicas of the data pipeline, one of them killed with SIGKILL or stopped with SIGTERM
 * mid-stream. Everything lands, nothing good is dead-lettered, every poison message is; a SIGTERM duplicates nothing.
 */
class FaultSuiteIT {

    @Test
    void aReplicaKilledMidStreamLosesNothing() throws Exception {
        FaultSuite.Row row = runLosingNothing("kill-9-replica");
        assertEquals(row.poison(), row.poisonDeadLettered(), "poison messages dead-lettered");
        assertTrue(row.correct(), String.valueOf(row.problems()));
    }

    @Test
    void aReplicaStoppedMidStreamHandsItsMessagesBackAtOnce() throws Exception {
        FaultSuite.Row row = runLosingNothing("sigterm-replica");
        assertEquals(0, row.duplicates(), "a graceful stop finishes or hands back: no duplicate");
        assertTrue(row.correct(), String.valueOf(row.problems()));
        // the other replica takes what the stopped one handed back without waiting out the 30 s visibility timeout
        assertTrue(row.secondsToDrain() < 25, "drained " + row.secondsToDrain() + " s after the SIGTERM");
    }

    /** Runs the scenario with 3 000 messages: nothing may be lost, no good message dead-lettered. */
    private static FaultSuite.Row runLosingNothing(String scenario) throws Exception {
        FaultSuite.Row row = FaultSuite.runScenario(scenario, 3_000);
        Bench.log("%s", row);
        assertEquals(0, row.lost(), "lost");
        assertEquals(0, row.goodDeadLettered(), "good messages dead-lettered");
        return row;
    }
}
