package dev.gateway.node.sync;

import dev.gateway.config.ConfigCodec;
import dev.gateway.config.ConfigError;
import dev.gateway.config.ConfigException;
import dev.gateway.config.SharedConfig;
import dev.gateway.config.feed.ConfigVersion;
import dev.gateway.node.auth.AuthConfigException;
import dev.gateway.node.runtime.FeatureGate;
import dev.gateway.node.runtime.GatewayRuntime;
import dev.gateway.node.runtime.RuntimeCompiler;
import dev.gateway.node.runtime.RuntimeHolder;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Build, swap, close for config versions: parses the version's text, refuses features this node lacks,
 * compiles a whole new runtime stamped with the version (so changed rate limits replace the buckets'
 * configuration without resetting them), swaps it in, and lets the holder close the old one once its
 * in-flight requests are done.
 */
public final class RuntimeApplier implements VersionApplier {
    private final RuntimeCompiler compiler;
    private final RuntimeHolder runtimes;
    private final Consumer<GatewayRuntime> onSwap;

    /** @param onSwap runs after each swap with the new runtime (to register its gauges, say) */
    public RuntimeApplier(RuntimeCompiler compiler, RuntimeHolder runtimes, Consumer<GatewayRuntime> onSwap) {
        this.compiler = compiler;
        this.runtimes = runtimes;
        this.onSwap = onSwap;
    }

    @Override
    public void apply(ConfigVersion version) throws ConfigRejectedException {
        SharedConfig shared;
        try {
            // canonical text: values were substituted when it was published; "$${" stands for a literal "${"
            shared = ConfigCodec.parseShared(version.text(), name -> null);
        } catch (ConfigException e) {
            throw new ConfigRejectedException(e.errors());
        }
        List<ConfigError> gated = gate(shared);
        if (!gated.isEmpty()) {
            throw new ConfigRejectedException(gated);
        }
        GatewayRuntime runtime = build(shared, version.version());
        runtimes.swap(runtime);
        onSwap.accept(runtime);
    }

    @Override
    public List<ConfigError> check(SharedConfig config) {
        List<ConfigError> gated = gate(config);
        if (!gated.isEmpty()) {
            return gated;
        }
        try {
            build(config, 0).close();
            return List.of();
        } catch (ConfigRejectedException e) {
            return e.errors();
        }
    }

    private GatewayRuntime build(SharedConfig shared, long version) throws ConfigRejectedException {
        try {
            return compiler.compile(shared, version);
        } catch (AuthConfigException e) {
            List<ConfigError> errors = new ArrayList<>();
            for (String problem : e.problems()) {
                int colon = problem.indexOf(": ");
                errors.add(colon > 0 ? new ConfigError(problem.substring(0, colon), problem.substring(colon + 2))
                        : new ConfigError("auth", problem));
            }
            throw new ConfigRejectedException(errors);
        } catch (RuntimeException e) {
            throw new ConfigRejectedException(problemsOf(e.getMessage()));
        }
    }

    private static final java.util.regex.Pattern AT_PATH =
            java.util.regex.Pattern.compile("^((?:upstreams|routes|auth|consumers|rate-limits|observability)[^ :]*): (.+)$");

    /** A build failure's message as config errors: "path: problem" parts keep their path. */
    private static List<ConfigError> problemsOf(String message) {
        List<ConfigError> errors = new ArrayList<>();
        for (String part : String.valueOf(message).split("; |\n")) {
            java.util.regex.Matcher m = AT_PATH.matcher(part.trim());
            errors.add(m.matches() ? new ConfigError(m.group(1), m.group(2))
                    : new ConfigError("", "cannot be built on this node: " + part.trim()));
        }
        return errors;
    }

    private static List<ConfigError> gate(SharedConfig shared) {
        return FeatureGate.unsupported(shared).stream()
                .map(what -> new ConfigError(what.split(" ")[0], "not supported by this node yet "
                        + what.substring(what.indexOf(' ') + 1)))
                .toList();
    }
}
