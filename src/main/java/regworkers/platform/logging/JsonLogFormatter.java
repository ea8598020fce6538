package regworkers.platform.logging;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkus.logging.json.runtime.AdditionalField;
import io.quarkus.logging.json.runtime.JsonFormatter;
import regworkers.platform.PiiRedactionFilter;
import regworkers.platform.Worker;
import regworkers.platform.WorkerLog;

/**
 * The console JSON formatter of SPEC §5: one JSON object per line whose context fields are top-level.
 *
 * <p>It is Quarkus' own JSON formatter (same timestamp, level, loggerName, message, threadName, exception fields, key
 * overrides, exclusions and additional fields, taken from {@code quarkus.log.console.json.*}) with one difference:
 * where Quarkus writes the whole MDC as a nested {@code "mdc": {...}} object, this one writes a fixed set of
 * top-level fields instead, named once and for all in {@link #CONTEXT_FIELDS}:
 * <ul>
 * <li>{@code tag}, {@code worker}: from the MDC ({@link WorkerLog#context}); else the worker whose route logged the line
 * (Camel's {@code camel.routeId} is {@code <worker>} or {@code <worker>-<part>}); else the process's default worker,
 * so every line has both;</li>
 * <li>{@code correlationId}, {@code routeId} (Camel's {@code camel.routeId}), {@code traceId}, {@code spanId}
 * (OpenTelemetry): when present;</li>
 * <li>{@code data}: {@link WorkerLog}'s JSON text embedded as a JSON object, when present.</li>
 * </ul>
 * Other MDC keys (Camel's {@code camel.exchangeId}, {@code camel.breadcrumbId}, ...) are left out, as are the noise
 * keys of {@link #ALWAYS_EXCLUDED} whatever the configuration says. The output is always compact, one line.
 *
 * <p>{@link regworkers.platform.PiiRedactionFilter}, the console handler's filter, has already masked the message and
 * {@code data} when a record reaches the formatter; the formatter masks what the filter cannot reach: the exception's
 * texts and the correlation id.
 */
public class JsonLogFormatter extends JsonFormatter {

    /** Written by no line, whatever {@code quarkus.log.console.json.excluded-keys} says. */
    public static final Set<String> ALWAYS_EXCLUDED =
            Set.of("sequence", "loggerClassName", "threadId", "hostName", "processName", "processId", "ndc");

    // the fields of WorkerLog's context are written under the names of their MDC keys
    public static final String TAG = WorkerLog.TAG;
    public static final String WORKER = WorkerLog.WORKER;
    public static final String CORRELATION_ID = WorkerLog.CORRELATION_ID;
    public static final String ROUTE_ID = "routeId";
    public static final String TRACE_ID = "traceId";
    public static final String SPAN_ID = "spanId";
    public static final String DATA = WorkerLog.DATA;

    /** The key of the exception as one text (exception output type FORMATTED). */
    static final String FORMATTED_STACK_TRACE = "stackTrace";

    /** Camel's MDC key of the current route ({@code camel.main.use-mdc-logging=true}). */
    public static final String CAMEL_ROUTE_ID = "camel.routeId";

    /**
     * MDC key → top-level field, in output order, after {@code tag} and {@code worker} and before {@code data}
     * (those three are derived or parsed, see the class comment). MDC keys not named here are not written.
     */
    public static final Map<String, String> CONTEXT_FIELDS;

    static {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put(WorkerLog.CORRELATION_ID, CORRELATION_ID);
        fields.put(CAMEL_ROUTE_ID, ROUTE_ID);
        fields.put("traceId", TRACE_ID); // quarkus-opentelemetry's MDC keys, when tracing is on
        fields.put("spanId", SPAN_ID);
        CONTEXT_FIELDS = Collections.unmodifiableMap(fields);
    }

    private static final ObjectMapper JSON = JsonMapper.builder()
            .disable(StreamWriteFeature.AUTO_CLOSE_TARGET)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS) // data's 1.10 stays 1.10
            .nodeFactory(JsonNodeFactory.withExactBigDecimals(true))
            .build();

    private final String defaultWorker;

    /**
     * @param keyOverrides  as {@code quarkus.log.console.json.key-overrides} ({@code null}: none)
     * @param excludedKeys  as {@code quarkus.log.console.json.excluded-keys}; {@link #ALWAYS_EXCLUDED} is added
     * @param defaultWorker {@code worker} of lines that are not about one worker (this process's APP_NAME, or the
     *                      application name when it runs several workers)
     */
    public JsonLogFormatter(
            String keyOverrides,
            Set<String> excludedKeys,
            Map<String, AdditionalField> additionalFields,
            String defaultWorker) {
        super(keyOverrides, union(excludedKeys), additionalFields == null ? Map.of() : Map.copyOf(additionalFields));
        this.defaultWorker = defaultWorker == null || defaultWorker.isBlank() ? "reg-workers" : defaultWorker.trim();
    }

    /**
     * A formatter writing what {@code original} (the one Quarkus built from {@code quarkus.log.console.json.*}) writes,
     * with flat context fields. The date pattern cannot be read back from a formatter, hence {@code dateFormat}:
     * the value of {@code quarkus.log.console.json.date-format} ({@code "default"} or {@code null}: ISO-8601).
     */
    public static JsonLogFormatter replacing(JsonFormatter original, String dateFormat, String defaultWorker) {
        JsonLogFormatter formatter = new JsonLogFormatter(
                original.getKeyOverrides(), original.getExcludedKeys(), original.getAdditionalFields(), defaultWorker);
        if (original.getZoneId() != null) {
            formatter.setZoneId(original.getZoneId().getId());
        }
        if (dateFormat != null && !dateFormat.isBlank() && !"default".equals(dateFormat)) {
            formatter.setDateFormat(dateFormat);
        }
        formatter.setExceptionOutputType(original.getExceptionOutputType());
        formatter.setPrintDetails(original.isPrintDetails());
        formatter.setRecordDelimiter(original.getRecordDelimiter());
        return formatter;
    }

    public String getDefaultWorker() {
        return defaultWorker;
    }

    @Override
    protected Generator createGenerator(Writer writer) {
        try {
            return new FlatGenerator(JSON.createGenerator(writer), getExcludedKeys(), getKey(Key.MDC));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Set<String> union(Set<String> configured) {
        Set<String> keys = new HashSet<>(ALWAYS_EXCLUDED);
        if (configured != null) {
            keys.addAll(configured);
        }
        return Set.copyOf(keys);
    }

    /** {@code <worker>} or {@code <worker>-<part>} → that worker's id, if it is one. */
    static Optional<String> workerOfRoute(String routeId) {
        if (routeId == null || routeId.isEmpty()) {
            return Optional.empty();
        }
        int dash = routeId.indexOf('-');
        return Worker.byId(dash < 0 ? routeId : routeId.substring(0, dash)).map(Worker::id);
    }

    /**
     * Jackson-backed generator: the standard fields as {@link org.jboss.logmanager.formatters.StructuredFormatter}
     * sends them, except that the MDC map becomes the top-level context fields.
     */
    private final class FlatGenerator implements Generator {

        private final JsonGenerator json;
        private final Set<String> excluded;
        private final String mdcKey;
        private boolean contextWritten;
        /** 1 in the line's object, more inside the exception's (its message, its causes' messages). */
        private int depth;

        FlatGenerator(JsonGenerator json, Set<String> excluded, String mdcKey) {
            this.json = json;
            this.excluded = excluded;
            this.mdcKey = mdcKey;
        }

        @Override
        public Generator begin() throws IOException {
            depth = 1;
            json.writeStartObject();
            return this;
        }

        @Override
        public Generator add(String key, int value) throws IOException {
            if (!excluded.contains(key)) {
                json.writeNumberField(key, value);
            }
            return this;
        }

        @Override
        public Generator add(String key, long value) throws IOException {
            if (!excluded.contains(key)) {
                json.writeNumberField(key, value);
            }
            return this;
        }

        @Override
        public Generator add(String key, Map<String, ?> value) throws IOException {
            if (key.equals(mdcKey)) {
                writeContext(value == null ? Map.of() : value);
            } else if (!excluded.contains(key)) {
                json.writeObjectFieldStart(key);
                if (value != null) {
                    for (Map.Entry<String, ?> entry : value.entrySet()) {
                        string(entry.getKey(), entry.getValue() == null ? null : String.valueOf(entry.getValue()));
                    }
                }
                json.writeEndObject();
            }
            return this;
        }

        @Override
        public Generator add(String key, String value) throws IOException {
            if (!excluded.contains(key)) {
                string(key, value);
            }
            return this;
        }

        @Override
        public Generator startObject(String key) throws IOException {
            depth++;
            if (key == null) {
                json.writeStartObject();
            } else {
                json.writeObjectFieldStart(key);
            }
            return this;
        }

        @Override
        public Generator endObject() throws IOException {
            depth--;
            json.writeEndObject();
            return this;
        }

        @Override
        public Generator startArray(String key) throws IOException {
            if (key == null) {
                json.writeStartArray();
            } else {
                json.writeArrayFieldStart(key);
            }
            return this;
        }

        @Override
        public Generator endArray() throws IOException {
            json.writeEndArray();
            return this;
        }

        @Override
        public Generator end() throws IOException {
            if (!contextWritten) {
                // a formatter whose key overrides hide the MDC: still tag every line
                writeContext(Map.of());
            }
            json.writeEndObject();
            json.close(); // flushes into the formatter's buffer; AUTO_CLOSE_TARGET is off
            return this;
        }

        private void string(String key, String value) throws IOException {
            if (value == null) {
                json.writeNullField(key);
            } else {
                // the line's message was masked by the filter; exception texts (nested, or the formatted stack
                // trace) were not: an exception message may quote a request or a response
                boolean exceptionText = depth > 1 || FORMATTED_STACK_TRACE.equals(key);
                json.writeStringField(key, exceptionText ? PiiRedactionFilter.redact(value) : value);
            }
        }

        private void writeContext(Map<String, ?> mdc) throws IOException {
            contextWritten = true;
            String routeId = text(mdc.get(CAMEL_ROUTE_ID));
            String worker = text(mdc.get(WorkerLog.WORKER));
            if (worker == null) {
                worker = workerOfRoute(routeId).orElse(defaultWorker);
            }
            String tag = text(mdc.get(WorkerLog.TAG));
            field(TAG, tag == null ? Worker.TAG_PREFIX + worker : tag);
            field(WORKER, worker);
            for (Map.Entry<String, String> field : CONTEXT_FIELDS.entrySet()) {
                String value = text(mdc.get(field.getKey()));
                // a correlation id can come from a caller or a producer: it may be anything
                field(
                        field.getValue(),
                        CORRELATION_ID.equals(field.getValue()) ? PiiRedactionFilter.redact(value) : value);
            }
            String data = text(mdc.get(WorkerLog.DATA));
            if (data != null && !excluded.contains(DATA)) {
                JsonNode node = parseData(data);
                if (node != null) {
                    json.writeFieldName(DATA);
                    JSON.writeTree(json, node);
                }
            }
        }

        private void field(String name, String value) throws IOException {
            if (value != null && !excluded.contains(name)) {
                json.writeStringField(name, value);
            }
        }

        private String text(Object value) {
            if (value == null) {
                return null;
            }
            String text = value.toString();
            return text.isEmpty() ? null : text;
        }
    }

    /**
     * {@code data} as an object: WorkerLog's JSON object as is; any other JSON value, or text that is not JSON, as
     * {@code {"value": ...}} so that {@code data} is an object on every line; JSON {@code null}: no {@code data}.
     */
    static JsonNode parseData(String data) {
        ObjectNode wrapper = JSON.createObjectNode();
        try {
            JsonNode node = JSON.readTree(data);
            if (node == null || node.isMissingNode() || node.isNull()) {
                return null;
            }
            return node.isObject() ? node : wrapper.set("value", node);
        } catch (IOException | RuntimeException e) {
            return wrapper.put("value", data);
        }
    }
}
