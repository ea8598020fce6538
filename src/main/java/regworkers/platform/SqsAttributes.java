package regworkers.platform;

import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/** SQS message attributes as the workers write them. */
public final class SqsAttributes {

    private SqsAttributes() {}

    /** A String attribute (the queue contract's failure attributes, an entry change's keys). */
    public static MessageAttributeValue text(String value) {
        return MessageAttributeValue.builder()
                .dataType("String")
                .stringValue(value)
                .build();
    }
}
