package localstack;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/** A real redis-server binary (shipped inside the embedded-redis test artifact), in memory only. */
final class RedisServer extends LocalServer {

    RedisServer(int port) {
        super("redis", port);
    }

    @Override
    String name() {
        return "redis";
    }

    @Override
    protected List<String> command() {
        return List.of(
                binary().toString(),
                "--port",
                String.valueOf(port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--protected-mode",
                "no");
    }

    private Path binary() {
        String resource = "aarch64".equals(System.getProperty("os.arch"))
                ? "redis-server-6.2.7-linux-arm64"
                : "redis-server-6.2.6-v5-linux-amd64";
        Path target = LocalPaths.serversDir().resolve("redis").resolve(resource);
        if (Files.isExecutable(target)) {
            return target;
        }
        try (InputStream in = RedisServer.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(
                        "redis binary " + resource + " is not on the test classpath (embedded-redis)");
            }
            Files.createDirectories(target.getParent());
            Path partial = Files.createTempFile(target.getParent(), resource, ".part");
            Files.copy(in, partial, StandardCopyOption.REPLACE_EXISTING);
            partial.toFile().setExecutable(true);
            Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String url() {
        return "redis://127.0.0.1:" + port;
    }
}
