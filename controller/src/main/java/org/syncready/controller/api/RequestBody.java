package org.syncready.controller.api;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerFileUpload;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import java.util.Locale;

/**
 * Reads a request body into memory as raw bytes, up to a limit, before the route runs; the route gets
 * it from {@link #bytes}. Unlike Vert.x Web's BodyHandler it never decodes a body by its content type:
 * a JSON body that curl sends as {@code application/x-www-form-urlencoded} (its default for {@code -d})
 * is still the JSON, whatever {@code %} or length it has, and nothing is ever written to disk.
 *
 * <p>A multipart form upload is accepted only where a file is expected ({@code fileUpload}): its one
 * file part is read in memory under the same limit. Elsewhere it is refused with 415.
 *
 * <p>Every refusal is an {@link ApiException} (400, 413 or 415) with a sentence naming the limit.
 */
final class RequestBody implements Handler<RoutingContext> {
    private static final String KEY = "syncready.requestBody";

    private final long limit;
    private final boolean fileUpload;

    /**
     * @param limit      most bytes accepted (the whole body, or the uploaded file)
     * @param fileUpload whether a multipart upload with one file part is read as the body
     */
    RequestBody(long limit, boolean fileUpload) {
        this.limit = limit;
        this.fileUpload = fileUpload;
    }

    /** The body the handler read; empty when there was none. */
    static byte[] bytes(RoutingContext ctx) {
        Buffer body = ctx.get(KEY);
        return body == null ? new byte[0] : body.getBytes();
    }

    /**
     * The body's fields when it is an HTML form ({@code application/x-www-form-urlencoded}): the login
     * page's {@code username} and {@code password}, a form's {@code _csrf}. Empty for any other body.
     */
    static java.util.Map<String, String> form(RoutingContext ctx) {
        String type = ctx.request().getHeader("content-type");
        java.util.Map<String, String> fields = new java.util.LinkedHashMap<>();
        if (type == null || !type.toLowerCase(Locale.ROOT).startsWith("application/x-www-form-urlencoded")) {
            return fields;
        }
        for (String pair : new String(bytes(ctx), java.nio.charset.StandardCharsets.UTF_8).split("&")) {
            int eq = pair.indexOf('=');
            try {
                String name = java.net.URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), java.nio.charset.StandardCharsets.UTF_8);
                String value = eq < 0 ? "" : java.net.URLDecoder.decode(pair.substring(eq + 1), java.nio.charset.StandardCharsets.UTF_8);
                fields.putIfAbsent(name, value);
            } catch (IllegalArgumentException e) {
                // A malformed %-escape: that field is left out, and the route says what is missing.
            }
        }
        return fields;
    }

    /** "4 MiB", "64 KiB": the limit as people read it. */
    static String describe(long bytes) {
        if (bytes % (1024 * 1024) == 0) {
            return bytes / (1024 * 1024) + " MiB";
        }
        return bytes % 1024 == 0 ? bytes / 1024 + " KiB" : bytes + " bytes";
    }

    @Override
    public void handle(RoutingContext ctx) {
        if (ctx.get(KEY) != null) {
            ctx.next(); // read already, under the route's own limit
            return;
        }
        HttpServerRequest req = ctx.request();
        if (req.isEnded()) {
            ctx.put(KEY, Buffer.buffer());
            ctx.next();
            return;
        }
        long declared = contentLength(req);
        if (declared > limit) {
            refuse(ctx, tooLarge());
            return;
        }
        String type = req.getHeader("content-type");
        type = type == null ? "" : type.toLowerCase(Locale.ROOT);
        if (type.startsWith("multipart/")) {
            if (!fileUpload) {
                refuse(ctx, new ApiException(415, "unsupported_media_type", "this endpoint reads a JSON body, not a form"
                        + " upload: send the JSON itself (curl -d '{...}' or --data-binary @file.json)."
                        + " 请直接发送 JSON 请求体，而不是表单上传。"));
                return;
            }
            readUpload(ctx, req);
        } else {
            readRaw(ctx, req);
        }
    }

    private void readRaw(RoutingContext ctx, HttpServerRequest req) {
        Reading reading = new Reading(ctx);
        req.handler(reading::append);
        req.exceptionHandler(reading::broken);
        req.endHandler(v -> reading.end());
        req.resume();
    }

    /** The one file part of a multipart upload, in memory; form fields are ignored. */
    private void readUpload(RoutingContext ctx, HttpServerRequest req) {
        Reading reading = new Reading(ctx);
        int[] files = {0};
        req.setExpectMultipart(true);
        req.uploadHandler((HttpServerFileUpload upload) -> {
            if (++files[0] > 1) {
                reading.refuse(new ApiException(400, "bad_request", "attach exactly one file (curl -F file=@timetable.csv)."
                        + " 只能上传一个文件。"));
            }
            upload.handler(reading::append);
            upload.exceptionHandler(reading::broken);
        });
        req.exceptionHandler(reading::broken);
        req.endHandler(v -> {
            if (files[0] == 0) {
                reading.refuse(new ApiException(400, "bad_request", "the form has no file: attach it with"
                        + " curl -F file=@timetable.csv, or send the file itself as the body (curl --data-binary @timetable.csv)."
                        + " 表单中没有文件。"));
            }
            reading.end();
        });
        req.resume();
    }

    private ApiException tooLarge() {
        return new ApiException(413, "too_large", "the request body is larger than " + describe(limit) + " (" + limit
                + " bytes), the most this endpoint accepts. 请求体超过上限 " + describe(limit) + "。");
    }

    private static void refuse(RoutingContext ctx, ApiException e) {
        if (!ctx.failed() && !ctx.response().ended()) {
            // The client may still be sending: do not read the rest of a refused body.
            ctx.response().putHeader("connection", "close");
            ctx.fail(e.status, e);
        }
    }

    private static long contentLength(HttpServerRequest req) {
        String value = req.getHeader("content-length");
        if (value == null) {
            return -1;
        }
        try {
            return Long.parseLong(value.strip());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** One body being read: bytes so far, and whether it was refused already. */
    private final class Reading {
        private final RoutingContext ctx;
        private final Buffer body = Buffer.buffer();
        private boolean done;

        Reading(RoutingContext ctx) {
            this.ctx = ctx;
        }

        void append(Buffer chunk) {
            if (done) {
                return;
            }
            if (body.length() + (long) chunk.length() > limit) {
                refuse(tooLarge());
                return;
            }
            body.appendBuffer(chunk);
        }

        void broken(Throwable cause) {
            String why = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
            refuse(new ApiException(400, "bad_request", "the request body could not be read: " + why));
        }

        void refuse(ApiException e) {
            if (!done) {
                done = true;
                RequestBody.refuse(ctx, e);
            }
        }

        void end() {
            if (!done) {
                done = true;
                ctx.put(KEY, body);
                ctx.next();
            }
        }
    }
}
