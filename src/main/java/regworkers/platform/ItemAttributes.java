package regworkers.platform;

import java.util.Map;

import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Short forms for the DynamoDB attribute values the workers' own items use. */
public final class ItemAttributes {

    private ItemAttributes() {}

    public static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }

    public static AttributeValue n(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }

    /** A number attribute of an item as an int; 0 when the item has none. */
    public static int intOf(Map<String, AttributeValue> item, String name) {
        AttributeValue value = item.get(name);
        return value == null || value.n() == null ? 0 : Integer.parseInt(value.n());
    }
}
