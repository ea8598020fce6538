package localstack;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** A local server started as a child process under local/child-watchdog.sh, so it dies with its parent. */
final class ChildProcess implements AutoCloseable {

    private final String name;
    private final Process process;
    private final Path logFile;

    private ChildProcess(String name, Process process, Path logFile) {
        this.name = name;
        this.process = process;
        this.logFile = logFile;
    }

    static ChildProcess start(String name, Path workDir, Path logDir, List<String> command) {
        try {
            Files.createDirectories(logDir);
            Path logFile = logDir.resolve(name + ".log");
            List<String> wrapped = new ArrayList<>();
            wrapped.add("bash");
            wrapped.add(
                    LocalPaths.projectRoot().resolve("local/child-watchdog.sh").toString());
            wrapped.addAll(command);
            Process process = new ProcessBuilder(wrapped)
                    .directory(workDir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                    .start();
            return new ChildProcess(name, process, logFile);
        } catch (IOException e) {
            throw new IllegalStateException("cannot start " + name + ": " + e.getMessage(), e);
        }
    }

    /** Waits until {@code ready} holds; fails with the tail of the server's log if it dies or takes too long. */
    void awaitReady(Duration timeout, BooleanSupplier ready) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + ":\n" + logTail());
            }
            if (ready.getAsBoolean()) {
                return;
            }
            sleep(100);
        }
        throw new IllegalStateException(name + " not ready after " + timeout + ":\n" + logTail());
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /**
     * Sends a signal (STOP, CONT, KILL) to the server under the watchdog and every process it started: STOP freezes it
     * as a hung host would be (connections stay open, nothing answers), CONT thaws it.
     */
    void signal(String signal) {
        List<String> command = new ArrayList<>(List.of("kill", "-" + signal));
        process.toHandle().descendants().forEach(child -> command.add(Long.toString(child.pid())));
        if (command.size() == 2) {
            return;
        }
        try {
            new ProcessBuilder(command).redirectErrorStream(true).start().waitFor(5, TimeUnit.SECONDS);
        } catch (IOException e) {
            throw new IllegalStateException("cannot signal " + name + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        try (OutputStream stdin = process.getOutputStream()) {
            stdin.flush();
        } catch (IOException ignored) {
            // the watchdog is gone already
        }
        try {
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private String logTail() {
        try {
            List<String> lines = Files.readAllLines(logFile);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
