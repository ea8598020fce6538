package regworkers.registration;

import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Whether a fan already has an entry in a campaign: the entry item in {@code demand-table} (SPEC §2). */
@ApplicationScoped
public class LinkedEntries {

    @Inject
    DynamoDbClient dynamodb;
    @ConfigProperty(name = "dynamodb.table")
    String table;

    public boolean hasEntry(String campaignId, String globalUserId) {
        return dynamodb.getItem(b -> b.tableName(table)
                .key(Map.of("pk", AttributeValue.fromS("CAMPAIGN#" + campaignId),
                        "sk", AttributeValue.fromS("USER#" + globalUserId)))
                .projectionExpression("pk"))
                .hasItem();
    }
}
