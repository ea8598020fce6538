package regworkers.platform.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RequestGuardUnitTest {

    @ParameterizedTest(name = "query [{0}], Content-Type [{1}], body {2} -> {3}")
    @CsvSource(
            nullValues = "null",
            value = {
                "null, application/json, true, 0",
                "slug=a&b=c, application/json, true, 0",
                "x-api-key=k, application/json, true, 400",
                "a=1&Authorization=Bearer%20x, application/json, true, 400",
                "X%2DApi%2DKey=k, null, false, 400",
                "authorization, null, false, 400",
                "api-key-hint=x, null, false, 0",
                "null, multipart/form-data; boundary=x, true, 415",
                "null, Application/X-WWW-Form-Urlencoded, true, 415",
                "null, application/x-www-form-urlencoded, false, 0",
                "null, application/json; charset=utf-8, true, 0",
                "null, text/plain, true, 0",
            })
    void refuses(String query, String contentType, boolean hasBody, int status) {
        assertEquals(
                status,
                RequestGuard.refusal(query, contentType, hasBody)
                        .map(RequestGuard.HttpRefusal::status)
                        .orElse(0));
    }

    @ParameterizedTest(name = "Content-Length [{0}], Transfer-Encoding [{1}] -> {2}")
    @CsvSource(
            nullValues = "null",
            value = {
                "null, null, false",
                "0, null, false",
                "12, null, true",
                "null, chunked, true",
                "x, null, true",
            })
    void tellsABodyFromNone(String contentLength, String transferEncoding, boolean hasBody) {
        assertEquals(hasBody, RequestGuard.hasBody(contentLength, transferEncoding));
    }
}
