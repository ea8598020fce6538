package regworkers.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.logging.json.runtime.JsonFormatter;
import org.jboss.logmanager.ExtLogRecord;
import org.jboss.logmanager.Level;
import org.jboss.logmanager.LogContext;
import org.jboss.logmanager.formatters.PatternFormatter;
import org.jboss.logmanager.formatters.StructuredFormatter;
import org.jboss.logmanager.handlers.AsyncHandler;
import org.jboss.logmanager.handlers.ConsoleHandler;
import org.junit.jupiter.api.Test;
import regworkers.platform.logging.JsonLogFormatter;
import regworkers.platform.logging.JsonLogInstaller;

/** SPEC §5 log lines: what {@link JsonLogFormatter} writes after {@link PiiRedactionFilter}, and how it is installed. */
class JsonLogLineUnitTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String DATE_FORMAT = "yyyy-MM-dd'T'HH:mm:ss.SSSXXX";
    private static final Set<String> CONFIGURED_EXCLUSIONS =
            Set.of("sequence", "loggerClassName", "threadId", "processName", "processId", "hostName", "ndc");
    private static final List<String> NOISE =
            List.of("sequence", "loggerClassName", "threadId", "hostName", "processName", "processId", "ndc");

    @Test
    void workerEventIsOneFlatLineWithDataAsRedactedObject() throws Exception {
        JsonNode line = parseOneLine(format(flatFormatter(), workerEvent()));

        assertFlatWorkerEvent(line);
        assertTrue(
                line.get("timestamp")
                        .asText()
                        .matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}(Z|[+-]\\d\\d:\\d\\d)"),
                "configured date format: " + line.get("timestamp"));
        assertEquals("ERROR", line.get("level").asText());
        assertEquals("regworkers", line.get("loggerName").asText());
        assertEquals("traceId-1", line.get("traceId").asText());
        // the exception as Quarkus writes it (exception-output-type=detailed)
        JsonNode exception = line.get("exception");
        assertNotNull(exception, line.toString());
        assertEquals(
                IllegalStateException.class.getName(),
                exception.get("exceptionType").asText());
        assertEquals("user service failed", exception.get("message").asText());
        assertTrue(exception.get("frames").isArray() && exception.get("frames").size() > 0);
        assertEquals("timed out", exception.at("/causedBy/exception/message").asText());
    }

    @Test
    void lineWithoutMdcStillHasTagAndWorker() throws Exception {
        ExtLogRecord record = new ExtLogRecord(Level.INFO, "Apache Camel started", "org.apache.camel.Logger");
        record.setLoggerName("org.apache.camel.impl.engine.AbstractCamelContext");
        JsonNode line = parseOneLine(format(flatFormatter(), record));

        assertEquals("registration:apps:processData", line.get("tag").asText());
        assertEquals("processData", line.get("worker").asText());
        assertEquals("INFO", line.get("level").asText());
        assertEquals("Apache Camel started", line.get("message").asText());
        assertEquals(
                "org.apache.camel.impl.engine.AbstractCamelContext",
                line.get("loggerName").asText());
        assertNotNull(line.get("timestamp"));
        for (String absent : List.of("mdc", "correlationId", "routeId", "data", "exception", "traceId")) {
            assertFalse(line.has(absent), absent + " in " + line);
        }
        NOISE.forEach(noise -> assertFalse(line.has(noise), noise + " in " + line));
    }

    @Test
    void workerComesFromCamelRouteWhenTheMdcHasNone() throws Exception {
        ExtLogRecord record = new ExtLogRecord(Level.WARN, "Failed delivery", "org.apache.camel.Logger");
        record.setLoggerName("org.apache.camel.processor.errorhandler.DefaultErrorHandler");
        record.setMdc(Map.of("camel.routeId", "saveEntries-dlq", "camel.exchangeId", "EX-9"));
        JsonNode line = parseOneLine(format(flatFormatter(), record));

        assertEquals("saveEntries", line.get("worker").asText());
        assertEquals("registration:apps:saveEntries", line.get("tag").asText());
        assertEquals("saveEntries-dlq", line.get("routeId").asText());
        assertFalse(line.has("camel.exchangeId"), line.toString());
    }

    @Test
    void dataStaysValidJsonWhenRedactionHitsEscapes() throws Exception {
        ExtLogRecord record = new ExtLogRecord(Level.INFO, "note", "test");
        // text-level redaction would eat the "n" of "\n" here and leave the invalid escape "\[REDACTED_EMAIL]"
        record.setMdc(Map.of(
                "data", "{\"note\":\"line one\\nbob@example.com\",\"amount\":1.10,\"phones\":[\"+44 20 7946 0958\"]}"));
        String output = format(flatFormatter(), record);
        JsonNode line = parseOneLine(output);

        JsonNode data = line.get("data");
        assertTrue(data.isObject(), output);
        assertEquals("line one\n[REDACTED_EMAIL]", data.path("note").asText(), output);
        assertTrue(output.contains("\"amount\":1.10"), "decimal kept as written: " + output);
        assertEquals("[REDACTED_PHONE]", data.at("/phones/0").asText());
    }

    @Test
    void exceptionTextsAndTheCorrelationIdAreMaskedToo() throws Exception {
        ExtLogRecord record = new ExtLogRecord(Level.ERROR, "call failed", "test");
        record.setLoggerName("regworkers");
        record.setThrown(new IllegalStateException(
                "user service answered 400 for fan@example.com",
                new IOException("request headers [x-api-key: s3cr3t-key] body {\"phone\":\"+44 20 7946 0958\"}")));
        record.setMdc(Map.of(WorkerLog.CORRELATION_ID, "fan%40example.com"));
        for (StructuredFormatter.ExceptionOutputType type : StructuredFormatter.ExceptionOutputType.values()) {
            JsonLogFormatter formatter = flatFormatter();
            formatter.setExceptionOutputType(type);
            String line = format(formatter, record);
            for (String leak : List.of("fan@example.com", "fan%40example.com", "s3cr3t-key", "7946")) {
                assertFalse(line.contains(leak), type + ": " + leak + " leaked: " + line);
            }
            assertTrue(line.contains("[REDACTED_EMAIL]") && line.contains("[REDACTED_KEY]"), type + ": " + line);
            assertEquals("[REDACTED_EMAIL]", text(parseOneLine(line), "correlationId"));
        }
    }

    @Test
    void debugLevelDoesNotTurnOnWireLogging() throws Exception {
        java.util.Properties properties = new java.util.Properties();
        try (var in = getClass().getResourceAsStream("/application.properties")) {
            properties.load(in);
        }
        // the HTTP clients' wire, header and request loggers: LOG_LEVEL=DEBUG (quarkus.log.level) must leave them off
        for (String category : List.of(
                "org.apache.hc.client5.http.wire",
                "org.apache.hc.client5.http.headers",
                "org.apache.http.wire",
                "org.apache.http.headers",
                "software.amazon.awssdk.request",
                "io.netty.handler.logging",
                "io.vertx.redis.client")) {
            assertEquals("INFO", properties.getProperty("quarkus.log.category.\"" + category + "\".level"), category);
        }
        assertEquals("${LOG_LEVEL:INFO}", properties.getProperty("quarkus.log.level"));
    }

    @Test
    void dataThatIsNotAJsonObjectIsWrapped() throws Exception {
        ExtLogRecord record = new ExtLogRecord(Level.INFO, "odd", "test");
        record.setMdc(Map.of("data", "not json"));
        JsonNode line = parseOneLine(format(flatFormatter(), record));
        assertEquals("not json", line.at("/data/value").asText(), line.toString());
    }

    @Test
    void quarkusLineFailsTheFlatLineAssertions() throws Exception {
        // the assertions above can fail: the line Quarkus' own formatter writes for the same record does not pass
        JsonNode quarkusLine = parseOneLine(format(quarkusFormatter(), workerEvent()));
        assertTrue(quarkusLine.has("mdc"));
        assertThrows(AssertionError.class, () -> assertFlatWorkerEvent(quarkusLine));
    }

    @Test
    void installerReplacesOnlyQuarkusJsonFormattersOnConsoleHandlers() throws Exception {
        LogContext context = LogContext.create();
        java.util.logging.Logger root = context.getLogger("");
        JsonFormatter quarkus = quarkusFormatter();
        ConsoleHandler jsonConsole = new ConsoleHandler(quarkus);
        AsyncHandler async = new AsyncHandler();
        async.addHandler(jsonConsole);
        PatternFormatter pattern = new PatternFormatter("%d %-5p [%c] %s%e%n");
        ConsoleHandler textConsole = new ConsoleHandler(pattern); // quarkus.log.console.json.enabled=false
        root.addHandler(async);
        root.addHandler(textConsole);
        try {
            assertEquals(1, JsonLogInstaller.install(root, DATE_FORMAT, "upsertUsers"));
            JsonLogFormatter installed = assertInstanceOf(JsonLogFormatter.class, jsonConsole.getFormatter());
            assertSame(pattern, textConsole.getFormatter());
            assertEquals("upsertUsers", installed.getDefaultWorker());
            assertTrue(installed.getExcludedKeys().containsAll(CONFIGURED_EXCLUSIONS));
            assertEquals(quarkus.getExceptionOutputType(), installed.getExceptionOutputType());
            assertEquals(quarkus.getZoneId(), installed.getZoneId());

            ExtLogRecord record = workerEvent();
            record.setInstant(Instant.parse("2030-01-02T03:04:05.678Z"));
            JsonNode line = parseOneLine(format(installed, record));
            assertEquals(
                    quarkus.getDateTimeFormatter().format(record.getInstant()),
                    line.get("timestamp").asText());
            assertFlatWorkerEvent(line);

            assertEquals(0, JsonLogInstaller.install(root, DATE_FORMAT, "upsertUsers"), "installs once");
        } finally {
            async.close();
        }
    }

    // ---------------------------------------------------------------------------------------------------------

    private static ExtLogRecord workerEvent() {
        ExtLogRecord record = new ExtLogRecord(
                Level.ERROR,
                "user {0} not upserted, call {1}",
                ExtLogRecord.FormatStyle.MESSAGE_FORMAT,
                "org.jboss.logging.Logger");
        record.setParameters(new Object[] {"jane.doe@example.com", "+1 (555) 010-2030"});
        record.setLoggerName("regworkers");
        record.setThrown(new IllegalStateException("user service failed", new IOException("timed out")));
        Map<String, String> mdc = new LinkedHashMap<>();
        mdc.put(WorkerLog.TAG, Worker.UPSERT_USERS.tag());
        mdc.put(WorkerLog.WORKER, Worker.UPSERT_USERS.id());
        mdc.put(WorkerLog.CORRELATION_ID, "corr-42");
        mdc.put(
                WorkerLog.DATA,
                "{\"email\":\"jane.doe@example.com\",\"phone\":\"555-010-2030\",\"campaignId\":\"c1\","
                        + "\"attempt\":2,\"retry\":true,\"auth\":\"Bearer abc.def.ghi\"}");
        mdc.put("camel.routeId", "upsertUsers");
        mdc.put("camel.exchangeId", "EX-1");
        mdc.put("camel.breadcrumbId", "BC-1");
        mdc.put("traceId", "traceId-1");
        record.setMdc(mdc);
        return record;
    }

    private static void assertFlatWorkerEvent(JsonNode line) {
        assertFalse(line.has("mdc"), "nested mdc object: " + line);
        assertEquals("registration:apps:upsertUsers", text(line, "tag"));
        assertEquals("upsertUsers", text(line, "worker"));
        assertEquals("corr-42", text(line, "correlationId"));
        assertEquals("upsertUsers", text(line, "routeId"));
        assertEquals("user [REDACTED_EMAIL] not upserted, call [REDACTED_PHONE]", text(line, "message"));
        for (String absent : List.of("camel.exchangeId", "camel.breadcrumbId", "camel.routeId", "exchangeId")) {
            assertFalse(line.has(absent), absent + " in " + line);
        }
        NOISE.forEach(noise -> assertFalse(line.has(noise), noise + " in " + line));

        JsonNode data = line.get("data");
        assertNotNull(data, "no data: " + line);
        assertTrue(data.isObject(), "data is not an object: " + data);
        assertEquals(Set.of("email", "phone", "campaignId", "attempt", "retry", "auth"), Set.copyOf(fieldNames(data)));
        assertEquals("[REDACTED_EMAIL]", data.get("email").asText());
        assertEquals("[REDACTED_PHONE]", data.get("phone").asText());
        assertEquals("Bearer [REDACTED_TOKEN]", data.get("auth").asText());
        assertEquals("c1", data.get("campaignId").asText());
        assertEquals(2, data.get("attempt").intValue());
        assertTrue(data.get("retry").isBoolean() && data.get("retry").booleanValue());
        assertFalse(line.toString().contains("jane.doe"), "email leaked: " + line);
        assertFalse(line.toString().contains("010-2030"), "phone leaked: " + line);
    }

    private static String text(JsonNode line, String field) {
        JsonNode value = line.get(field);
        assertNotNull(value, "no " + field + ": " + line);
        assertTrue(value.isTextual(), field + " is not a string: " + line);
        return value.asText();
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new java.util.ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static JsonLogFormatter flatFormatter() {
        return JsonLogFormatter.replacing(quarkusFormatter(), DATE_FORMAT, "processData");
    }

    /** Quarkus' formatter as application.properties configures it. */
    private static JsonFormatter quarkusFormatter() {
        JsonFormatter formatter = new JsonFormatter(null, CONFIGURED_EXCLUSIONS, Map.of());
        formatter.setDateFormat(DATE_FORMAT);
        formatter.setExceptionOutputType(StructuredFormatter.ExceptionOutputType.DETAILED);
        formatter.setRecordDelimiter("\n");
        return formatter;
    }

    /** What the console handler does: its filter (pii-redaction), then its formatter. */
    private static String format(java.util.logging.Formatter formatter, ExtLogRecord record) {
        assertTrue(new PiiRedactionFilter().isLoggable(record));
        return formatter.format(record);
    }

    private static JsonNode parseOneLine(String output) throws IOException {
        assertTrue(output.endsWith("\n"), "record delimiter: " + output);
        String line = output.substring(0, output.length() - 1);
        assertFalse(line.contains("\n") || line.contains("\r"), "more than one line: " + output);
        JsonNode node = JSON.readTree(line);
        assertTrue(node.isObject(), output);
        return node;
    }
}
