package regworkers.platform;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;

/** The AWS SDK clients' settings ({@code aws.*}): static keys and endpoint overrides are set for local servers only. */
@ConfigMapping(prefix = "aws")
public interface AwsConfig {

    String region();

    Optional<String> accessKeyId();

    Optional<String> secretAccessKey();

    Endpoint sqs();

    Endpoint sns();

    Endpoint dynamodb();

    Http http();

    interface Endpoint {
        Optional<URI> endpoint();
    }

    interface Http {
        int maxConnections();

        Duration timeout();
    }
}
