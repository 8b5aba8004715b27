package dev.gateway.node.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.gateway.config.ClusterSettings;
import dev.gateway.config.ConfigCodec;
import dev.gateway.config.Durations;
import dev.gateway.config.GatewayConfig;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The manifests of {@code deploy/kubernetes/}, read as typed Kubernetes objects (fabric8's model), checked against
 * the gateway configs they mount, as the node and the member parse them: container ports are the listeners', the
 * probes ask the admin listener's {@code /health/*}, the preStop wait is {@code --drain-delay} and the grace period
 * covers it with the drain and (for members) the partition handover, the discovery DNS name is the headless
 * Service's, which publishes not-ready pods and selects the member pods, the member count is the expected size,
 * StatefulSets start in parallel, and each PodDisruptionBudget keeps the quorum.
 */
class KubernetesManifestsTest {
    private static final Path DIR = Path.of("../deploy/kubernetes");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);
    /** Hazelcast's longest graceful handover (hazelcast.graceful.shutdown.max.wait, MemberConfig). */
    private static final long HANDOVER_SECONDS = 30;

    @Test
    void embeddedTopology() throws Exception {
        List<HasMetadata> objects = read(DIR.resolve("embedded/gateway.yaml"));
        StatefulSet set = one(objects, StatefulSet.class, "gateway");
        GatewayConfig config = mountedConfig(objects, set.getSpec().getTemplate(), "gateway.yaml");
        ClusterSettings cluster = config.cluster();
        assertThat(cluster.mode()).isEqualTo(ClusterSettings.Mode.EMBEDDED);
        Container gateway = only(set.getSpec().getTemplate());
        checkGatewayContainer(gateway, config, set.getSpec().getTemplate(), HANDOVER_SECONDS);
        assertThat(port(gateway, "hazelcast")).isEqualTo(cluster.listen().port());
        checkMemberSet(objects, set, cluster);
        checkFrontDoor(objects, set.getSpec().getTemplate());
    }

    @Test
    void clientTopology() throws Exception {
        List<HasMetadata> members = read(DIR.resolve("client/members.yaml"));
        List<HasMetadata> gateways = read(DIR.resolve("client/gateways.yaml"));

        StatefulSet memberSet = one(members, StatefulSet.class, "gateway-members");
        PodTemplateSpec memberPod = memberSet.getSpec().getTemplate();
        GatewayConfig memberFile = mountedConfig(members, memberPod, "member.yaml");
        ClusterSettings memberCluster = memberFile.cluster();
        assertThat(memberCluster.mode()).as("a member holds the state").isEqualTo(ClusterSettings.Mode.EMBEDDED);
        Container member = only(memberPod);
        assertThat(member.getArgs()).startsWith("member", "--config");
        assertThat(port(member, "hazelcast")).isEqualTo(memberCluster.listen().port());
        assertThat(port(member, "health")).isEqualTo(memberFile.node().admin().listen().port());
        checkProbe(member.getReadinessProbe(), "/health/ready", "health");
        checkProbe(member.getLivenessProbe(), "/health/live", "health");
        assertThat(memberPod.getSpec().getTerminationGracePeriodSeconds()).isGreaterThan(HANDOVER_SECONDS);
        checkMemberSet(members, memberSet, memberCluster);

        Deployment deployment = one(gateways, Deployment.class, "gateway");
        PodTemplateSpec gatewayPod = deployment.getSpec().getTemplate();
        GatewayConfig config = mountedConfig(gateways, gatewayPod, "gateway.yaml");
        ClusterSettings cluster = config.cluster();
        assertThat(cluster.mode()).isEqualTo(ClusterSettings.Mode.CLIENT);
        Container gateway = only(gatewayPod);
        checkGatewayContainer(gateway, config, gatewayPod, 0);
        assertThat(gateway.getPorts()).extracting(ContainerPort::getName).doesNotContain("hazelcast");
        assertThat(cluster.discovery().kubernetes()).as("the gateways find the members' Service")
                .isEqualTo(memberCluster.discovery().kubernetes());
        assertThat(cluster.expectedSize()).as("counted in members").isEqualTo(memberSet.getSpec().getReplicas());
        assertThat(cluster.minSize()).isEqualTo(memberCluster.minSize());
        checkBudget(gateways, "gateway", gatewayPod, 1);
        checkFrontDoor(gateways, gatewayPod);
    }

    /** Ports, probes and the drain of a gateway node's container against its config. */
    private static void checkGatewayContainer(Container gateway, GatewayConfig config, PodTemplateSpec pod,
                                              long handoverSeconds) {
        assertThat(port(gateway, "proxy")).isEqualTo(config.node().listen().port());
        assertThat(port(gateway, "admin")).isEqualTo(config.node().admin().listen().port());
        assertThat(config.node().listen().host()).isEqualTo("0.0.0.0");
        assertThat(config.node().admin().listen().host()).isEqualTo("0.0.0.0");
        checkProbe(gateway.getReadinessProbe(), "/health/ready", "admin");
        checkProbe(gateway.getLivenessProbe(), "/health/live", "admin");
        checkProbe(gateway.getStartupProbe(), "/health/live", "admin");

        List<String> args = gateway.getArgs();
        Duration drainDelay = Durations.parse(args.get(args.indexOf("--drain-delay") + 1));
        List<String> preStop = gateway.getLifecycle().getPreStop().getExec().getCommand();
        assertThat(preStop).hasSize(2).startsWith("sleep");
        long preStopSeconds = Long.parseLong(preStop.get(1));
        assertThat(Duration.ofSeconds(preStopSeconds)).as("preStop waits --drain-delay").isEqualTo(drainDelay);
        long needed = preStopSeconds + drainDelay.toSeconds() + config.node().limits().drainTimeout().toSeconds()
                + handoverSeconds;
        assertThat(pod.getSpec().getTerminationGracePeriodSeconds()).as("grace covers the drain").isGreaterThan(needed);
    }

    /** The StatefulSet of members (or embedded nodes) and its headless discovery Service. */
    private static void checkMemberSet(List<HasMetadata> objects, StatefulSet set, ClusterSettings cluster) {
        var kubernetes = cluster.discovery().kubernetes();
        assertThat(kubernetes).as("Kubernetes DNS discovery").isNotNull();
        Service headless = one(objects, Service.class, set.getSpec().getServiceName());
        String namespace = set.getMetadata().getNamespace();
        assertThat(kubernetes.serviceDns())
                .isEqualTo(headless.getMetadata().getName() + "." + namespace + ".svc.cluster.local");
        assertThat(headless.getMetadata().getNamespace()).isEqualTo(namespace);
        assertThat(headless.getSpec().getClusterIP()).isEqualTo("None");
        assertThat(headless.getSpec().getPublishNotReadyAddresses()).as("members find each other before ready").isTrue();
        assertThat(selects(headless.getSpec().getSelector(), set.getSpec().getTemplate())).isTrue();
        assertThat(headless.getSpec().getPorts()).singleElement().satisfies(p -> {
            assertThat(p.getPort()).isEqualTo(kubernetes.servicePort() == 0 ? 5701 : kubernetes.servicePort());
            assertThat(p.getPort()).isEqualTo(cluster.listen().port());
            assertThat(p.getTargetPort().getStrVal()).isEqualTo("hazelcast");
        });
        assertThat(cluster.listen().host()).isEqualTo("0.0.0.0");
        assertThat(set.getSpec().getReplicas()).isEqualTo(cluster.expectedSize());
        assertThat(set.getSpec().getPodManagementPolicy()).as("ready needs min-size peers").isEqualTo("Parallel");
        checkBudget(objects, set.getMetadata().getName(), set.getSpec().getTemplate(),
                cluster.expectedSize() - cluster.minSize());
    }

    private static void checkBudget(List<HasMetadata> objects, String name, PodTemplateSpec pod, int mayLose) {
        PodDisruptionBudget budget = one(objects, PodDisruptionBudget.class, name);
        assertThat(selects(budget.getSpec().getSelector().getMatchLabels(), pod)).isTrue();
        assertThat(budget.getSpec().getMaxUnavailable().getIntVal()).isBetween(1, Math.max(1, mayLose));
    }

    private static void checkFrontDoor(List<HasMetadata> objects, PodTemplateSpec pod) {
        Service front = one(objects, Service.class, "gateway");
        assertThat(front.getSpec().getType()).isEqualTo("LoadBalancer");
        assertThat(selects(front.getSpec().getSelector(), pod)).isTrue();
        assertThat(front.getSpec().getPorts()).singleElement()
                .satisfies(p -> assertThat(p.getTargetPort().getStrVal()).isEqualTo("proxy"));
    }

    private static void checkProbe(Probe probe, String path, String port) {
        assertThat(probe).as(path + " probe").isNotNull();
        assertThat(probe.getHttpGet().getPath()).isEqualTo(path);
        assertThat(probe.getHttpGet().getPort().getStrVal()).isEqualTo(port);
    }

    /** The config file the pod mounts from a ConfigMap of {@code objects}, parsed as the node parses it. */
    private static GatewayConfig mountedConfig(List<HasMetadata> objects, PodTemplateSpec pod, String file)
            throws Exception {
        Container container = only(pod);
        List<String> args = container.getArgs();
        String path = args.get(args.indexOf("--config") + 1);
        VolumeMount mount = container.getVolumeMounts().stream().filter(m -> path.startsWith(m.getMountPath() + "/"))
                .findFirst().orElseThrow(() -> new AssertionError("no volume mounted for " + path));
        assertThat(path).isEqualTo(mount.getMountPath() + "/" + file);
        String configMap = pod.getSpec().getVolumes().stream().filter(v -> v.getName().equals(mount.getName()))
                .findFirst().orElseThrow().getConfigMap().getName();
        String yaml = one(objects, ConfigMap.class, configMap).getData().get(file);
        assertThat(yaml).as(configMap + " " + file).isNotNull();
        return ConfigCodec.parse(yaml, name -> null);
    }

    private static boolean selects(Map<String, String> selector, PodTemplateSpec pod) {
        return !selector.isEmpty() && pod.getMetadata().getLabels().entrySet().containsAll(selector.entrySet());
    }

    private static int port(Container container, String name) {
        return container.getPorts().stream().filter(p -> name.equals(p.getName())).findFirst()
                .orElseThrow(() -> new AssertionError("no port " + name)).getContainerPort();
    }

    private static Container only(PodTemplateSpec pod) {
        assertThat(pod.getSpec().getContainers()).hasSize(1);
        return pod.getSpec().getContainers().get(0);
    }

    private static <T extends HasMetadata> T one(List<HasMetadata> objects, Class<T> type, String name) {
        return objects.stream().filter(type::isInstance).map(type::cast)
                .filter(o -> name.equals(o.getMetadata().getName())).findFirst()
                .orElseThrow(() -> new AssertionError("no " + type.getSimpleName() + " " + name));
    }

    /** Every document of a manifest file as its typed object; an unknown kind or field fails. */
    private static List<HasMetadata> read(Path file) throws Exception {
        Map<String, Class<? extends HasMetadata>> kinds = Map.of("ConfigMap", ConfigMap.class, "Service", Service.class,
                "StatefulSet", StatefulSet.class, "Deployment", Deployment.class,
                "PodDisruptionBudget", PodDisruptionBudget.class);
        List<HasMetadata> objects = new ArrayList<>();
        try (var parser = YAML.getFactory().createParser(Files.readString(file))) {
            for (JsonNode document : YAML.readValues(parser, JsonNode.class).readAll()) {
                if (document == null || document.isNull() || document.isMissingNode()) {
                    continue;
                }
                String kind = document.path("kind").asText();
                assertThat(kinds).as(file + ": kind").containsKey(kind);
                HasMetadata object = YAML.treeToValue(document, kinds.get(kind));
                assertThat(object.getMetadata().getNamespace()).as(file + " " + kind).isEqualTo("gateway");
                objects.add(object);
            }
        }
        return objects;
    }
}
