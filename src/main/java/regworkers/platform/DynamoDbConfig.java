package regworkers.platform;

import io.smallrye.config.ConfigMapping;

/** demand-table ({@code dynamodb.table}): the table of entries, campaigns' markets and selection runs (SPEC §2). */
@ConfigMapping(prefix = "dynamodb")
public interface DynamoDbConfig {

    String table();
}
