package regworkers.platform;

import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A bounded in-process map whose entries each carry their own expiry. When it is full, expired entries go first,
 * then all of them: a cheap bound, right for caches whose entries are cheap to rebuild.
 */
public final class ExpiringMap<V> {

    private record Entry<V>(V value, long untilMillis) {}

    private final int capacity;
    private final Clock clock;
    private final Map<String, Entry<V>> entries = new ConcurrentHashMap<>();

    public ExpiringMap(int capacity, Clock clock) {
        this.capacity = capacity;
        this.clock = clock;
    }

    public Optional<V> get(String key) {
        Entry<V> entry = entries.get(key);
        if (entry == null) {
            return Optional.empty();
        }
        if (clock.millis() > entry.untilMillis()) {
            entries.remove(key, entry);
            return Optional.empty();
        }
        return Optional.of(entry.value());
    }

    public void put(String key, V value, long untilMillis) {
        if (entries.size() >= capacity) {
            long now = clock.millis();
            entries.values().removeIf(entry -> entry.untilMillis() < now);
            if (entries.size() >= capacity) {
                entries.clear();
            }
        }
        entries.put(key, new Entry<>(value, untilMillis));
    }

    public int size() {
        return entries.size();
    }
}
