package standins;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.PathType;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import com.networknt.schema.oas.OpenApi31;

/**
 * One OpenAPI 3.1 contract, loaded from YAML, that validates request and response bodies (and query
 * parameters) of its operations with the JSON Schema 2020-12 dialect of OpenAPI 3.1.
 * Every body must reference a schema under {@code components/schemas}.
 */
public final class ContractValidator {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final String JSON_MEDIA_TYPE = "application/json";
    private static final String COMPONENT_SCHEMAS = "#/components/schemas/";
    private static final String DEFS = "#/$defs/";

    private final String schemasIri;
    private final JsonNode document;
    private final List<Operation> operations;
    private final JsonSchemaFactory schemaFactory;
    private final SchemaValidatorsConfig schemaConfig;
    private final Map<String, JsonSchema> schemaCache = new ConcurrentHashMap<>();

    /** An operation of the contract with its path-level and operation-level parameters resolved. */
    public record Operation(
            String method, PathTemplate path, String operationId, JsonNode definition, List<JsonNode> parameters) {}

    private ContractValidator(Path file) {
        this.document = parseYaml(read(file), file);
        // Served from memory by the loader below; the .invalid host guarantees nothing is ever fetched.
        this.schemasIri = "https://contracts.invalid/" + file.getFileName() + ".schemas.json";
        String schemas = schemaDocument(document);
        this.schemaFactory = JsonSchemaFactory.getInstance(
                SpecVersion.VersionFlag.V202012,
                builder -> builder.metaSchema(OpenApi31.getInstance())
                        .defaultMetaSchemaIri(OpenApi31.getInstance().getIri())
                        .schemaLoaders(loaders -> loaders.schemas(Map.of(schemasIri, schemas))));
        this.schemaConfig = SchemaValidatorsConfig.builder()
                .formatAssertionsEnabled(true)
                .pathType(PathType.JSON_PATH)
                .build();
        this.operations = readOperations();
    }

    public static ContractValidator load(Path file) {
        return new ContractValidator(file);
    }

    public String title() {
        return document.path("info").path("title").asText();
    }

    public List<Operation> operations() {
        return operations;
    }

    /** The operation for a method and a concrete path (or a path template). */
    public Optional<Operation> findOperation(String method, String path) {
        return operations.stream()
                .filter(operation -> operation.method().equalsIgnoreCase(method))
                .filter(operation -> operation.path().match(path) != null)
                .max(Comparator.comparingInt(operation -> operation.path().literalSegments()));
    }

    public Operation operation(String method, String path) {
        return findOperation(method, path)
                .orElseThrow(() -> new IllegalArgumentException(title() + " has no operation " + method + " " + path));
    }

    /** The violations of a request's query parameters and body; empty when it honours the contract. */
    public List<String> validateRequest(String method, String path, Map<String, String> query, JsonNode body) {
        Operation operation = operation(method, path);
        List<String> violations = new ArrayList<>(validateQuery(operation, query));
        JsonNode requestBody = resolve(operation.definition().path("requestBody"));
        if (requestBody.isMissingNode()) {
            return violations;
        }
        if (body == null || body.isMissingNode()) {
            if (requestBody.path("required").asBoolean(false)) {
                violations.add("$: request body is required");
            }
            return violations;
        }
        violations.addAll(validateAgainst(bodySchemaRef(requestBody, operation), body));
        return violations;
    }

    /** The violations of a response; empty when its status is documented and its body fits. */
    public List<String> validateResponse(String method, String path, int status, JsonNode body) {
        Operation operation = operation(method, path);
        JsonNode responses = operation.definition().path("responses");
        JsonNode response = resolve(
                responses.has(String.valueOf(status))
                        ? responses.get(String.valueOf(status))
                        : responses.path("default"));
        if (response.isMissingNode()) {
            return List.of("status " + status + " is not documented for " + operation.operationId());
        }
        boolean hasBody = body != null && !body.isMissingNode();
        if (!response.path("content").has(JSON_MEDIA_TYPE)) {
            return hasBody ? List.of("$: status " + status + " carries no body") : List.of();
        }
        if (!hasBody) {
            return List.of("$: status " + status + " needs a body");
        }
        return validateAgainst(bodySchemaRef(response, operation), body);
    }

    /** The violations of an instance of {@code components/schemas/{schemaName}}. */
    public List<String> validate(String schemaName, JsonNode instance) {
        return validateAgainst(COMPONENT_SCHEMAS + schemaName, instance);
    }

    private List<String> validateQuery(Operation operation, Map<String, String> query) {
        List<String> violations = new ArrayList<>();
        for (JsonNode parameter : operation.parameters()) {
            if (!"query".equals(parameter.path("in").asText())) {
                continue;
            }
            String name = parameter.path("name").asText();
            String value = query.get(name);
            if (value == null) {
                if (parameter.path("required").asBoolean(false)) {
                    violations.add("query parameter " + name + " is required");
                }
                continue;
            }
            JsonNode parameterSchema = parameter.path("schema");
            JsonSchema schema = schemaCache.computeIfAbsent(
                    operation.operationId() + "?" + name,
                    key -> schemaFactory.getSchema(parameterSchema, schemaConfig));
            for (ValidationMessage message : schema.validate(typed(value, parameterSchema))) {
                violations.add("query parameter " + name + ": " + message.getError());
            }
        }
        return violations;
    }

    /** A query string value as the JSON type its schema declares, so that the schema can judge it. */
    private static JsonNode typed(String value, JsonNode schema) {
        JsonNodeFactory nodes = JsonNodeFactory.instance;
        try {
            switch (schema.path("type").asText()) {
                case "integer":
                    return nodes.numberNode(Long.parseLong(value));
                case "number":
                    return nodes.numberNode(Double.parseDouble(value));
                case "boolean":
                    if (value.equals("true") || value.equals("false")) {
                        return nodes.booleanNode(Boolean.parseBoolean(value));
                    }
                    return nodes.textNode(value);
                default:
                    return nodes.textNode(value);
            }
        } catch (NumberFormatException e) {
            return nodes.textNode(value);
        }
    }

    private List<String> validateAgainst(String componentRef, JsonNode instance) {
        JsonSchema schema = schemaCache.computeIfAbsent(
                componentRef,
                ref -> schemaFactory.getSchema(
                        SchemaLocation.of(schemasIri + ref.replace(COMPONENT_SCHEMAS, DEFS)), schemaConfig));
        return schema.validate(instance).stream()
                .map(ValidationMessage::getMessage)
                .sorted()
                .toList();
    }

    private String bodySchemaRef(JsonNode bodyOwner, Operation operation) {
        JsonNode ref =
                bodyOwner.path("content").path(JSON_MEDIA_TYPE).path("schema").path("$ref");
        if (!ref.isTextual() || !ref.asText().startsWith(COMPONENT_SCHEMAS)) {
            throw new IllegalStateException(title() + ": every body of " + operation.operationId()
                    + " must $ref a schema under components/schemas");
        }
        return ref.asText();
    }

    /** Follows a local $ref (to components/responses, components/parameters, ...) to its target. */
    private JsonNode resolve(JsonNode node) {
        JsonNode ref = node.path("$ref");
        return ref.isTextual() && ref.asText().startsWith("#")
                ? document.at(ref.asText().substring(1))
                : node;
    }

    /**
     * The contract's component schemas as a plain JSON Schema document (under $defs), so the schema library
     * never reads the OpenAPI document itself, whose top-level members are not schema keywords.
     */
    private static String schemaDocument(JsonNode document) {
        ObjectNode schemas = Json.object();
        schemas.set("$defs", document.path("components").path("schemas"));
        return Json.write(schemas).replace('"' + COMPONENT_SCHEMAS, '"' + DEFS);
    }

    private List<Operation> readOperations() {
        List<Operation> found = new ArrayList<>();
        for (Map.Entry<String, JsonNode> pathItem : document.path("paths").properties()) {
            List<JsonNode> pathParameters = resolveAll(pathItem.getValue().path("parameters"));
            for (Map.Entry<String, JsonNode> member : pathItem.getValue().properties()) {
                if (!isHttpMethod(member.getKey())) {
                    continue;
                }
                List<JsonNode> parameters = new ArrayList<>(pathParameters);
                parameters.addAll(resolveAll(member.getValue().path("parameters")));
                found.add(new Operation(
                        member.getKey().toUpperCase(Locale.ROOT),
                        new PathTemplate(pathItem.getKey()),
                        member.getValue().path("operationId").asText(),
                        member.getValue(),
                        List.copyOf(parameters)));
            }
        }
        return List.copyOf(found);
    }

    private List<JsonNode> resolveAll(JsonNode nodes) {
        List<JsonNode> resolved = new ArrayList<>();
        nodes.forEach(node -> resolved.add(resolve(node)));
        return resolved;
    }

    private static boolean isHttpMethod(String key) {
        return List.of("get", "put", "post", "delete", "patch", "head", "options")
                .contains(key);
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read contract " + file.toAbsolutePath(), e);
        }
    }

    private static JsonNode parseYaml(String yaml, Path file) {
        try {
            return YAML.readTree(yaml);
        } catch (IOException e) {
            throw new UncheckedIOException("contract " + file + " is not valid YAML", e);
        }
    }
}
