package regworkers.replication.stream;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import regworkers.platform.PermanentFailure;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * DynamoDB-typed item images to plain JSON, as the entry travels on saveEntriesQueue: S → string, N → number,
 * B → base64 string, BOOL, NULL → null, M → object, L → array, SS/NS/BS → arrays. Also reads the typed JSON of a
 * stream event ({@code {"S": "..."}}, {@code {"N": "850"}} …) into SDK attribute values, for the invoke endpoint.
 */
public final class PlainImages {

    private static final JsonNodeFactory NODES = JsonNodeFactory.withExactBigDecimals(true);

    private PlainImages() {}

    public static ObjectNode toPlain(Map<String, AttributeValue> image) {
        ObjectNode plain = NODES.objectNode();
        image.forEach((name, value) -> plain.set(name, toPlain(value)));
        return plain;
    }

    public static JsonNode toPlain(AttributeValue value) {
        return switch (value.type()) {
            case S -> NODES.textNode(value.s());
            case N -> number(value.n());
            case B -> NODES.textNode(base64(value.b()));
            case BOOL -> NODES.booleanNode(value.bool());
            case NUL -> NODES.nullNode();
            case M -> toPlain(value.m());
            case L -> array(value.l().stream().map(PlainImages::toPlain).toList());
            case SS -> array(value.ss().stream().<JsonNode>map(NODES::textNode).toList());
            case NS -> array(value.ns().stream().map(PlainImages::number).toList());
            case BS ->
                array(value.bs().stream()
                        .<JsonNode>map(bytes -> NODES.textNode(base64(bytes)))
                        .toList());
            default -> throw new IllegalArgumentException("unknown DynamoDB attribute type in " + value);
        };
    }

    /** A typed image ({@code {"pk": {"S": "CAMPAIGN#1"}, …}}) as SDK attribute values. */
    public static Map<String, AttributeValue> fromTyped(JsonNode image) {
        if (image == null || image.isMissingNode() || image.isNull()) {
            return Map.of();
        }
        if (!image.isObject()) {
            throw invalid("an image must be an object of typed attribute values, not " + image.getNodeType());
        }
        Map<String, AttributeValue> values = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> fields = image.fields(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> field = fields.next();
            values.put(field.getKey(), fromTyped(field.getKey(), field.getValue()));
        }
        return values;
    }

    private static AttributeValue fromTyped(String name, JsonNode typed) {
        if (typed == null || !typed.isObject() || typed.size() != 1) {
            throw invalid("attribute '" + name + "' must be one typed value like {\"S\": \"…\"}");
        }
        Map.Entry<String, JsonNode> only = typed.fields().next();
        JsonNode value = only.getValue();
        return switch (only.getKey()) {
            case "S" -> AttributeValue.fromS(text(name, value));
            case "N" -> AttributeValue.fromN(numberText(name, value));
            case "B" ->
                AttributeValue.fromB(SdkBytes.fromByteArray(Base64.getDecoder().decode(text(name, value))));
            case "BOOL" ->
                AttributeValue.fromBool(
                        value.isBoolean() ? value.booleanValue() : Boolean.parseBoolean(text(name, value)));
            case "NULL" -> AttributeValue.fromNul(true);
            case "M" -> AttributeValue.fromM(fromTyped(value));
            case "L" ->
                AttributeValue.fromL(elements(name, value).stream()
                        .map(element -> fromTyped(name, element))
                        .toList());
            case "SS" ->
                AttributeValue.fromSs(elements(name, value).stream()
                        .map(element -> text(name, element))
                        .toList());
            case "NS" ->
                AttributeValue.fromNs(elements(name, value).stream()
                        .map(element -> numberText(name, element))
                        .toList());
            case "BS" ->
                AttributeValue.fromBs(elements(name, value).stream()
                        .map(element ->
                                SdkBytes.fromByteArray(Base64.getDecoder().decode(text(name, element))))
                        .toList());
            default -> throw invalid("attribute '" + name + "' has an unknown type '" + only.getKey() + "'");
        };
    }

    /** Integers stay integers (850, not 850.0); DynamoDB numbers have up to 38 digits, so nothing is rounded. */
    static JsonNode number(String text) {
        BigDecimal decimal = new BigDecimal(text);
        try {
            BigInteger integer = decimal.toBigIntegerExact();
            if (integer.bitLength() < 32) {
                return NODES.numberNode(integer.intValue());
            }
            return integer.bitLength() < 64 ? NODES.numberNode(integer.longValue()) : NODES.numberNode(integer);
        } catch (ArithmeticException fraction) {
            return NODES.numberNode(decimal.stripTrailingZeros());
        }
    }

    private static ArrayNode array(List<JsonNode> elements) {
        ArrayNode array = NODES.arrayNode(elements.size());
        elements.forEach(array::add);
        return array;
    }

    private static String base64(SdkBytes bytes) {
        return Base64.getEncoder().encodeToString(bytes.asByteArray());
    }

    private static List<JsonNode> elements(String name, JsonNode value) {
        if (!value.isArray()) {
            throw invalid("attribute '" + name + "' must hold an array");
        }
        return java.util.stream.StreamSupport.stream(value.spliterator(), false).toList();
    }

    private static String text(String name, JsonNode value) {
        if (!value.isTextual()) {
            throw invalid("attribute '" + name + "' must hold a string");
        }
        return value.asText();
    }

    private static String numberText(String name, JsonNode value) {
        String text = value.isNumber() ? value.asText() : text(name, value);
        try {
            new BigDecimal(text);
        } catch (NumberFormatException e) {
            throw invalid("attribute '" + name + "' holds no number: " + text);
        }
        return text;
    }

    private static PermanentFailure invalid(String message) {
        return new PermanentFailure("INVALID_STREAM_EVENT", message);
    }
}
