package org.syncready.agent.camera;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.syncready.agent.config.CameraChecks;
import org.syncready.agent.config.CameraSource;
import org.syncready.agent.probe.CameraProbe;
import org.syncready.protocol.CameraKind;
import org.syncready.protocol.CameraRole;
import org.syncready.protocol.CameraStatus;
import org.syncready.protocol.Capability;
import org.syncready.protocol.DeviceState;

/**
 * The box's real cameras. A sample is quick and never waits on a camera: it reads V4L2's sysfs tree
 * for USB cameras (presence, absence, and any unconfigured camera that appears) and folds in the
 * latest results of two kinds of background check, each started when due:
 * <ul>
 *   <li>the session check (RTSP and ONVIF cameras, every {@code checkIntervalS}): OPTIONS,
 *       DESCRIBE, SDP, and a PLAY window counting frames and bytes;</li>
 *   <li>the deep check (every {@code deepCheckIntervalS}, sooner after a bad picture, and on
 *       self-test): ffmpeg decodes a few seconds for frozen or black picture and the real frame rate.</li>
 * </ul>
 * Each camera has at most one check of each kind in flight, so the executors' queues never hold more
 * than one task per camera. Session checks are I/O and run up to 4 at once; deep checks decode video
 * and run at most 2 at once, so a small box keeps CPU for recording.
 *
 * <p>Why this file is over 500 lines: it holds each camera's check state (what is in flight, the last
 * results, the first wait) and the one place that folds the sysfs view and both kinds of check into a
 * camera's state. The protocols themselves already live apart ({@link RtspClient}, {@link OnvifClient},
 * {@link FfmpegDeepCheck}, {@link V4l2Devices}).
 */
public final class RealCameraProbe implements CameraProbe, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RealCameraProbe.class);
    static final int DEEP_PARALLEL = 2;

    private final String boxId;
    private final CameraChecks checks;
    private final V4l2Devices v4l2;
    private final Path devRoot;
    /** Null when ffmpeg cannot run here: deep checks are off and the capability says why. */
    private final FfmpegDeepCheck ffmpeg;
    private final String ffmpegVersion;
    private final String ffmpegMissing;
    private final LongSupplier clock;
    private final Map<String, Tracked> cameras = new LinkedHashMap<>();
    private final ExecutorService sessionPool;
    private final ExecutorService deepPool;
    private final Duration firstWait;

    /**
     * @param ffmpeg        null when deep checks cannot run; {@code ffmpegNote} then says why
     * @param ffmpegNote    the ffmpeg version when it runs, else why not
     * @param firstWait     how long a sample waits for a camera's very first (DESCRIBE-only) check
     */
    public RealCameraProbe(String boxId, List<CameraSource> sources, CameraChecks checks, V4l2Devices v4l2, Path devRoot,
                           FfmpegDeepCheck ffmpeg, String ffmpegNote, LongSupplier clock, Duration firstWait) {
        this.firstWait = firstWait;
        this.boxId = boxId;
        this.checks = checks;
        this.v4l2 = v4l2;
        this.devRoot = devRoot;
        this.ffmpeg = ffmpeg;
        this.ffmpegVersion = ffmpeg == null ? null : ffmpegNote;
        this.ffmpegMissing = ffmpeg == null ? ffmpegNote : null;
        this.clock = clock;
        for (CameraSource s : sources) {
            cameras.put(s.id(), new Tracked(s));
        }
        int network = (int) sources.stream().filter(s -> s.kind() != CameraKind.USB).count();
        sessionPool = Executors.newFixedThreadPool(Math.max(1, Math.min(4, network)), daemon("camera-check-" + boxId));
        deepPool = Executors.newFixedThreadPool(DEEP_PARALLEL, daemon("camera-deep-" + boxId));
    }

    /**
     * The probe for this machine: /sys, /dev, and ffmpeg as configured (checked once, here).
     *
     * @param firstWait keep it under the probe timeout: a sample waits this long for first checks
     */
    public static RealCameraProbe ofHost(String boxId, List<CameraSource> sources, CameraChecks checks, Duration firstWait) {
        FfmpegDeepCheck ff = new FfmpegDeepCheck(checks.ffmpeg(), checks.freezeNoiseDb());
        StringBuilder why = new StringBuilder();
        Optional<String> version = ff.version(why);
        if (version.isEmpty()) {
            log.info("{}: camera deep checks off: {}", boxId, why);
        }
        return new RealCameraProbe(boxId, sources, checks, new V4l2Devices(Path.of("/sys"), Path.of("/dev")), Path.of("/dev"),
                version.isPresent() ? ff : null, version.orElse(why.toString()), System::currentTimeMillis, firstWait);
    }

    @Override
    public Capability capability() {
        if (!v4l2.available() && cameras.isEmpty()) {
            return new Capability(false, "no V4L2 on this box and no cameras configured");
        }
        List<String> parts = new ArrayList<>();
        parts.add(v4l2.available() ? "USB cameras via V4L2 sysfs" : "no V4L2 on this box (no USB cameras)");
        long network = cameras.values().stream().filter(t -> t.source.kind() != CameraKind.USB).count();
        parts.add(network + " RTSP/ONVIF camera(s) checked over RTSP");
        parts.add(ffmpeg != null ? "deep checks with " + ffmpegVersion : "no deep checks (frozen/black picture): " + ffmpegMissing);
        return new Capability(true, String.join("; ", parts));
    }

    @Override
    public List<CameraStatus> sample() {
        long now = clock.getAsLong();
        List<V4l2Devices.Device> usb = v4l2.cameras();
        Set<String> claimed = new HashSet<>();
        List<CameraStatus> out = new ArrayList<>();
        awaitFirstChecks(now);
        for (Tracked t : cameras.values()) {
            if (t.source.kind() == CameraKind.USB) {
                Optional<V4l2Devices.Device> d = v4l2.find(t.source.device(), usb);
                d.ifPresent(dev -> claimed.add(dev.node()));
                t.usbNode = d.map(dev -> dev.devicePath(devRoot)).orElse(null);
                out.add(usbStatus(t, d.orElse(null)));
            } else {
                out.add(networkStatus(t));
            }
            startDeepIfDue(t, now, false);
        }
        for (V4l2Devices.Device d : usb) {
            if (!claimed.contains(d.node())) {
                // Not in the config: still a camera of the box, so it shows in status and inventory.
                out.add(new CameraStatus("usb-" + d.node(), CameraRole.OTHER, CameraKind.USB, DeviceState.OK,
                        null, null, null, null, null, null, null, null, d.devicePath(devRoot), null));
            }
        }
        return out;
    }

    /**
     * Starts a deep check of every configured camera that is there now, and completes with the
     * results (camera id → result) when all have finished. Cameras without a deep check (absent,
     * ffmpeg missing) are left out. Never blocks the caller.
     */
    public CompletableFuture<Map<String, FfmpegDeepCheck.Result>> deepCheckNow() {
        if (ffmpeg == null) {
            return CompletableFuture.completedFuture(Map.of());
        }
        long now = clock.getAsLong();
        Map<String, CompletableFuture<FfmpegDeepCheck.Result>> running = new LinkedHashMap<>();
        for (Tracked t : cameras.values()) {
            CompletableFuture<FfmpegDeepCheck.Result> f = startDeepIfDue(t, now, true);
            if (f != null) {
                running.put(t.source.id(), f);
            }
        }
        return CompletableFuture.allOf(running.values().toArray(CompletableFuture[]::new)).handle((v, e) -> {
            Map<String, FfmpegDeepCheck.Result> results = new LinkedHashMap<>();
            running.forEach((id, f) -> results.put(id, f.getNow(null)));
            results.values().removeIf(java.util.Objects::isNull);
            return results;
        });
    }

    /** How long one deep check may take before ffmpeg is killed. */
    public Duration deepHardTimeout() {
        return Duration.ofSeconds(checks.deepWindowS()).plusMillis(checks.timeoutMs()).plusSeconds(5);
    }

    @Override
    public void close() {
        sessionPool.shutdownNow();
        // Interrupting a deep check kills its ffmpeg.
        deepPool.shutdownNow();
    }

    private CameraStatus usbStatus(Tracked t, V4l2Devices.Device d) {
        CameraSource s = t.source;
        if (d == null) {
            String error = s.device().startsWith("/") ? s.device() + " not found (USB camera unplugged?)"
                    : "no V4L2 camera named '" + s.device() + "' (USB camera unplugged?)";
            return new CameraStatus(s.id(), s.role(), s.kind(), DeviceState.ABSENT, null, null, null, null, null, error,
                    null, null, s.device(), deepTs(t));
        }
        Reading r = new Reading(d.devicePath(devRoot));
        r.foldDeep(t.deep, s);
        return r.status(s, deepTs(t));
    }

    private CameraStatus networkStatus(Tracked t) {
        CameraSource s = t.source;
        Session session = t.session;
        String source = t.streamUrl != null ? SafeUri.redact(t.streamUrl)
                : SafeUri.redact(s.kind() == CameraKind.ONVIF ? s.onvif() : s.url());
        if (session == null) {
            return new CameraStatus(s.id(), s.role(), s.kind(), DeviceState.DEGRADED, null, null, null, null, null,
                    "first check still running", null, null, source, null);
        }
        if (session.error() != null) {
            return new CameraStatus(s.id(), s.role(), s.kind(), DeviceState.FAULT, null, null, null, null, null,
                    session.error(), null, null, source, deepTs(t));
        }
        RtspClient.Result res = session.result();
        Reading r = new Reading(source);
        r.codec = res.video().codec();
        r.width = res.width();
        r.height = res.height();
        r.fps = res.fps() != null ? res.fps() : res.video().fps();
        r.bitrateKbps = res.bitrateKbps();
        r.measuredFps = res.fps() != null;
        r.foldDeep(t.deep, s);
        r.checkFloors(s);
        return r.status(s, deepTs(t));
    }

    private static Long deepTs(Tracked t) {
        FfmpegDeepCheck.Result d = t.deep;
        return d == null ? null : d.atMs();
    }

    /**
     * Starts the due session checks. A camera's very first check is DESCRIBE only (a fraction of a
     * second) and is waited for, up to {@code firstWait}, so a starting agent reports what its
     * cameras are rather than "checking"; the measuring check follows right after it.
     */
    private void awaitFirstChecks(long now) {
        List<CompletableFuture<Void>> first = new ArrayList<>();
        for (Tracked t : cameras.values()) {
            if (t.source.kind() != CameraKind.USB) {
                boolean isFirst = t.session == null;
                CompletableFuture<Void> f = startSessionIfDue(t, now);
                CompletableFuture<Void> running = t.sessionRunning;
                if (isFirst && running != null && !running.isDone()) {
                    first.add(f != null ? f : running);
                }
            }
        }
        if (first.isEmpty() || firstWait.isZero()) {
            return;
        }
        try {
            CompletableFuture.allOf(first.toArray(CompletableFuture[]::new)).get(firstWait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            // Not there yet: reported as "first check still running" this round.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private CompletableFuture<Void> startSessionIfDue(Tracked t, long now) {
        if (now < t.nextSessionAt || !t.sessionBusy.compareAndSet(false, true)) {
            return null;
        }
        boolean first = t.session == null;
        Duration measure = first ? Duration.ZERO : Duration.ofSeconds(t.source.measureS());
        t.nextSessionAt = first ? now : now + t.source.checkIntervalS() * 1000L;
        CompletableFuture<Void> done = new CompletableFuture<>();
        t.sessionRunning = done;
        try {
            sessionPool.execute(() -> {
                try {
                    runSession(t, measure);
                } finally {
                    t.sessionBusy.set(false);
                    done.complete(null);
                }
            });
        } catch (RejectedExecutionException e) {
            t.sessionBusy.set(false); // closing
            done.complete(null);
        }
        return done;
    }

    private void runSession(Tracked t, Duration measure) {
        CameraSource s = t.source;
        Duration timeout = Duration.ofMillis(checks.timeoutMs());
        long at = clock.getAsLong();
        Session before = t.session;
        Session now;
        try {
            if (s.kind() == CameraKind.ONVIF && (s.url() == null && (t.streamUrl == null || failed(before)))) {
                OnvifClient.Info info = new OnvifClient(URI.create(s.onvif()), s.username(), s.password(), timeout).discover();
                t.streamUrl = withoutUserInfo(info.streamUri());
                log.info("{}: camera {} is {} {} (firmware {}), stream {}", boxId, s.id(), info.manufacturer(), info.model(),
                        info.firmware(), SafeUri.redact(t.streamUrl));
            } else if (t.streamUrl == null) {
                t.streamUrl = s.url();
            }
            try (RtspClient c = new RtspClient(URI.create(t.streamUrl), s.username(), s.password(), timeout)) {
                now = new Session(at, c.check(measure), null);
            }
        } catch (RtspException e) {
            // Our own messages: built without credentials (scrubbing would also mangle a password like "wrong").
            now = new Session(at, null, e.getMessage());
        } catch (RuntimeException e) {
            now = new Session(at, null, "camera check failed: " + SafeUri.scrub(String.valueOf(e.getMessage()), s.password()));
            log.warn("{}: camera {} check failed unexpectedly: {}", boxId, s.id(), now.error());
        }
        t.session = now;
        if (before == null || !java.util.Objects.equals(before.error(), now.error())) {
            if (now.error() == null) {
                RtspClient.Result r = now.result();
                log.info("{}: camera {} answers: {} {}x{} {} fps{}", boxId, s.id(), r.video().codec(), r.width(), r.height(),
                        r.fps() != null ? r.fps() : r.video().fps(),
                        r.bitrateKbps() == null ? " (declared)" : " " + r.bitrateKbps() + " kbit/s (measured)");
            } else {
                log.warn("{}: camera {} check: {}", boxId, s.id(), now.error());
            }
        }
    }

    private static boolean failed(Session s) {
        return s != null && s.error() != null;
    }

    /**
     * Starts a deep check when due (or when forced); returns its future, or null when none was started
     * or running. Probe rounds and selftests (from the MQTT thread) both call this: one at a time per camera.
     */
    private CompletableFuture<FfmpegDeepCheck.Result> startDeepIfDue(Tracked t, long now, boolean force) {
        if (ffmpeg == null) {
            return null;
        }
        synchronized (t) {
            return startDeepLocked(t, now, force);
        }
    }

    private CompletableFuture<FfmpegDeepCheck.Result> startDeepLocked(Tracked t, long now, boolean force) {
        CameraSource s = t.source;
        String usbNode = t.usbNode;
        boolean reachable = s.kind() == CameraKind.USB ? usbNode != null : t.session != null && t.session.error() == null;
        CompletableFuture<FfmpegDeepCheck.Result> running = t.deepRunning;
        if (running != null && !running.isDone()) {
            return force ? running : null;
        }
        if (!reachable || (!force && (s.deepCheckIntervalS() == 0 || now < t.nextDeepAt))) {
            return null;
        }
        FfmpegDeepCheck.Result last = t.deep;
        boolean bad = last != null && (last.frozen() || last.black() || last.error() != null);
        // A bad picture is looked at again soon, so its recovery shows without waiting minutes.
        t.nextDeepAt = now + 1000L * (bad ? s.checkIntervalS() : s.deepCheckIntervalS());
        CompletableFuture<FfmpegDeepCheck.Result> f = new CompletableFuture<>();
        t.deepRunning = f;
        String url = t.streamUrl;
        try {
            deepPool.execute(() -> {
                try {
                    Duration window = Duration.ofSeconds(checks.deepWindowS());
                    FfmpegDeepCheck.Result r = s.kind() == CameraKind.USB ? ffmpeg.v4l2(usbNode, window, deepHardTimeout())
                            : ffmpeg.rtsp(url, s.username(), s.password(), window, deepHardTimeout());
                    FfmpegDeepCheck.Result before = t.deep;
                    if (!r.busy()) {
                        t.deep = r;
                    }
                    // One line when the verdict changes; the routine repeats go to debug.
                    if (before == null || !verdict(before).equals(verdict(r))) {
                        log.info("{}: camera {} deep check: {}", boxId, s.id(), describe(r));
                    } else {
                        log.debug("{}: camera {} deep check: {}", boxId, s.id(), describe(r));
                    }
                    f.complete(r);
                } catch (RuntimeException e) {
                    f.completeExceptionally(e);
                }
            });
        } catch (RejectedExecutionException e) {
            f.cancel(false);
            return null;
        }
        return f;
    }

    private static String verdict(FfmpegDeepCheck.Result r) {
        return r.error() != null ? r.error() : (r.frozen() ? "frozen " : "") + (r.black() ? "black" : "") + r.codec();
    }

    private static String describe(FfmpegDeepCheck.Result r) {
        if (r.error() != null) {
            return r.error();
        }
        return String.format(Locale.ROOT, "%s %sx%s %.1f fps over %.1f s%s%s", r.codec(), r.width(), r.height(),
                r.fps() == null ? 0.0 : r.fps(), r.seconds(), r.frozen() ? ", frozen" : "", r.black() ? ", black" : "");
    }

    private static String withoutUserInfo(String uri) {
        try {
            URI u = new URI(uri);
            if (u.getRawUserInfo() == null) {
                return uri;
            }
            return new URI(u.getScheme(), null, u.getHost(), u.getPort(), u.getPath(), u.getQuery(), null).toString();
        } catch (java.net.URISyntaxException e) {
            return uri;
        }
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread th = new Thread(r, name + "-" + n.incrementAndGet());
            th.setDaemon(true);
            return th;
        };
    }

    /** A camera's state being put together from what the checks saw. */
    private static final class Reading {
        final String source;
        DeviceState state = DeviceState.OK;
        final List<String> problems = new ArrayList<>();
        String codec;
        Integer width;
        Integer height;
        Double fps;
        boolean measuredFps;
        Integer bitrateKbps;
        Boolean frozen;
        Boolean black;

        Reading(String source) {
            this.source = source;
        }

        void foldDeep(FfmpegDeepCheck.Result d, CameraSource s) {
            if (d == null) {
                return;
            }
            if (d.error() != null) {
                worsen(DeviceState.DEGRADED, "deep check: " + d.error());
                return;
            }
            codec = codec == null ? d.codec() : codec;
            width = width == null ? d.width() : width;
            height = height == null ? d.height() : height;
            if (!measuredFps && d.fps() != null) {
                fps = d.fps();
                measuredFps = true;
            }
            frozen = d.frozen();
            black = d.black();
            // No numbers or ages in these texts: a status whose error text changes is published at
            // once, so a changing text would publish every round. deepCheckTs says when.
            if (d.frozen()) {
                worsen(DeviceState.FAULT, "picture frozen");
            }
            if (d.black()) {
                worsen(DeviceState.FAULT, "picture black");
            }
            if (s.kind() == CameraKind.USB) {
                checkFloors(s);
            }
        }

        void checkFloors(CameraSource s) {
            if (s.minFps() > 0 && measuredFps && fps != null && fps < s.minFps()) {
                worsen(DeviceState.DEGRADED, "frame rate below the configured " + trim(s.minFps()) + " fps");
            }
            if (s.minBitrateKbps() > 0 && bitrateKbps != null && bitrateKbps < s.minBitrateKbps()) {
                worsen(DeviceState.DEGRADED, "bitrate below the configured " + s.minBitrateKbps() + " kbit/s");
            }
        }

        void worsen(DeviceState to, String problem) {
            if (!problems.contains(problem)) {
                problems.add(problem);
            }
            if (rank(to) > rank(state)) {
                state = to;
            }
        }

        CameraStatus status(CameraSource s, Long deepTs) {
            return new CameraStatus(s.id(), s.role(), s.kind(), state, width, height, fps, bitrateKbps, frozen,
                    problems.isEmpty() ? null : String.join("; ", problems), codec, black, source, deepTs);
        }

        private static int rank(DeviceState s) {
            return switch (s) {
                case OK -> 0;
                case DEGRADED -> 1;
                case FAULT -> 2;
                case ABSENT -> 3;
            };
        }

        private static String trim(double d) {
            return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
        }
    }

    /** The latest session check: a result or an error. */
    private record Session(long atMs, RtspClient.Result result, String error) {
    }

    /** One configured camera and its checks. */
    private static final class Tracked {
        final CameraSource source;
        final java.util.concurrent.atomic.AtomicBoolean sessionBusy = new java.util.concurrent.atomic.AtomicBoolean();
        volatile Session session;
        volatile CompletableFuture<Void> sessionRunning;
        volatile long nextSessionAt;
        volatile long nextDeepAt;
        volatile FfmpegDeepCheck.Result deep;
        volatile CompletableFuture<FfmpegDeepCheck.Result> deepRunning;
        /** The RTSP URL used: configured, or found by ONVIF; never with user info. */
        volatile String streamUrl;
        volatile String usbNode;

        Tracked(CameraSource source) {
            this.source = source;
        }
    }
}
