package standins;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** An OpenAPI path template such as {@code /campaigns/{campaignId}/markets/{marketId}}. */
public final class PathTemplate {

    private final String template;
    private final List<String> segments;

    public PathTemplate(String template) {
        this.template = template;
        this.segments = split(template);
    }

    public String template() {
        return template;
    }

    /** The (percent-decoded) path parameters of a raw path, or null when the path does not fit this template. */
    public Map<String, String> match(String path) {
        List<String> actual = split(path);
        if (actual.size() != segments.size()) {
            return null;
        }
        Map<String, String> parameters = new HashMap<>();
        for (int i = 0; i < segments.size(); i++) {
            String expected = segments.get(i);
            if (isParameter(expected)) {
                parameters.put(expected.substring(1, expected.length() - 1), decode(actual.get(i)));
            } else if (!expected.equals(actual.get(i))) {
                return null;
            }
        }
        return parameters;
    }

    /** Literal segments beat parameters when two templates fit the same path. */
    public int literalSegments() {
        return (int) segments.stream().filter(segment -> !isParameter(segment)).count();
    }

    private static boolean isParameter(String segment) {
        return segment.startsWith("{") && segment.endsWith("}");
    }

    private static String decode(String segment) {
        // URLDecoder decodes form encoding, where '+' means a space; in a path it is a plus.
        return URLDecoder.decode(segment.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    private static List<String> split(String path) {
        String trimmed = path.startsWith("/") ? path.substring(1) : path;
        return trimmed.isEmpty() ? List.of() : List.of(trimmed.split("/", -1));
    }

    @Override
    public String toString() {
        return template;
    }
}
