package org.syncready.agent.camera;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A small RTSP 1.0 client (RFC 2326) that checks one camera: OPTIONS, DESCRIBE (answering a 401
 * with Digest or Basic auth), then optionally SETUP and PLAY with RTP interleaved on the same TCP
 * connection for a few seconds, counting frames and bytes, and TEARDOWN. Every read has a timeout,
 * so a camera that accepts and never answers costs at most that. Not thread-safe: one check, one
 * client. Errors are {@link RtspException}s whose message is meant for people and never contains
 * credentials.
 */
final class RtspClient implements Closeable {
    private static final int MAX_HEADER_LINE = 8192;
    private static final int MAX_HEADERS = 64;
    private static final int MAX_BODY = 64 * 1024;
    private static final String USER_AGENT = "SyncReady-agent";

    private final URI url;
    private final String user;
    private final String password;
    private final int timeoutMs;
    private final String where;
    private Socket socket;
    private InputStream in;
    private OutputStream out;
    private int cseq;
    private List<HttpAuth.Challenge> challenges;
    private int nonceCount;
    private String session;

    /** @param url the camera URL without user info (credentials come separately) */
    RtspClient(URI url, String user, String password, Duration timeout) {
        this.url = url;
        this.user = user;
        this.password = password;
        this.timeoutMs = (int) timeout.toMillis();
        this.where = url.getHost() + ":" + port(url);
    }

    /** The outcome of a DESCRIBE and, when asked for, of a PLAY window. */
    record Result(Sdp video, long frames, long bytes, double measuredS, Double fps, Integer bitrateKbps,
                  Integer width, Integer height) {
    }

    /** DESCRIBE, and when {@code measure} is positive PLAY for that long; throws with a readable reason. */
    Result check(Duration measure) throws RtspException {
        try {
            connect();
            // Some cameras do not implement OPTIONS; its answer is not judged, DESCRIBE decides.
            request("OPTIONS", url.toString(), Map.of());
            Response describe = request("DESCRIBE", url.toString(), Map.of("Accept", "application/sdp"));
            expectOk(describe, "DESCRIBE");
            String body = new String(describe.body(), StandardCharsets.UTF_8);
            Sdp sdp = Sdp.parseVideo(body).orElseThrow(() -> new RtspException(
                    "the camera's stream has no video track (SDP without m=video)"));
            if (measure.isZero() || measure.isNegative()) {
                return new Result(sdp, 0, 0, 0, null, null, sdp.width(), sdp.height());
            }
            String base = describe.header("content-base").or(() -> describe.header("content-location"))
                    .orElse(url.toString());
            String track = controlUrl(base, sdp.control());
            Response setup = request("SETUP", track, Map.of("Transport", "RTP/AVP/TCP;unicast;interleaved=0-1"));
            expectOk(setup, "SETUP");
            session = setup.header("session").map(s -> s.split(";")[0].strip()).orElse(null);
            int channel = setup.header("transport").map(RtspClient::rtpChannel).orElse(0);
            String playUrl = "*".equals(sdpSessionControl(body)) || sdpSessionControl(body) == null ? base
                    : controlUrl(base, sdpSessionControl(body));
            Response play = request("PLAY", playUrl, Map.of("Range", "npt=0.000-"));
            expectOk(play, "PLAY");
            Result r = measure(sdp, channel, measure);
            teardown(playUrl);
            return r;
        } catch (SocketTimeoutException e) {
            throw new RtspException(socket != null && socket.isConnected()
                    ? "RTSP camera at " + where + " accepted the connection but did not answer within " + timeoutMs + " ms"
                    : "RTSP no answer from " + where + " within " + timeoutMs + " ms (camera off or network down?)");
        } catch (ConnectException e) {
            throw new RtspException("RTSP connection refused by " + where + " — camera off, or wrong port?");
        } catch (NoRouteToHostException e) {
            throw new RtspException("RTSP no route to " + where + " — camera network unreachable");
        } catch (UnknownHostException e) {
            throw new RtspException("RTSP unknown host " + url.getHost());
        } catch (EOFException e) {
            throw new RtspException("RTSP camera at " + where + " closed the connection");
        } catch (IOException e) {
            throw new RtspException("RTSP error talking to " + where + ": " + SafeUri.scrub(String.valueOf(e.getMessage()), password));
        }
    }

    private void connect() throws IOException {
        socket = new Socket();
        socket.setTcpNoDelay(true);
        socket.connect(new InetSocketAddress(url.getHost(), port(url)), timeoutMs);
        socket.setSoTimeout(timeoutMs);
        in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
        out = socket.getOutputStream();
    }

    private void expectOk(Response r, String method) throws RtspException {
        if (r.status() == 200) {
            return;
        }
        if (r.status() == 401) {
            throw new RtspException(user == null
                    ? "RTSP 401 Unauthorized — the camera needs a username and password"
                    : "RTSP 401 Unauthorized — wrong username or password?");
        }
        if (r.status() == 404) {
            throw new RtspException("RTSP 404 Not Found on " + method + " — wrong path in the camera URL?");
        }
        if (r.status() == 461) {
            throw new RtspException("RTSP 461 Unsupported Transport — the camera refuses RTP over TCP");
        }
        throw new RtspException("RTSP " + r.status() + " " + r.reason() + " on " + method);
    }

    /** Sends one request; a 401 is answered once with credentials (when we have them). */
    private Response request(String method, String uri, Map<String, String> headers) throws IOException, RtspException {
        Response r = send(method, uri, headers);
        boolean stale = challenges != null && r.status() == 401
                && HttpAuth.parse(r.headers("www-authenticate")).stream().anyMatch(c -> "true".equalsIgnoreCase(c.param("stale")));
        if (r.status() == 401 && user != null && (challenges == null || stale)) {
            // First challenge, or the camera's nonce expired (stale=true: the password was right).
            challenges = HttpAuth.parse(r.headers("www-authenticate"));
            nonceCount = 0;
            if (HttpAuth.authorization(challenges, method, uri, user, password == null ? "" : password) == null) {
                throw new RtspException("RTSP 401 Unauthorized — the camera asks for an authentication scheme we do not speak: "
                        + r.headers("www-authenticate").stream().map(h -> h.split(" ")[0]).toList());
            }
            r = send(method, uri, headers);
        }
        return r;
    }

    private Response send(String method, String uri, Map<String, String> headers) throws IOException {
        StringBuilder req = new StringBuilder(method).append(' ').append(uri).append(" RTSP/1.0\r\n");
        req.append("CSeq: ").append(++cseq).append("\r\n");
        req.append("User-Agent: ").append(USER_AGENT).append("\r\n");
        if (session != null) {
            req.append("Session: ").append(session).append("\r\n");
        }
        if (challenges != null && user != null) {
            String auth = HttpAuth.authorization(challenges, method, uri, user, password == null ? "" : password, ++nonceCount);
            if (auth != null) {
                req.append("Authorization: ").append(auth).append("\r\n");
            }
        }
        headers.forEach((k, v) -> req.append(k).append(": ").append(v).append("\r\n"));
        req.append("\r\n");
        out.write(req.toString().getBytes(StandardCharsets.UTF_8));
        out.flush();
        while (true) {
            Response r = readMessage(null);
            if (r == null) {
                continue; // an interleaved packet before the answer
            }
            String replyCseq = r.header("cseq").orElse(null);
            if (replyCseq == null || replyCseq.strip().equals(Integer.toString(cseq))) {
                return r;
            }
        }
    }

    /** Reads one RTSP message, or one interleaved packet (handed to {@code packets}, returns null). */
    private Response readMessage(PacketSink packets) throws IOException {
        int first = in.read();
        if (first < 0) {
            throw new EOFException();
        }
        if (first == '$') {
            int channel = readByte();
            int len = (readByte() << 8) | readByte();
            byte[] data = in.readNBytes(len);
            if (data.length < len) {
                throw new EOFException();
            }
            if (packets != null) {
                packets.packet(channel, data);
            }
            return null;
        }
        String statusLine = (char) first + readLine();
        if (!statusLine.startsWith("RTSP/")) {
            // A request from the server (e.g. ANNOUNCE) or garbage: read its headers and drop it.
            readHeadersAndBody();
            return null;
        }
        String[] parts = statusLine.split(" ", 3);
        int status;
        try {
            status = Integer.parseInt(parts[1]);
        } catch (RuntimeException e) {
            throw new IOException("not an RTSP answer: '" + abbreviate(statusLine) + "'");
        }
        Map.Entry<Map<String, List<String>>, byte[]> hb = readHeadersAndBody();
        return new Response(status, parts.length > 2 ? parts[2] : "", hb.getKey(), hb.getValue());
    }

    private Map.Entry<Map<String, List<String>>, byte[]> readHeadersAndBody() throws IOException {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (int i = 0; ; i++) {
            String line = readLine();
            if (line.isEmpty()) {
                break;
            }
            if (i >= MAX_HEADERS) {
                throw new IOException("more than " + MAX_HEADERS + " header lines");
            }
            int colon = line.indexOf(':');
            if (colon > 0) {
                headers.computeIfAbsent(line.substring(0, colon).strip().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                        .add(line.substring(colon + 1).strip());
            }
        }
        int length = 0;
        List<String> cl = headers.get("content-length");
        if (cl != null) {
            try {
                length = Integer.parseInt(cl.get(0).strip());
            } catch (NumberFormatException e) {
                throw new IOException("bad Content-Length '" + abbreviate(cl.get(0)) + "'");
            }
        }
        if (length < 0 || length > MAX_BODY) {
            throw new IOException("answer body of " + length + " bytes (at most " + MAX_BODY + ")");
        }
        byte[] body = in.readNBytes(length);
        if (body.length < length) {
            throw new EOFException();
        }
        return Map.entry(headers, body);
    }

    private String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException();
            }
            if (b == '\n') {
                break;
            }
            if (line.size() >= MAX_HEADER_LINE) {
                throw new IOException("header line longer than " + MAX_HEADER_LINE + " bytes");
            }
            line.write(b);
        }
        String s = line.toString(StandardCharsets.UTF_8);
        return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
    }

    private int readByte() throws IOException {
        int b = in.read();
        if (b < 0) {
            throw new EOFException();
        }
        return b;
    }

    private interface PacketSink {
        void packet(int channel, byte[] data);
    }

    /** Reads RTP for {@code window}: frames are distinct RTP timestamps, bitrate counts RTP payload bytes. */
    private Result measure(Sdp sdp, int channel, Duration window) throws IOException, RtspException {
        long windowNanos = window.toNanos();
        long[] firstAt = {0};
        long[] bytes = {0};
        long[] packetsSeen = {0};
        Set<Long> timestamps = new HashSet<>();
        int[] dims = {sdp.width() == null ? 0 : sdp.width(), sdp.height() == null ? 0 : sdp.height()};
        PacketSink sink = (ch, data) -> {
            if (ch != channel || data.length < 12 || (data[0] & 0xc0) != 0x80) {
                return;
            }
            if (firstAt[0] == 0) {
                firstAt[0] = System.nanoTime();
            }
            int csrc = data[0] & 0x0f;
            int headerLen = 12 + 4 * csrc;
            if ((data[0] & 0x10) != 0 && data.length >= headerLen + 4) {
                headerLen += 4 + 4 * (((data[headerLen + 2] & 0xff) << 8) | (data[headerLen + 3] & 0xff));
            }
            if (headerLen > data.length) {
                return;
            }
            packetsSeen[0]++;
            bytes[0] += data.length - headerLen;
            long ts = ((data[4] & 0xffL) << 24) | ((data[5] & 0xffL) << 16) | ((data[6] & 0xffL) << 8) | (data[7] & 0xffL);
            timestamps.add(ts);
            if (dims[0] == 0 && "h264".equals(sdp.codec())) {
                inbandSps(data, headerLen, dims);
            }
        };
        long start = System.nanoTime();
        long deadline = start + windowNanos;
        while (true) {
            long now = System.nanoTime();
            long end = firstAt[0] == 0 ? deadline : Math.min(deadline, firstAt[0] + windowNanos);
            if (now >= end) {
                break;
            }
            socket.setSoTimeout((int) Math.max(50, Math.min(timeoutMs, (end - now) / 1_000_000)));
            try {
                readMessage(sink);
            } catch (SocketTimeoutException e) {
                if (System.nanoTime() >= end) {
                    break;
                }
                if (packetsSeen[0] == 0) {
                    throw new RtspNoFrames(window);
                }
                throw new RtspException("RTSP video from " + where + " stopped for more than " + timeoutMs + " ms during PLAY");
            }
        }
        socket.setSoTimeout(timeoutMs);
        if (packetsSeen[0] == 0) {
            throw new RtspNoFrames(window);
        }
        double seconds = (System.nanoTime() - firstAt[0]) / 1e9;
        double fps = Math.round(timestamps.size() / seconds * 10) / 10.0;
        int kbps = (int) Math.round(bytes[0] * 8 / seconds / 1000);
        return new Result(sdp, timestamps.size(), bytes[0], seconds, fps, kbps,
                dims[0] == 0 ? null : dims[0], dims[1] == 0 ? null : dims[1]);
    }

    private static void inbandSps(byte[] data, int off, int[] dims) {
        if (off >= data.length) {
            return;
        }
        int type = data[off] & 0x1f;
        if (type == 7) {
            setDims(java.util.Arrays.copyOfRange(data, off, data.length), dims);
        } else if (type == 24) { // STAP-A: 2-byte sizes, then NAL units
            int p = off + 1;
            while (p + 2 < data.length) {
                int size = ((data[p] & 0xff) << 8) | (data[p + 1] & 0xff);
                p += 2;
                if (size == 0 || p + size > data.length) {
                    return;
                }
                if ((data[p] & 0x1f) == 7) {
                    setDims(java.util.Arrays.copyOfRange(data, p, p + size), dims);
                }
                p += size;
            }
        }
    }

    private static void setDims(byte[] sps, int[] dims) {
        int[] wh = Sdp.H264Sps.dimensions(sps);
        if (wh != null) {
            dims[0] = wh[0];
            dims[1] = wh[1];
        }
    }

    private void teardown(String playUrl) {
        try {
            socket.setSoTimeout(Math.min(timeoutMs, 500));
            send("TEARDOWN", playUrl, Map.of());
        } catch (IOException e) {
            // The camera drops the session when we close anyway.
        }
    }

    @Override
    public void close() {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException e) {
                // Nothing to do.
            }
        }
    }

    static String controlUrl(String base, String control) {
        if (control == null || control.isEmpty() || control.equals("*")) {
            return base;
        }
        if (control.regionMatches(true, 0, "rtsp://", 0, 7) || control.regionMatches(true, 0, "rtsps://", 0, 8)) {
            return control;
        }
        return base.endsWith("/") ? base + control : base + "/" + control;
    }

    private static String sdpSessionControl(String sdp) {
        for (String line : sdp.split("\r?\n")) {
            if (line.startsWith("m=")) {
                return null;
            }
            if (line.startsWith("a=control:")) {
                return line.substring(10).strip();
            }
        }
        return null;
    }

    private static int rtpChannel(String transport) {
        for (String p : transport.split(";")) {
            if (p.strip().startsWith("interleaved=")) {
                try {
                    return Integer.parseInt(p.strip().substring(12).split("-")[0]);
                } catch (NumberFormatException e) {
                    return 0;
                }
            }
        }
        return 0;
    }

    static int port(URI url) {
        return url.getPort() > 0 ? url.getPort() : 554;
    }

    private static String abbreviate(String s) {
        return s.length() <= 60 ? s : s.substring(0, 60) + "...";
    }

    private record Response(int status, String reason, Map<String, List<String>> all, byte[] body) {
        Optional<String> header(String name) {
            List<String> v = all.get(name);
            return v == null || v.isEmpty() ? Optional.empty() : Optional.of(v.get(0));
        }

        List<String> headers(String name) {
            return all.getOrDefault(name, List.of());
        }
    }

    /** A PLAY that delivered nothing: the camera answers but sends no video. */
    static final class RtspNoFrames extends RtspException {
        RtspNoFrames(Duration window) {
            super("no video frames within " + window.toSeconds() + " s after PLAY — camera sends nothing");
        }
    }
}
