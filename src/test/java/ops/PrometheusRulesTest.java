package ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/**
 * The alert rules pass promtool's unit tests (each alert fires on its case after its "for" and stays quiet on the
 * healthy one), and every dashboard expression is valid PromQL. promtool comes with Debian's prometheus package,
 * which .ci/run installs.
 */
class PrometheusRulesTest {

    @Test
    void theAlertRulesPassTheirUnitTests() throws Exception {
        Result check = promtool("check", "rules", OpsFiles.RULES.toString());
        assertEquals(0, check.exit(), check.output());
        Result test = promtool("test", "rules", OpsFiles.RULES_TEST.toString());
        assertEquals(0, test.exit(), test.output());
        assertTrue(test.output().contains("SUCCESS"), test.output());
    }

    @Test
    void everyAlertHasAUnitTest() throws Exception {
        List<String> tested =
                OpsFiles.read(OpsFiles.RULES_TEST).lines().map(String::strip).toList();
        int alerts = 0;
        for (String line : OpsFiles.read(OpsFiles.RULES).lines().toList()) {
            if (line.strip().startsWith("- alert:")) {
                String alert = line.substring(line.indexOf(':') + 1).strip();
                alerts++;
                assertTrue(
                        tested.contains("alertname: " + alert) || tested.contains("- alertname: " + alert),
                        alert + " has no promtool test");
            }
        }
        assertTrue(alerts > 0, "the rules file has alerts");
    }

    @Test
    void everyDashboardQueryIsValidPromQl() throws Exception {
        List<String> expressions = OpsFiles.dashboardExpressions();
        assertFalse(expressions.isEmpty(), "the dashboard has no queries");
        StringBuilder rules = new StringBuilder("groups:\n  - name: dashboard\n    rules:\n");
        for (int i = 0; i < expressions.size(); i++) {
            rules.append("      - record: dashboard:query_")
                    .append(i)
                    .append("\n        expr: '")
                    .append(expressions.get(i).replace("'", "''"))
                    .append("'\n");
        }
        Path file = Files.createTempFile("dashboard-queries", ".yaml");
        try {
            Files.writeString(file, rules);
            Result check = promtool("check", "rules", file.toString());
            assertEquals(0, check.exit(), check.output());
        } finally {
            Files.deleteIfExists(file);
        }
    }

    private record Result(int exit, String output) {}

    private static Result promtool(String... arguments) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("promtool"));
        command.addAll(List.of(arguments));
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (java.io.IOException missing) {
            throw new AssertionError("promtool is missing: apt-get install prometheus (.ci/run does)", missing);
        }
        String output = new String(process.getInputStream().readAllBytes());
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "promtool did not finish");
        return new Result(process.exitValue(), output);
    }
}
