package localstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/** A single-node Kafka broker in KRaft mode (broker and controller in one process), in its own JVM. */
final class KafkaServer extends LocalServer {

    private static final String CLUSTER_ID = "cmVnLXdvcmtlcnMtbG9jYQ";
    private final int controllerPort;
    private boolean formatted;

    KafkaServer(int port) {
        super("kafka", port);
        this.controllerPort = controllerPortBeside(this.port);
    }

    /** A free port for the controller listener other than the broker's: the OS may hand a just-freed port out twice. */
    private static int controllerPortBeside(int brokerPort) {
        int controller = LocalPaths.freePort();
        while (controller == brokerPort) {
            controller = LocalPaths.freePort();
        }
        return controller;
    }

    @Override
    String name() {
        return "kafka";
    }

    String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    @Override
    protected void prepare() {
        if (formatted) {
            return;
        }
        writeServerProperties();
        runToCompletion(List.of(
                "kafka.tools.StorageTool",
                "format",
                "-t",
                CLUSTER_ID,
                "-c",
                serverProperties().toString(),
                "--ignore-formatted"));
        formatted = true;
    }

    @Override
    protected List<String> command() {
        List<String> command = javaCommand();
        command.add("kafka.Kafka");
        command.add(serverProperties().toString());
        return command;
    }

    @Override
    protected boolean isReady() {
        if (!portAnswers(port)) {
            return false;
        }
        Properties config = new Properties();
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000);
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 2000);
        try (Admin admin = admin(config)) {
            return !admin.describeCluster().nodes().get(3, TimeUnit.SECONDS).isEmpty();
        } catch (Exception e) {
            return false;
        }
    }

    /**
     * A Kafka admin client. Kafka loads its configured classes (JmxReporter) through the context class loader, which
     * on a pool thread may still be an earlier Quarkus app's (JDK 25's common pool), whose Kafka classes are not these.
     */
    static Admin admin(Properties config) {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(Admin.class.getClassLoader());
        try {
            return Admin.create(config);
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    @Override
    protected Duration startTimeout() {
        return Duration.ofSeconds(90);
    }

    private List<String> javaCommand() {
        List<String> command = new ArrayList<>(List.of(
                LocalPaths.javaExecutable().toString(),
                "-Xms256m",
                "-Xmx512m",
                "-XX:+UseG1GC",
                "-Dlog4j2.configurationFile=" + LocalPaths.projectRoot().resolve("local/kafka-log4j2.properties"),
                "-cp",
                classpathOf(LocalPaths.serversDir().resolve("kafka/lib"))));
        return command;
    }

    private void runToCompletion(List<String> mainAndArgs) {
        List<String> command = javaCommand();
        command.addAll(mainAndArgs);
        try {
            Process process = new ProcessBuilder(command)
                    .directory(workDir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(workDir.resolve("format.log").toFile())
                    .start();
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException(
                        "kafka storage format failed: " + Files.readString(workDir.resolve("format.log")));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private Path serverProperties() {
        return workDir.resolve("server.properties");
    }

    private void writeServerProperties() {
        String properties = String.join(
                "\n",
                "process.roles=broker,controller",
                "node.id=1",
                "controller.quorum.voters=1@127.0.0.1:" + controllerPort,
                "listeners=PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort,
                "advertised.listeners=PLAINTEXT://127.0.0.1:" + port,
                "controller.listener.names=CONTROLLER",
                "inter.broker.listener.name=PLAINTEXT",
                "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
                "log.dirs=" + workDir.resolve("data"),
                "num.partitions=1",
                "auto.create.topics.enable=false",
                "offsets.topic.replication.factor=1",
                "offsets.topic.num.partitions=3",
                "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1",
                "share.coordinator.state.topic.replication.factor=1",
                "share.coordinator.state.topic.min.isr=1",
                "group.initial.rebalance.delay.ms=0",
                "log.flush.interval.messages=1000000",
                "");
        try {
            Files.writeString(serverProperties(), properties);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
