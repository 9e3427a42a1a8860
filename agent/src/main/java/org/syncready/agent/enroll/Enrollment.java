package org.syncready.agent.enroll;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateException;
import java.time.Duration;
import java.util.Set;
import javax.net.ssl.SSLContext;
import org.syncready.agent.config.ConfigException;
import org.syncready.agent.config.ConfigLoader;
import org.syncready.protocol.TlsTrust;

/**
 * Redeems an enrollment code and writes the box's configuration. The request goes to
 * {@code <controller>/api/v1/enroll} over HTTPS, trusted through the CA fingerprint given with the code
 * or the system trust store (plain {@code http://} only to a loopback address). What comes back is
 * written next to agent.yaml: the secret to {@code box.secret} (0600), the CA to {@code controller-ca.pem},
 * and into agent.yaml (merged: every other field is kept, the old file saved as {@code agent.yaml.bak})
 * boxId, broker.uri / passwordFile / caFile, controllerKeys and controller.url / echoPort.
 */
public final class Enrollment {
    static final String SECRET_FILE = "box.secret";
    static final String CA_FILE = "controller-ca.pem";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper YAML = new ObjectMapper(YAMLFactory.builder()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER).enable(YAMLGenerator.Feature.MINIMIZE_QUOTES).build());
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    /** Why enrollment did not happen, in one sentence for the person at the box. */
    public static final class EnrollmentException extends Exception {
        EnrollmentException(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * What to ask for and where to write it.
     *
     * @param caFingerprint SHA-256 of the controller's CA (shown with the code); null: the system trust store
     * @param boxId         the id the box asks for; null: the controller makes one up
     * @param model         reported model; null: the one in agent.yaml, else none
     * @param secretOwner   user the secret file is given to (the agent's service user); null: whoever runs this
     */
    public record Request(URI controller, String code, String caFingerprint, String boxId, String model, Path configFile,
                          String secretOwner) {
    }

    /** What was written. */
    public record Result(String boxId, String classroomId, String schoolId, String brokerUri, Path configFile, Path secretFile,
                         Path caFile) {
    }

    private Enrollment() {
    }

    public static Result enroll(Request r) throws EnrollmentException {
        ObjectNode existing = readExisting(r.configFile());
        String model = r.model() != null ? r.model() : existing.path("model").isTextual() ? existing.path("model").asText() : null;
        JsonNode answer = post(r, model);
        return write(r, existing, answer);
    }

    private static JsonNode post(Request r, String model) throws EnrollmentException {
        URI controller = r.controller();
        String scheme = controller.getScheme();
        if (!"https".equals(scheme) && !("http".equals(scheme) && loopback(controller.getHost()))) {
            throw new EnrollmentException("--controller must be https://host:8443 (plain http:// only on this machine), was " + controller);
        }
        HttpClient.Builder http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10));
        if ("https".equals(scheme)) {
            http.sslContext(trust(r.caFingerprint()));
        }
        ObjectNode body = JSON.createObjectNode().put("code", r.code());
        if (r.boxId() != null) {
            body.put("boxId", r.boxId());
        }
        if (model != null) {
            body.put("model", model);
        }
        URI target = URI.create(controller.toString().replaceAll("/+$", "") + "/api/v1/enroll");
        HttpResponse<String> response;
        try {
            response = http.build().send(HttpRequest.newBuilder(target).timeout(Duration.ofSeconds(20))
                    .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EnrollmentException("interrupted");
        } catch (IOException e) {
            String tls = TlsTrust.explain(e);
            if (tls != null) {
                throw new EnrollmentException("refused the controller at " + controller + ": " + tls);
            }
            String why = e instanceof ConnectException ? "connection refused" : e instanceof HttpTimeoutException ? "no answer"
                    : e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            throw new EnrollmentException("cannot reach the controller at " + controller + ": " + why);
        }
        JsonNode answer;
        try {
            answer = JSON.readTree(response.body());
        } catch (JsonProcessingException e) {
            answer = null;
        }
        if (response.statusCode() != 201) {
            String message = answer != null && answer.path("message").isTextual() ? answer.path("message").asText()
                    : "HTTP " + response.statusCode();
            String retry = response.headers().firstValue("Retry-After").map(s -> " (retry after " + s + " s)").orElse("");
            throw new EnrollmentException("the controller refused the code: " + message + retry);
        }
        if (answer == null || !answer.path("boxId").isTextual() || !answer.path("mqtt").path("password").isTextual()) {
            throw new EnrollmentException("the controller's answer is not an enrollment: " + abbreviate(response.body()));
        }
        return answer;
    }

    private static SSLContext trust(String fingerprint) throws EnrollmentException {
        if (fingerprint == null) {
            return TlsTrust.system();
        }
        try {
            return TlsTrust.fingerprint(fingerprint);
        } catch (IllegalArgumentException e) {
            throw new EnrollmentException("--ca-fingerprint: " + e.getMessage());
        } catch (GeneralSecurityException e) {
            throw new EnrollmentException("TLS is not available in this JVM: " + e.getMessage());
        }
    }

    private static Result write(Request r, ObjectNode config, JsonNode answer) throws EnrollmentException {
        Path file = r.configFile().toAbsolutePath();
        Path folder = file.getParent();
        Path secret = folder.resolve(SECRET_FILE);
        Path ca = folder.resolve(CA_FILE);
        String caPem = answer.path("tls").path("caCertificate").isTextual() ? answer.path("tls").path("caCertificate").asText() : null;
        if (caPem != null && r.caFingerprint() != null) {
            // The answer came over a connection anchored at this fingerprint; the CA it hands over must be that one.
            try {
                String got = TlsTrust.fingerprint(TlsTrust.certificates(caPem).get(0));
                if (!got.equals(TlsTrust.normalize(r.caFingerprint()))) {
                    throw new EnrollmentException("the controller handed over a CA (" + got + ") other than --ca-fingerprint");
                }
            } catch (CertificateException | IndexOutOfBoundsException e) {
                throw new EnrollmentException("the controller's CA certificate is unreadable: " + e.getMessage());
            }
        }
        ObjectNode merged = merge(config, answer, caPem == null ? null : CA_FILE);
        try {
            Files.createDirectories(folder);
            writeSecret(secret, answer.path("mqtt").path("password").asText(), r.secretOwner());
            if (caPem != null) {
                replace(ca, caPem, null);
            }
            if (Files.exists(file)) {
                Files.copy(file, folder.resolve(file.getFileName() + ".bak"), StandardCopyOption.REPLACE_EXISTING,
                        StandardCopyOption.COPY_ATTRIBUTES);
            }
            replace(file, YAML.writeValueAsString(merged), Files.exists(file) ? file : null);
        } catch (IOException e) {
            throw new EnrollmentException("enrolled as box " + answer.path("boxId").asText() + ", but writing " + folder
                    + " failed: " + e.getMessage() + " (ask for a new code once it is fixed)");
        }
        try {
            ConfigLoader.load(file);
        } catch (ConfigException e) {
            throw new EnrollmentException("enrolled, but the written configuration does not load: " + e.getMessage());
        }
        return new Result(answer.path("boxId").asText(), answer.path("classroomId").asText(null),
                answer.path("schoolId").asText(null), answer.path("mqtt").path("uri").asText(), file, secret,
                caPem == null ? null : ca);
    }

    /** agent.yaml with the enrollment's fields set and every other field kept. */
    static ObjectNode merge(ObjectNode config, JsonNode answer, String caFile) {
        ObjectNode out = config.deepCopy();
        out.put("boxId", answer.path("boxId").asText());
        ObjectNode broker = out.get("broker") instanceof ObjectNode b ? b : out.putObject("broker");
        broker.put("uri", answer.path("mqtt").path("uri").asText());
        broker.remove("password");
        broker.remove("username");
        broker.put("passwordFile", SECRET_FILE);
        if (caFile != null) {
            broker.put("caFile", caFile);
        } else {
            broker.remove("caFile");
        }
        ArrayNode keys = JsonNodeFactory.instance.arrayNode();
        answer.path("config").path("publicKeys").forEach(k -> keys.add(k.asText()));
        out.set("controllerKeys", keys);
        JsonNode link = answer.path("controller");
        if (link.path("url").isTextual()) {
            ObjectNode controller = out.get("controller") instanceof ObjectNode c ? c : out.putObject("controller");
            controller.put("url", link.path("url").asText());
            if (link.path("echoPort").isInt()) {
                controller.put("echoPort", link.path("echoPort").asInt());
            }
        }
        if (!out.has("model") && answer.path("model").isTextual() && !"unknown".equals(answer.path("model").asText())) {
            out.put("model", answer.path("model").asText());
        }
        return out;
    }

    private static ObjectNode readExisting(Path file) throws EnrollmentException {
        if (!Files.exists(file)) {
            return JsonNodeFactory.instance.objectNode();
        }
        try {
            JsonNode node = YAML.readTree(Files.readString(file, StandardCharsets.UTF_8));
            if (node == null || node.isNull() || node.isMissingNode()) {
                return JsonNodeFactory.instance.objectNode();
            }
            if (!(node instanceof ObjectNode o)) {
                throw new EnrollmentException(file + " is not a YAML mapping of fields; move it away or fix it first");
            }
            return o;
        } catch (IOException e) {
            throw new EnrollmentException(file + " cannot be read as YAML (" + e.getMessage().lines().findFirst().orElse("")
                    + "); move it away or fix it first");
        }
    }

    private static void writeSecret(Path file, String secret, String owner) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        Files.createFile(tmp, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
        Files.writeString(tmp, secret + "\n", StandardCharsets.UTF_8);
        if (owner != null) {
            PosixFileAttributeView view = Files.getFileAttributeView(tmp, PosixFileAttributeView.class);
            var lookup = tmp.getFileSystem().getUserPrincipalLookupService();
            view.setOwner(lookup.lookupPrincipalByName(owner));
            view.setGroup(lookup.lookupPrincipalByGroupName(owner));
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Writes {@code text} atomically; with {@code like}, the new file gets that file's owner, group and mode. */
    private static void replace(Path file, String text, Path like) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        Files.writeString(tmp, text, StandardCharsets.UTF_8);
        if (like != null) {
            PosixFileAttributeView from = Files.getFileAttributeView(like, PosixFileAttributeView.class);
            PosixFileAttributeView to = Files.getFileAttributeView(tmp, PosixFileAttributeView.class);
            var attrs = from.readAttributes();
            to.setPermissions(attrs.permissions());
            UserPrincipal owner = attrs.owner();
            GroupPrincipal group = attrs.group();
            try {
                to.setOwner(owner);
                to.setGroup(group);
            } catch (IOException notRoot) {
                // Only root may give a file away; then it stays ours, with the same mode.
            }
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static boolean loopback(String host) {
        try {
            return host != null && InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static String abbreviate(String s) {
        return s == null ? "" : s.length() > 200 ? s.substring(0, 200) + "..." : s;
    }
}
