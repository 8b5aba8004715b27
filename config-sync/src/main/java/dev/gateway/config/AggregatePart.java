package dev.gateway.config;

import dev.gateway.config.internal.Check;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One call of an aggregate route: GET {@code path} (with {@code {jwt.CLAIM}}, {@code {path.NAME}},
 * {@code {query.NAME}} placeholders) on {@code upstream} within {@code timeout} (null: the upstream's response
 * timeout). A failed {@code optional} part is left out of the result; a failed required part fails the request (502/504).
 */
public record AggregatePart(String upstream, String path, Duration timeout, boolean optional) {
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([^{}]*)}");
    private static final Pattern VALID = Pattern.compile("(jwt|path|query)\\.[A-Za-z0-9_.-]+");

    public AggregatePart {
        Check.name(upstream, "upstream");
        Check.that(path != null && path.startsWith("/") && path.chars().noneMatch(c -> c <= ' '), "path", path,
                "an absolute path such as /users/{jwt.sub}");
        Matcher m = PLACEHOLDER.matcher(path);
        while (m.find()) {
            Check.that(VALID.matcher(m.group(1)).matches(), "path", path,
                    "placeholders {jwt.<claim>}, {path.<name>} or {query.<name>}");
        }
        Check.that(timeout == null || (!timeout.isNegative() && !timeout.isZero()), "timeout", timeout, "> 0");
    }
}
