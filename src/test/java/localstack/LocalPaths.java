package localstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;

/** Where the project, the installed local servers and their working files are. */
public final class LocalPaths {

    private LocalPaths() {}

    public static Path projectRoot() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.exists(dir.resolve("infra/infrastructure.yaml"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("run from inside the reg-workers checkout");
        }
        return dir;
    }

    /** The servers installed by local/install-servers.sh. */
    static Path serversDir() {
        String configured = System.getProperty("local.servers.dir");
        return configured != null ? Path.of(configured) : projectRoot().resolve("target/local-servers");
    }

    static Path javaExecutable() {
        return Path.of(System.getProperty("java.home"), "bin", "java");
    }

    static Path newWorkDir(String name) {
        try {
            Path base = projectRoot().resolve("target/local-stack");
            Files.createDirectories(base);
            return Files.createTempDirectory(base, name + "-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static int portOrFree(int port) {
        return port > 0 ? port : freePort();
    }
}
