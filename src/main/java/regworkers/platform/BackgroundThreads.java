package regworkers.platform;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/** The platform's own background work: one daemon thread each, named so a thread dump says what it is. */
final class BackgroundThreads {

    private BackgroundThreads() {
    }

    static ScheduledExecutorService scheduler(String name) {
        return Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        });
    }
}
