package org.syncready.controller.alert;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Deque;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A local HTTP server that plays one platform's robot as its documentation and its users' reports
 * describe it: the same paths and credentials in the URL, the signature checked the platform's way
 * (written here from the platform's description, independently of the senders), the platform's real
 * success and error bodies, its size limit, and its pace (DingTalk: the 21st message within a minute
 * is refused with 130101 and the robot refuses everything for 10 minutes; WeCom: 45009; Feishu:
 * 100/min and 5/s, 9499 with HTTP 400). Time is the test's clock. It can be stopped and started
 * again on the same port (a receiver that is down).
 */
public final class PlatformReceiver implements AutoCloseable {
    public enum Platform { DINGTALK, WECOM, FEISHU, WEBHOOK }

    /** One request that reached the robot. */
    public record Hit(Instant at, int status, String answer, JsonNode body, Map<String, String> headers) {
        public boolean taken() {
            return answer.contains("\"errcode\":0,") || answer.contains("\"code\":0,") || (status == 200 && answer.equals("{}"));
        }
    }

    public static final String TOKEN = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Platform platform;
    private final String secret;
    private final Clock clock;
    private final int perMinute;
    private final List<Hit> hits = new ArrayList<>();
    private final Deque<Instant> window = new ArrayDeque<>();
    private final Deque<Instant> secondWindow = new ArrayDeque<>();
    private Instant blockedUntil = Instant.MIN;
    private HttpServer server;
    private ExecutorService executor;
    private int port;
    private volatile Duration delay = Duration.ZERO;

    private PlatformReceiver(Platform platform, String secret, Clock clock, int perMinute) throws IOException {
        this.platform = platform;
        this.secret = secret;
        this.clock = clock;
        this.perMinute = perMinute;
        start(0);
    }

    public static PlatformReceiver dingTalk(String secret, Clock clock) throws IOException {
        return new PlatformReceiver(Platform.DINGTALK, secret, clock, 20);
    }

    public static PlatformReceiver weCom(Clock clock) throws IOException {
        return new PlatformReceiver(Platform.WECOM, null, clock, 20);
    }

    public static PlatformReceiver feishu(String secret, Clock clock) throws IOException {
        return new PlatformReceiver(Platform.FEISHU, secret, clock, 100);
    }

    public static PlatformReceiver webhook(String secret, Clock clock) throws IOException {
        return new PlatformReceiver(Platform.WEBHOOK, secret, clock, 100_000);
    }

    /** The URL a channel is given (the credential in it, as the platform shows it). */
    public String url() {
        String base = "http://127.0.0.1:" + port;
        return switch (platform) {
            case DINGTALK -> base + "/robot/send?access_token=" + TOKEN;
            case WECOM -> base + "/cgi-bin/webhook/send?key=" + TOKEN.substring(0, 36);
            case FEISHU -> base + "/open-apis/bot/v2/hook/" + TOKEN.substring(0, 36);
            case WEBHOOK -> base + "/hooks/syncready";
        };
    }

    /** The same robot at a wrong credential. */
    public String urlWithWrongToken() {
        return url().replace(TOKEN.substring(0, 36), "ffffffff-ffff-ffff-ffff-ffffffffffff");
    }

    synchronized void start(int onPort) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", onPort), 50);
        executor = Executors.newFixedThreadPool(4);
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
        port = server.getAddress().getPort();
    }

    /** Down: connections are refused until {@link #restart()}. */
    public synchronized void stop() {
        server.stop(0);
        executor.shutdownNow();
    }

    public synchronized void restart() throws IOException {
        start(port);
    }

    /** Answers only after this long (a slow platform). */
    public void delay(Duration d) {
        delay = d;
    }

    public synchronized List<Hit> hits() {
        return List.copyOf(hits);
    }

    public synchronized List<Hit> taken() {
        return hits.stream().filter(Hit::taken).toList();
    }

    /** Most requests the robot saw within any 60 s (its own limit is counted the same way). */
    public synchronized int mostInAnyMinute() {
        int most = 0;
        for (int i = 0; i < hits.size(); i++) {
            Instant end = hits.get(i).at().plusSeconds(60);
            int n = 0;
            for (int j = i; j < hits.size() && hits.get(j).at().isBefore(end); j++) {
                n++;
            }
            most = Math.max(most, n);
        }
        return most;
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            if (!delay.isZero()) {
                try {
                    Thread.sleep(delay.toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            byte[] raw;
            try (InputStream in = ex.getRequestBody()) {
                raw = in.readAllBytes();
            }
            Map<String, String> headers = new LinkedHashMap<>();
            ex.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(java.util.Locale.ROOT), v.get(0)));
            JsonNode body;
            try {
                body = JSON.readTree(raw);
            } catch (IOException e) {
                body = null;
            }
            String[] answer;
            synchronized (this) {
                answer = switch (platform) {
                    case DINGTALK -> dingTalk(ex.getRequestURI(), raw, body);
                    case WECOM -> weCom(ex.getRequestURI(), body);
                    case FEISHU -> feishu(ex.getRequestURI(), raw, body);
                    case WEBHOOK -> webhook(headers, raw);
                };
                hits.add(new Hit(clock.instant(), Integer.parseInt(answer[0]), answer[1], body, headers));
            }
            byte[] out = answer[1].getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", "application/json;charset=utf-8");
            ex.sendResponseHeaders(Integer.parseInt(answer[0]), out.length);
            ex.getResponseBody().write(out);
        }
    }

    // ------------------------------------------------------------------ DingTalk

    private String[] dingTalk(URI uri, byte[] raw, JsonNode body) {
        Map<String, String> q = query(uri);
        if (!uri.getPath().equals("/robot/send") || !TOKEN.equals(q.get("access_token"))) {
            return ok("{\"errcode\":300001,\"errmsg\":\"token is not exist\"}");
        }
        if (secret != null) {
            String ts = q.get("timestamp");
            String sign = q.get("sign");
            long now = clock.millis();
            if (ts == null || sign == null || !ts.matches("\\d{13}") || Math.abs(now - Long.parseLong(ts)) > 3_600_000L) {
                return ok("{\"errcode\":310000,\"errmsg\":\"description:timestamp 无效;solution:请确认时间戳在当前时间的一小时内;\"}");
            }
            // 加签: HmacSHA256 of "timestamp\nsecret" with the secret as the key, Base64, URL-encoded in the query.
            String expected = Base64.getEncoder().encodeToString(hmac(secret.getBytes(StandardCharsets.UTF_8),
                    (ts + "\n" + secret).getBytes(StandardCharsets.UTF_8)));
            if (!expected.equals(sign)) {
                return ok("{\"errcode\":310000,\"errmsg\":\"description:机器人发送签名不匹配;solution:请确认签名和生成签名的时间戳必须都放在调用的网址中，"
                        + "请确认机器人的密钥加密和填写正确;link:请参考本接口对应文档获得具体要求，或者在https://open.dingtalk.com/document/  搜索相关文档;\"}");
            }
        }
        if (limited(Duration.ofMinutes(10))) {
            return ok("{\"errcode\":130101,\"errmsg\":\"send too fast, exceed 20 times per minute\"}");
        }
        if (raw.length > 20_000) {
            return ok("{\"errcode\":460101,\"errmsg\":\"description: body 大小不合法;solution:请保持大小在 20000bytes 以内;\"}");
        }
        if (body == null || !"markdown".equals(body.path("msgtype").asText()) || body.path("markdown").path("text").asText().isEmpty()) {
            return ok("{\"errcode\":40035,\"errmsg\":\"缺少参数 json\"}");
        }
        return ok("{\"errcode\":0,\"errmsg\":\"ok\"}");
    }

    // ------------------------------------------------------------------ WeCom

    private String[] weCom(URI uri, JsonNode body) {
        Map<String, String> q = query(uri);
        String hint = "hint: [" + clock.millis() + "0123456789], from ip: 127.0.0.1, more info at https://open.work.weixin.qq.com/devtool/query?e=";
        if (!uri.getPath().equals("/cgi-bin/webhook/send") || !TOKEN.substring(0, 36).equals(q.get("key"))) {
            return ok("{\"errcode\":93000,\"errmsg\":\"invalid webhook url, " + hint + "93000\"}");
        }
        if (limited(Duration.ZERO)) {
            return ok("{\"errcode\":45009,\"errmsg\":\"api freq out of limit, " + hint + "45009\"}");
        }
        String content = body == null ? "" : body.path("markdown").path("content").asText();
        if (content.getBytes(StandardCharsets.UTF_8).length > 4096) {
            return ok("{\"errcode\":40058,\"errmsg\":\"markdown.content exceed max length 4096. invalid Request Parameter, " + hint + "40058\"}");
        }
        if (body == null || !"markdown".equals(body.path("msgtype").asText()) || content.isEmpty()) {
            return ok("{\"errcode\":44004,\"errmsg\":\"empty content, " + hint + "44004\"}");
        }
        return ok("{\"errcode\":0,\"errmsg\":\"ok\"}");
    }

    // ------------------------------------------------------------------ Feishu

    private String[] feishu(URI uri, byte[] raw, JsonNode body) {
        if (!uri.getPath().equals("/open-apis/bot/v2/hook/" + TOKEN.substring(0, 36))) {
            return new String[] {"200", "{\"code\":19001,\"data\":{},\"msg\":\"param invalid: incoming webhook access token invalid\"}"};
        }
        if (raw.length > 20 * 1024) {
            return new String[] {"400", "{\"code\":9499,\"data\":{},\"msg\":\"Bad Request\"}"};
        }
        if (secret != null) {
            String ts = body == null ? null : body.path("timestamp").asText(null);
            String sign = body == null ? null : body.path("sign").asText(null);
            boolean fresh = ts != null && ts.matches("\\d{10}") && Math.abs(clock.instant().getEpochSecond() - Long.parseLong(ts)) <= 3600;
            // 签名校验: HmacSHA256 with "timestamp\nsecret" as the KEY over an empty message, Base64.
            String expected = ts == null ? "" : Base64.getEncoder().encodeToString(
                    hmac((ts + "\n" + secret).getBytes(StandardCharsets.UTF_8), new byte[0]));
            if (!fresh || !expected.equals(sign)) {
                return new String[] {"200", "{\"code\":19021,\"data\":{},\"msg\":\"sign match fail or timestamp is not within one hour from current time\"}"};
            }
        }
        Instant now = clock.instant();
        while (!secondWindow.isEmpty() && !secondWindow.peekFirst().isAfter(now.minusSeconds(1))) {
            secondWindow.removeFirst();
        }
        if (secondWindow.size() >= 5 || limited(Duration.ZERO)) {
            return new String[] {"400", "{\"code\":9499,\"msg\":\"too many request\",\"data\":{}}"};
        }
        secondWindow.addLast(now);
        if (body == null || !body.has("msg_type")) {
            return new String[] {"200", "{\"code\":19002,\"data\":{},\"msg\":\"params error, msg_type need\"}"};
        }
        return new String[] {"200", "{\"StatusCode\":0,\"StatusMessage\":\"success\",\"code\":0,\"data\":{},\"msg\":\"success\"}"};
    }

    // ------------------------------------------------------------------ generic webhook (docs/ALERTS.md)

    private String[] webhook(Map<String, String> headers, byte[] raw) {
        String ts = headers.get("x-syncready-timestamp");
        String sig = headers.get("x-syncready-signature");
        if (ts == null || sig == null || Math.abs(clock.instant().getEpochSecond() - Long.parseLong(ts)) > 300) {
            return new String[] {"401", "{\"error\":\"unsigned or stale\"}"};
        }
        byte[] signed = new byte[ts.length() + 1 + raw.length];
        System.arraycopy((ts + ".").getBytes(StandardCharsets.UTF_8), 0, signed, 0, ts.length() + 1);
        System.arraycopy(raw, 0, signed, ts.length() + 1, raw.length);
        String expected = "sha256=" + HexFormat.of().formatHex(hmac(secret.getBytes(StandardCharsets.UTF_8), signed));
        if (!MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII), sig.getBytes(StandardCharsets.US_ASCII))) {
            return new String[] {"401", "{\"error\":\"bad signature\"}"};
        }
        return new String[] {"200", "{}"};
    }

    // ------------------------------------------------------------------ pieces

    /** Counts this request against the robot's minute; true when it is over (and blocks for {@code block}). */
    private boolean limited(Duration block) {
        Instant now = clock.instant();
        if (now.isBefore(blockedUntil)) {
            return true;
        }
        while (!window.isEmpty() && !window.peekFirst().isAfter(now.minusSeconds(60))) {
            window.removeFirst();
        }
        if (window.size() >= perMinute) {
            blockedUntil = now.plus(block);
            return true;
        }
        window.addLast(now);
        return false;
    }

    private static String[] ok(String body) {
        return new String[] {"200", body};
    }

    private static Map<String, String> query(URI uri) {
        Map<String, String> q = new LinkedHashMap<>();
        if (uri.getRawQuery() != null) {
            for (String p : uri.getRawQuery().split("&")) {
                int eq = p.indexOf('=');
                if (eq > 0) {
                    q.put(p.substring(0, eq), URLDecoder.decode(p.substring(eq + 1), StandardCharsets.UTF_8));
                }
            }
        }
        return q;
    }

    private static byte[] hmac(byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data);
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        stop();
    }
}
