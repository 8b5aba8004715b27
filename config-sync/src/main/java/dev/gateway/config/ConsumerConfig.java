package dev.gateway.config;

import dev.gateway.config.internal.Check;
import java.util.List;

/**
 * A consumer: identified by one of its API keys (stored as {@code sha256:<64 lowercase hex>} of the key,
 * never in clear) or by a token subject; {@code plan} (nullable) is passed upstream as {@code X-Consumer-Plan}.
 */
public record ConsumerConfig(List<String> apiKeys, List<String> jwtSubjects, String plan) {
    public ConsumerConfig {
        apiKeys = Check.list(apiKeys, "apiKeys");
        for (String k : apiKeys) {
            Check.that(k.matches("sha256:[0-9a-f]{64}"), "apiKeys", k, "sha256:<64 lowercase hex digits>");
        }
        Check.that(apiKeys.stream().distinct().count() == apiKeys.size(), "apiKeys", apiKeys, "no duplicates");
        jwtSubjects = Check.list(jwtSubjects, "jwtSubjects");
        for (String s : jwtSubjects) {
            Check.that(!s.isEmpty(), "jwtSubjects", s, "a non-empty subject");
        }
        Check.that(jwtSubjects.stream().distinct().count() == jwtSubjects.size(), "jwtSubjects", jwtSubjects,
                "no duplicates");
        Check.that(plan == null || (!plan.isEmpty() && Check.headerValue(plan, "plan").strip().equals(plan)), "plan",
                plan, "a non-empty header-safe value");
    }
}
