package regworkers.registration;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import regworkers.platform.DynamoDbConfig;
import regworkers.platform.EntryItems;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** Whether a fan already has an entry in a campaign: the entry item in {@code demand-table} (SPEC §2). */
@ApplicationScoped
public class LinkedEntries {

    @Inject
    DynamoDbConfig tables;

    @Inject
    DynamoDbClient dynamodb;

    public boolean hasEntry(String campaignId, String globalUserId) {
        return dynamodb.getItem(b -> b.tableName(tables.table())
                        .key(EntryItems.key(campaignId, globalUserId))
                        .projectionExpression("pk"))
                .hasItem();
    }
}
