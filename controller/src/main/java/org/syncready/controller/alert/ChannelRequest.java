package org.syncready.controller.alert;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import java.io.ByteArrayInputStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.syncready.controller.refusal.Refusal;

/**
 * A channel as the API receives it (JSON), checked field by field: every problem is reported at once,
 * each naming its field. On an update, fields left out keep their value, and a secret sent back as
 * {@code ***} (what the API shows) keeps the stored one.
 */
final class ChannelRequest {
    private static final Set<String> FIELDS = Set.of("id", "name", "schoolId", "kind", "url", "secret", "language", "topics",
            "minLevel", "perMinute", "enabled", "email");
    private static final Set<String> EMAIL_FIELDS = Set.of("host", "port", "security", "username", "password", "from", "to",
            "trustedCertificate");

    private final List<Refusal.Problem> problems = new ArrayList<>();

    private ChannelRequest() {
    }

    /** A new channel from {@code body}. */
    static AlertChannel create(JsonNode body, Instant now) {
        return new ChannelRequest().read(body, null, now);
    }

    /** {@code existing} changed by {@code body}. */
    static AlertChannel update(AlertChannel existing, JsonNode body, Instant now) {
        return new ChannelRequest().read(body, existing, now);
    }

    /**
     * {@code type} is accepted for {@code kind}: it is what most alerting tools call the field, and a
     * script written for one of them should not fail on the word. Both, and different: a problem.
     */
    private JsonNode kindFromType(JsonNode body) {
        if (!(body instanceof com.fasterxml.jackson.databind.node.ObjectNode o) || !o.has("type")) {
            return body;
        }
        com.fasterxml.jackson.databind.node.ObjectNode copy = o.deepCopy();
        JsonNode type = copy.remove("type");
        if (copy.has("kind") && !copy.get("kind").equals(type)) {
            problem("/type", "is another name for kind; give one of them");
        } else {
            copy.set("kind", type);
        }
        return copy;
    }

    private AlertChannel read(JsonNode body, AlertChannel old, Instant now) {
        body = kindFromType(body);
        for (Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!FIELDS.contains(f)) {
                problem("/" + f, "unknown field; known: " + FIELDS.stream().sorted().toList());
            }
        }
        String id = old != null ? old.id() : text(body, "id", null);
        if (id == null) {
            id = "ch-" + UUID.randomUUID().toString().substring(0, 8);
        } else if (!id.matches("[A-Za-z0-9_-]{1,64}")) {
            problem("/id", "must be 1-64 letters, digits, '_' or '-'");
        }
        String name = text(body, "name", old == null ? null : old.name());
        if (name == null || name.isBlank() || name.length() > 64) {
            problem("/name", "required, 1-64 characters (e.g. 河西镇中心小学信息中心群)");
        }
        String schoolId = old != null ? old.schoolId() : text(body, "schoolId", null);
        if (old != null && body.has("schoolId") && !java.util.Objects.equals(text(body, "schoolId", null), old.schoolId())) {
            problem("/schoolId", "a channel cannot move to another school; create a new channel");
        }
        ChannelKind kind = old != null ? old.kind() : enumValue(body, "kind", null, ChannelKind::of,
                "dingtalk, wecom, feishu, webhook or email");
        if (old != null && body.has("kind") && !old.kind().label().equals(body.path("kind").asText())) {
            problem("/kind", "the kind of a channel cannot change; create a new channel");
        }
        if (kind == null) {
            if (!body.has("kind")) {
                problem("/kind", "required: dingtalk, wecom, feishu, webhook or email");
            }
            throw refusal();
        }
        Language language = enumValue(body, "language", old == null ? Language.ZH_EN : old.language(), Language::of, "zh, zh-en or en");
        AlertLevel minLevel = enumValue(body, "minLevel", old == null ? AlertLevel.WARNING : old.minLevel(), AlertLevel::of,
                "critical or warning");
        Set<AlertTopic> topics = topics(body, old == null ? (schoolId == null ? AlertTopic.bureauDefaults() : AlertTopic.schoolDefaults())
                : old.topics());
        if (schoolId != null && topics.contains(AlertTopic.ESCALATION)) {
            problem("/topics", "escalation goes to bureau channels (a channel without schoolId)");
        }
        int perMinute = kind.defaultPerMinute();
        if (old != null) {
            perMinute = old.perMinute();
        }
        if (body.has("perMinute")) {
            JsonNode v = body.get("perMinute");
            if (!v.canConvertToInt() || !v.isIntegralNumber() || v.asInt() < 1 || v.asInt() > kind.maxPerMinute()) {
                problem("/perMinute", "must be 1.." + kind.maxPerMinute() + " for " + kind.label()
                        + (kind.robot() ? " (the platform's own limit)" : ""));
            } else {
                perMinute = v.asInt();
            }
        }
        boolean enabled = old == null || old.enabled();
        if (body.has("enabled")) {
            if (!body.get("enabled").isBoolean()) {
                problem("/enabled", "must be true or false");
            } else {
                enabled = body.get("enabled").asBoolean();
            }
        }
        AlertChannel.Target target = target(body, kind, old == null ? null : old.target());
        if (!problems.isEmpty()) {
            throw refusal();
        }
        return new AlertChannel(id, schoolId, kind, name.strip(), enabled, language, topics, minLevel, perMinute, target,
                old == null ? now : old.createdAt(), now);
    }

    private AlertChannel.Target target(JsonNode body, ChannelKind kind, AlertChannel.Target old) {
        if (kind == ChannelKind.EMAIL) {
            if (body.has("url")) {
                problem("/url", "an e-mail channel has no url; use email.host, email.to, ...");
            }
            if (body.has("secret")) {
                problem("/secret", "an e-mail channel has no secret; use email.password");
            }
            return new AlertChannel.Target(null, null, smtp(body.get("email"), old == null ? null : old.smtp()));
        }
        if (body.has("email")) {
            problem("/email", "only e-mail channels have email settings");
        }
        String url = text(body, "url", old == null ? null : old.url());
        if (SecretText.MASK.equals(url) || (url != null && url.contains(SecretText.MASK) && old != null)) {
            url = old == null ? null : old.url();
        }
        if (url == null) {
            problem("/url", "required: the robot's webhook address as the platform shows it");
        } else {
            checkUrl(kind, url);
        }
        String secret = text(body, "secret", old == null ? null : old.secret());
        if (SecretText.MASK.equals(secret)) {
            secret = old == null ? null : old.secret();
        }
        if (secret != null && secret.isEmpty()) {
            secret = null;
        }
        switch (kind) {
            case DINGTALK -> {
                if (secret != null && !secret.startsWith("SEC")) {
                    problem("/secret", "a DingTalk 加签 secret starts with SEC (copy it from the robot's security settings)");
                }
            }
            case WECOM -> {
                if (secret != null) {
                    problem("/secret", "WeCom group robots have no signing secret; the key in the URL is the credential");
                }
            }
            case WEBHOOK -> {
                if (secret == null || secret.length() < 8) {
                    problem("/secret", "required for a webhook, at least 8 characters: every request is signed with it");
                }
            }
            default -> {
            }
        }
        return new AlertChannel.Target(url, secret, null);
    }

    private void checkUrl(ChannelKind kind, String url) {
        URI u;
        try {
            u = new URI(url);
        } catch (URISyntaxException e) {
            problem("/url", "not a URL: " + e.getReason());
            return;
        }
        String scheme = u.getScheme() == null ? "" : u.getScheme();
        if (u.getHost() == null || !(scheme.equals("https") || scheme.equals("http"))) {
            problem("/url", "must be an http(s) URL with a host");
            return;
        }
        if (scheme.equals("http") && kind != ChannelKind.WEBHOOK && !loopback(u.getHost())) {
            problem("/url", kind.label() + " robots are reached over https");
        }
        String query = u.getRawQuery() == null ? "" : u.getRawQuery();
        switch (kind) {
            case DINGTALK -> {
                if (!query.contains("access_token=")) {
                    problem("/url", "a DingTalk robot URL carries access_token=... (https://oapi.dingtalk.com/robot/send?access_token=...)");
                }
            }
            case WECOM -> {
                if (!query.contains("key=")) {
                    problem("/url", "a WeCom robot URL carries key=... (https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=...)");
                }
            }
            case FEISHU -> {
                if (u.getPath() == null || !u.getPath().contains("/hook/")) {
                    problem("/url", "a Feishu bot URL ends in /open-apis/bot/v2/hook/<id>");
                }
            }
            default -> {
            }
        }
    }

    private AlertChannel.Smtp smtp(JsonNode e, AlertChannel.Smtp old) {
        if ((e == null || e.isNull()) && old == null) {
            problem("/email", "required for an e-mail channel: {host, port, security, username, password, from, to}");
            return null;
        }
        if (e == null || e.isNull()) {
            return old;
        }
        if (!e.isObject()) {
            problem("/email", "must be an object");
            return null;
        }
        for (Iterator<String> it = e.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!EMAIL_FIELDS.contains(f)) {
                problem("/email/" + f, "unknown field; known: " + EMAIL_FIELDS.stream().sorted().toList());
            }
        }
        String host = text(e, "host", old == null ? null : old.host(), "/email/host");
        if (host == null || host.isBlank()) {
            problem("/email/host", "required: the SMTP server");
        }
        AlertChannel.SmtpSecurity security = AlertChannel.SmtpSecurity.STARTTLS;
        if (old != null) {
            security = old.security();
        }
        if (e.has("security")) {
            try {
                security = AlertChannel.SmtpSecurity.valueOf(e.get("security").asText().toUpperCase(java.util.Locale.ROOT));
            } catch (IllegalArgumentException x) {
                problem("/email/security", "must be starttls, smtps or none");
            }
        }
        int port = old != null ? old.port() : security == AlertChannel.SmtpSecurity.SMTPS ? 465
                : security == AlertChannel.SmtpSecurity.STARTTLS ? 587 : 25;
        if (e.has("port")) {
            JsonNode p = e.get("port");
            if (!p.isIntegralNumber() || p.asInt() < 1 || p.asInt() > 65535) {
                problem("/email/port", "must be 1..65535");
            } else {
                port = p.asInt();
            }
        }
        String username = text(e, "username", old == null ? null : old.username(), "/email/username");
        String password = text(e, "password", old == null ? null : old.password(), "/email/password");
        if (SecretText.MASK.equals(password)) {
            password = old == null ? null : old.password();
        }
        if (username != null && password == null) {
            problem("/email/password", "required with a username");
        }
        if (security == AlertChannel.SmtpSecurity.NONE && username != null && host != null && !loopback(host)) {
            problem("/email/security", "a login is never sent in clear: use starttls or smtps (none only for a relay without login)");
        }
        String from = text(e, "from", old == null ? null : old.from(), "/email/from");
        if (from == null) {
            problem("/email/from", "required: the sender address, e.g. syncready@bureau.example.cn");
        } else {
            address(from, "/email/from");
        }
        List<String> to = old == null ? List.of() : old.to();
        if (e.has("to")) {
            JsonNode list = e.get("to");
            if (!list.isArray() || list.isEmpty() || list.size() > 20) {
                problem("/email/to", "a list of 1-20 addresses");
            } else {
                List<String> out = new ArrayList<>();
                for (int i = 0; i < list.size(); i++) {
                    String a = list.get(i).asText();
                    address(a, "/email/to/" + i);
                    out.add(a);
                }
                to = out;
            }
        } else if (to.isEmpty()) {
            problem("/email/to", "required: a list of 1-20 addresses");
        }
        String pem = text(e, "trustedCertificate", old == null ? null : old.trustedCertificatePem(), "/email/trustedCertificate");
        if (pem != null) {
            try {
                CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
            } catch (CertificateException x) {
                problem("/email/trustedCertificate", "not a PEM certificate: " + x.getMessage());
            }
        }
        return new AlertChannel.Smtp(host, port, security, username, password, from, to, pem);
    }

    private void address(String a, String field) {
        try {
            new InternetAddress(a, true).validate();
        } catch (AddressException x) {
            problem(field, "not an e-mail address: " + a);
        }
    }

    private Set<AlertTopic> topics(JsonNode body, Set<AlertTopic> fallback) {
        if (!body.has("topics")) {
            return fallback;
        }
        JsonNode list = body.get("topics");
        if (!list.isArray()) {
            problem("/topics", "a list of readiness, escalation, incident, offline, rollout");
            return fallback;
        }
        Set<AlertTopic> out = EnumSet.noneOf(AlertTopic.class);
        for (int i = 0; i < list.size(); i++) {
            try {
                out.add(AlertTopic.of(list.get(i).asText()));
            } catch (IllegalArgumentException x) {
                problem("/topics/" + i, "unknown topic; known: readiness, escalation, incident, offline, rollout");
            }
        }
        return out;
    }

    private <T> T enumValue(JsonNode body, String field, T fallback, java.util.function.Function<String, T> parse, String known) {
        if (!body.has(field) || body.get(field).isNull()) {
            return fallback;
        }
        try {
            return parse.apply(body.get(field).asText());
        } catch (IllegalArgumentException x) {
            problem("/" + field, "must be " + known);
            return fallback;
        }
    }

    private String text(JsonNode body, String field, String fallback) {
        return text(body, field, fallback, "/" + field);
    }

    private String text(JsonNode body, String field, String fallback, String pointer) {
        if (!body.has(field)) {
            return fallback;
        }
        JsonNode v = body.get(field);
        if (v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            problem(pointer, "must be a string");
            return fallback;
        }
        return v.asText();
    }

    /** Loopback by name or literal address; never a DNS lookup (a request must not wait on one). */
    static boolean loopback(String host) {
        String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (h.equalsIgnoreCase("localhost")) {
            return true;
        }
        if (!h.matches("[0-9.]+") && !h.contains(":")) {
            return false;
        }
        try {
            return InetAddress.getByName(h).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private void problem(String field, String message) {
        problems.add(new Refusal.Problem("channel", field, message));
    }

    private Refusal refusal() {
        return Refusal.of(Refusal.Kind.INVALID, problems);
    }
}
