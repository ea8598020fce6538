package localstack;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

/**
 * SQS and SNS on one endpoint (fauxqs on Node), so SNS really delivers into SQS. With {@code queryProtocol} (the local
 * run) the endpoint also speaks SQS' query protocol, which Debian's AWS CLI sends (local/fauxqs/query-protocol.mjs).
 */
final class FauxqsServer extends LocalServer {

    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500)).build();

    private final boolean queryProtocol;

    FauxqsServer(int port, boolean queryProtocol) {
        super("fauxqs", port);
        this.queryProtocol = queryProtocol;
    }

    @Override
    String name() {
        return "fauxqs";
    }

    @Override
    protected List<String> command() {
        List<String> command = new java.util.ArrayList<>(List.of(
                "node", LocalPaths.serversDir().resolve("fauxqs/start.mjs").toString(), String.valueOf(port)));
        if (queryProtocol) {
            command.add("--query-protocol");
        }
        return command;
    }

    @Override
    protected boolean isReady() {
        try {
            HttpRequest health = HttpRequest.newBuilder(URI.create(endpoint() + "/health"))
                    .timeout(Duration.ofSeconds(1))
                    .build();
            return HTTP.send(health, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (Exception e) {
            return false;
        }
    }

    String endpoint() {
        return "http://127.0.0.1:" + port;
    }
}
