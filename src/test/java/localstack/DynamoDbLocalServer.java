package localstack;

import java.util.List;

/** DynamoDB Local (in memory, streams enabled per table) in its own JVM. */
final class DynamoDbLocalServer extends LocalServer {

    DynamoDbLocalServer(int port) {
        super("dynamodb-local", port);
    }

    @Override
    String name() {
        return "dynamodb-local";
    }

    @Override
    protected List<String> command() {
        return List.of(
                LocalPaths.javaExecutable().toString(),
                "-Xmx512m",
                "-XX:+UseSerialGC",
                "-cp",
                classpathOf(LocalPaths.serversDir().resolve("dynamodb/lib")),
                "com.amazonaws.services.dynamodbv2.local.main.ServerRunner",
                "-inMemory",
                "-sharedDb",
                "-port",
                String.valueOf(port),
                "-disableTelemetry");
    }

    String endpoint() {
        return "http://127.0.0.1:" + port;
    }
}
