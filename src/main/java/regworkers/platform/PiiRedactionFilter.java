package regworkers.platform;

import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;
import java.util.logging.Filter;
import java.util.logging.LogRecord;
import java.util.regex.MatchResult;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.quarkus.logging.LoggingFilter;
import org.jboss.logmanager.ExtLogRecord;

/**
 * Last line of defence for SPEC §5's "no PII in logs": masks emails (also URL-encoded), phone numbers, bearer tokens /
 * JWTs and API keys or other named secrets in the message and in the {@code data} field of every log line, whoever
 * wrote it (our code, Camel, a client library). Exception texts and the correlation id are masked by the formatter
 * ({@link regworkers.platform.logging.JsonLogFormatter}), DLQ attributes by the queue contract.
 * {@code data} is redacted value by value (and key by key) so that it stays valid JSON for the formatter, which
 * embeds it as an object ({@link regworkers.platform.logging.JsonLogFormatter}).
 */
@LoggingFilter(name = "pii-redaction")
public final class PiiRedactionFilter implements Filter {

    /** Plain or URL-encoded ({@code fan%40example.com}). */
    private static final Pattern EMAIL =
            Pattern.compile("[A-Za-z0-9._%+-]+(?:@|%40)[A-Za-z0-9.-]+\\.[A-Za-z]{2,}", Pattern.CASE_INSENSITIVE);

    private static final Pattern JWT = Pattern.compile("eyJ[A-Za-z0-9_-]{5,}\\.[A-Za-z0-9_-]{5,}\\.[A-Za-z0-9_-]*");
    private static final Pattern BEARER = Pattern.compile("(?i)bearer\\s+[A-Za-z0-9._~+/=-]+");
    /**
     * International ({@code +44 20 7946 0958}), North American with separators ({@code (415) 555-2671},
     * {@code 415.555.2671}) or without ({@code 4155552671}: area code and exchange start 2-9, so epoch seconds do not
     * match) and national numbers with a trunk 0 written in groups ({@code 020 7946 0958}). A match inside a UUID
     * is part of an identifier, not a phone number: a UUID's {@code …-df3127886124} stays ({@link #maskPhones}).
     */
    private static final Pattern PHONE = Pattern.compile("\\+\\d[\\d ().-]{7,}\\d"
            + "|(?<![\\d])\\(?\\d{3}\\)?[ .-]\\d{3}[ .-]\\d{4}(?![\\d])"
            + "|(?<![\\d])[2-9]\\d{2}[2-9]\\d{6}(?![\\d])"
            + "|(?<![\\d])0\\d{2,4} \\d{3,4} \\d{3,4}(?![\\d])");
    /** A secret's name: the value after it ({@code x-api-key: …}, {@code apiKey=…}, {@code "password":"…"}) is masked. */
    private static final String SECRET_NAME =
            "x-api-key|api[-_]?key|client[-_]?secret|secret[-_]?access[-_]?key|secret|password"
                    + "|access[-_]?token|refresh[-_]?token";

    private static final Pattern SECRET_NAMED =
            Pattern.compile("(?i)\\b(" + SECRET_NAME + ")(\"?'?\\s*[:=]\\s*\"?'?)[^\\s\"'&,;}\\]]+");
    private static final Pattern SECRET_KEY = Pattern.compile("(?i)(" + SECRET_NAME + ")");
    /** AWS access key ids. */
    private static final Pattern UUID =
            Pattern.compile("[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}");

    private static final Pattern AWS_KEY_ID = Pattern.compile("\\b(?:AKIA|ASIA)[0-9A-Z]{16}\\b");

    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS) // 1.10 stays 1.10
            .nodeFactory(JsonNodeFactory.withExactBigDecimals(true))
            .build();

    /** A pattern, what replaces its matches, and the clue without which it cannot match. */
    private record Redaction(Pattern pattern, String replacement, Predicate<Clues> clue) {}

    /** In this order; phone numbers last ({@link #maskPhones}). */
    private static final List<Redaction> REDACTIONS = List.of(
            new Redaction(JWT, "[REDACTED_TOKEN]", Clues::jwt),
            new Redaction(BEARER, "Bearer [REDACTED_TOKEN]", Clues::bearer),
            new Redaction(SECRET_NAMED, "$1$2[REDACTED_KEY]", Clues::secretName),
            new Redaction(AWS_KEY_ID, "[REDACTED_KEY]", Clues::awsKeyId),
            new Redaction(EMAIL, "[REDACTED_EMAIL]", Clues::email));

    @Override
    public boolean isLoggable(LogRecord record) {
        if (record instanceof ExtLogRecord ext) {
            ext.setMessage(redact(ext.getFormattedMessage()), ExtLogRecord.FormatStyle.NO_FORMAT);
            String data = ext.getMdc(WorkerLog.DATA);
            String redacted = redactJson(data);
            if (data != null && !data.equals(redacted)) { // putMdc copies the record's whole MDC first
                ext.putMdc(WorkerLog.DATA, redacted);
            }
        } else if (record.getMessage() != null) {
            record.setMessage(redact(record.getMessage()));
        }
        return true;
    }

    /**
     * {@link #redact} applied to every string (and number) value and every key of a JSON text; the result is JSON
     * again. Text that is not JSON is redacted as text.
     */
    public static String redactJson(String json) {
        if (json == null) {
            return null;
        }
        try {
            JsonNode tree = JSON.readTree(json);
            if (tree == null || tree.isMissingNode()) {
                return redact(json);
            }
            return JSON.writeValueAsString(redactTree(tree));
        } catch (IOException | RuntimeException e) {
            return redact(json);
        }
    }

    private static JsonNode redactTree(JsonNode node) {
        if (node instanceof ObjectNode object) {
            ObjectNode redacted = JSON.createObjectNode();
            for (Map.Entry<String, JsonNode> field : object.properties()) {
                boolean secret = Clues.of(field.getKey()).secretName()
                        && SECRET_KEY.matcher(field.getKey()).matches()
                        && field.getValue().isValueNode()
                        && !field.getValue().isNull();
                redacted.set(
                        redact(field.getKey()),
                        secret ? TextNode.valueOf("[REDACTED_KEY]") : redactTree(field.getValue()));
            }
            return redacted;
        }
        if (node instanceof ArrayNode array) {
            ArrayNode redacted = JSON.createArrayNode();
            array.forEach(element -> redacted.add(redactTree(element)));
            return redacted;
        }
        if (node.isTextual() || node.isNumber()) {
            String text = node.asText();
            String redacted = redact(text);
            return redacted.equals(text) ? node : TextNode.valueOf(redacted);
        }
        return node;
    }

    /**
     * Masks what the patterns above match. Each pattern runs only where {@link Clues} finds what every one of its
     * matches must contain: most texts (ids, slugs, counts) contain none of it, and the email pattern alone costs
     * time quadratic in the length of a long word without an {@code @}, such as a UUID.
     */
    public static String redact(String text) {
        return text == null ? null : redact(text, true);
    }

    /** Every pattern over the whole text: what {@link #redact} must return, at a higher cost (for its tests). */
    static String redactEveryPattern(String text) {
        return redact(text, false);
    }

    private static String redact(String text, boolean byClues) {
        String redacted = text;
        Clues clues = byClues ? Clues.of(text) : null;
        for (Redaction redaction : REDACTIONS) {
            if (clues == null || redaction.clue().test(clues)) {
                String next = redaction.pattern().matcher(redacted).replaceAll(redaction.replacement());
                if (clues != null && !next.equals(redacted)) {
                    clues = Clues.of(next);
                }
                redacted = next;
            }
        }
        return clues == null || clues.phone() ? maskPhones(redacted) : redacted;
    }

    /**
     * What a text must contain for each pattern to match in it, found in one pass: {@code eyJ} for a JWT,
     * {@code bearer} (any case) for a bearer token, one of the words every secret name holds ({@code key},
     * {@code secret}, {@code password}, {@code token}, any case), {@code AKIA}/{@code ASIA} for an access key id,
     * {@code @} or {@code %40} for an email, and for a phone number a {@code +} before a digit, or three digits in a
     * row and nine in all, in a text that is not one UUID ({@link #maskPhones} leaves what is inside a UUID alone).
     * A clue can be a false alarm (the pattern then finds nothing); a missing clue means no match.
     */
    record Clues(boolean jwt, boolean bearer, boolean secretName, boolean awsKeyId, boolean email, boolean phone) {

        private static final String[] SECRET_WORDS = {"key", "secret", "password", "token"};

        static Clues of(String text) {
            boolean email = false;
            boolean plusDigit = false;
            boolean letters = false;
            boolean threeInRow = false;
            int digits = 0;
            int digitsInRow = 0;
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                if (isDigit(c)) {
                    digits++;
                    digitsInRow++;
                    threeInRow |= digitsInRow >= 3;
                    continue;
                }
                digitsInRow = 0;
                if (c == '@') {
                    email = true;
                } else if (c == '+') {
                    plusDigit |= i + 1 < text.length() && isDigit(text.charAt(i + 1));
                } else if (c > '9') {
                    letters = true;
                }
            }
            boolean phone = plusDigit || (threeInRow && digits >= 9 && !isUuid(text));
            if (!letters) {
                return new Clues(false, false, false, false, email || text.contains("%40"), phone);
            }
            String lower = text.toLowerCase(Locale.ROOT);
            boolean secretName = false;
            for (String word : SECRET_WORDS) {
                secretName |= lower.contains(word);
            }
            return new Clues(
                    text.contains("eyJ"),
                    lower.contains("bearer"),
                    secretName,
                    text.contains("AKIA") || text.contains("ASIA"),
                    email || text.contains("%40"),
                    phone);
        }

        private static boolean isDigit(char c) {
            return c >= '0' && c <= '9';
        }

        /** {@link #UUID}'s shape, checked by hand: this runs on every correlation id of every log line. */
        private static boolean isUuid(String text) {
            if (text.length() != 36) {
                return false;
            }
            for (int i = 0; i < 36; i++) {
                char c = text.charAt(i);
                boolean dash = i == 8 || i == 13 || i == 18 || i == 23;
                boolean hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
                if (dash ? c != '-' : !hex) {
                    return false;
                }
            }
            return true;
        }
    }

    /** Masks every phone number but what stands inside a UUID (1 random UUID in 200 holds ten digits in a row). */
    private static String maskPhones(String text) {
        Matcher phone = PHONE.matcher(text);
        if (!phone.find()) {
            return text;
        }
        List<MatchResult> uuids = UUID.matcher(text).results().toList();
        StringBuilder masked = new StringBuilder(text.length());
        int copied = 0;
        do {
            int start = phone.start();
            int end = phone.end();
            if (uuids.stream().noneMatch(uuid -> start < uuid.end() && uuid.start() < end)) {
                masked.append(text, copied, start).append("[REDACTED_PHONE]");
                copied = end;
            }
        } while (phone.find());
        return masked.append(text, copied, text.length()).toString();
    }
}
