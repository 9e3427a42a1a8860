package org.syncready.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class ConfigSigningTest {
    private final ObjectMapper json = new ObjectMapper();

    @Test
    void canonicalFormSortsKeysDropsWhitespaceAndFormatsNumbersLikeEcmaScript() throws Exception {
        JsonNode body = json.readTree("{ \"b\": [1, 2.50, 1e3], \"a\": {\"z\": \"é\\n\", \"y\": true}, \"c\": -0.000001 }");
        assertEquals("{\"a\":{\"y\":true,\"z\":\"é\\n\"},\"b\":[1,2.5,1000],\"c\":-0.000001}",
                new String(ConfigSigning.canonical(body), StandardCharsets.UTF_8));
    }

    @Test
    void verifiesTheDocumentedExampleWithTheRfc8032TestKey() throws Exception {
        String doc = Files.readString(Path.of(System.getProperty("basedir", ".")).resolve("PROTOCOL.md"));
        Matcher key = Pattern.compile("public key\\s+`([0-9a-f]{64})`").matcher(doc);
        assertTrue(key.find());
        PublicKey pub = ConfigSigning.decodePublicKey(Base64.getEncoder().encodeToString(HexFormat.of().parseHex(key.group(1))));
        int start = doc.indexOf("<!-- example: config-desired.schema.json -->");
        int open = doc.indexOf("```json", start) + 7;
        ConfigDesired desired = new MessageCodec().decode(ConfigDesired.class,
                doc.substring(open, doc.indexOf("```", open)).getBytes(StandardCharsets.UTF_8));
        assertEquals(desired.sha256(), ConfigSigning.sha256(desired.body()));
        assertTrue(ConfigSigning.verify(desired, List.of(pub)));
        ConfigDesired otherBox = new ConfigDesired(1, "sch03-r205", desired.ts(), desired.version(), desired.profile(),
                desired.sha256(), desired.body(), desired.sig());
        assertFalse(ConfigSigning.verify(otherBox, List.of(pub)), "bound to the box");
    }

    @Test
    void signsAndVerifiesWithAnyPinnedKeyAndRefusesOthers() throws Exception {
        KeyPair current = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        KeyPair next = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        ObjectNode body = json.createObjectNode().put("x", 1);
        String sha = ConfigSigning.sha256(body);
        String sig = ConfigSigning.sign(current.getPrivate(), "box-1", 3, "m/p", sha);
        ConfigDesired doc = new ConfigDesired(1, "box-1", 1, 3, "m/p", sha, body, sig);
        PublicKey roundTripped = ConfigSigning.decodePublicKey(ConfigSigning.encodePublicKey(current.getPublic()));
        assertTrue(ConfigSigning.verify(doc, List.of(next.getPublic(), roundTripped)));
        assertFalse(ConfigSigning.verify(doc, List.of(next.getPublic())));
        ConfigDesired newer = new ConfigDesired(1, "box-1", 1, 4, "m/p", sha, body, sig);
        assertFalse(ConfigSigning.verify(newer, List.of(current.getPublic())), "bound to the version");
        ConfigDesired garbage = new ConfigDesired(1, "box-1", 1, 3, "m/p", sha, body, "not base64!!");
        assertFalse(ConfigSigning.verify(garbage, List.of(current.getPublic())));
        assertEquals(8, ConfigSigning.keyId(current.getPublic()).length());
    }

    @Test
    void refusesMalformedPublicKeysWithAReason() {
        assertThrows(IllegalArgumentException.class, () -> ConfigSigning.decodePublicKey("%%%"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ConfigSigning.decodePublicKey(Base64.getEncoder().encodeToString(new byte[16])));
        assertTrue(e.getMessage().contains("32 bytes"), e.getMessage());
    }
}
