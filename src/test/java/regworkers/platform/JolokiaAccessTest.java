package regworkers.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import localstack.LocalStackResource;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

/**
 * Jolokia as the local and test profiles run it: on loopback, read-only by policy. Reading a route's counters (what
 * Hawtio shows) answers; executing an operation — the one-POST attack that ran any Camel endpoint — is refused.
 */
@QuarkusTest
@QuarkusTestResource(LocalStackResource.class)
class JolokiaAccessTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void aRoutesCountersCanBeRead() throws Exception {
        JsonNode found = post("{\"type\":\"search\",\"mbean\":\"org.apache.camel:type=routes,*\"}");
        assertEquals(200, found.path("status").asInt(), found.toString());
        String route = null;
        for (JsonNode name : found.path("value")) {
            if (name.asText().contains("name=\"processData\"")) {
                route = name.asText();
            }
        }
        assertTrue(route != null, "no processData route MBean in " + found);
        JsonNode read = post("{\"type\":\"read\",\"mbean\":" + JSON.writeValueAsString(route)
                + ",\"attribute\":\"ExchangesCompleted\"}");
        assertEquals(200, read.path("status").asInt(), read.toString());
        assertTrue(read.path("value").isNumber(), read.toString());
    }

    @Test
    void whatHawtioAsksFirstIsAnswered() throws Exception {
        // Hawtio's connect: the agent's version, then the MBean tree of the Camel domain
        JsonNode version = post("{\"type\":\"version\"}");
        assertEquals(200, version.path("status").asInt(), version.toString());
        assertTrue(version.path("value").path("agent").isTextual(), version.toString());
        JsonNode list = post("{\"type\":\"list\",\"path\":\"org.apache.camel\",\"config\":{\"maxDepth\":2}}");
        assertEquals(
                200,
                list.path("status").asInt(),
                list.toString().substring(0, Math.min(500, list.toString().length())));
        assertTrue(list.path("value").isObject() && list.path("value").size() > 0, "no Camel MBeans listed");
    }

    @Test
    void executingAnOperationIsRefused() throws Exception {
        JsonNode exec = post("""
                {"type":"exec","mbean":"org.apache.camel:context=reg-workers,name=\\"reg-workers\\",type=context",
                 "operation":"sendBody(java.lang.String,java.lang.Object)","arguments":["log:jolokia-probe","hello"]}""");
        assertEquals(403, exec.path("status").asInt(), exec.toString());
    }

    @Test
    void writingAnAttributeIsRefused() throws Exception {
        JsonNode write = post("""
                {"type":"write","mbean":"org.apache.camel:context=reg-workers,name=\\"reg-workers\\",type=context",
                 "attribute":"Tracing","value":true}""");
        assertEquals(403, write.path("status").asInt(), write.toString());
    }

    @Test
    void theAgentListensOnLoopbackOnly() {
        assertEquals("127.0.0.1", ConfigProvider.getConfig().getValue("jolokia.host", String.class));
    }

    private JsonNode post(String body) throws Exception {
        int port = ConfigProvider.getConfig().getValue("jolokia.port", Integer.class);
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/jolokia/"))
                        .header("content-type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        JsonNode answer = JSON.readTree(response.body());
        // Jolokia reports a refusal in the body's status; an HTTP 403 without a body says the same
        return answer.has("status") ? answer : JSON.createObjectNode().put("status", response.statusCode());
    }
}
