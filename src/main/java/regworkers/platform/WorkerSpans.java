package regworkers.platform;

import io.opentelemetry.api.trace.Span;
import org.apache.camel.Exchange;

/**
 * The span attributes of SPEC §5 on the spans Camel opens for a message or a request: {@code span.workerName},
 * {@code correlation.id}, {@code correlation.awsRequestId} (the SQS message id, or the caller's request id) and, once
 * a worker knows it, {@code span.campaignId}. The span current when the work begins (the consumer's or the REST
 * route's) is kept on the exchange, so a later step running in a child span still tags it.
 */
public final class WorkerSpans {

    public static final String WORKER_NAME = "span.workerName";
    public static final String CAMPAIGN_ID = "span.campaignId";
    public static final String CORRELATION_ID = "correlation.id";
    public static final String REQUEST_ID = "correlation.awsRequestId";

    private static final String WORKER_SPAN = "regworkers.workerSpan";

    private WorkerSpans() {}

    /** Tags the current span as the worker's span for this message or request. */
    public static void begin(Exchange exchange, Worker worker, String correlationId, String requestId) {
        Span span = Span.current();
        if (!span.getSpanContext().isValid()) {
            return;
        }
        span.setAttribute(WORKER_NAME, worker.id());
        if (correlationId != null) {
            span.setAttribute(CORRELATION_ID, correlationId);
        }
        if (requestId != null) {
            span.setAttribute(REQUEST_ID, requestId);
        }
        exchange.setProperty(WORKER_SPAN, span);
    }

    /** Tags the worker's span of this exchange and the current span with the campaign the work is for. */
    public static void campaign(Exchange exchange, String campaignId) {
        if (campaignId == null) {
            return;
        }
        Span workerSpan = exchange.getProperty(WORKER_SPAN, Span.class);
        if (workerSpan != null) {
            workerSpan.setAttribute(CAMPAIGN_ID, campaignId);
        }
        campaign(campaignId);
    }

    /** Tags the current span with the campaign the work is for. */
    public static void campaign(String campaignId) {
        Span current = Span.current();
        if (campaignId != null && current.getSpanContext().isValid()) {
            current.setAttribute(CAMPAIGN_ID, campaignId);
        }
    }
}
