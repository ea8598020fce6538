package regworkers.selection;

import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;

/** The selection stack ({@code selection.*}; what each setting does: application.properties). */
@ConfigMapping(prefix = "selection")
public interface SelectionConfig {

    /** Where the Step Functions HTTP tasks call (POST {rest-path}/markets, {rest-path}/campaigns/{id}/refresh). */
    String restPath();

    int pageSize();

    int messageSize();

    Duration claimTimeout();

    Duration waitForRun();

    Refresh refresh();

    Trigger trigger();

    interface Refresh {
        Duration interval();
    }

    interface Trigger {
        Optional<String> apiKey();
    }
}
