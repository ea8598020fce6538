/**
 * enqueueEntries: the demand-table stream read into saveEntriesQueue, with a position that survives restarts and
 * exactly one reader across replicas.
 *
 * <h2>Why not Camel's aws2-ddbstream consumer</h2>
 * It keeps its shard iterators in memory only: a restart starts at LATEST (skipping what was written meanwhile) or at
 * TRIM_HORIZON (replaying up to a day), and every replica would read every record. {@link
 * regworkers.replication.stream.StreamReader} reads the stream with the AWS SDK's DynamoDbStreamsClient instead, and
 * keeps what it must not forget in a lease table ({@code replication.lease-table}, default
 * {@code reg-workers-leases}, hash key {@code pk}, no stream: writing checkpoints into demand-table would itself
 * produce stream records). The timer route {@code enqueueEntries} sends a poll every
 * {@code replication.stream.poll-interval} to the route {@code enqueueEntries-poll}, whose steps are the poll's steps
 * below (tests run readers of their own through the same steps); its settings are {@code replication.stream.*}
 * ({@link regworkers.replication.stream.ReplicationStreamConfig}, checked at start-up). StreamReader coordinates the
 * steps; each has a class of its own: the lease {@code StreamLease}, the shards {@code StreamShards} and
 * {@code ShardOrder}, reading {@code ShardReader}, forwarding {@code EntryChanges} and {@code SaveEntriesQueue},
 * checkpoints {@code Checkpoints}, the report {@code Poll} and {@code StreamMetrics}.
 *
 * <h2>A poll</h2>
 * <ol>
 * <li><b>Lease.</b> Take or renew the leader lease item ({@code stream-lease#enqueueEntries#demand-table}: owner,
 * token, leaseUntil). Taking it is a conditional write that succeeds only when the lease is free (released),
 * expired, or already this process's; every take writes a new random token. Renewing is conditional on the token.
 * A process that does not hold the lease stops here; it reads the lease item (one consistent GetItem per poll) and
 * tries to take it only once it has expired. The owner id is the host (pod) name plus a random UUID, so two processes
 * never share one.</li>
 * <li><b>Shards.</b> The table's {@code LatestStreamArn}, and DescribeStream page by page, every few polls
 * ({@code replication.stream.discover-shards-every-polls}) and at once after a shard ended. A shard is read when its
 * checkpoint does not say finished and its parent, if the stream still lists it, is finished: a child starts only
 * after its parent was read to SHARD_END and that was checkpointed, so the records of one item stay in order. Shards
 * are read in the order of their starting sequence numbers.</li>
 * <li><b>Read.</b> Up to {@code replication.stream.max-records-per-shard} records of a shard: from the iterator the
 * previous poll left, else {@code AFTER_SEQUENCE_NUMBER} of the shard's checkpoint, else (no checkpoint) the start of
 * the shard: TRIM_HORIZON for a child, the configured {@code replication.stream.initial-position} (default
 * TRIM_HORIZON, never skipping) for a shard without a known parent. An expired iterator is replaced by a new one from
 * the checkpoint. A checkpoint older than the stream's 24-hour retention (TrimmedDataAccessException) means records
 * were lost before anyone read them: an error is logged with the shard and reading goes on from TRIM_HORIZON.</li>
 * <li><b>Forward.</b> INSERT/MODIFY records whose new image has {@code needsReplication = true}, and REMOVE records of
 * entry items (old image, else keys), become {@code {"entry": {...plain JSON...}, "operation": ...}} with a
 * {@code correlationId} attribute (the record's eventID), sent to saveEntriesQueue with SendMessageBatch (≤ 10 messages,
 * ≤ 256 KiB). Other records are skipped.</li>
 * <li><b>Checkpoint.</b> After each batch SQS took in full, the shard's checkpoint item
 * ({@code stream-checkpoint#enqueueEntries#<streamArn>#<shardId>}: last sequence number forwarded or skipped, and
 * {@code finished} at SHARD_END) is written in one DynamoDB transaction with a condition check that the lease item
 * still carries this reader's token (fencing). A message SQS refuses for good (a sender fault: its contents, its
 * size) is sent again as its entry's keys only, else parked in saveEntriesQueue-dlq with its shard, sequence number
 * and reason, and counts as sent. When SQS cannot take part of a batch now ({@code Failed} entries that are not the
 * message's fault) or any of it, the checkpoint moves only up to the record before the first such message, the
 * shard's iterator is dropped, and the next poll reads again from there. Checkpoint items carry {@code expiresAt} (2 days on) for a TTL, so those of
 * trimmed shards go away.</li>
 * <li><b>Report.</b> One log line per poll that read records (read, forwarded, skipped, failed, shards, lagMs);
 * metrics {@code regworkers.stream.records{outcome=forwarded|skipped|failed}}, the gauge
 * {@code regworkers.stream.lag} (ms since the ApproximateCreationDateTime of the newest record read) and
 * {@code regworkers.stream.leader} (1 on the process holding the lease).</li>
 * </ol>
 *
 * <h2>Failures</h2>
 * <ul>
 * <li><b>Crash</b> (no release): the lease expires after {@code replication.stream.lease-duration} (10 s); another
 * replica takes it and resumes every shard after its checkpoint. What was sent after the last checkpoint is sent
 * again: at most the last batch (10 messages) of each shard.</li>
 * <li><b>Graceful stop / restart</b>: stopping the route releases the lease (token removed), so another replica, or
 * this one after the restart, takes over at once and resumes after the checkpoints. Nothing written while no reader
 * ran is skipped: it waits in the stream (24 h).</li>
 * <li><b>Lease loss</b> (a long pause, the lease table unreachable while the lease expired): a renewal or a
 * checkpoint transaction finds another token, the reader forgets its shards, iterators and cached checkpoints and
 * stops reading within the poll; it cannot move a checkpoint any more. While the lease table cannot be reached, a
 * holder reads nothing (it does not know whether it still holds the lease). Long polls renew the lease between
 * batches once a third of it has passed.</li>
 * <li><b>SQS fails or is down</b>: the checkpoint stays before the first unsent record; the records are read again
 * next poll (the lag gauge grows, each failure is logged as an error). Nothing is skipped.</li>
 * <li><b>SQS refuses a record for good</b>: no record may hold its shard. Characters SQS refuses are escaped in the
 * JSON before sending, a message over {@code replication.stream.max-message-bytes} goes as the entry's keys, a
 * message refused anyway goes as its keys or to the dead-letter queue (README "Stream records SQS refuses"); the
 * checkpoint moves past it in the same poll.</li>
 * <li>The lease holder's clock decides when it renews; another replica's clock decides when the lease has expired.
 * Clock skew well below the lease duration is harmless; beyond that two readers can overlap, which costs duplicates,
 * never a skipped record, because checkpoints are fenced.</li>
 * </ul>
 *
 * <h2>Delivery</h2>
 * At least once. Duplicates (a crash between a send and its checkpoint, a lease taken over mid-poll, a partially
 * refused batch whose later messages were delivered) are absorbed by saveEntries, which reads the item's current
 * state and skips what no longer needs replication. SQS standard queues do not keep order either; saveEntries does
 * not rely on it.
 *
 * <h2>Readers of one stream</h2>
 * Leases and checkpoints are kept per consumer name ({@code enqueueEntries}); a reader under another name (tests)
 * keeps its own position and lease and does not disturb the worker's.
 */
package regworkers.replication.stream;
