package dev.gateway.config;

import dev.gateway.config.internal.Check;
import java.util.Locale;

/**
 * How requests are spread over an upstream's targets. Config syntax: {@code round-robin},
 * {@code least-connections}, {@code ip-hash}, {@code consistent-hash:header:X-User}, {@code random}.
 * {@code hashHeader} is set only for {@link Kind#CONSISTENT_HASH}.
 */
public record Balancing(Kind kind, String hashHeader) {
    public static final Balancing ROUND_ROBIN = new Balancing(Kind.ROUND_ROBIN, null);

    public enum Kind { ROUND_ROBIN, LEAST_CONNECTIONS, IP_HASH, CONSISTENT_HASH, RANDOM }

    public Balancing {
        Check.notNull(kind, "kind");
        if (kind == Kind.CONSISTENT_HASH) {
            Check.token(hashHeader, "hashHeader");
        } else {
            Check.that(hashHeader == null, "hashHeader", hashHeader, "only with consistent-hash");
        }
    }

    /** @throws IllegalArgumentException for anything but the syntaxes above */
    public static Balancing parse(String text) {
        String prefix = "consistent-hash:header:";
        if (text != null && text.startsWith(prefix) && text.length() > prefix.length()
                && Check.TOKEN.matcher(text.substring(prefix.length())).matches()) {
            return new Balancing(Kind.CONSISTENT_HASH, text.substring(prefix.length()));
        }
        if (text != null && !text.equals("consistent-hash")) {
            for (Kind k : Kind.values()) {
                if (k != Kind.CONSISTENT_HASH && configName(k).equals(text)) {
                    return new Balancing(k, null);
                }
            }
        }
        throw new IllegalArgumentException("'" + text + "' (expected: round-robin, least-connections, ip-hash, "
                + "consistent-hash:header:<name>, random)");
    }

    private static String configName(Kind k) {
        return k.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    @Override
    public String toString() {
        return kind == Kind.CONSISTENT_HASH ? "consistent-hash:header:" + hashHeader : configName(kind);
    }
}
