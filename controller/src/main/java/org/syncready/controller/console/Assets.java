package org.syncready.controller.console;

import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.zip.GZIPOutputStream;

/**
 * The console's browser files, read from the jar once at start and kept in memory (raw and gzipped):
 * htmx, its SSE extension and ECharts from their WebJars, and the console's own CSS and script. Each is
 * served at {@code /console/assets/<version>/<name>}, the version being the WebJar's (or a hash of our
 * own file), so a URL never changes content and is cached for a year ({@code immutable}); a new release
 * has new URLs. Only these names are served: nothing else of the class path is reachable.
 */
public final class Assets {
    /** Where the assets are mounted. */
    public static final String PREFIX = "/console/assets/";

    /** One file: its URL, content type, and bytes. */
    record Asset(String name, String version, String type, byte[] raw, byte[] gzip) {
        String url() {
            return PREFIX + version + "/" + name;
        }
    }

    private final Map<String, Asset> byName = new LinkedHashMap<>();

    /** Reads every asset (blocking: at start, never on an event loop). */
    Assets() {
        webjar("htmx.js", "htmx.org", "dist/htmx.min.js");
        webjar("htmx-sse.js", "htmx-ext-sse", "sse.js");
        webjar("echarts.js", "echarts", "dist/echarts.min.js");
        own("console.css", "text/css; charset=utf-8");
        own("console.js", "text/javascript; charset=utf-8");
        // The task pages' behaviour (charts, copy buttons, forms that show refusals in place): console-tasks.
        own("tasks.js", "text/javascript; charset=utf-8");
        own("tasks.css", "text/css; charset=utf-8");
    }

    /** The URL of an asset, by name ({@code htmx.js}, {@code console.css}, ...). */
    public String url(String name) {
        Asset a = byName.get(name);
        if (a == null) {
            throw new IllegalArgumentException("no console asset '" + name + "'");
        }
        return a.url();
    }

    /** Bytes of the raw file, for the page-weight figures. */
    int size(String name) {
        return byName.get(name).raw().length;
    }

    /** {@code GET /console/assets/:version/:name}. */
    void serve(RoutingContext ctx) {
        Asset a = byName.get(ctx.pathParam("name"));
        if (a == null || !a.version().equals(ctx.pathParam("version"))) {
            ctx.response().setStatusCode(404).putHeader("content-type", "text/plain; charset=utf-8")
                    .putHeader("Cache-Control", "no-store").end("no such asset");
            return;
        }
        String etag = "\"" + a.version() + "\"";
        ctx.response().putHeader("content-type", a.type())
                .putHeader("Cache-Control", "public, max-age=31536000, immutable")
                .putHeader("ETag", etag)
                .putHeader("Vary", "Accept-Encoding")
                .putHeader("X-Content-Type-Options", "nosniff");
        if (etag.equals(ctx.request().getHeader("If-None-Match"))) {
            ctx.response().setStatusCode(304).end();
            return;
        }
        String accept = ctx.request().getHeader("Accept-Encoding");
        if (accept != null && accept.contains("gzip")) {
            ctx.response().putHeader("Content-Encoding", "gzip").end(Buffer.buffer(a.gzip()));
        } else {
            ctx.response().end(Buffer.buffer(a.raw()));
        }
    }

    private void webjar(String name, String artifact, String file) {
        String version = webjarVersion(artifact);
        byte[] raw = read("/META-INF/resources/webjars/" + artifact + "/" + version + "/" + file);
        byByName(new Asset(name, version, "text/javascript; charset=utf-8", raw, gzip(raw)));
    }

    private void own(String name, String type) {
        byte[] raw = read("/org/syncready/controller/console/assets/" + name);
        byByName(new Asset(name, hash(raw), type, raw, gzip(raw)));
    }

    private void byByName(Asset a) {
        byName.put(a.name(), a);
    }

    /** The WebJar's version, from the Maven properties it carries: the pom pins it, nothing here repeats it. */
    private static String webjarVersion(String artifact) {
        Properties p = new Properties();
        try (InputStream in = Assets.class.getResourceAsStream("/META-INF/maven/org.webjars.npm/" + artifact + "/pom.properties")) {
            if (in == null) {
                throw new IllegalStateException("WebJar " + artifact + " is not on the class path");
            }
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p.getProperty("version");
    }

    private static byte[] read(String resource) {
        try (InputStream in = Assets.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("console asset missing from the class path: " + resource);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] gzip(byte[] raw) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length / 3 + 64);
        try (GZIPOutputStream z = new GZIPOutputStream(out)) {
            z.write(raw);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static String hash(byte[] raw) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(raw), 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
