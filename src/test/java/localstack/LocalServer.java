package localstack;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** One local server run as a child process on a loopback port; can be stopped and started again on the same port. */
abstract class LocalServer implements AutoCloseable {

    protected final int port;
    protected final Path workDir;
    private ChildProcess process;

    protected LocalServer(String name, int port) {
        this.port = LocalPaths.portOrFree(port);
        this.workDir = LocalPaths.newWorkDir(name);
    }

    abstract String name();

    /** The command line that runs the server in the foreground. */
    protected abstract List<String> command();

    /** Runs before every start, e.g. to format a data directory once. */
    protected void prepare() {}

    protected Duration startTimeout() {
        return Duration.ofSeconds(60);
    }

    protected boolean isReady() {
        return portAnswers(port);
    }

    public synchronized LocalServer start() {
        prepare();
        process = ChildProcess.start(
                name(), workDir, LocalPaths.projectRoot().resolve("target/local-stack/logs"), command());
        process.awaitReady(startTimeout(), this::isReady);
        return this;
    }

    public synchronized void stop() {
        if (process != null) {
            process.close();
            process = null;
        }
    }

    /** Freezes the server (SIGSTOP): it keeps its port and connections but answers nothing until {@link #thaw}. */
    public synchronized void freeze() {
        process.signal("STOP");
    }

    public synchronized void thaw() {
        process.signal("CONT");
    }

    public int port() {
        return port;
    }

    @Override
    public void close() {
        stop();
    }

    static boolean portAnswers(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    static String classpathOf(Path libDir) {
        return libDir.toAbsolutePath() + "/*";
    }
}
