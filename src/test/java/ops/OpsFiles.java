package ops;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import localstack.LocalPaths;

/** The operators' files in ops/: the PromQL expressions of the Grafana dashboard and of the alert rules. */
final class OpsFiles {

    static final Path RULES = LocalPaths.projectRoot().resolve("ops/prometheus/reg-workers-rules.yaml");
    static final Path RULES_TEST = LocalPaths.projectRoot().resolve("ops/prometheus/reg-workers-rules-test.yaml");
    static final Path DASHBOARD = LocalPaths.projectRoot().resolve("ops/grafana/reg-workers-dashboard.json");

    private static final Set<String> PROMQL_WORDS = Set.of(
            "by",
            "without",
            "and",
            "or",
            "unless",
            "on",
            "ignoring",
            "group_left",
            "group_right",
            "offset",
            "bool",
            "inf",
            "nan");
    private static final Pattern IDENTIFIER = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");

    private OpsFiles() {}

    static List<String> dashboardExpressions() throws IOException {
        List<String> expressions = new ArrayList<>();
        for (JsonNode panel : new ObjectMapper().readTree(DASHBOARD.toFile()).path("panels")) {
            panel.path("targets")
                    .forEach(target -> expressions.add(target.path("expr").asText()));
        }
        return expressions;
    }

    static List<String> ruleExpressions() throws IOException {
        List<String> expressions = new ArrayList<>();
        for (JsonNode group :
                new ObjectMapper(new YAMLFactory()).readTree(RULES.toFile()).path("groups")) {
            group.path("rules")
                    .forEach(rule -> expressions.add(rule.path("expr").asText()));
        }
        return expressions;
    }

    /** The metric names an expression reads: identifiers that are neither functions, keywords, labels nor durations. */
    static Set<String> metricNames(String expression) {
        String bare = expression
                .replaceAll("\"[^\"]*\"", "\"\"") // label values
                .replaceAll("\\{[^}]*}", "") // label matchers
                .replaceAll("\\[[^]]*]", "") // ranges
                .replaceAll("\\b(by|without|on|ignoring)\\s*\\([^)]*\\)", ""); // grouping labels
        Set<String> names = new LinkedHashSet<>();
        Matcher identifier = IDENTIFIER.matcher(bare);
        while (identifier.find()) {
            String name = identifier.group();
            boolean function = bare.substring(identifier.end()).stripLeading().startsWith("(");
            boolean number = identifier.start() > 0 && Character.isDigit(bare.charAt(identifier.start() - 1));
            if (!function && !number && !PROMQL_WORDS.contains(name.toLowerCase())) {
                names.add(name);
            }
        }
        return names;
    }

    static String read(Path file) throws IOException {
        return Files.readString(file);
    }
}
