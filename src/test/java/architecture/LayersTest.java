package architecture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import localstack.LocalPaths;
import org.junit.jupiter.api.Test;

/**
 * Layers point down: {@code routes/} → the stack packages → {@code platform/}. {@code platform/} uses no stack, and
 * no stack uses another (a stack hands work on through a route, a queue or a platform event such as
 * {@code platform.markets.MarketSelected}; what two stacks share lives in {@code platform/}). Read from the sources'
 * imports and qualified names, so a new dependency the wrong way fails the build.
 */
class LayersTest {

    private static final Path SOURCES = LocalPaths.projectRoot().resolve("src/main/java/regworkers");
    private static final Set<String> STACKS =
            Set.of("registration", "replication", "selection", "notification", "datapipeline");
    private static final Pattern REFERENCE = Pattern.compile("\\bregworkers\\.([a-z]+)\\.");

    @Test
    void theStacksAreTheTopLevelPackagesBesidePlatform() throws IOException {
        Set<String> packages = new TreeSet<>();
        try (Stream<Path> entries = Files.list(SOURCES)) {
            entries.filter(Files::isDirectory)
                    .forEach(dir -> packages.add(dir.getFileName().toString()));
        }
        Set<String> expected = new TreeSet<>(STACKS);
        expected.add("platform");
        assertEquals(expected, packages, "a new top-level package: say here whether it is a stack");
    }

    @Test
    void platformUsesNoStackAndNoStackUsesAnother() throws IOException {
        List<String> violations = new ArrayList<>();
        try (Stream<Path> files = Files.walk(SOURCES)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                String layer = SOURCES.relativize(file).getName(0).toString();
                int lineNumber = 0;
                for (String line : Files.readAllLines(file)) {
                    lineNumber++;
                    String code = line.strip();
                    if (code.startsWith("package ")
                            || code.startsWith("*")
                            || code.startsWith("/*")
                            || code.startsWith("//")) {
                        continue;
                    }
                    Matcher reference = REFERENCE.matcher(code);
                    while (reference.find()) {
                        String target = reference.group(1);
                        if (STACKS.contains(target) && !target.equals(layer)) {
                            violations.add(SOURCES.relativize(file) + ":" + lineNumber + " (" + layer + " → " + target
                                    + "): " + code);
                        }
                    }
                }
            }
        }
        assertTrue(violations.isEmpty(), "dependencies against the layers:\n" + String.join("\n", violations));
    }

    @Test
    void theCheckSeesAViolation() {
        Matcher reference = REFERENCE.matcher("import regworkers.selection.SelectionRuns;");
        assertTrue(
                reference.find() && reference.group(1).equals("selection"),
                "the reference pattern must find a stack import");
    }
}
