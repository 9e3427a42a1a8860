package org.syncready.controller;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Calls the controller's EMQX hook as EMQX 5 does, with the configuration docs/OPERATIONS.md ("EMQX") tells an
 * operator to give EMQX: each request's headers and JSON body are that configuration's {@code headers} and
 * {@code body} templates with EMQX's placeholders filled in, POSTed to the path of its {@code url}; answers are read
 * as EMQX reads them (the authenticator: 200 or 204 with {@code result}, anything else "ignore"; the authorizer: 204
 * allow, 200 with {@code result}, anything else "ignore"). An allowed connection keeps the {@code client_attrs} it
 * was given, for the authorizer's {@code ${client_attrs.*}} placeholders. So the documented configuration is tested
 * with the routes.
 */
final class EmqxStandIn {
    /** EMQX's reading of an answer. */
    enum Verdict { ALLOW, DENY, IGNORE }

    /** One MQTT connection as EMQX knows it: CONNECT's fields, and the attributes authentication gave it. */
    static final class Client {
        final String clientId;
        final String username;
        final String password;
        final Map<String, String> attributes = new HashMap<>();

        Client(String clientId, String username, String password) {
            this.clientId = clientId;
            this.username = username;
            this.password = password;
        }
    }

    /** One of EMQX's HTTP sources as configured: where it posts, its headers and its body template. */
    record Source(String path, Map<String, String> headers, Map<String, String> body) {
    }

    private static final Pattern BLOCK = Pattern.compile("```hocon\\n(.*?)```", Pattern.DOTALL);
    private static final Pattern ENTRY = Pattern.compile("^\\s*\"?([A-Za-z0-9_-]+)\"?\\s*=\\s*\"([^\"]*)\"\\s*$", Pattern.MULTILINE);
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Za-z0-9_.]+)}");

    final Source authentication;
    final Source authorization;
    private final String base;
    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();

    private EmqxStandIn(String base, Source authentication, Source authorization) {
        this.base = base;
        this.authentication = authentication;
        this.authorization = authorization;
    }

    /** EMQX configured as docs/OPERATIONS.md says, the secret's placeholder replaced by {@code secret}, at {@code base}. */
    static EmqxStandIn asDocumented(String base, String secret) throws IOException {
        String doc = Files.readString(Path.of("../docs/OPERATIONS.md"));
        String section = doc.substring(doc.indexOf("\n## EMQX"));
        Matcher m = BLOCK.matcher(section);
        if (!m.find()) {
            throw new IllegalStateException("docs/OPERATIONS.md, EMQX: no hocon block");
        }
        String conf = m.group(1);
        int split = conf.indexOf("\nauthorization {");
        return new EmqxStandIn(base, source(conf.substring(0, split), secret), source(conf.substring(split), secret));
    }

    private static Source source(String part, String secret) {
        Matcher url = Pattern.compile("url = \"https?://[^/]+(/[^\"]*)\"").matcher(part);
        if (!url.find()) {
            throw new IllegalStateException("no url in " + part);
        }
        Map<String, String> headers = entries(block(part, "headers"));
        headers.replaceAll((k, v) -> v.startsWith("<") ? secret : v);
        return new Source(url.group(1), headers, entries(block(part, "body")));
    }

    private static String block(String part, String name) {
        // Up to the brace closing the block on a line of its own (the placeholders hold braces too).
        int start = part.indexOf(name + " {");
        Matcher end = Pattern.compile("\\n\\s*}").matcher(part);
        if (start < 0 || !end.find(start)) {
            throw new IllegalStateException("no " + name + " block in " + part);
        }
        return part.substring(start, end.end());
    }

    private static Map<String, String> entries(String block) {
        Map<String, String> out = new LinkedHashMap<>();
        Matcher m = ENTRY.matcher(block);
        while (m.find()) {
            out.put(m.group(1), m.group(2));
        }
        return out;
    }

    /** EMQX at CONNECT. */
    Verdict connect(Client c) throws IOException, InterruptedException {
        Map<String, String> values = Map.of("clientid", c.clientId, "username", c.username, "password", c.password,
                "peerhost", "10.20.30.40");
        HttpResponse<String> r = post(authentication, render(authentication.body(), values, c));
        Verdict v = read(r, false);
        if (v == Verdict.ALLOW) {
            json.readTree(r.body()).path("client_attrs").fields().forEachRemaining(e -> c.attributes.put(e.getKey(), e.getValue().asText()));
        }
        return v;
    }

    /** EMQX before a publish or a subscription ({@code action} publish or subscribe). */
    Verdict authorize(Client c, String action, String topic) throws IOException, InterruptedException {
        Map<String, String> values = Map.of("clientid", c.clientId, "username", c.username, "topic", topic, "action", action,
                "qos", "1", "retain", "false", "peerhost", "10.20.30.40");
        return read(post(authorization, render(authorization.body(), values, c)), true);
    }

    /** The request as EMQX would make it to {@code source}, with this body: for answers EMQX does not read. */
    HttpResponse<String> post(Source source, String body) throws IOException, InterruptedException {
        return post(source, source.headers(), body);
    }

    HttpResponse<String> post(Source source, Map<String, String> headers, String body) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + source.path())).POST(HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(b::header);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A body template with EMQX's placeholders filled in: unknown ones (a client attribute it lacks) become empty. */
    String render(Map<String, String> template, Map<String, String> values, Client c) {
        ObjectNode out = json.createObjectNode();
        template.forEach((k, v) -> {
            Matcher m = PLACEHOLDER.matcher(v);
            StringBuilder s = new StringBuilder();
            while (m.find()) {
                String name = m.group(1);
                String value = name.startsWith("client_attrs.") ? c.attributes.getOrDefault(name.substring(13), "")
                        : values.getOrDefault(name, "");
                m.appendReplacement(s, Matcher.quoteReplacement(value));
            }
            m.appendTail(s);
            out.put(k, s.toString());
        });
        return out.toString();
    }

    private Verdict read(HttpResponse<String> r, boolean authorizer) throws IOException {
        if (r.statusCode() == 204) {
            return authorizer ? Verdict.ALLOW : Verdict.IGNORE;
        }
        if (r.statusCode() != 200) {
            return Verdict.IGNORE;
        }
        if (!r.headers().firstValue("content-type").orElse("").equals("application/json")) {
            throw new AssertionError("EMQX 5.0 reads only content-type application/json: " + r.headers().map());
        }
        JsonNode body = json.readTree(r.body());
        return switch (body.path("result").asText()) {
            case "allow" -> Verdict.ALLOW;
            case "deny" -> Verdict.DENY;
            default -> Verdict.IGNORE;
        };
    }
}
