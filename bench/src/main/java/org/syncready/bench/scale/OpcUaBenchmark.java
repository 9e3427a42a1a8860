package org.syncready.bench.scale;

import static org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.Unsigned.uint;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.milo.opcua.sdk.client.OpcUaClient;
import org.eclipse.milo.opcua.sdk.client.identity.UsernameProvider;
import org.eclipse.milo.opcua.sdk.client.subscriptions.OpcUaMonitoredItem;
import org.eclipse.milo.opcua.sdk.client.subscriptions.OpcUaSubscription;
import org.eclipse.milo.opcua.stack.core.NodeIds;
import org.eclipse.milo.opcua.stack.core.security.SecurityPolicy;
import org.eclipse.milo.opcua.stack.core.types.builtin.ByteString;
import org.eclipse.milo.opcua.stack.core.types.builtin.LocalizedText;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.UShort;
import org.eclipse.milo.opcua.stack.core.types.enumerated.BrowseDirection;
import org.eclipse.milo.opcua.stack.core.types.enumerated.BrowseResultMask;
import org.eclipse.milo.opcua.stack.core.types.enumerated.MessageSecurityMode;
import org.eclipse.milo.opcua.stack.core.types.enumerated.NodeClass;
import org.eclipse.milo.opcua.stack.core.types.structured.BrowseDescription;
import org.eclipse.milo.opcua.stack.core.types.structured.BrowseResult;
import org.eclipse.milo.opcua.stack.core.types.structured.ReferenceDescription;
import org.eclipse.milo.opcua.stack.core.util.SelfSignedCertificateBuilder;
import org.eclipse.milo.opcua.stack.core.util.SelfSignedCertificateGenerator;
import org.syncready.bench.scratch.ScratchFolder;
import org.syncready.bench.sim.BoxCredentials;
import org.syncready.bench.sim.FleetEnrollment;
import org.syncready.bench.sim.FleetSimulator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The OPC UA server's cost at district scale: a controller with {@code boxes} simulated boxes
 * reporting, measured three ways over the same window — OPC UA off (the baseline), on with no client,
 * and on with one SCADA-like client (Milo, Basic256Sha256 SignAndEncrypt, a user name) subscribed to
 * every box's DeviceHealth — then how long a camera fault takes to reach that client.
 */
public final class OpcUaBenchmark {
    private static final Logger log = LoggerFactory.getLogger(OpcUaBenchmark.class);
    private static final String FLEET_NAMESPACE = "urn:syncready:fleet";
    private static final int ITEMS_PER_CALL = 1_000;

    public record Options(int boxes, int intervalS, Duration warmup, Duration window, int faults, Path workDir,
                          List<String> controllerJvmArgs, boolean baseline) {
    }

    /** RSS (the highest seen), CPU (% of one core) over a window, and the live heap after a full GC at its end. */
    public record Figures(double rssMb, double cpuPct, double liveHeapMb) {
    }

    public record Result(int boxes, Figures off, Figures idle, Figures subscribed, int nodesPerBox, long addressableNodes,
                         double browseSeconds, double subscribeSeconds, long notificationsInWindow, List<Long> faultLatenciesMs,
                         int monitoredItems) {
    }

    private OpcUaBenchmark() {
    }

    public static Result run(Options o) throws Exception {
        ScratchFolder.clear(o.workDir());
        Figures off = o.baseline() ? measureWithout(o) : null;
        int port = freePort();
        Path data = o.workDir().resolve("controller");
        try (ControllerProcess controller = ControllerProcess.start(data, o.controllerJvmArgs(),
                List.of("--opcua-port", String.valueOf(port)), Map.of());
             FleetSimulator sim = FleetSimulator.start(FleetSimulator.Settings.of("127.0.0.1", controller.mqttPort())
                     .withStatusIntervalS(o.intervalS()))) {
            connectFleet(controller, sim, o);
            Figures idle = measure(controller, o.window());
            log.info("OPC UA on, no client: {}", idle);

            KeyPair pair = SelfSignedCertificateGenerator.generateRsaKeyPair(2048);
            X509Certificate cert = new SelfSignedCertificateBuilder(pair).setCommonName("bench SCADA")
                    .setApplicationUri("urn:syncready:bench:scada").build();
            Files.write(Files.createDirectories(data.resolve("opcua/pki/trusted/certs")).resolve("bench-scada.der"), cert.getEncoded());
            Thread.sleep(1_000); // the trust list is watched; give it a moment
            OpcUaClient client = connect("opc.tcp://127.0.0.1:" + port, pair, cert);
            try {
                UShort ns = client.readNamespaceTable().getIndex(FLEET_NAMESPACE);
                long b0 = System.nanoTime();
                List<ReferenceDescription> boxes = browseAll(client, new NodeId(ns, "DeviceSet"));
                double browseS = (System.nanoTime() - b0) / 1e9;
                String box0 = "DeviceSet/" + FleetEnrollment.boxId(0);
                int perBox = countSubtree(client, new NodeId(ns, box0), box0);
                // Schools folder, its schools, their classrooms (one per simulated box), Sessions, DeviceSet, the box type.
                long fixed = 1 + browseAll(client, new NodeId(ns, "Schools")).size() + o.boxes()
                        + countSubtree(client, new NodeId(ns, "Sessions"), "Sessions") + 1
                        + countSubtree(client, new NodeId(ns, "Types/ClassroomBoxType"), "Types");
                long nodes = (long) boxes.size() * perBox + fixed;
                log.info("browsed {} boxes in {} s; {} nodes under one box, ~{} addressable", boxes.size(), browseS, perBox, nodes);

                Map<String, Integer> health = new ConcurrentHashMap<>();
                Map<String, Long> faultSeen = new ConcurrentHashMap<>();
                AtomicLong notifications = new AtomicLong();
                OpcUaSubscription subscription = new OpcUaSubscription(client, 1000.0);
                subscription.setMaxNotificationsPerPublish(uint(20_000));
                subscription.create();
                long s0 = System.nanoTime();
                List<OpcUaMonitoredItem> items = new ArrayList<>();
                for (int i = 0; i < o.boxes(); i++) {
                    String box = FleetEnrollment.boxId(i);
                    OpcUaMonitoredItem item = OpcUaMonitoredItem.newDataItem(new NodeId(ns, "DeviceSet/" + box + "/DeviceHealth"));
                    item.setSamplingInterval(1000);
                    item.setQueueSize(uint(1));
                    item.setDataValueListener((it, value) -> {
                        notifications.incrementAndGet();
                        Object v = value.value().value();
                        if (v instanceof Integer h) {
                            health.put(box, h);
                            if (h == 1) {
                                faultSeen.putIfAbsent(box, System.nanoTime());
                            }
                        }
                    });
                    items.add(item);
                    if (items.size() == ITEMS_PER_CALL || i == o.boxes() - 1) {
                        subscription.addMonitoredItems(items);
                        subscription.createMonitoredItems();
                        items.clear();
                    }
                }
                int created = (int) subscription.getMonitoredItems().stream()
                        .filter(m -> m.getCreateResult().map(r -> r.isGood()).orElse(false)).count();
                long deadline = System.nanoTime() + 120_000_000_000L;
                while (health.size() < o.boxes() && System.nanoTime() < deadline) {
                    Thread.sleep(200);
                }
                double subscribeS = (System.nanoTime() - s0) / 1e9;
                log.info("{} monitored items created, {} boxes' health received in {} s", created, health.size(), subscribeS);
                Thread.sleep(o.warmup().toMillis());
                long n0 = notifications.get();
                Figures subscribed = measure(controller, o.window());
                long inWindow = notifications.get() - n0;
                log.info("OPC UA on, one client subscribed to {} items: {}; {} notifications in the window", created, subscribed, inWindow);

                List<Long> latencies = new ArrayList<>();
                for (int f = 0; f < o.faults(); f++) {
                    String box = FleetEnrollment.boxId((f * 7919) % o.boxes());
                    faultSeen.remove(box);
                    long t0 = System.nanoTime();
                    sim.setCameraFault(box, true);
                    long until = t0 + 10_000_000_000L;
                    while (!faultSeen.containsKey(box) && System.nanoTime() < until) {
                        Thread.sleep(5);
                    }
                    Long seen = faultSeen.get(box);
                    latencies.add(seen == null ? -1 : (seen - t0) / 1_000_000);
                    sim.setCameraFault(box, false);
                    Thread.sleep(300);
                }
                subscription.delete();
                return new Result(o.boxes(), off, idle, subscribed, perBox, nodes, browseS, subscribeS, inWindow, latencies, created);
            } finally {
                client.disconnect();
            }
        }
    }

    private static Figures measureWithout(Options o) throws Exception {
        Path data = o.workDir().resolve("controller-off");
        try (ControllerProcess controller = ControllerProcess.start(data, o.controllerJvmArgs(), List.of("--opcua-port", "-1"), Map.of());
             FleetSimulator sim = FleetSimulator.start(FleetSimulator.Settings.of("127.0.0.1", controller.mqttPort())
                     .withStatusIntervalS(o.intervalS()))) {
            connectFleet(controller, sim, o);
            Figures off = measure(controller, o.window());
            log.info("OPC UA off: {}", off);
            return off;
        }
    }

    private static void connectFleet(ControllerProcess controller, FleetSimulator sim, Options o) throws Exception {
        List<BoxCredentials> credentials = new FleetEnrollment("127.0.0.1", controller.httpPort(), controller.token()).enroll(0, o.boxes());
        int connected = sim.connect(credentials, Duration.ofMinutes(3));
        if (connected < o.boxes()) {
            throw new IllegalStateException("only " + connected + " of " + o.boxes() + " boxes connected");
        }
        sim.startReporting(o.intervalS() * 1000L);
        Thread.sleep(o.warmup().toMillis());
    }

    private static Figures measure(ControllerProcess controller, Duration window) throws Exception {
        long cpu0 = controller.cpu().toNanos();
        long t0 = System.nanoTime();
        double maxRss = 0;
        long end = t0 + window.toNanos();
        while (System.nanoTime() < end) {
            maxRss = Math.max(maxRss, controller.rssMb());
            Thread.sleep(1_000);
        }
        double cpuPct = 100.0 * (controller.cpu().toNanos() - cpu0) / (System.nanoTime() - t0);
        return new Figures(Math.max(maxRss, controller.rssMb()), cpuPct, controller.liveHeapMb());
    }

    private static OpcUaClient connect(String url, KeyPair pair, X509Certificate cert) throws Exception {
        OpcUaClient client = OpcUaClient.create(url,
                endpoints -> endpoints.stream().filter(e -> SecurityPolicy.Basic256Sha256.getUri().equals(e.getSecurityPolicyUri())
                        && e.getSecurityMode() == MessageSecurityMode.SignAndEncrypt).findFirst(),
                transport -> { },
                cfg -> cfg.setApplicationUri("urn:syncready:bench:scada").setApplicationName(LocalizedText.english("bench SCADA"))
                        .setKeyPair(pair).setCertificate(cert).setCertificateChain(new X509Certificate[] {cert})
                        .setIdentityProvider(new UsernameProvider("admin", ControllerProcess.ADMIN_PASSWORD))
                        .setRequestTimeout(uint(120_000))
                        .setCertificateValidator((chain, uri, hosts) -> { }));
        client.connect();
        return client;
    }

    /** Every forward hierarchical reference of a node, following continuation points. */
    private static List<ReferenceDescription> browseAll(OpcUaClient client, NodeId node) throws Exception {
        BrowseResult r = client.browse(new BrowseDescription(node, BrowseDirection.Forward, NodeIds.HierarchicalReferences, true,
                uint(NodeClass.Object.getValue() | NodeClass.Variable.getValue() | NodeClass.Method.getValue()),
                uint(BrowseResultMask.All.getValue())));
        List<ReferenceDescription> out = new ArrayList<>(Arrays.asList(r.getReferences() == null ? new ReferenceDescription[0] : r.getReferences()));
        ByteString next = r.getContinuationPoint();
        while (next != null && next.isNotNull()) {
            BrowseResult more = client.browseNext(false, List.of(next)).getResults()[0];
            if (more.getReferences() != null) {
                out.addAll(Arrays.asList(more.getReferences()));
            }
            next = more.getContinuationPoint();
        }
        return out;
    }

    /**
     * Nodes under (and including) a node whose path starts with {@code prefix}, following forward
     * hierarchical references, each counted once (a box's shared RunSelfTest is a type's, not the box's).
     */
    private static int countSubtree(OpcUaClient client, NodeId root, String prefix) throws Exception {
        Set<NodeId> seen = new HashSet<>();
        Deque<NodeId> todo = new ArrayDeque<>(List.of(root));
        while (!todo.isEmpty()) {
            NodeId n = todo.pop();
            if (!seen.add(n)) {
                continue;
            }
            for (ReferenceDescription r : browseAll(client, n)) {
                r.getNodeId().toNodeId(client.getNamespaceTable()).filter(id -> id.getNamespaceIndex().equals(root.getNamespaceIndex())
                        && String.valueOf(id.getIdentifier()).startsWith(prefix)).ifPresent(todo::push);
            }
        }
        return seen.size();
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }
}
