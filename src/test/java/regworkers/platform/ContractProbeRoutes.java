package regworkers.platform;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A test-only consumer on {@value #QUEUE} that fails on demand, to drive the queue contract itself: a body
 * {"id": "...", "failTimes": N} fails transiently N times, then succeeds; {"id": "...", "permanent": true} can never
 * succeed.
 */
@ApplicationScoped
public class ContractProbeRoutes extends QueueWorkerRouteBuilder {

    public static final String QUEUE = "contractProbeQueue";

    @Override
    public void configure() {
        fromQueue(QUEUE, Worker.PROCESS_DATA, "contractProbe")
                .bean("contractProbe", "work")
                .to(acknowledge());
    }

    @ApplicationScoped
    @Named("contractProbe")
    public static class Probe {
        private static final ObjectMapper JSON = new ObjectMapper();
        private final Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();
        private final List<String> succeeded = new CopyOnWriteArrayList<>();

        public int attempts(String id) {
            AtomicInteger count = attempts.get(id);
            return count == null ? 0 : count.get();
        }

        public boolean succeeded(String id) {
            return succeeded.contains(id);
        }

        public void work(String body) throws Exception {
            JsonNode message = JSON.readTree(body);
            String id = message.get("id").asText();
            int attempt = attempts.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
            if (message.path("permanent").asBoolean()) {
                throw new PermanentFailure("PROBE_PERMANENT", "probe " + id + " can never succeed");
            }
            if (attempt <= message.path("failTimes").asInt()) {
                throw new IllegalStateException("probe " + id + " fails transiently on attempt " + attempt);
            }
            succeeded.add(id);
        }
    }
}
