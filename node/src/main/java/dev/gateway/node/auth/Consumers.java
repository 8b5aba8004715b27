package dev.gateway.node.auth;

import dev.gateway.config.ConsumerConfig;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The consumers of one config version, looked up by API key or by token subject. Immutable,
 * thread-safe.
 *
 * <p>API keys: the presented key is hashed with SHA-256 and compared with the stored hashes using
 * {@link MessageDigest#isEqual} (constant time). To stay fast with many consumers, candidates are
 * first narrowed by the first 8 bytes of that hash; the timing of that step depends only on the
 * hash of what the client sent, which tells an attacker nothing about any stored key.
 */
public final class Consumers {
    /** A consumer as it goes upstream. */
    record Consumer(String id, String plan) {
    }

    private record KeyEntry(byte[] digest, Consumer consumer) {
    }

    private final Map<Long, List<KeyEntry>> byKeyPrefix;
    private final Map<String, Consumer> bySubject;

    private Consumers(Map<Long, List<KeyEntry>> byKeyPrefix, Map<String, Consumer> bySubject) {
        this.byKeyPrefix = byKeyPrefix;
        this.bySubject = bySubject;
    }

    public static Consumers of(Map<String, ConsumerConfig> consumers) {
        Map<Long, List<KeyEntry>> keys = new HashMap<>();
        Map<String, Consumer> subjects = new HashMap<>();
        for (Map.Entry<String, ConsumerConfig> e : consumers.entrySet()) {
            Consumer consumer = new Consumer(e.getKey(), e.getValue().plan());
            for (String stored : e.getValue().apiKeys()) {
                byte[] digest = ApiKeys.digestOf(stored);
                keys.computeIfAbsent(prefix(digest), p -> new ArrayList<>(1)).add(new KeyEntry(digest, consumer));
            }
            for (String subject : e.getValue().jwtSubjects()) {
                subjects.put(subject, consumer);
            }
        }
        keys.replaceAll((p, list) -> List.copyOf(list));
        return new Consumers(Map.copyOf(keys), Map.copyOf(subjects));
    }

    /** The consumer owning {@code presentedKey}, or null. */
    Consumer byApiKey(String presentedKey) {
        byte[] digest = ApiKeys.sha256(presentedKey);
        List<KeyEntry> candidates = byKeyPrefix.get(prefix(digest));
        if (candidates == null) {
            return null;
        }
        Consumer found = null;
        for (KeyEntry candidate : candidates) {
            if (MessageDigest.isEqual(candidate.digest(), digest)) {
                found = candidate.consumer();
            }
        }
        return found;
    }

    /**
     * The principal of a token {@code subject}: the consumer listing it in {@code jwt-subjects}, else
     * the subject itself as consumer id, without plan. A null subject gives a principal without consumer.
     */
    Principal principalOf(String subject) {
        if (subject == null) {
            return new Principal(null, null, null);
        }
        Consumer consumer = bySubject.get(subject);
        return consumer != null ? new Principal(consumer.id(), consumer.plan(), subject)
                : new Principal(subject, null, subject);
    }

    private static long prefix(byte[] digest) {
        return ByteBuffer.wrap(digest).getLong();
    }
}
