package regworkers.platform.services;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.proxy.ProxyManager;
import io.github.bucket4j.redis.jedis.Bucket4jJedis;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.ExchangeProperty;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import redis.clients.jedis.Connection;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.exceptions.JedisConnectionException;
import regworkers.platform.RedisConfig;
import regworkers.platform.WorkerLog;

/**
 * The other teams' rate limits (SPEC §3) hold for the whole fleet, not per replica: every request first takes a
 * token from a bucket in Redis that all replicas share (Bucket4j, compare-and-swap in a Lua script), one bucket per
 * service and rate key (the entry service's per campaign). A bucket refills greedily at the limit and holds at most
 * {@code burst} of it, so a quiet second is not spent twice afterwards. A caller that finds no token waits for its
 * reserved one: the limit costs delay, never a failure.
 *
 * <p>When Redis does not answer within its timeout, this replica takes tokens from a bucket of its own for the
 * next {@code local-for}, refilled at the limit divided by the service's {@code fleet-replicas} (the most replicas of
 * all stacks that call it), so the fleet stays within the limit while Redis is away from all of it, using less of it
 * until Redis answers again. Each token taken that way counts in {@code regworkers.service.rate.limit.local}.
 */
@ApplicationScoped
@Named("serviceRateLimits")
public class ServiceRateLimits {
    private static final WorkerLog LOG = WorkerLog.of(ServiceRateLimits.class);
    private static final int MOST_LOCAL_BUCKETS = 10_000;
    /** SPEC §3's limits are per second. */
    private static final Duration LIMIT_PERIOD = Duration.ofSeconds(1);
    /** How long Redis keeps a bucket after it would be full again: an idle bucket is a full one, so it may go. */
    private static final Duration KEEP_AFTER_FULL = Duration.ofSeconds(10);

    private final ServicesConfig services;
    private final ServicesConfig.SharedLimits shared;
    private final JedisPooled redis;
    private final ProxyManager<byte[]> sharedBuckets;
    private final Map<String, Bucket> localBuckets = new ConcurrentHashMap<>();
    private final Counter localTokens;
    /** System.nanoTime() before which Redis is not asked; 0 while it answers. */
    private final AtomicLong localUntilNanos = new AtomicLong();

    @Inject
    public ServiceRateLimits(ServicesConfig services, RedisConfig redisConfig, MeterRegistry metrics) {
        this.services = services;
        this.shared = services.sharedLimits();
        GenericObjectPoolConfig<Connection> pool = new GenericObjectPoolConfig<>();
        pool.setMaxTotal(shared.redisConnections());
        pool.setMaxIdle(shared.redisConnections());
        pool.setMaxWait(shared.redisTimeout());
        int timeoutMillis = Math.toIntExact(shared.redisTimeout().toMillis());
        // connects on first use, not here: a replica starts and works without Redis
        this.redis = new JedisPooled(pool, redisConfig.url(), timeoutMillis, timeoutMillis);
        this.sharedBuckets = Bucket4jJedis.casBasedBuilder(redis)
                .expirationAfterWrite(
                        ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(KEEP_AFTER_FULL))
                .build();
        this.localTokens = Counter.builder("regworkers.service.rate.limit.local")
                .description("tokens this replica took from its own bucket because Redis did not answer")
                .register(metrics);
    }

    @PreDestroy
    void close() {
        redis.close();
    }

    /** Blocks until the fleet may send {@code service} one more request counted under {@code rateKey}. */
    public void acquire(
            @ExchangeProperty(ServiceStatus.SERVICE) Service service,
            @ExchangeProperty(ServiceClient.RATE_KEY) String rateKey)
            throws InterruptedException {
        long localUntil = localUntilNanos.get();
        if (localUntil == 0 || System.nanoTime() - localUntil >= 0) {
            try {
                takeSharedToken(service, rateKey);
                if (localUntil != 0 && localUntilNanos.compareAndSet(localUntil, 0)) {
                    LOG.info("rate limits are shared through Redis again", Map.of("service", service.id()));
                }
                return;
            } catch (InterruptedException e) {
                // the blocking strategy cleared the flag: keep it for whoever stops this thread
                Thread.currentThread().interrupt();
                throw e;
            } catch (RuntimeException e) {
                useLocalBuckets(service, e);
            }
        }
        localBucket(service, rateKey).asBlocking().consume(1);
        localTokens.increment();
    }

    /** One retry on a broken connection: a pooled connection may be stale after Redis restarted. */
    private void takeSharedToken(Service service, String rateKey) throws InterruptedException {
        try {
            sharedBucket(service, rateKey).asBlocking().consume(1);
        } catch (JedisConnectionException stale) {
            sharedBucket(service, rateKey).asBlocking().consume(1);
        }
    }

    private void useLocalBuckets(Service service, RuntimeException redisFailure) {
        long until = System.nanoTime() + shared.localFor().toNanos();
        if (localUntilNanos.getAndSet(until == 0 ? 1 : until) == 0) {
            LOG.warn(
                    "Redis did not answer: rate limits are taken locally, each at the limit divided by the replicas"
                            + " that call its service, until it does",
                    Map.of(
                            "service",
                            service.id(),
                            "failure",
                            redisFailure.getClass().getSimpleName() + ": " + redisFailure.getMessage(),
                            "retryEvery",
                            shared.localFor().toString()));
        }
    }

    /**
     * The bucket's key names its limit and burst: Redis keeps a bucket's configuration for as long as it is used, so a
     * changed limit must be a new bucket (the old one expires unused).
     */
    private Bucket sharedBucket(Service service, String rateKey) {
        long limit = services.of(service).rateLimit();
        String key = shared.keyPrefix() + service.id() + ":" + limit + "-per-s:"
                + shared.burst().toMillis() + "-ms:" + rateKey;
        return sharedBuckets
                .builder()
                .build(key.getBytes(StandardCharsets.UTF_8), () -> configuration(limit, LIMIT_PERIOD));
    }

    private Bucket localBucket(Service service, String rateKey) {
        if (localBuckets.size() >= MOST_LOCAL_BUCKETS) {
            localBuckets.clear();
        }
        ServicesConfig.ServiceConfig settings = services.of(service);
        return localBuckets.computeIfAbsent(
                service.id() + ":" + rateKey,
                key -> Bucket.builder()
                        .addLimit(
                                configuration(settings.rateLimit(), LIMIT_PERIOD.multipliedBy(settings.fleetReplicas()))
                                        .getBandwidths()[0])
                        .build());
    }

    /** {@code limit} tokens every {@code period}, at most {@code burst} of them in the bucket (never less than one). */
    private BucketConfiguration configuration(long limit, Duration period) {
        long capacity = Math.max(1, limit * shared.burst().toNanos() / period.toNanos());
        return BucketConfiguration.builder()
                .addLimit(Bandwidth.builder()
                        .capacity(capacity)
                        .refillGreedy(limit, period)
                        .initialTokens(capacity)
                        .build())
                .build();
    }
}
