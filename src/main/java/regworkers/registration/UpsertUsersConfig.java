package regworkers.registration;

import io.smallrye.config.ConfigMapping;
import regworkers.platform.BatchConfig;

/** upsertUsers' batches ({@code upsert-users.batch-size}, {@code upsert-users.batch-wait}). */
@ConfigMapping(prefix = "upsert-users")
public interface UpsertUsersConfig extends BatchConfig {}
