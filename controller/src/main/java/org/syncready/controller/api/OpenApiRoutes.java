package org.syncready.controller.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * {@code GET /openapi.json}: the OpenAPI 3.1 description of the whole API. It is written by hand as
 * {@code openapi.yaml} beside this class (reviewed like code, with prose and examples) and served as
 * JSON; OpenApiDocumentTest keeps it true to the router.
 */
public final class OpenApiRoutes implements RouteGroup {
    /** Where the document is, on the class path. */
    public static final String RESOURCE = "/org/syncready/controller/api/openapi.yaml";

    private final String json;

    /** Reads and converts the document once (at start, not on an event loop). */
    public OpenApiRoutes() {
        this.json = document().toString();
    }

    /** The document as a JSON tree. */
    public static JsonNode document() {
        try (InputStream in = OpenApiRoutes.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("missing " + RESOURCE + " in the controller jar");
            }
            return new ObjectMapper().readTree(new ObjectMapper().writeValueAsString(new YAMLMapper().readTree(in)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
    }

    @Override
    public void mount(ApiRoutes routes, ApiContext api) {
        routes.get("/openapi.json", Policy.open("describes the API, holds no data: clients and generators read it before logging in"),
                ctx -> ctx.response().putHeader("content-type", "application/json; charset=utf-8")
                .putHeader("cache-control", "no-cache").end(json));
    }
}
