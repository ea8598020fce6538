package regworkers.platform;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

/**
 * Structured log events of SPEC §5. {@link #context} puts {@code tag}, {@code worker} and {@code correlationId} in
 * the MDC; each event puts its details in the MDC as JSON text under {@code data}. The console formatter
 * ({@link regworkers.platform.logging.JsonLogFormatter}) writes them as top-level fields of the line, {@code data}
 * as a JSON object. Never put emails, phone numbers or tokens in {@code data}: {@link PiiRedactionFilter} masks
 * them anyway.
 */
public final class WorkerLog {

    public static final String TAG = "tag";
    public static final String WORKER = "worker";
    public static final String CORRELATION_ID = "correlationId";
    public static final String DATA = "data";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Logger logger;

    private WorkerLog(Logger logger) {
        this.logger = logger;
    }

    /** The log of {@code owner}: its category is the class' name, so levels can be set per package or class. */
    public static WorkerLog of(Class<?> owner) {
        return new WorkerLog(Logger.getLogger(owner));
    }

    /** Sets the worker context of the current thread's log lines. */
    public static void context(Worker worker, String correlationId) {
        MDC.put(TAG, worker.tag());
        MDC.put(WORKER, worker.id());
        if (correlationId != null) {
            MDC.put(CORRELATION_ID, correlationId);
        }
    }

    /**
     * Runs {@code work} with the worker context of one message (for work a worker hands to a pool thread, whose log
     * lines would otherwise carry no context or a previous task's), and gives the thread its own context back after.
     */
    public static <T> T inContext(Worker worker, String correlationId, Supplier<T> work) {
        Map<String, Object> previous = new HashMap<>(MDC.getMap());
        MDC.remove(CORRELATION_ID);
        context(worker, correlationId);
        try {
            return work.get();
        } finally {
            MDC.clear();
            previous.forEach(MDC::put);
        }
    }

    public void debug(String message, Map<String, ?> data) {
        log(Logger.Level.DEBUG, message, data);
    }

    public void info(String message, Map<String, ?> data) {
        log(Logger.Level.INFO, message, data);
    }

    public void warn(String message, Map<String, ?> data) {
        log(Logger.Level.WARN, message, data);
    }

    public void error(String message, Map<String, ?> data) {
        log(Logger.Level.ERROR, message, data);
    }

    /**
     * A finished batch's line: DEBUG when none of its messages failed (the worker's periodic summary counts those; a
     * line per batch at INFO costs CPU at every spike), INFO when one did.
     */
    public void batch(String message, long failed, Map<String, ?> data) {
        log(failed == 0 ? Logger.Level.DEBUG : Logger.Level.INFO, message, data);
    }

    public void log(Logger.Level level, String message, Map<String, ?> data) {
        if (!logger.isEnabled(level)) {
            return;
        }
        Object previous = MDC.get(DATA);
        MDC.put(DATA, encode(data));
        try {
            logger.log(level, message);
        } finally {
            if (previous == null) {
                MDC.remove(DATA);
            } else {
                MDC.put(DATA, previous);
            }
        }
    }

    private static String encode(Map<String, ?> data) {
        try {
            return JSON.writeValueAsString(data);
        } catch (JsonProcessingException e) {
            return "{\"unencodable\":true}";
        }
    }
}
