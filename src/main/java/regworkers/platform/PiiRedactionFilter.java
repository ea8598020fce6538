package regworkers.platform;

import java.util.logging.Filter;
import java.util.logging.LogRecord;
import java.util.regex.Pattern;

import io.quarkus.logging.LoggingFilter;
import org.jboss.logmanager.ExtLogRecord;

/**
 * Last line of defence for SPEC §5's "no PII in logs": masks emails, phone numbers and bearer tokens / JWTs in the
 * message and in the {@code data} field of every log line, whoever wrote it (our code, Camel, a client library).
 */
@LoggingFilter(name = "pii-redaction")
public final class PiiRedactionFilter implements Filter {

    private static final Pattern EMAIL = Pattern.compile("[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}");
    private static final Pattern JWT = Pattern.compile("eyJ[A-Za-z0-9_-]{5,}\\.[A-Za-z0-9_-]{5,}\\.[A-Za-z0-9_-]*");
    private static final Pattern BEARER = Pattern.compile("(?i)bearer\\s+[A-Za-z0-9._~+/=-]+");
    private static final Pattern PHONE = Pattern.compile(
            "\\+\\d[\\d ().-]{7,}\\d|(?<!\\d)\\(?\\d{3}\\)?[ .-]\\d{3}[ .-]\\d{4}(?!\\d)");

    @Override
    public boolean isLoggable(LogRecord record) {
        if (record instanceof ExtLogRecord ext) {
            ext.setMessage(redact(ext.getFormattedMessage()), ExtLogRecord.FormatStyle.NO_FORMAT);
            String data = ext.getMdc(WorkerLog.DATA);
            if (data != null) {
                ext.putMdc(WorkerLog.DATA, redact(data));
            }
        } else if (record.getMessage() != null) {
            record.setMessage(redact(record.getMessage()));
        }
        return true;
    }

    public static String redact(String text) {
        if (text == null) {
            return null;
        }
        String redacted = JWT.matcher(text).replaceAll("[REDACTED_TOKEN]");
        redacted = BEARER.matcher(redacted).replaceAll("Bearer [REDACTED_TOKEN]");
        redacted = EMAIL.matcher(redacted).replaceAll("[REDACTED_EMAIL]");
        return PHONE.matcher(redacted).replaceAll("[REDACTED_PHONE]");
    }
}
