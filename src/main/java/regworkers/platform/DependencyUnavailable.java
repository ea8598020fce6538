package regworkers.platform;

import java.util.Optional;

/**
 * Work failed because something the worker depends on is not answering as it should (a downstream service down,
 * throttling, refusing our credentials or answering what cannot be read; Kafka, SNS, SQS or DynamoDB failing). It
 * is never the message's fault: the worker pauses until the dependency answers a real probe again, and the message
 * waits in this process without using up a receive.
 */
public class DependencyUnavailable extends RuntimeException {

    private final Worker.Dependency dependency;

    public DependencyUnavailable(Worker.Dependency dependency, String message) {
        super(message);
        this.dependency = dependency;
    }

    public DependencyUnavailable(Worker.Dependency dependency, String message, Throwable cause) {
        super(message, cause);
        this.dependency = dependency;
    }

    /** Which dependency failed; empty when the failure does not say (then all of the worker's are probed). */
    public Optional<Worker.Dependency> dependency() {
        return Optional.ofNullable(dependency);
    }
}
