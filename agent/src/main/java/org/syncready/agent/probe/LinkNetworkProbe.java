package org.syncready.agent.probe;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.syncready.agent.config.AgentConfig;
import org.syncready.protocol.Capability;
import org.syncready.protocol.NetworkStatus;
import org.syncready.protocol.NetworkTarget;

/**
 * The uplink as Linux shows it: link state from {@code /sys/class/net/<iface>/operstate} (the
 * interface of the default route in {@code /proc/net/route} unless configured) and the time a TCP
 * connect takes to each target. All targets are connected to at once on one selector, so one
 * black-holed host costs the connect timeout once, not once per target. {@code rttMs} is the median
 * over reachable targets; {@code jitterMs} is the smoothed change of that median between samples
 * (RFC 3550 style). Loss, uplink bandwidth and NTP offset need the controller's echo service and are
 * left null here.
 */
public final class LinkNetworkProbe implements NetworkProbe {
    private final Path procRoot;
    private final Path sysRoot;
    private final String configuredIface;
    private final List<AgentConfig.Target> targets;
    private final Duration connectTimeout;
    private Double lastRtt;
    private Double jitter;

    public LinkNetworkProbe(Path procRoot, Path sysRoot, String iface, List<AgentConfig.Target> targets,
                            Duration connectTimeout) {
        this.procRoot = procRoot;
        this.sysRoot = sysRoot;
        this.configuredIface = iface;
        this.targets = List.copyOf(targets);
        this.connectTimeout = connectTimeout;
    }

    public static LinkNetworkProbe ofHost(String iface, List<AgentConfig.Target> targets, Duration connectTimeout) {
        return new LinkNetworkProbe(Path.of("/proc"), Path.of("/sys"), iface, targets, connectTimeout);
    }

    @Override
    public Capability capability() {
        return new Capability(true, "link from sysfs, TCP connect time to " + targets.size() + " target(s)");
    }

    @Override
    public synchronized NetworkStatus sample() throws IOException {
        String iface = configuredIface != null ? configuredIface : defaultRouteIface();
        String link = iface == null ? "unknown" : link(iface);
        List<NetworkTarget> results = connectAll();
        List<Double> rtts = results.stream().filter(NetworkTarget::reachable).map(NetworkTarget::rttMs).sorted().toList();
        Double rtt = rtts.isEmpty() ? null : SystemProbe.round1(median(rtts));
        if (rtt != null && lastRtt != null) {
            double d = Math.abs(rtt - lastRtt);
            jitter = jitter == null ? d : jitter + (d - jitter) / 16;
        }
        if (rtt != null) {
            lastRtt = rtt;
        }
        return new NetworkStatus(link, iface, rtt, jitter == null ? null : SystemProbe.round1(jitter),
                null, null, null, results);
    }

    /** The interface of the lowest-metric default route that is up, or null when there is none. */
    String defaultRouteIface() {
        List<String> lines;
        try {
            lines = Files.readAllLines(procRoot.resolve("net/route"), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            return null;
        }
        String best = null;
        long bestMetric = Long.MAX_VALUE;
        for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
            String[] f = line.trim().split("\\s+");
            if (f.length < 7 || !f[1].equals("00000000")) {
                continue;
            }
            try {
                int flags = Integer.parseInt(f[3], 16);
                long metric = Long.parseLong(f[6]);
                if ((flags & 0x1) != 0 && metric < bestMetric) {
                    best = f[0];
                    bestMetric = metric;
                }
            } catch (NumberFormatException e) {
                // A malformed line says nothing about the default route; skip it.
            }
        }
        return best;
    }

    private String link(String iface) {
        try {
            String state = Files.readString(sysRoot.resolve("class/net").resolve(iface).resolve("operstate"),
                    StandardCharsets.US_ASCII).trim().toLowerCase(Locale.ROOT);
            return switch (state) {
                case "up" -> "up";
                case "down", "lowerlayerdown", "notpresent", "dormant" -> "down";
                default -> "unknown";
            };
        } catch (IOException e) {
            return "unknown";
        }
    }

    private List<NetworkTarget> connectAll() throws IOException {
        Map<AgentConfig.Target, NetworkTarget> done = new HashMap<>();
        Map<SelectionKey, AgentConfig.Target> pending = new HashMap<>();
        Map<SelectionKey, Long> startedAt = new HashMap<>();
        try (Selector selector = Selector.open()) {
            for (AgentConfig.Target t : targets) {
                InetAddress address;
                try {
                    address = InetAddress.getByName(t.host());
                } catch (UnknownHostException e) {
                    done.put(t, unreachable(t, "unknown host"));
                    continue;
                }
                SocketChannel ch = SocketChannel.open();
                ch.configureBlocking(false);
                long start = System.nanoTime();
                try {
                    if (ch.connect(new InetSocketAddress(address, t.port()))) {
                        done.put(t, reachable(t, start));
                        ch.close();
                        continue;
                    }
                    SelectionKey key = ch.register(selector, SelectionKey.OP_CONNECT);
                    pending.put(key, t);
                    startedAt.put(key, start);
                } catch (IOException e) {
                    ch.close();
                    done.put(t, unreachable(t, describe(e)));
                }
            }
            long deadline = System.nanoTime() + connectTimeout.toNanos();
            while (!pending.isEmpty()) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0) {
                    break;
                }
                selector.select(left);
                for (SelectionKey key : selector.selectedKeys()) {
                    AgentConfig.Target t = pending.remove(key);
                    SocketChannel ch = (SocketChannel) key.channel();
                    try {
                        ch.finishConnect();
                        done.put(t, reachable(t, startedAt.get(key)));
                    } catch (IOException e) {
                        done.put(t, unreachable(t, describe(e)));
                    } finally {
                        key.cancel();
                        ch.close();
                    }
                }
                selector.selectedKeys().clear();
            }
            for (Map.Entry<SelectionKey, AgentConfig.Target> e : pending.entrySet()) {
                e.getKey().channel().close();
                done.put(e.getValue(), unreachable(e.getValue(), "no answer within " + connectTimeout.toMillis() + " ms"));
            }
        }
        List<NetworkTarget> out = new ArrayList<>();
        for (AgentConfig.Target t : targets) {
            out.add(done.get(t));
        }
        return out;
    }

    private static NetworkTarget reachable(AgentConfig.Target t, long startNanos) {
        double ms = (System.nanoTime() - startNanos) / 1_000_000.0;
        return new NetworkTarget(t.name(), t.host(), t.port(), true, Math.round(ms * 100) / 100.0, null);
    }

    private static NetworkTarget unreachable(AgentConfig.Target t, String why) {
        return new NetworkTarget(t.name(), t.host(), t.port(), false, null, why);
    }

    private static String describe(IOException e) {
        if (e instanceof ConnectException) {
            return "connection refused";
        }
        if (e instanceof NoRouteToHostException) {
            return "no route to host";
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    private static double median(List<Double> sorted) {
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}
