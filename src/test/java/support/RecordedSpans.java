package support;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.function.Predicate;

import jakarta.inject.Singleton;

import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.data.SpanData;

/**
 * Keeps the last spans the application ended, in memory, so tests can assert on what tracing exports. Quarkus adds
 * every SpanProcessor bean to the tracer provider (the tests' profile turns the SDK on and OTLP export off).
 */
@Singleton
public class RecordedSpans implements SpanProcessor {

    private static final int CAPACITY = 20_000;

    private final Deque<SpanData> ended = new ArrayDeque<>();

    @Override
    public void onStart(Context parentContext, ReadWriteSpan span) {}

    @Override
    public boolean isStartRequired() {
        return false;
    }

    @Override
    public synchronized void onEnd(ReadableSpan span) {
        if (ended.size() == CAPACITY) {
            ended.removeFirst();
        }
        ended.addLast(span.toSpanData());
    }

    @Override
    public boolean isEndRequired() {
        return true;
    }

    @Override
    public CompletableResultCode shutdown() {
        return CompletableResultCode.ofSuccess();
    }

    public synchronized List<SpanData> matching(Predicate<SpanData> filter) {
        return ended.stream().filter(filter).toList();
    }

    /** Waits until at least one ended span matches; returns all that do. */
    public List<SpanData> await(Predicate<SpanData> filter, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<SpanData> found = matching(filter);
        while (found.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(50);
            found = matching(filter);
        }
        return found;
    }
}
