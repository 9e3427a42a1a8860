package org.syncready.agent.stream;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.function.LongSupplier;
import org.syncready.agent.config.AgentConfig;
import org.syncready.agent.probe.StreamProbe;
import org.syncready.protocol.Capability;
import org.syncready.protocol.StreamStatus;

/**
 * A box whose encoder is an ffmpeg process started with {@code -progress FILE} (ffmpeg rewrites
 * nothing: it appends a key=value block about twice a second, so the file grows; put it on a tmpfs
 * such as /run and let the encoder's service recreate it at start). Each round reads only the
 * file's last {@value #TAIL_BYTES} bytes. The bitrate is the current one (output between the last
 * two blocks), not ffmpeg's average since start. Pushing means: a progress block no older than
 * {@code staleAfterS}, not {@code progress=end}, and the stream server answering a TCP connect where
 * that can be checked (rtmp, rtsp); for srt/udp targets reachability is unknown and left out.
 */
public final class FfmpegStreamProbe implements StreamProbe {
    static final int TAIL_BYTES = 8192;

    private final AgentConfig.Stream config;
    private final StreamTarget target;
    private final Duration connectTimeout;
    private final LongSupplier clockMs;

    public FfmpegStreamProbe(AgentConfig.Stream config, Duration connectTimeout, LongSupplier clockMs) {
        this.config = config;
        this.target = StreamTarget.parse(config.target());
        this.connectTimeout = connectTimeout;
        this.clockMs = clockMs;
    }

    @Override
    public Capability capability() {
        return new Capability(true, "ffmpeg -progress " + config.progressFile() + " pushing to " + target.redacted()
                + (target.tcpCheckable() ? "" : " (" + target.scheme() + ": server reachability unknown)"));
    }

    @Override
    public StreamStatus sample() throws IOException {
        Boolean reachable = target.tcpCheckable() ? connects() : null;
        Path file = config.progressFile();
        long modified;
        List<String> tail;
        try {
            modified = Files.getLastModifiedTime(file).toMillis();
            tail = tail(file);
        } catch (NoSuchFileException e) {
            return new StreamStatus(false, target.redacted(), null, null, "encoder not running: no progress file " + file, reachable);
        }
        List<FfmpegProgress> blocks = FfmpegProgress.blocks(tail);
        if (blocks.isEmpty()) {
            return new StreamStatus(false, target.redacted(), null, null, "encoder starting: no progress reported yet", reachable);
        }
        FfmpegProgress p = blocks.get(blocks.size() - 1);
        FfmpegProgress previous = blocks.size() > 1 ? blocks.get(blocks.size() - 2) : null;
        long ageS = (clockMs.getAsLong() - modified) / 1000;
        String error = null;
        if (p.ended()) {
            error = "encoder stopped (progress=end)";
        } else if (ageS > config.staleAfterS()) {
            error = "encoder not running: no progress for " + ageS + " s";
        } else if (Boolean.FALSE.equals(reachable)) {
            error = "stream server " + target.host() + ":" + target.port() + " not reachable";
        }
        boolean pushing = error == null;
        return new StreamStatus(pushing, target.redacted(), pushing ? p.currentKbps(previous) : Integer.valueOf(0), p.dropFrames(),
                error, reachable);
    }

    private boolean connects() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(target.host(), target.port()), (int) connectTimeout.toMillis());
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static List<String> tail(Path file) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
            long len = f.length();
            long from = Math.max(0, len - TAIL_BYTES);
            byte[] buf = new byte[(int) (len - from)];
            f.seek(from);
            f.readFully(buf);
            List<String> lines = Arrays.asList(new String(buf, StandardCharsets.UTF_8).split("\n"));
            // The first line may be cut in the middle; the last one may still be being written.
            return from > 0 && !lines.isEmpty() ? lines.subList(1, lines.size()) : lines;
        }
    }
}
