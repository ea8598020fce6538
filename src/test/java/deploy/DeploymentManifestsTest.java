package deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import localstack.LocalPaths;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import regworkers.platform.Worker;
import regworkers.platform.services.Service;

/**
 * Checks k8s/, the Dockerfile and docker/entrypoint.sh against the application: every manifest is well formed, each
 * stack of SPEC §1 has its Deployment, every ConfigMap key is a property of application.properties (or a variable the
 * app documents), every name is one of infra/infrastructure.yaml, and the autoscaling, disruption budgets, secrets
 * and image agree with the Deployments. Plain JUnit: no Quarkus, no cluster.
 */
class DeploymentManifestsTest {

    /** SPEC §1 stack id -> the kebab-case part of its Deployment name. */
    private static final Map<String, String> STACKS = new LinkedHashMap<>();
    /** The ConfigMap keys naming the queues each stack consumes; "QUEUE_SEND_DATA_PREFIX" stands for one queue per data type. */
    private static final Map<String, List<String>> STACK_QUEUE_KEYS = new LinkedHashMap<>();

    static {
        STACKS.put("registration", "registration");
        STACKS.put("replication", "replication");
        STACKS.put("selection", "selection");
        STACKS.put("dataPipeline", "data-pipeline");
        STACKS.put("notification", "notification");
        STACK_QUEUE_KEYS.put("registration", List.of("QUEUE_UPSERT_USERS"));
        STACK_QUEUE_KEYS.put("replication", List.of("QUEUE_SAVE_ENTRIES", "QUEUE_RETRY_SCORE"));
        STACK_QUEUE_KEYS.put("selection", List.of("QUEUE_SAVE_SELECTION", "QUEUE_MARK_ASSIGNED_CODES"));
        STACK_QUEUE_KEYS.put("dataPipeline", List.of("QUEUE_PROCESS_DATA", "QUEUE_SEND_DATA_PREFIX"));
        STACK_QUEUE_KEYS.put("notification", List.of("QUEUE_NOTIFICATION"));
    }

    /** Environment variables the app (or its image) documents that are not properties (SPEC §1, k8s/README.md). */
    private static final Set<String> DOCUMENTED_ENV =
            Set.of("CONFIG_ENV", "LOG_LEVEL", "OTEL_EXPORTER_OTLP_ENDPOINT", "APP_STACK", "APP_NAME");

    private static final Set<String> CONFIG_ENVS = Set.of("local", "dev", "qa", "preprod", "prod");
    private static final Set<String> LOG_LEVELS = Set.of("DEBUG", "INFO", "WARN", "ERROR");
    private static final String CONFIG_MAP = "reg-workers-config";
    private static final String LIVE = "/q/health/live";
    private static final String READY = "/q/health/ready";

    private static final Pattern COMMENTED_PROPERTY = Pattern.compile("^#\\s*([a-z][\\w.-]*)=");
    private static final Pattern PROFILE_PREFIX = Pattern.compile("^%[^.]+\\.");
    private static final Pattern ENV_REFERENCE = Pattern.compile("\\$\\{([A-Z][A-Z0-9_]*)[:}]");
    private static final Pattern QUEUE_URL =
            Pattern.compile("^https://sqs\\.([a-z0-9-]+)\\.amazonaws\\.com/(\\d{12})/([A-Za-z0-9_-]+)$");
    private static final Pattern TUNING_VALUE = Pattern.compile("^\\d+(\\.\\d+)?[a-z]*$");

    private static Path root;
    private static List<Doc> docs;
    private static Properties properties;
    private static Set<String> propertyNames;
    private static JsonNode infra;

    record Doc(Path file, int index, JsonNode node) {
        String kind() {
            return node.path("kind").asText();
        }

        String name() {
            return node.path("metadata").path("name").asText();
        }

        @Override
        public String toString() {
            return root.relativize(file) + "#" + index + " (" + kind() + " " + name() + ")";
        }
    }

    @BeforeAll
    static void load() throws IOException {
        root = LocalPaths.projectRoot();
        Path k8s = root.resolve("k8s");
        assertTrue(Files.isDirectory(k8s), "k8s/ is missing");
        docs = new ArrayList<>();
        try (Stream<Path> files = Files.walk(k8s)) {
            for (Path file :
                    files.filter(DeploymentManifestsTest::isYaml).sorted().toList()) {
                docs.addAll(readYaml(file));
            }
        }
        properties = new Properties();
        Path props = root.resolve("src/main/resources/application.properties");
        try (Reader reader = Files.newBufferedReader(props, StandardCharsets.UTF_8)) {
            properties.load(reader);
        }
        propertyNames = new TreeSet<>();
        for (String name : properties.stringPropertyNames()) {
            propertyNames.add(PROFILE_PREFIX.matcher(name).replaceFirst(""));
        }
        for (String line : Files.readAllLines(props, StandardCharsets.UTF_8)) {
            Matcher m = COMMENTED_PROPERTY.matcher(line.strip());
            if (m.find()) {
                propertyNames.add(m.group(1));
            }
        }
        List<Doc> infraDocs = readYaml(root.resolve("infra/infrastructure.yaml"));
        assertEquals(1, infraDocs.size(), "infra/infrastructure.yaml holds one document");
        infra = infraDocs.get(0).node();
    }

    // ---------------------------------------------------------------------------------------------------- all
    // documents

    @Test
    void everyDocumentHasApiVersionKindAndAUniqueName() {
        assertFalse(docs.isEmpty(), "no YAML documents under k8s/");
        Set<String> seen = new HashSet<>();
        for (Doc doc : docs) {
            assertTrue(doc.node().isObject(), doc + ": not a mapping");
            assertFalse(doc.node().path("apiVersion").asText().isBlank(), doc + ": apiVersion missing");
            assertFalse(doc.kind().isBlank(), doc + ": kind missing");
            assertFalse(doc.name().isBlank(), doc + ": metadata.name missing");
            assertTrue(
                    seen.add(root.relativize(doc.file().getParent()) + "/" + doc.kind() + "/" + doc.name()),
                    doc + ": a second " + doc.kind() + " with this name in the same directory");
        }
    }

    @Test
    void kustomizationsListExactlyTheirManifests() throws IOException {
        List<Doc> kustomizations = ofKind("Kustomization");
        assertTrue(
                kustomizations.stream().anyMatch(k -> k.file().equals(root.resolve("k8s/base/kustomization.yaml"))),
                "k8s/base/kustomization.yaml is missing");
        for (Doc k : kustomizations) {
            Path dir = k.file().getParent();
            Set<String> listed = new TreeSet<>();
            for (JsonNode r : k.node().path("resources")) {
                Path target = dir.resolve(r.asText()).normalize();
                assertTrue(
                        Files.isRegularFile(target) || Files.isRegularFile(target.resolve("kustomization.yaml")),
                        k + ": resource " + r.asText() + " does not exist");
                listed.add(r.asText());
            }
            try (Stream<Path> files = Files.list(dir)) {
                for (Path file : files.filter(DeploymentManifestsTest::isYaml).toList()) {
                    String name = file.getFileName().toString();
                    if (!name.startsWith("kustomization.")) {
                        assertTrue(listed.contains(name), k + " does not list " + name + " (applied by nobody)");
                    }
                }
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------- Deployments

    @Test
    void oneDeploymentPerStackWithItsAppStack() throws IOException {
        assertEquals(
                new TreeSet<>(STACKS.keySet()),
                stacksInWorkerEnum(),
                "the stacks of regworkers.platform.Worker and this test (and so k8s/) differ");
        Map<String, Doc> byName = deployments();
        assertEquals(STACKS.size(), byName.size(), "one Deployment per stack, no more: " + byName.keySet());
        for (Map.Entry<String, String> stack : STACKS.entrySet()) {
            Doc deployment = byName.get("reg-workers-" + stack.getValue());
            assertNotNull(deployment, "no Deployment reg-workers-" + stack.getValue() + " for stack " + stack.getKey());
            JsonNode container = appContainer(deployment);
            assertEquals(Optional.of(stack.getKey()), env(container, "APP_STACK"), deployment + ": APP_STACK");
            assertEquals(
                    Optional.empty(),
                    env(container, "APP_NAME"),
                    deployment + ": APP_NAME and APP_STACK exclude each other");
        }
    }

    @Test
    void everyDeploymentRunsTheOneImage() {
        Set<String> kustomizeImages = new HashSet<>();
        for (Doc k : ofKind("Kustomization")) {
            k.node()
                    .path("images")
                    .forEach(i -> kustomizeImages.add(i.path("name").asText()));
        }
        Set<String> images = new HashSet<>();
        for (Doc deployment : deployments().values()) {
            images.add(appContainer(deployment).path("image").asText());
        }
        assertEquals(
                Set.of("reg-workers"),
                images,
                "every Deployment names the image reg-workers (kustomize sets registry and tag)");
        assertTrue(
                kustomizeImages.contains("reg-workers"),
                "k8s/base/kustomization.yaml does not pin the reg-workers image");
    }

    @Test
    void everyDeploymentProbesHealthAndExposesHttpOnly() {
        int httpPort = Integer.parseInt(property("quarkus.http.port"));
        int jolokiaPort = Integer.parseInt(property("jolokia.port"));
        for (Doc deployment : deployments().values()) {
            JsonNode container = appContainer(deployment);
            assertEquals(httpPort, namedPort(container, "http"), deployment + ": port http");
            for (JsonNode port : container.path("ports")) {
                assertTrue(
                        port.path("containerPort").asInt() != jolokiaPort
                                && !"jolokia".equals(port.path("name").asText()),
                        deployment + " exposes Jolokia's port " + jolokiaPort
                                + ": it is loopback-only and off by default");
            }
            assertProbe(deployment, container, "livenessProbe", Set.of(LIVE), httpPort);
            assertProbe(deployment, container, "readinessProbe", Set.of(READY), httpPort);
            assertProbe(deployment, container, "startupProbe", Set.of(LIVE, READY, "/q/health/started"), httpPort);
        }
    }

    @Test
    void jolokiaIsOffByDefaultOnLoopbackAndReadOnly() throws IOException {
        assertEquals("${JOLOKIA_ENABLED:false}", property("jolokia.enabled"), "Jolokia must be off unless enabled");
        assertEquals("127.0.0.1", property("jolokia.host"));
        String policy = java.nio.file.Files.readString(root.resolve("src/main/resources/jolokia-access.xml"));
        for (String command : List.of("exec", "write")) {
            assertFalse(policy.contains("<command>" + command + "</command>"), "the Jolokia policy allows " + command);
        }
        assertTrue(policy.contains("<command>read</command>"), "the Jolokia policy must allow reads (Hawtio)");
    }

    @Test
    void ingressIsDeniedByDefaultAndOnlyTheRestStacksTakeRequestsFromOutsideMonitoring() {
        List<JsonNode> policies =
                ofKind("NetworkPolicy").stream().map(Doc::node).toList();
        assertTrue(
                policies.stream()
                        .anyMatch(p -> p.path("spec").path("podSelector").isEmpty()
                                && p.path("spec").path("policyTypes").toString().contains("Ingress")
                                && !p.path("spec").has("ingress")),
                "a default-deny ingress NetworkPolicy (empty podSelector, no ingress rule)");
        int httpPort = Integer.parseInt(property("quarkus.http.port"));
        for (JsonNode policy : policies) {
            for (JsonNode rule : policy.path("spec").path("ingress")) {
                for (JsonNode port : rule.path("ports")) {
                    assertEquals(
                            httpPort,
                            port.path("port").asInt(),
                            policy.path("metadata").path("name").asText() + " opens another port");
                }
                boolean onlyMonitoring = true;
                for (JsonNode from : rule.path("from")) {
                    onlyMonitoring &= "monitoring"
                            .equals(from.path("namespaceSelector")
                                    .path("matchLabels")
                                    .path("kubernetes.io/metadata.name")
                                    .asText());
                }
                if (!onlyMonitoring) {
                    String selector = policy.path("spec").path("podSelector").toString();
                    assertTrue(
                            selector.contains("registration")
                                    && selector.contains("selection")
                                    && !selector.contains("replication")
                                    && !selector.contains("notification")
                                    && !selector.contains("dataPipeline"),
                            policy.path("metadata").path("name").asText()
                                    + ": only the REST stacks take requests from outside: " + selector);
                }
            }
        }
    }

    @Test
    void everyDeploymentRequestsAndLimitsResources() {
        for (Doc deployment : deployments().values()) {
            JsonNode resources = appContainer(deployment).path("resources");
            for (String resource : List.of("cpu", "memory")) {
                String request = resources.path("requests").path(resource).asText();
                String limit = resources.path("limits").path(resource).asText();
                assertFalse(request.isBlank(), deployment + ": no " + resource + " request");
                assertFalse(limit.isBlank(), deployment + ": no " + resource + " limit");
                assertTrue(
                        quantity(request) > 0 && quantity(request) <= quantity(limit),
                        deployment + ": " + resource + " request " + request + " must be positive and within the limit "
                                + limit);
            }
        }
    }

    /** Native memory beside the sized areas: GC structures (Serial's are the smallest), symbol tables, malloc arenas. */
    private static final long JVM_OVERHEAD_MIB = 64;
    /** Threads a stack runs at most: measured 44-69 on idle stacks (/proc/PID/task), Quarkus' worker pool and Camel's threads on top. */
    private static final long MAX_THREADS = 200;

    @Test
    void everyPodsMemoryAddsUpInsideItsLimit() {
        for (Doc deployment : deployments().values()) {
            JsonNode container = appContainer(deployment);
            JsonNode resources = container.path("resources");
            String request = resources.path("requests").path("memory").asText();
            String limit = resources.path("limits").path("memory").asText();
            assertEquals(
                    quantity(limit),
                    quantity(request),
                    deployment + ": memory request = limit (Guaranteed memory, no eviction first)");
            List<String> flags = List.of(env(container, "JAVA_OPTS_APPEND")
                    .orElseThrow(() -> new AssertionError(deployment + ": no JAVA_OPTS_APPEND sizing the JVM"))
                    .strip()
                    .split("\\s+"));
            long heap = mebibytes(flag(flags, "-Xmx", deployment));
            long metaspace = mebibytes(flag(flags, "-XX:MaxMetaspaceSize=", deployment));
            long codeCache = mebibytes(flag(flags, "-XX:ReservedCodeCacheSize=", deployment));
            long direct = mebibytes(flag(flags, "-XX:MaxDirectMemorySize=", deployment));
            long stack = mebibytes(flag(flags, "-Xss", deployment));
            long total = heap + metaspace + codeCache + direct + MAX_THREADS * stack + JVM_OVERHEAD_MIB;
            long limitMib = (long) (quantity(limit) / (1024 * 1024));
            assertTrue(
                    total <= limitMib * 0.9,
                    deployment + ": heap " + heap + " + metaspace " + metaspace + " + code cache " + codeCache
                            + " + direct " + direct + " + " + MAX_THREADS + " threads x " + stack + " + JVM "
                            + JVM_OVERHEAD_MIB + " = " + total
                            + " MiB leaves less than 10 % of the " + limitMib + " MiB limit");
            assertTrue(
                    flags.stream().noneMatch(f -> f.startsWith("-Xms")),
                    deployment + ": the heap starts small and grows to -Xmx under load (an idle replica stays small)");
            List<String> collectors =
                    flags.stream().filter(f -> f.matches("-XX:\\+Use\\w+GC")).toList();
            assertEquals(
                    List.of("-XX:+UseSerialGC"),
                    collectors,
                    deployment + ": one GC chosen explicitly; Serial for a small heap on at most two CPUs");
            assertTrue(
                    quantity(resources.path("limits").path("cpu").asText()) <= 2.0,
                    deployment + ": the GC choice assumes at most two CPUs");
        }
    }

    @Test
    void theProductionExampleOverlayPinsTheImageByDigest() {
        Doc example = ofKind("Kustomization").stream()
                .filter(k -> k.file().startsWith(root.resolve("k8s/overlays/production-example")))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no k8s/overlays/production-example"));
        JsonNode images = example.node().path("images");
        assertEquals(1, images.size(), example + ": one image");
        JsonNode image = images.get(0);
        assertEquals("reg-workers", image.path("name").asText(), example + ": the image every Deployment names");
        assertTrue(
                image.path("digest").asText().matches("sha256:[0-9a-f]{64}"),
                example + ": pinned by digest, was " + image);
        assertTrue(image.path("newTag").isMissingNode(), example + ": a tag can move; a digest cannot");
    }

    @Test
    void everyDeploymentRunsAsNonRootOnAReadOnlyRoot() {
        for (Doc deployment : deployments().values()) {
            JsonNode pod = podSpec(deployment);
            JsonNode container = appContainer(deployment);
            JsonNode podSc = pod.path("securityContext");
            JsonNode sc = container.path("securityContext");
            assertTrue(
                    sc.path("runAsNonRoot").asBoolean(podSc.path("runAsNonRoot").asBoolean(false)),
                    deployment + ": runAsNonRoot");
            int uid = sc.path("runAsUser").asInt(podSc.path("runAsUser").asInt(0));
            assertEquals(185, uid, deployment + ": runAsUser (the image's user)");
            assertTrue(sc.path("readOnlyRootFilesystem").asBoolean(false), deployment + ": readOnlyRootFilesystem");
            assertTrue(
                    sc.has("allowPrivilegeEscalation")
                            && !sc.path("allowPrivilegeEscalation").asBoolean(),
                    deployment + ": allowPrivilegeEscalation must be false");
            assertTrue(
                    texts(sc.path("capabilities").path("drop")).contains("ALL"),
                    deployment + ": capabilities.drop ALL");
            String tmpVolume = null;
            for (JsonNode mount : container.path("volumeMounts")) {
                if ("/tmp".equals(mount.path("mountPath").asText())) {
                    tmpVolume = mount.path("name").asText();
                }
            }
            assertNotNull(
                    tmpVolume, deployment + ": /tmp must be a writable volume (the root filesystem is read-only)");
            boolean emptyDir = false;
            for (JsonNode volume : pod.path("volumes")) {
                emptyDir |= tmpVolume.equals(volume.path("name").asText()) && volume.has("emptyDir");
            }
            assertTrue(emptyDir, deployment + ": /tmp must be an emptyDir");
        }
    }

    @Test
    void everyDeploymentGetsTimeToShutDownGracefully() {
        // on SIGTERM Quarkus first lets HTTP requests finish, then Camel stops; the queue drain runs inside Camel's
        // stop
        long drain = seconds(property("queue.shutdown.drain-timeout"));
        long camelStop = seconds(property("camel.main.shutdown-timeout"));
        assertTrue(
                drain < camelStop,
                "the queue drain (" + drain + "s) must end within Camel's shutdown timeout (" + camelStop + "s)");
        long shutdown = seconds(property("quarkus.shutdown.timeout")) + camelStop;
        for (Doc deployment : deployments().values()) {
            JsonNode pod = podSpec(deployment);
            assertTrue(pod.has("terminationGracePeriodSeconds"), deployment + ": terminationGracePeriodSeconds");
            long preStop = 0;
            JsonNode command = appContainer(deployment)
                    .path("lifecycle")
                    .path("preStop")
                    .path("exec")
                    .path("command");
            if (command.size() == 2 && "sleep".equals(command.get(0).asText())) {
                preStop = Long.parseLong(command.get(1).asText());
            }
            long grace = pod.path("terminationGracePeriodSeconds").asLong();
            assertTrue(
                    grace > preStop + shutdown,
                    deployment + ": a grace of " + grace + "s does not cover the preStop sleep (" + preStop
                            + "s) and the app's shutdown timeout (" + shutdown + "s)");
        }
    }

    @Test
    void everyDeploymentIsScrapedAndConfiguredFromTheConfigMapAndTheSecret() {
        String metricsPath = property("quarkus.micrometer.export.prometheus.path");
        String httpPort = property("quarkus.http.port");
        Set<String> serviceAccounts = names("ServiceAccount");
        assertTrue(names("ConfigMap").contains(CONFIG_MAP), "no ConfigMap " + CONFIG_MAP);
        for (Doc deployment : deployments().values()) {
            JsonNode template = deployment.node().path("spec").path("template");
            JsonNode annotations = template.path("metadata").path("annotations");
            assertEquals(
                    "true", annotations.path("prometheus.io/scrape").asText(), deployment + ": prometheus.io/scrape");
            assertEquals(
                    metricsPath, annotations.path("prometheus.io/path").asText(), deployment + ": prometheus.io/path");
            assertEquals(
                    httpPort, annotations.path("prometheus.io/port").asText(), deployment + ": prometheus.io/port");

            Set<String> configMaps = new HashSet<>();
            Set<String> secrets = new HashSet<>();
            for (JsonNode from : appContainer(deployment).path("envFrom")) {
                if (from.has("configMapRef")) {
                    configMaps.add(from.path("configMapRef").path("name").asText());
                }
                if (from.has("secretRef")) {
                    secrets.add(from.path("secretRef").path("name").asText());
                }
            }
            assertEquals(Set.of(CONFIG_MAP), configMaps, deployment + ": envFrom configMapRef");
            String stack = stackOf(deployment);
            Set<String> expectedSecrets = stackSecretKeys(stack).isEmpty() ? Set.of() : Set.of(secretName(deployment));
            assertEquals(
                    expectedSecrets,
                    secrets,
                    deployment + ": envFrom secretRef (its own Secret, none if it needs no key)");
            assertFalse(
                    template.path("spec").path("enableServiceLinks").asBoolean(true),
                    deployment + ": enableServiceLinks must be false (service variables could shadow properties)");
            String sa = template.path("spec").path("serviceAccountName").asText();
            assertTrue(serviceAccounts.contains(sa), deployment + ": service account '" + sa + "' is not defined");
            assertEquals(deployment.name(), sa, deployment + ": its own ServiceAccount (and so its own IAM role)");
        }
    }

    // ---------------------------------------------------------------------------------------------------- ConfigMap

    @Test
    void everyConfigMapKeyIsAPropertyOrADocumentedVariable() {
        Map<String, String> envToProperty = new HashMap<>();
        propertyNames.forEach(p -> envToProperty.putIfAbsent(envName(p), p));
        Set<String> documented = new HashSet<>(DOCUMENTED_ENV);
        for (String name : properties.stringPropertyNames()) {
            Matcher m = ENV_REFERENCE.matcher(properties.getProperty(name));
            while (m.find()) {
                documented.add(m.group(1));
            }
        }
        Map<String, String> config = configMap();
        assertFalse(config.isEmpty(), "the ConfigMap is empty");
        List<String> unknown = config.keySet().stream()
                .filter(key -> !envToProperty.containsKey(key) && !documented.contains(key))
                .sorted()
                .toList();
        assertEquals(
                List.of(),
                unknown,
                "ConfigMap keys that are no property of application.properties (env rule: upper-case, "
                        + "non-alphanumerics to '_') and no documented variable");
        for (String key : config.keySet()) {
            assertFalse(
                    key.matches(".*(SECRET|PASSWORD|TOKEN|API_KEY|ACCESS_KEY|PRIVATE_KEY|PUBLIC_KEY).*"),
                    key
                            + " looks like a secret: it belongs in its stack's Secret (external-secret.yaml), not in the ConfigMap");
        }
        assertEquals("prod", config.get("CONFIG_ENV"), "the base deploys the prod profile");
        assertTrue(LOG_LEVELS.contains(config.get("LOG_LEVEL")), "LOG_LEVEL " + config.get("LOG_LEVEL"));
        assertFalse(config.getOrDefault("AWS_REGION", "").isBlank(), "AWS_REGION");
        assertFalse(config.getOrDefault("KAFKA_BROKERS", "").isBlank(), "KAFKA_BROKERS");
        assertFalse(config.getOrDefault("OTEL_EXPORTER_OTLP_ENDPOINT", "").isBlank(), "OTEL_EXPORTER_OTLP_ENDPOINT");
        for (String service : serviceNames()) {
            assertTrue(
                    config.getOrDefault("SERVICES_" + envName(service) + "_URL", "")
                            .startsWith("http"),
                    "the ConfigMap has no URL for the " + service + " service");
        }
    }

    @Test
    void everyNameInTheConfigMapIsOneOfTheInfrastructure() {
        Set<String> queues = texts(infra.path("queues").path("names"));
        Set<String> topics = names(infra.path("topics"));
        Set<String> tables = names(infra.path("tables"));
        Set<String> kafkaTopics = names(infra.path("kafkaTopics"));
        assertFalse(queues.isEmpty(), "infra/infrastructure.yaml lists no queues");
        Map<String, String> config = configMap();

        Set<String> configured = new TreeSet<>();
        for (Map.Entry<String, String> e : config.entrySet()) {
            String key = e.getKey();
            if (!key.startsWith("QUEUE_")
                    || key.equals("QUEUE_SEND_DATA_PREFIX")
                    || TUNING_VALUE.matcher(e.getValue()).matches()) {
                continue;
            }
            assertTrue(
                    queues.contains(e.getValue()),
                    key + "=" + e.getValue() + " is no queue of infra/infrastructure.yaml");
            configured.add(e.getValue());
        }
        List<String> sendDataQueues = sendDataQueues(config);
        for (String queue : sendDataQueues) {
            assertTrue(
                    queues.contains(queue),
                    queue + " (QUEUE_SEND_DATA_PREFIX + DATA_TYPES) is no queue of infra/infrastructure.yaml");
        }
        configured.addAll(sendDataQueues);
        assertEquals(
                new TreeSet<>(queues), configured, "the ConfigMap must name every queue of infra/infrastructure.yaml");

        Set<String> configuredTopics = config.entrySet().stream()
                .filter(e -> e.getKey().startsWith("TOPIC_"))
                .map(Map.Entry::getValue)
                .collect(Collectors.toCollection(TreeSet::new));
        assertEquals(
                new TreeSet<>(topics), configuredTopics, "SNS topics: ConfigMap TOPIC_* vs infra/infrastructure.yaml");
        assertTrue(tables.contains(config.get("DYNAMODB_TABLE")), "DYNAMODB_TABLE=" + config.get("DYNAMODB_TABLE"));
        assertTrue(kafkaTopics.contains(config.get("KAFKA_TOPIC")), "KAFKA_TOPIC=" + config.get("KAFKA_TOPIC"));
    }

    @Test
    void theQueuesRedriveIsABackstopAboveTheConsumersOwnDeadLettering() {
        int redrive = infra.path("queues").path("maxReceiveCount").asInt();
        int contract = Integer.parseInt(property("queue.max-receive-count"));
        assertTrue(
                redrive > contract + 3,
                "the queues' redrive (" + redrive + ") must stay well above queue.max-receive-count (" + contract
                        + "): messages released by restarts must not reach it before the contract gives its reason");
        long visibility = seconds(property("queue.visibility-timeout"));
        assertEquals(
                visibility,
                infra.path("queues").path("visibilityTimeoutSeconds").asLong(),
                "visibility timeout: app vs infra");
        assertTrue(
                seconds(property("queue.heartbeat-interval")) * 2 < visibility,
                "held messages must be made invisible again well before their visibility timeout ends");
    }

    // ---------------------------------------------------------------------------------------------------- KEDA, PDB

    @Test
    void everyScaledObjectScalesADeploymentOnItsStacksQueues() {
        Map<String, Doc> deployments = deployments();
        Map<String, String> config = configMap();
        Set<String> infraQueues = texts(infra.path("queues").path("names"));
        Map<String, Doc> triggerAuths = new HashMap<>();
        ofKind("TriggerAuthentication").forEach(d -> triggerAuths.put(d.name(), d));
        Map<String, String> scaledBy = new HashMap<>();
        Map<String, Doc> byTarget = new HashMap<>();
        for (Doc so : ofKind("ScaledObject")) {
            JsonNode spec = so.node().path("spec");
            String target = spec.path("scaleTargetRef").path("name").asText();
            assertEquals(
                    "Deployment",
                    spec.path("scaleTargetRef").path("kind").asText("Deployment"),
                    so + ": scaleTargetRef.kind");
            assertTrue(deployments.containsKey(target), so + " targets '" + target + "', which is no Deployment");
            assertTrue(byTarget.put(target, so) == null, target + " has two ScaledObjects");
            assertEquals(1, spec.path("minReplicaCount").asInt(-1), so + ": minReplicaCount");
            assertEquals(10, spec.path("maxReplicaCount").asInt(-1), so + ": maxReplicaCount");
            String stack =
                    env(appContainer(deployments.get(target)), "APP_STACK").orElseThrow();

            Set<String> queues = new TreeSet<>();
            for (JsonNode trigger : spec.path("triggers")) {
                if (!"aws-sqs-queue".equals(trigger.path("type").asText())) {
                    continue;
                }
                JsonNode meta = trigger.path("metadata");
                Matcher url = QUEUE_URL.matcher(meta.path("queueURL").asText());
                assertTrue(
                        url.matches(),
                        so + ": queueURL " + meta.path("queueURL").asText());
                assertEquals(
                        config.get("AWS_REGION"),
                        meta.path("awsRegion").asText(),
                        so + ": awsRegion is the ConfigMap's AWS_REGION");
                assertEquals(config.get("AWS_REGION"), url.group(1), so + ": the queue URL's region");
                assertEquals("50", meta.path("queueLength").asText(), so + ": queueLength");
                assertTrue(
                        infraQueues.contains(url.group(3)),
                        so + ": " + url.group(3) + " is no queue of infra/infrastructure.yaml");
                queues.add(url.group(3));
                String previous = scaledBy.put(url.group(3), so.name());
                assertTrue(previous == null, url.group(3) + " scales both " + previous + " and " + so.name());
                String auth = trigger.path("authenticationRef").path("name").asText();
                assertTrue(
                        triggerAuths.containsKey(auth),
                        so + ": authenticationRef '" + auth + "' is no TriggerAuthentication");
                assertEquals(
                        "aws",
                        triggerAuths
                                .get(auth)
                                .node()
                                .path("spec")
                                .path("podIdentity")
                                .path("provider")
                                .asText(),
                        auth + ": podIdentity.provider");
            }
            assertEquals(
                    new TreeSet<>(stackQueues(stack, config)),
                    queues,
                    so + ": the queues stack " + stack + " consumes");
            if ("registration".equals(stack)) {
                boolean cpu = false;
                for (JsonNode trigger : spec.path("triggers")) {
                    cpu |= "cpu".equals(trigger.path("type").asText())
                            && trigger.path("metadata").has("value");
                }
                assertTrue(cpu, so + ": the REST stack also scales on CPU");
            }
        }
        assertEquals(
                new TreeSet<>(deployments.keySet()),
                new TreeSet<>(byTarget.keySet()),
                "every stack has a ScaledObject");
        assertEquals(
                new TreeSet<>(infraQueues),
                new TreeSet<>(scaledBy.keySet()),
                "every queue drives the scaling of its stack");
    }

    /**
     * While Redis is away each replica takes a service's limit / services.&lt;name&gt;.fleet-replicas: that number must
     * cover every replica that may call the service, i.e. the KEDA maximum plus the rollout surge of every stack with
     * a worker that depends on it.
     */
    @Test
    void everyServicesLocalShareAddsUpToNoMoreThanItsLimit() {
        Map<String, Doc> deployments = deployments();
        Map<String, Integer> mostReplicasByStack = new HashMap<>();
        for (Doc so : ofKind("ScaledObject")) {
            Doc deployment = deployments.get(
                    so.node().path("spec").path("scaleTargetRef").path("name").asText());
            String stack = env(appContainer(deployment), "APP_STACK").orElseThrow();
            int surge = deployment
                    .node()
                    .path("spec")
                    .path("strategy")
                    .path("rollingUpdate")
                    .path("maxSurge")
                    .asInt(1);
            mostReplicasByStack.put(
                    stack, so.node().path("spec").path("maxReplicaCount").asInt() + surge);
        }
        for (Service service : Service.values()) {
            Set<String> callingStacks = new TreeSet<>();
            for (Worker worker : Worker.values()) {
                if (worker.dependencies().contains(service.dependency())) {
                    callingStacks.add(worker.stack().id());
                }
            }
            int mostCallers = callingStacks.stream()
                    .mapToInt(stack -> mostReplicasByStack.getOrDefault(stack, 1))
                    .sum();
            String key = "services." + service.id() + ".fleet-replicas";
            assertNotNull(properties.getProperty(key), key + " is not set");
            assertTrue(
                    Integer.parseInt(properties.getProperty(key)) >= mostCallers,
                    key + "=" + properties.getProperty(key) + ", but up to " + mostCallers + " replicas of "
                            + callingStacks + " call the service");
        }
    }

    @Test
    void everyPodDisruptionBudgetSelectsOneDeployment() {
        Map<String, Doc> deployments = deployments();
        Set<String> covered = new TreeSet<>();
        for (Doc pdb : ofKind("PodDisruptionBudget")) {
            JsonNode spec = pdb.node().path("spec");
            assertEquals(1, spec.path("minAvailable").asInt(-1), pdb + ": minAvailable");
            List<String> matched = deployments.values().stream()
                    .filter(d -> selects(spec.path("selector").path("matchLabels"), podLabels(d)))
                    .map(Doc::name)
                    .toList();
            assertEquals(
                    1, matched.size(), pdb + " must select the pods of exactly one Deployment, selects " + matched);
            assertTrue(covered.add(matched.get(0)), matched.get(0) + " has two PodDisruptionBudgets");
        }
        assertEquals(new TreeSet<>(deployments.keySet()), covered, "every Deployment has a PodDisruptionBudget");
    }

    @Test
    void everyDeploymentSelectorMatchesItsPods() {
        for (Doc deployment : deployments().values()) {
            JsonNode spec = deployment.node().path("spec");
            assertFalse(spec.path("selector").path("matchLabels").isEmpty(), deployment + ": selector.matchLabels");
            JsonNode matchLabels = spec.path("selector").path("matchLabels");
            assertTrue(
                    selects(matchLabels, podLabels(deployment)),
                    deployment + ": the selector does not match the pod template's labels");
            long others = deployments().values().stream()
                    .filter(d -> d != deployment)
                    .filter(d -> selects(matchLabels, podLabels(d)))
                    .count();
            assertEquals(0, others, deployment + ": its selector also matches another stack's pods");
        }
    }

    // ---------------------------------------------------------------------------------------------------- Service,
    // Ingress

    @Test
    void theServiceAndIngressReachTheRegistrationStack() {
        Doc service = ofKind("Service").stream()
                .filter(s -> s.name().equals("reg-workers-registration"))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no Service reg-workers-registration"));
        JsonNode spec = service.node().path("spec");
        assertEquals("ClusterIP", spec.path("type").asText("ClusterIP"), service + ": type");
        Doc registration = deployments().get("reg-workers-registration");
        assertTrue(
                selects(spec.path("selector"), podLabels(registration)),
                service + ": its selector does not match the registration pods");
        assertEquals(
                1,
                deployments().values().stream()
                        .filter(d -> selects(spec.path("selector"), podLabels(d)))
                        .count(),
                service + " must select the registration pods only");
        JsonNode port = spec.path("ports").get(0);
        assertNotNull(port, service + ": no port");
        assertEquals(80, port.path("port").asInt(), service + ": port");
        assertEquals(
                Integer.parseInt(property("quarkus.http.port")),
                namedPort(appContainer(registration), port.path("targetPort").asText()),
                service + ": targetPort must be the container's http port");

        boolean routed = false;
        for (Doc ingress : ofKind("Ingress")) {
            for (JsonNode rule : ingress.node().path("spec").path("rules")) {
                for (JsonNode path : rule.path("http").path("paths")) {
                    JsonNode backend = path.path("backend").path("service");
                    if (!"/checkEligibility".equals(path.path("path").asText())) {
                        continue;
                    }
                    assertEquals(
                            service.name(), backend.path("name").asText(), ingress + ": /checkEligibility backend");
                    JsonNode backendPort = backend.path("port");
                    boolean portExists = false;
                    for (JsonNode p : spec.path("ports")) {
                        portExists |= backendPort.has("name")
                                ? p.path("name")
                                        .asText()
                                        .equals(backendPort.path("name").asText())
                                : p.path("port").asInt()
                                        == backendPort.path("number").asInt();
                    }
                    assertTrue(
                            portExists, ingress + ": backend port " + backendPort + " is no port of " + service.name());
                    routed = true;
                }
            }
        }
        assertTrue(routed, "no Ingress routes /checkEligibility");
    }

    // ---------------------------------------------------------------------------------------------------- identity,
    // RBAC

    @Test
    void eachStackHasItsOwnServiceAccountAndIamRoleAndNoPodNeedsKubernetesApiAccess() {
        List<Doc> accounts = ofKind("ServiceAccount");
        assertEquals(
                deployments().keySet(),
                accounts.stream().map(Doc::name).collect(Collectors.toCollection(TreeSet::new)),
                "one ServiceAccount per Deployment, named like it");
        Set<String> roles = new HashSet<>();
        for (Doc sa : accounts) {
            String role = sa.node()
                    .path("metadata")
                    .path("annotations")
                    .path("eks.amazonaws.com/role-arn")
                    .asText();
            assertTrue(
                    role.matches("arn:aws:iam::\\d{12}:role/[\\w+=,.@/-]+"),
                    sa + ": IRSA role annotation eks.amazonaws.com/role-arn");
            assertTrue(roles.add(role), sa + ": shares its IAM role " + role + " with another stack");
            assertFalse(
                    sa.node().path("automountServiceAccountToken").asBoolean(true), sa + " lets pods mount its token");
        }
        // leader leases (enqueueEntries, getMarketsToNotify) live in DynamoDB: no Role, no mounted token
        assertTrue(ofKind("Role").isEmpty() && ofKind("RoleBinding").isEmpty(), "no Kubernetes RBAC is needed");
        deployments()
                .forEach((name, deployment) -> assertFalse(
                        podSpec(deployment).path("automountServiceAccountToken").asBoolean(true),
                        name + " mounts the service-account token"));
    }

    // ---------------------------------------------------------------------------------------------------- secrets

    @Test
    void eachStacksSecretComesFromSecretsManagerWithOnlyItsKeysAndTheRepositoryHoldsPlaceholdersOnly() {
        Map<String, Set<String>> fetched = new TreeMap<>();
        for (Doc external : ofKind("ExternalSecret")) {
            JsonNode es = external.node().path("spec");
            assertEquals(
                    "ClusterSecretStore", es.path("secretStoreRef").path("kind").asText(), external + ": store kind");
            assertEquals(
                    "aws-secrets-manager",
                    es.path("secretStoreRef").path("name").asText(),
                    external + ": store");
            Set<String> keys = new TreeSet<>();
            es.path("data").forEach(d -> keys.add(d.path("secretKey").asText()));
            assertNull(
                    fetched.put(es.path("target").path("name").asText(), keys),
                    external + ": a second ExternalSecret for its target");
        }
        Map<String, Set<String>> expected = new TreeMap<>();
        for (Doc deployment : deployments().values()) {
            Set<String> keys = stackSecretKeys(stackOf(deployment));
            if (!keys.isEmpty()) {
                expected.put(secretName(deployment), keys);
            }
        }
        assertEquals(
                expected,
                fetched,
                "each stack's Secret holds exactly the keys its workers use (the API keys of the services"
                        + " they call, the JWT key of checkEligibility, the selection trigger's key)");

        List<Doc> secrets = ofKind("Secret");
        assertFalse(secrets.isEmpty(), "no Secret manifest listing the keys");
        Map<String, Set<String>> listed = new TreeMap<>();
        for (Doc secret : secrets) {
            Map<String, String> values = new LinkedHashMap<>();
            secret.node()
                    .path("stringData")
                    .properties()
                    .forEach(e -> values.put(e.getKey(), e.getValue().asText()));
            secret.node()
                    .path("data")
                    .properties()
                    .forEach(e -> values.put(
                            e.getKey(),
                            new String(Base64.getDecoder().decode(e.getValue().asText()), StandardCharsets.UTF_8)));
            listed.put(secret.name(), new TreeSet<>(values.keySet()));
            values.forEach(
                    (key, value) -> assertTrue(
                            isPlaceholder(value),
                            secret + ": " + key
                                    + " must be a placeholder (PLACEHOLDER…, REPLACE_ME…, CHANGE_ME… or <…>), never a real value"));
        }
        assertEquals(
                expected,
                listed,
                "the plain Secrets of the overlay list the same Secrets and keys as the ExternalSecrets");
    }

    @Test
    void thePlaceholderRuleRejectsRealLookingValues() {
        assertTrue(isPlaceholder("PLACEHOLDER-from-aws-secrets-manager"));
        assertTrue(isPlaceholder("<campaign service api key>"));
        assertFalse(isPlaceholder("3f9a1c0b7d2e4f6a8b0c1d2e3f4a5b6c"));
        assertFalse(isPlaceholder("PLACEHOLDER-3f9a1c0b7d2e4f6a8b0c1d2e3f4a5b6c"));
        assertFalse(isPlaceholder(
                "-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE\n-----END PUBLIC KEY-----"));
        assertFalse(isPlaceholder(""));
    }

    // ---------------------------------------------------------------------------------------------------- image

    @Test
    void theDockerfileRunsTheAppAsNonRootWithTheJvmSettings() throws IOException {
        Dockerfile dockerfile = Dockerfile.read(root.resolve("Dockerfile"));
        String user = dockerfile
                .last("USER")
                .orElseThrow(() -> new AssertionError("Dockerfile: no USER (the image would run as root)"));
        String uid = user.split(":")[0].strip();
        assertFalse(uid.equals("root") || uid.equals("0"), "Dockerfile: USER " + user + " is root");
        assertEquals("185", uid, "Dockerfile: USER must be the uid the Deployments run as");
        Set<String> exposed = new HashSet<>();
        dockerfile.all("EXPOSE").forEach(e -> exposed.addAll(List.of(e.split("\\s+"))));
        assertTrue(exposed.contains(property("quarkus.http.port")), "Dockerfile: EXPOSE the HTTP port");
        assertFalse(exposed.contains(property("jolokia.port")), "Dockerfile: Jolokia is loopback-only, never exposed");
        String javaOpts = dockerfile.env().getOrDefault("JAVA_OPTS", "");
        for (String flag : List.of(
                "-XX:MaxRAMPercentage=",
                "-XX:+ExitOnOutOfMemoryError",
                "-Djava.util.logging.manager=org.jboss.logmanager.LogManager")) {
            assertTrue(javaOpts.contains(flag), "Dockerfile: JAVA_OPTS lacks " + flag);
        }
        Set<String> dockerignore = Files.readAllLines(root.resolve(".dockerignore")).stream()
                .map(String::strip)
                .filter(l -> !l.isEmpty() && !l.startsWith("#"))
                .collect(Collectors.toCollection(LinkedHashSet::new));
        assertEquals("*", dockerignore.iterator().next(), ".dockerignore must exclude everything first");
        for (String copy : dockerfile.all("COPY")) {
            List<String> parts = new ArrayList<>(List.of(copy.split("\\s+")));
            parts.removeIf(p -> p.startsWith("--"));
            for (String source : parts.subList(0, parts.size() - 1)) {
                assertTrue(
                        source.startsWith("target/quarkus-app/") || source.startsWith("docker/"),
                        "Dockerfile: COPY " + source + " is outside target/quarkus-app/ and docker/");
                String top = source.startsWith("docker/") ? "docker" : "target/quarkus-app";
                assertTrue(
                        dockerignore.contains("!" + top) || dockerignore.contains("!" + top + "/"),
                        ".dockerignore does not let " + top + " into the build context");
            }
        }
    }

    @Test
    void theEntrypointMapsConfigEnvToTheQuarkusProfile() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/bin/sh")), "needs a POSIX shell");
        Dockerfile dockerfile = Dockerfile.read(root.resolve("Dockerfile"));
        Path script = dockerfile.entrypointScript(root);
        String javaOpts = dockerfile.env().getOrDefault("JAVA_OPTS", "");

        List<String> prod = runEntrypoint(script, null, javaOpts).args();
        assertTrue(prod.contains("-Dquarkus.profile=prod"), "CONFIG_ENV unset must mean the prod profile: " + prod);
        for (String flag : javaOpts.split("\\s+")) {
            assertTrue(prod.contains(flag), "JAVA_OPTS flag " + flag + " must reach the JVM as one argument: " + prod);
        }
        int jar = prod.indexOf("-jar");
        assertTrue(
                jar >= 0 && prod.get(jar + 1).endsWith("/quarkus-run.jar"),
                "the JVM must run quarkus-run.jar: " + prod);
        assertTrue(
                prod.indexOf("-Dquarkus.profile=prod") < jar, "the profile must be a JVM option, before -jar: " + prod);

        for (String env : CONFIG_ENVS) {
            List<String> args = runEntrypoint(script, env, javaOpts).args();
            assertTrue(args.contains("-Dquarkus.profile=" + env), "CONFIG_ENV=" + env + " -> " + args);
            assertFalse(
                    args.contains("-Dquarkus.profile=prod") && !env.equals("prod"),
                    "CONFIG_ENV=" + env + " -> " + args);
        }
        Run bogus = runEntrypoint(script, "production", javaOpts);
        assertNotEquals(0, bogus.exitCode(), "an unknown CONFIG_ENV must stop the container, not fall back silently");
        assertFalse(bogus.javaStarted(), "an unknown CONFIG_ENV must not start the JVM");
    }

    @Test
    void theImageTrainsItsAotCachesWithItsOwnJvmSettingsAndTheEntrypointTakesTheStacksOwn() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/bin/sh")), "needs a POSIX shell");
        Dockerfile dockerfile = Dockerfile.read(root.resolve("Dockerfile"));
        assertTrue(
                dockerfile.all("RUN").stream()
                        .anyMatch(run -> run.contains("aot-train.sh") && run.contains("$JAVA_OPTS")),
                "Dockerfile: the AOT cache must be trained in the image, with JAVA_OPTS: " + dockerfile.all("RUN"));
        Path script = dockerfile.entrypointScript(root);
        String javaOpts = dockerfile.env().getOrDefault("JAVA_OPTS", "");

        Path appHome = Files.createTempDirectory("app-home");
        assertFalse(
                runEntrypoint(script, null, javaOpts, appHome).args().stream()
                        .anyMatch(a -> a.startsWith("-XX:AOTCache")),
                "no cache in the image: no AOTCache flag");
        Files.writeString(appHome.resolve("app.aot"), "cache");
        List<String> args = runEntrypoint(script, null, javaOpts, appHome).args();
        assertTrue(
                args.contains("-XX:AOTCache=" + appHome.resolve("app.aot")),
                "the image's AOT cache must reach the JVM: " + args);

        // every deployed stack starts with a cache of its own classes
        Set<String> trained =
                Set.of(dockerfile.args().getOrDefault("AOT_STACKS", "").trim().split("\\s+"));
        Set<String> deployed = new TreeSet<>();
        deployments().values().forEach(d -> deployed.add(stackOf(d)));
        assertEquals(deployed, new TreeSet<>(trained), "Dockerfile AOT_STACKS: one cache per deployed stack");
        assertTrue(
                dockerfile.all("RUN").stream()
                        .anyMatch(run -> run.contains("$AOT_STACKS") && run.contains("app-$stack.aot")),
                "Dockerfile: every stack of AOT_STACKS must be trained into app-<stack>.aot: " + dockerfile.all("RUN"));
        Files.writeString(appHome.resolve("app-replication.aot"), "cache");
        assertTrue(
                runEntrypoint(script, null, javaOpts, appHome, Map.of("APP_STACK", "replication"))
                        .args()
                        .contains("-XX:AOTCache=" + appHome.resolve("app-replication.aot")),
                "APP_STACK=replication must start with the replication stack's cache");
        assertTrue(
                runEntrypoint(script, null, javaOpts, appHome, Map.of("APP_STACK", "selection"))
                        .args()
                        .contains("-XX:AOTCache=" + appHome.resolve("app.aot")),
                "a stack without a cache of its own starts with the one of all workers");
        assertTrue(
                runEntrypoint(script, null, javaOpts, appHome, Map.of("APP_NAME", "saveEntries"))
                        .args()
                        .contains("-XX:AOTCache=" + appHome.resolve("app.aot")),
                "APP_NAME selects one worker: the cache of all workers");
    }

    // ---------------------------------------------------------------------------------------------------- helpers

    record Run(int exitCode, boolean javaStarted, List<String> args) {}

    private static Run runEntrypoint(Path script, String configEnv, String javaOpts) throws Exception {
        return runEntrypoint(script, configEnv, javaOpts, null);
    }

    private static Run runEntrypoint(Path script, String configEnv, String javaOpts, Path appHome) throws Exception {
        return runEntrypoint(script, configEnv, javaOpts, appHome, Map.of());
    }

    private static Run runEntrypoint(
            Path script, String configEnv, String javaOpts, Path appHome, Map<String, String> selection)
            throws Exception {
        Path bin = Files.createTempDirectory("fake-java");
        Path argsFile = bin.resolve("args");
        Path java = bin.resolve("java");
        Files.writeString(
                java,
                "#!/bin/sh\n: > \"" + argsFile + "\"\nfor a in \"$@\"; do printf '%s\\n' \"$a\" >> \"" + argsFile
                        + "\"; done\n");
        assertTrue(java.toFile().setExecutable(true), "cannot make the fake java executable");
        ProcessBuilder pb = new ProcessBuilder("/bin/sh", script.toString()).redirectErrorStream(true);
        Map<String, String> env = pb.environment();
        env.remove("CONFIG_ENV");
        env.remove("JAVA_OPTS_APPEND");
        env.remove("APP_HOME");
        env.remove("APP_STACK");
        env.remove("APP_NAME");
        env.putAll(selection);
        env.put("PATH", bin + ":" + env.getOrDefault("PATH", "/usr/bin:/bin"));
        env.put("JAVA_OPTS", javaOpts);
        if (configEnv != null) {
            env.put("CONFIG_ENV", configEnv);
        }
        if (appHome != null) {
            env.put("APP_HOME", appHome.toString());
        }
        Process process = pb.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(20, TimeUnit.SECONDS), "the entrypoint did not finish: " + output);
        boolean started = Files.exists(argsFile);
        return new Run(process.exitValue(), started, started ? Files.readAllLines(argsFile) : List.of());
    }

    /** The instructions of a Dockerfile, continuation lines joined. */
    record Dockerfile(List<String[]> instructions) {

        static Dockerfile read(Path file) throws IOException {
            assertTrue(Files.isRegularFile(file), "no Dockerfile");
            List<String[]> instructions = new ArrayList<>();
            StringBuilder current = new StringBuilder();
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                String stripped = line.strip();
                if (stripped.startsWith("#") || (stripped.isEmpty() && current.length() == 0)) {
                    continue;
                }
                if (stripped.endsWith("\\")) {
                    current.append(stripped, 0, stripped.length() - 1).append(' ');
                    continue;
                }
                current.append(stripped);
                String joined = current.toString().strip();
                current.setLength(0);
                if (!joined.isEmpty()) {
                    String[] parts = joined.split("\\s+", 2);
                    instructions.add(
                            new String[] {parts[0].toUpperCase(Locale.ROOT), parts.length > 1 ? parts[1].strip() : ""});
                }
            }
            return new Dockerfile(instructions);
        }

        List<String> all(String instruction) {
            return instructions.stream()
                    .filter(i -> i[0].equals(instruction))
                    .map(i -> i[1])
                    .toList();
        }

        Optional<String> last(String instruction) {
            List<String> all = all(instruction);
            return all.isEmpty() ? Optional.empty() : Optional.of(all.get(all.size() - 1));
        }

        /** ENV key=value pairs (double quotes group a value). */
        Map<String, String> env() {
            return assignments("ENV");
        }

        /** ARG key=default pairs (double quotes group a value). */
        Map<String, String> args() {
            return assignments("ARG");
        }

        private Map<String, String> assignments(String instruction) {
            Map<String, String> env = new LinkedHashMap<>();
            for (String line : all(instruction)) {
                Matcher m = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)=(\"((?:[^\"\\\\]|\\\\.)*)\"|\\S*)")
                        .matcher(line);
                while (m.find()) {
                    env.put(m.group(1), m.group(3) != null ? m.group(3) : m.group(2));
                }
            }
            return env;
        }

        /** The repository file of the script the ENTRYPOINT runs, found through the COPY that puts it in the image. */
        Path entrypointScript(Path root) throws IOException {
            String entrypoint = last("ENTRYPOINT").orElseThrow(() -> new AssertionError("Dockerfile: no ENTRYPOINT"));
            assertTrue(entrypoint.startsWith("["), "Dockerfile: ENTRYPOINT in exec form, so the JVM gets SIGTERM");
            List<String> command = new ArrayList<>();
            new ObjectMapper().readTree(entrypoint).forEach(n -> command.add(n.asText()));
            String inImage = command.stream()
                    .filter(c -> c.endsWith(".sh"))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("Dockerfile: the ENTRYPOINT runs no script: " + command));
            for (String copy : all("COPY")) {
                List<String> parts = new ArrayList<>(List.of(copy.split("\\s+")));
                parts.removeIf(p -> p.startsWith("--"));
                if (parts.size() == 2 && parts.get(1).equals(inImage)) {
                    Path script = root.resolve(parts.get(0));
                    assertTrue(Files.isRegularFile(script), "Dockerfile: " + parts.get(0) + " does not exist");
                    return script;
                }
            }
            throw new AssertionError("Dockerfile: no COPY puts " + inImage + " into the image");
        }
    }

    /** A placeholder names itself as one and carries nothing that could be key material. */
    static boolean isPlaceholder(String value) {
        if (value == null || value.isBlank() || value.contains("-----BEGIN")) {
            return false;
        }
        boolean marked = value.matches("(?i)(PLACEHOLDER|REPLACE[_-]?ME|CHANGE[_-]?ME)([ ._:/-][\\w ._:/-]*)?")
                || value.matches("<[^<>]+>");
        boolean keyLike = Pattern.compile("[A-Za-z0-9+/=]{20,}").matcher(value).find()
                || Pattern.compile("(?=[A-Za-z]*\\d)(?=\\d*[A-Za-z])[A-Za-z0-9]{16,}")
                        .matcher(value)
                        .find();
        return marked && !keyLike;
    }

    private static boolean isYaml(Path file) {
        String name = file.getFileName().toString();
        return Files.isRegularFile(file) && (name.endsWith(".yaml") || name.endsWith(".yml"));
    }

    private static List<Doc> readYaml(Path file) throws IOException {
        YAMLFactory factory = new YAMLFactory();
        ObjectMapper mapper = new ObjectMapper(factory);
        List<Doc> result = new ArrayList<>();
        try (YAMLParser parser = factory.createParser(file.toFile());
                MappingIterator<JsonNode> values = mapper.readValues(parser, JsonNode.class)) {
            int index = 0;
            while (values.hasNextValue()) {
                JsonNode node = values.nextValue();
                index++;
                if (node == null || node.isNull() || node.isMissingNode()) {
                    continue; // an empty document (comments only)
                }
                result.add(new Doc(file, index, node));
            }
        }
        return result;
    }

    private static List<Doc> ofKind(String kind) {
        return docs.stream().filter(d -> kind.equals(d.kind())).toList();
    }

    private static Set<String> names(String kind) {
        return ofKind(kind).stream().map(Doc::name).collect(Collectors.toSet());
    }

    private static Map<String, Doc> deployments() {
        Map<String, Doc> byName = new LinkedHashMap<>();
        for (Doc d : ofKind("Deployment")) {
            assertTrue(byName.put(d.name(), d) == null, "two Deployments named " + d.name());
        }
        return byName;
    }

    private static JsonNode podSpec(Doc deployment) {
        return deployment.node().path("spec").path("template").path("spec");
    }

    /** The application container: the one running the reg-workers image. */
    private static JsonNode appContainer(Doc deployment) {
        List<JsonNode> app = new ArrayList<>();
        for (JsonNode c : podSpec(deployment).path("containers")) {
            String image = c.path("image").asText();
            String repository = image.replaceFirst("[:@].*$", "");
            if (repository.equals("reg-workers") || repository.endsWith("/reg-workers")) {
                app.add(c);
            }
        }
        assertEquals(1, app.size(), deployment + ": exactly one container runs the reg-workers image");
        return app.get(0);
    }

    private static Optional<String> env(JsonNode container, String name) {
        for (JsonNode e : container.path("env")) {
            if (name.equals(e.path("name").asText())) {
                return Optional.of(e.path("value").asText());
            }
        }
        return Optional.empty();
    }

    private static int namedPort(JsonNode container, String name) {
        for (JsonNode p : container.path("ports")) {
            if (name.equals(p.path("name").asText())) {
                return p.path("containerPort").asInt();
            }
        }
        return -1;
    }

    private static void assertProbe(Doc deployment, JsonNode container, String probe, Set<String> paths, int httpPort) {
        JsonNode get = container.path(probe).path("httpGet");
        assertTrue(get.isObject(), deployment + ": no " + probe + " httpGet");
        assertTrue(
                paths.contains(get.path("path").asText()),
                deployment + ": " + probe + " path " + get.path("path").asText());
        JsonNode port = get.path("port");
        int resolved = port.isInt() ? port.asInt() : namedPort(container, port.asText());
        assertEquals(httpPort, resolved, deployment + ": " + probe + " must hit the HTTP port");
    }

    /** Whether pods with these labels carry every required label (a label selector's matchLabels, a Service's selector). */
    private static boolean selects(JsonNode required, JsonNode labels) {
        if (!required.isObject() || required.isEmpty()) {
            return false;
        }
        for (Map.Entry<String, JsonNode> e : iterable(required)) {
            if (!e.getValue().asText().equals(labels.path(e.getKey()).asText(null))) {
                return false;
            }
        }
        return true;
    }

    private static JsonNode podLabels(Doc deployment) {
        return deployment.node().path("spec").path("template").path("metadata").path("labels");
    }

    private static Iterable<Map.Entry<String, JsonNode>> iterable(JsonNode node) {
        return node.properties();
    }

    private static Map<String, String> configMap() {
        List<Doc> maps = ofKind("ConfigMap").stream()
                .filter(d -> d.name().equals(CONFIG_MAP))
                .toList();
        assertEquals(1, maps.size(), "one ConfigMap " + CONFIG_MAP);
        Map<String, String> data = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : iterable(maps.get(0).node().path("data"))) {
            assertTrue(e.getValue().isTextual(), CONFIG_MAP + ": " + e.getKey() + " must be a string (quote it)");
            data.put(e.getKey(), e.getValue().asText());
        }
        return data;
    }

    /** The SPEC §1 stack id a Deployment runs (its APP_STACK). */
    private static String stackOf(Doc deployment) {
        return env(appContainer(deployment), "APP_STACK")
                .orElseThrow(() -> new AssertionError(deployment + ": no APP_STACK"));
    }

    private static String secretName(Doc deployment) {
        return deployment.name() + "-secrets";
    }

    /**
     * The secret keys a stack's workers use, from regworkers.platform.Worker: the API key of every service they call,
     * the JWT verification key where checkEligibility runs, the trigger's key where enqueueMarketSelections runs.
     */
    private static Set<String> stackSecretKeys(String stackId) {
        Set<String> keys = new TreeSet<>();
        for (Worker worker : Worker.values()) {
            if (!worker.stack().id().equals(stackId)) {
                continue;
            }
            for (Worker.Dependency dependency : worker.dependencies()) {
                if (dependency.name().endsWith("_SERVICE")) {
                    keys.add("SERVICES_" + dependency.name().replace("_SERVICE", "") + "_API_KEY");
                }
            }
            if (worker == Worker.CHECK_ELIGIBILITY) {
                keys.add("MP_JWT_VERIFY_PUBLICKEY");
            }
            if (worker == Worker.ENQUEUE_MARKET_SELECTIONS) {
                keys.add("SELECTION_TRIGGER_API_KEY");
            }
        }
        return keys;
    }

    private static String flag(List<String> flags, String prefix, Doc deployment) {
        List<String> values = flags.stream()
                .filter(f -> f.startsWith(prefix))
                .map(f -> f.substring(prefix.length()))
                .toList();
        assertEquals(1, values.size(), deployment + ": JAVA_OPTS_APPEND sets " + prefix + " once, was " + flags);
        return values.get(0);
    }

    /** A JVM size ("512m", "1g", "768k") in MiB, rounded up. */
    static long mebibytes(String size) {
        Matcher m = Pattern.compile("^(\\d+)([kKmMgG])$").matcher(size);
        assertTrue(m.matches(), "not a JVM size: " + size);
        long n = Long.parseLong(m.group(1));
        return switch (Character.toLowerCase(m.group(2).charAt(0))) {
            case 'k' -> (n + 1023) / 1024;
            case 'm' -> n;
            default -> n * 1024;
        };
    }

    private static List<String> sendDataQueues(Map<String, String> config) {
        String prefix = config.get("QUEUE_SEND_DATA_PREFIX");
        String types = config.get("DATA_TYPES");
        assertNotNull(prefix, "the ConfigMap has no QUEUE_SEND_DATA_PREFIX");
        assertNotNull(types, "the ConfigMap has no DATA_TYPES");
        return Stream.of(types.split(","))
                .map(String::strip)
                .filter(t -> !t.isEmpty())
                .map(t -> prefix + t)
                .toList();
    }

    private static List<String> stackQueues(String stack, Map<String, String> config) {
        List<String> queues = new ArrayList<>();
        for (String key : STACK_QUEUE_KEYS.getOrDefault(stack, List.of())) {
            if (key.equals("QUEUE_SEND_DATA_PREFIX")) {
                queues.addAll(sendDataQueues(config));
            } else {
                assertNotNull(config.get(key), "the ConfigMap has no " + key);
                queues.add(config.get(key));
            }
        }
        return queues;
    }

    /** The downstream services: the x of every services.x.url property. */
    private static Set<String> serviceNames() {
        Set<String> services = new TreeSet<>();
        Pattern url = Pattern.compile("^services\\.([a-z0-9-]+)\\.url$");
        for (String p : propertyNames) {
            Matcher m = url.matcher(p);
            if (m.matches()) {
                services.add(m.group(1));
            }
        }
        assertFalse(services.isEmpty(), "application.properties has no services.*.url");
        return services;
    }

    private static Set<String> stacksInWorkerEnum() throws IOException {
        Path worker = root.resolve("src/main/java/regworkers/platform/Worker.java");
        String source = Files.readString(worker);
        int start = source.indexOf("enum Stack");
        assertTrue(start >= 0, "Worker.java has no enum Stack");
        String body = source.substring(start, source.indexOf(';', start));
        Set<String> ids = new TreeSet<>();
        Matcher m = Pattern.compile("[A-Z_]+\\(\"([A-Za-z]+)\"\\)").matcher(body);
        while (m.find()) {
            ids.add(m.group(1));
        }
        return ids;
    }

    /** MicroProfile Config's environment-variable form of a property name. */
    static String envName(String property) {
        return property.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
    }

    private static String property(String name) {
        String value = properties.getProperty(name);
        assertNotNull(value, "application.properties has no " + name);
        return value.strip();
    }

    private static Set<String> texts(JsonNode array) {
        Set<String> texts = new LinkedHashSet<>();
        array.forEach(n -> texts.add(n.asText()));
        return texts;
    }

    private static Set<String> names(JsonNode array) {
        Set<String> names = new LinkedHashSet<>();
        array.forEach(n -> names.add(n.path("name").asText()));
        return names;
    }

    /** A Quarkus/Camel duration in seconds: "30s", "2m", "PT30S", or a plain number of seconds. */
    static long seconds(String duration) {
        String d = duration.strip();
        if (d.matches("\\d+")) {
            return Long.parseLong(d);
        }
        if (d.matches("\\d+ms")) {
            return (Long.parseLong(d.substring(0, d.length() - 2)) + 999) / 1000;
        }
        if (d.matches("\\d+[smhd]")) {
            long n = Long.parseLong(d.substring(0, d.length() - 1));
            return switch (d.charAt(d.length() - 1)) {
                case 's' -> n;
                case 'm' -> n * 60;
                case 'h' -> n * 3600;
                default -> n * 86400;
            };
        }
        return java.time.Duration.parse(d.toUpperCase(Locale.ROOT)).toSeconds();
    }

    /** A Kubernetes quantity ("250m", "1", "768Mi", "1Gi") as a number. */
    static double quantity(String q) {
        Matcher m = Pattern.compile("^([0-9.]+)([A-Za-z]*)$").matcher(q.strip());
        if (!m.matches()) {
            fail("not a quantity: " + q);
        }
        double n = Double.parseDouble(m.group(1));
        return n
                * switch (m.group(2)) {
                    case "" -> 1d;
                    case "m" -> 1e-3;
                    case "k" -> 1e3;
                    case "M" -> 1e6;
                    case "G" -> 1e9;
                    case "Ki" -> 1024d;
                    case "Mi" -> 1024d * 1024;
                    case "Gi" -> 1024d * 1024 * 1024;
                    case "Ti" -> 1024d * 1024 * 1024 * 1024;
                    default -> throw new AssertionError("unknown quantity suffix in " + q);
                };
    }
}
