package regworkers.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** What the redaction masks, and what it must leave alone (ids, dates, counts). */
class PiiRedactionUnitTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                // emails, plain and URL-encoded
                "mail fan@example.com now | mail [REDACTED_EMAIL] now",
                "GET /users?email=fan%40example.com | GET /users?email=[REDACTED_EMAIL]",
                "GET /users?email=fan%40Example.CO.uk&x=1 | GET /users?email=[REDACTED_EMAIL]&x=1",
                // phone numbers, national and international
                "call 4155552671 | call [REDACTED_PHONE]",
                "call (415) 555-2671 | call [REDACTED_PHONE]",
                "call 415-555-2671 | call [REDACTED_PHONE]",
                "call 415.555.2671 | call [REDACTED_PHONE]",
                "call +44 20 7946 0958 | call [REDACTED_PHONE]",
                "call +1 (415) 555-2671 | call [REDACTED_PHONE]",
                "call 020 7946 0958 | call [REDACTED_PHONE]",
                // tokens and keys
                "Authorization: Bearer abc.def-ghi | Authorization: Bearer [REDACTED_TOKEN]",
                "token eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1c2VyIn0.c2lnbmF0dXJl | token [REDACTED_TOKEN]",
                "headers [x-api-key: s3cr3t-key, accept: json] | headers [x-api-key: [REDACTED_KEY], accept: json]",
                "X-API-KEY=s3cr3t | X-API-KEY=[REDACTED_KEY]",
                "{\"apiKey\":\"s3cr3t\",\"id\":\"c1\"} | {\"apiKey\":\"[REDACTED_KEY]\",\"id\":\"c1\"}",
                "api_key=s3cr3t&next=1 | api_key=[REDACTED_KEY]&next=1",
                "password = hunter2 | password = [REDACTED_KEY]",
                "client_secret:abc | client_secret:[REDACTED_KEY]",
                "key AKIAIOSFODNN7EXAMPLE used | key [REDACTED_KEY] used",
                // left alone
                "epoch 1733097600 and 1733097600123 | epoch 1733097600 and 1733097600123",
                "dateId 2024-03-01 at 2024-01-15T10:30:00Z | dateId 2024-03-01 at 2024-01-15T10:30:00Z",
                "campaign 9f3c1e2a-4b5d-4c6e-8f70-123456789012 | campaign 9f3c1e2a-4b5d-4c6e-8f70-123456789012",
                // phones next to letters or URL-encoding are still phones
                "query phone%3D4155552671&x | query phone%3D[REDACTED_PHONE]&x",
                "escaped \\n4155552671 | escaped \\n[REDACTED_PHONE]",
                "call 415-555-2671a | call [REDACTED_PHONE]a",
                // a UUID whose last group holds ten digits: an identifier, not a phone
                "request 5777b027-ac74-45f2-820d-df3127886124 | request 5777b027-ac74-45f2-820d-df3127886124",
                "42 messages in 1234 ms, port 8080 | 42 messages in 1234 ms, port 8080",
                "the secret of a good presale | the secret of a good presale",
            })
    void masks(String text, String expected) {
        assertEquals(expected, PiiRedactionFilter.redact(text));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "{\"apiKey\":\"s3cr3t\",\"n\":1} | {\"apiKey\":\"[REDACTED_KEY]\",\"n\":1}",
                "{\"x-api-key\":12345,\"phone\":4155552671} | {\"x-api-key\":\"[REDACTED_KEY]\",\"phone\":\"[REDACTED_PHONE]\"}",
                "{\"password\":null} | {\"password\":null}",
                "{\"nested\":{\"email\":\"fan%40example.com\"}} | {\"nested\":{\"email\":\"[REDACTED_EMAIL]\"}}",
            })
    void masksJsonValueByValue(String json, String expected) {
        assertEquals(expected, PiiRedactionFilter.redactJson(json));
    }

    @ParameterizedTest(name = "[{0}] -> {1}")
    @CsvSource(
            delimiter = '|',
            nullValues = "null",
            value = {
                "req-123 | req-123",
                "9f3c1e2a-4b5d-4c6e-8f70-123456789012 | 9f3c1e2a-4b5d-4c6e-8f70-123456789012",
                "corr-5777b027-ac74-45f2-820d-df3127886124 | corr-5777b027-ac74-45f2-820d-df3127886124",
                "Root=1-5759e988-bd862e3fe1be46a994272793 | null",
                "fan@example.com | null",
                "4155552671 | null",
                "has spaces | null",
                "null | null",
            })
    void takesOnlyHarmlessCorrelationIds(String supplied, String taken) {
        assertEquals(taken, Correlation.acceptable(supplied).orElse(null));
    }

    /**
     * {@link PiiRedactionFilter#redact} runs a pattern only where its clue is: on texts glued together from pieces
     * of every pattern's matches and near misses, it must mask exactly what every pattern over the whole text masks.
     */
    @Test
    void skipsOnlyPatternsThatCannotMatch() {
        String[] pieces = {
            "fan@example.com",
            "fan%40example.com",
            "fan",
            "@",
            "%40",
            "example.com",
            "%4",
            "40",
            "4155552671",
            "415",
            "555",
            "2671",
            "(415) ",
            "+44 20 7946 0958",
            "+",
            "+1",
            "020 7946 0958",
            "0",
            "-",
            ".",
            "Bearer abc.def",
            "bearer",
            "BEARER ",
            "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1c2VyIn0.c2ln",
            "eyJ",
            "ey",
            "x-api-key: s3cr3t",
            "API_KEY=",
            "Password",
            "client_secret:",
            "access-token=",
            "TOKEN",
            "key",
            "=",
            "AKIAIOSFODNN7EXAMPLE",
            "ASIA",
            "AKI",
            "\"",
            ":",
            " ",
            "ſ",
            "K",
            "İ",
            "é",
            "1733097600",
            UUID.randomUUID().toString(),
            "5777b027-ac74-45f2-820d-df3127886124",
            "campaign-789",
            "demo",
        };
        Random random = new Random(20261202);
        List<String> texts = new ArrayList<>(List.of(pieces));
        for (int i = 0; i < 20_000; i++) {
            StringBuilder text = new StringBuilder();
            for (int n = random.nextInt(6) + 1; n > 0; n--) {
                text.append(pieces[random.nextInt(pieces.length)]);
            }
            texts.add(text.toString());
        }
        for (String text : texts) {
            assertEquals(PiiRedactionFilter.redactEveryPattern(text), PiiRedactionFilter.redact(text), text);
        }
    }
}
