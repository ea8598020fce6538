package regworkers.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.jboss.logging.MDC;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Work handed to a pool thread logs with its own message's context, and leaves the thread's context as it was. */
class WorkerLogContextTest {

    private final ExecutorService pool = Executors.newSingleThreadExecutor();

    @AfterEach
    void stop() {
        pool.shutdownNow();
    }

    @Test
    void theWorkSeesItsMessagesContextAndTheThreadGetsItsOwnBack() throws Exception {
        pool.submit(() -> WorkerLog.context(Worker.UPSERT_USERS, "earlier-task"))
                .get();

        Map<String, Object> seen = CompletableFuture.supplyAsync(
                        () -> WorkerLog.inContext(Worker.SAVE_ENTRIES, "corr-1", MDC::getMap), pool)
                .get();
        assertEquals("saveEntries", seen.get(WorkerLog.WORKER));
        assertEquals(Worker.SAVE_ENTRIES.tag(), seen.get(WorkerLog.TAG));
        assertEquals("corr-1", seen.get(WorkerLog.CORRELATION_ID));

        Map<String, Object> after = pool.submit(MDC::getMap).get();
        assertEquals("upsertUsers", after.get(WorkerLog.WORKER));
        assertEquals("earlier-task", after.get(WorkerLog.CORRELATION_ID));
    }

    @Test
    void noCorrelationIdMeansNoneRatherThanAPreviousTasks() throws Exception {
        pool.submit(() -> WorkerLog.context(Worker.UPSERT_USERS, "earlier-task"))
                .get();

        Map<String, Object> seen = CompletableFuture.supplyAsync(
                        () -> WorkerLog.inContext(Worker.NOTIFICATION_GENERATOR, null, MDC::getMap), pool)
                .get();
        assertEquals("notificationGenerator", seen.get(WorkerLog.WORKER));
        assertNull(seen.get(WorkerLog.CORRELATION_ID));
    }
}
