package org.syncready.firmware;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProfileCatalogueTest {
    private final ObjectMapper json = new ObjectMapper();

    @TempDir
    Path tmp;

    @Test
    void extendsLayersTheChildOnItsParent() throws Exception {
        ProfileCatalogue catalogue = ProfileCatalogue.packaged();
        JsonNode low = catalogue.profile("generic-recorder-a/low-uplink-720p").orElseThrow().body();
        JsonNode std = catalogue.profile("generic-recorder-a/standard-1080p").orElseThrow().body();
        assertEquals("1280x720", low.at("/video/resolution").asText());
        assertEquals(1500, low.at("/video/bitrateKbps").asInt());
        assertEquals(25, low.at("/video/fps").asInt(), "inherited");
        assertEquals(std.get("cameras"), low.get("cameras"), "inherited");
        assertEquals(120, low.at("/agent/heartbeatS").asInt());
        assertEquals(std.at("/agent/report"), low.at("/agent/report"), "inherited");
        assertFalse(low.has("extends"));
    }

    @Test
    void aLayerSettingTheHeartbeatUnderEitherNameReplacesBothInheritedNames() throws Exception {
        JsonNode base = json.readTree("{\"agent\":{\"heartbeatS\":60,\"probeTimeoutMs\":3000}}");
        JsonNode old = ConfigLayers.merge(base, json.readTree("{\"agent\":{\"statusIntervalS\":10}}"));
        assertEquals(json.readTree("{\"agent\":{\"probeTimeoutMs\":3000,\"statusIntervalS\":10}}"), old);
        JsonNode back = ConfigLayers.merge(old, json.readTree("{\"agent\":{\"heartbeatS\":90}}"));
        assertEquals(json.readTree("{\"agent\":{\"probeTimeoutMs\":3000,\"heartbeatS\":90}}"), back);
        JsonNode both = ConfigLayers.merge(old, json.readTree("{\"agent\":{\"heartbeatS\":30,\"statusIntervalS\":30}}"));
        assertEquals(30, both.at("/agent/statusIntervalS").asInt());
        assertEquals(30, both.at("/agent/heartbeatS").asInt());
    }

    @Test
    void overridesMergeListEntriesByIdAndAreValidatedNamingTheField() throws Exception {
        ProfileCatalogue catalogue = ProfileCatalogue.packaged();
        Map<String, JsonNode> layers = new LinkedHashMap<>();
        layers.put("override school sch01", json.readTree("{\"stream\":{\"pushUrl\":\"rtmp://s1.example.org/live/x\"}}"));
        layers.put("override box b1", json.readTree("{\"cameras\":[{\"id\":\"cam-student\",\"url\":\"rtsp://10.0.0.9/live\"}]}"));
        JsonNode body = catalogue.render("generic-recorder-b/classroom-1080p", layers);
        assertEquals("rtmp://s1.example.org/live/x", body.at("/stream/pushUrl").asText());
        assertEquals("rtmp://stream-backup.example.org/live/classroom", body.at("/stream/backupUrl").asText(), "kept");
        assertEquals("rtsp://10.0.0.9/live", body.at("/cameras/1/url").asText());
        assertEquals("student", body.at("/cameras/1/role").asText(), "the rest of the entry kept");
        assertEquals(3, body.get("cameras").size());

        ProfileException bad = assertThrows(ProfileException.class, () -> catalogue.render("generic-recorder-b/classroom-1080p",
                Map.of("override box b1", json.readTree("{\"video\":{\"fps\":60,\"bitrateKpbs\":1}}"))));
        assertTrue(bad.problems().stream().anyMatch(p -> p.pointer().equals("/video/fps")), bad.getMessage());
        assertTrue(bad.getMessage().contains("bitrateKpbs"), bad.getMessage());
        assertTrue(bad.getMessage().startsWith("override box b1 "), bad.getMessage());

        ProfileException model = assertThrows(ProfileException.class, () -> catalogue.render("generic-recorder-b/classroom-1080p",
                Map.of("override box b1", json.readTree("{\"model\":\"generic-recorder-a\"}"))));
        assertEquals("/model", model.problems().get(0).pointer());
        ProfileException unknown = assertThrows(ProfileException.class, () -> catalogue.render("nope/x", Map.of()));
        assertTrue(unknown.getMessage().contains("no profile 'nope/x'"), unknown.getMessage());
    }

    @Test
    void layersRemoveKeysAndEntriesAndReplacePlainLists() throws Exception {
        JsonNode base = json.readTree("{\"a\":1,\"b\":{\"c\":2},\"cams\":[{\"id\":\"x\",\"v\":1},{\"id\":\"y\",\"v\":2}],\"n\":[1,2]}");
        JsonNode layer = json.readTree("{\"a\":null,\"b\":{\"d\":3},\"cams\":[{\"id\":\"x\",\"remove\":true},{\"id\":\"z\",\"v\":3}],\"n\":[3]}");
        assertEquals(json.readTree("{\"b\":{\"c\":2,\"d\":3},\"cams\":[{\"id\":\"y\",\"v\":2},{\"id\":\"z\",\"v\":3}],\"n\":[3]}"),
                ConfigLayers.merge(base, layer));
        assertEquals(json.readTree("{\"a\":1,\"b\":{\"c\":2},\"cams\":[],\"n\":[1,2]}"),
                ConfigLayers.merge(base, json.readTree("{\"cams\":[]}")), "an empty list replaces");
        assertEquals(1, base.get("a").asInt(), "inputs untouched");
    }

    @Test
    void aBrokenCatalogueIsRefusedWithEveryProblemNamed() throws Exception {
        Path dir = copyOfModule();
        Path a = dir.resolve("profiles/generic-recorder-a");
        Files.writeString(a.resolve("loop-1.yaml"), "extends: loop-2\nname: loop-1\n");
        Files.writeString(a.resolve("loop-2.yaml"), "extends: loop-1\nname: loop-2\n");
        Files.writeString(a.resolve("orphan.yaml"), "extends: missing\nname: orphan\n");
        Files.writeString(a.resolve("bad.yaml"), "extends: standard-1080p\nname: bad\nvideo: {fps: 50}\n");
        Files.writeString(a.resolve("broken.json"), "{\"model\": ");
        ProfileException e = assertThrows(ProfileException.class, () -> ProfileCatalogue.load(dir));
        String all = e.getMessage();
        assertTrue(all.contains("profiles/generic-recorder-a/loop-1.yaml /extends: extends chain loops"), all);
        assertTrue(all.contains("profiles/generic-recorder-a/orphan.yaml /extends: no profile 'generic-recorder-a/missing'"), all);
        assertTrue(all.contains("profiles/generic-recorder-a/bad.yaml /video/fps"), all);
        assertTrue(all.contains("profiles/generic-recorder-a/broken.json /: cannot parse"), all);
    }

    @Test
    void checksASingleFileAgainstTheCatalogue() throws Exception {
        ProfileCatalogue catalogue = ProfileCatalogue.packaged();
        JsonNode ok = catalogue.check("mine.yaml", "extends: classroom-1080p\nname: mine\nvideo: {bitrateKbps: 2500}\n", "generic-recorder-b");
        assertEquals(2500, ok.at("/video/bitrateKbps").asInt());
        ProfileException e = assertThrows(ProfileException.class,
                () -> catalogue.check("mine.yaml", "extends: classroom-1080p\nname: mine\nvideo: {codec: h265}\n", "generic-recorder-b"));
        assertEquals("/video/codec", e.problems().get(0).pointer());
    }

    private Path copyOfModule() throws IOException {
        Path src = ProfilesValidateTest.moduleDir();
        for (String sub : new String[] {"profiles", "schemas"}) {
            try (Stream<Path> files = Files.walk(src.resolve(sub))) {
                for (Path f : files.toList()) {
                    Path to = tmp.resolve(src.relativize(f).toString());
                    if (Files.isDirectory(f)) {
                        Files.createDirectories(to);
                    } else {
                        Files.copy(f, to);
                    }
                }
            }
        }
        return tmp;
    }
}
