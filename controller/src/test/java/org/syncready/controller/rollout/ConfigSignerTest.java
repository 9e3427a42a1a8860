package org.syncready.controller.rollout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.syncready.protocol.ConfigDesired;
import org.syncready.protocol.ConfigSigning;

class ConfigSignerTest {
    @TempDir
    Path keys;

    @Test
    void createsAnOwnerOnlyKeyOnceAndSignsWhatBoxesVerify() throws Exception {
        ConfigSigner first = ConfigSigner.loadOrCreate(keys);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(keys.resolve("config-signing.key"))));
        assertTrue(Files.readString(keys.resolve("config-signing.key")).startsWith("-----BEGIN PRIVATE KEY-----"));
        assertTrue(Files.readString(keys.resolve("config-signing.pub")).startsWith("-----BEGIN PUBLIC KEY-----"));
        ConfigSigner again = ConfigSigner.loadOrCreate(keys);
        assertEquals(first.publicKeysToPin(), again.publicKeysToPin(), "the same key after a restart");
        assertEquals(1, again.publicKeysToPin().size());

        ObjectNode body = new ObjectMapper().createObjectNode().put("x", 1);
        String sha = ConfigSigning.sha256(body);
        ConfigDesired doc = new ConfigDesired(1, "b1", 1, 1, "m/p", sha, body, again.sign("b1", 1, "m/p", sha));
        assertTrue(ConfigSigning.verify(doc, List.of(ConfigSigning.decodePublicKey(first.publicKeysToPin().get(0)))));
    }

    @Test
    void tightensAKeyOthersCanReadAndAnnouncesTheNextKeyDuringARotation() throws Exception {
        ConfigSigner.loadOrCreate(keys);
        Files.setPosixFilePermissions(keys.resolve("config-signing.key"), PosixFilePermissions.fromString("rw-r--r--"));
        var next = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        Files.writeString(keys.resolve("config-signing.next.pub"), "-----BEGIN PUBLIC KEY-----\n"
                + Base64.getMimeEncoder().encodeToString(next.getPublic().getEncoded()) + "\n-----END PUBLIC KEY-----\n");
        ConfigSigner rotating = ConfigSigner.loadOrCreate(keys);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(keys.resolve("config-signing.key"))));
        assertEquals(2, rotating.publicKeysToPin().size());
        assertEquals(ConfigSigning.encodePublicKey(next.getPublic()), rotating.publicKeysToPin().get(1));
    }

    @Test
    void signingManyAtOnceGivesEachDocumentItsOwnSignatureInOrder() throws Exception {
        ConfigSigner signer = ConfigSigner.loadOrCreate(keys);
        List<ConfigSigner.Input> inputs = new java.util.ArrayList<>();
        for (int i = 0; i < 1_000; i++) {
            inputs.add(new ConfigSigner.Input("box-" + i, i + 1, "m/p", ConfigSigning.sha256(new ObjectMapper().createObjectNode().put("n", i))));
        }
        List<String> all = signer.signAll(inputs);
        assertEquals(1_000, all.size());
        for (int i = 0; i < inputs.size(); i += 97) {
            ConfigSigner.Input in = inputs.get(i);
            assertEquals(signer.sign(in.boxId(), in.version(), in.profile(), in.sha256()), all.get(i), "signature " + i + " in its place");
        }
        assertEquals(1_000, new java.util.HashSet<>(all).size(), "no two documents share a signature");
        assertEquals(List.of(signer.sign("one", 1, "m/p", "0".repeat(64))), signer.signAll(List.of(new ConfigSigner.Input("one", 1, "m/p",
                "0".repeat(64)))), "a single document is signed on the caller's thread the same way");
    }

    @Test
    void refusesAPublicKeyThatIsNotThePrivateKeysHalf() throws Exception {
        ConfigSigner.loadOrCreate(keys);
        var other = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        Files.writeString(keys.resolve("config-signing.pub"), "-----BEGIN PUBLIC KEY-----\n"
                + Base64.getMimeEncoder().encodeToString(other.getPublic().getEncoded()) + "\n-----END PUBLIC KEY-----\n");
        IOException e = assertThrows(IOException.class, () -> ConfigSigner.loadOrCreate(keys));
        assertTrue(e.getMessage().contains("not the public half"), e.getMessage());
        Files.writeString(keys.resolve("config-signing.pub"), "garbage");
        assertThrows(IOException.class, () -> ConfigSigner.loadOrCreate(keys));
    }

    @Test
    void signsTheSameBytesAsTheJdkSoEveryAgentVerifiesThem() throws Exception {
        ConfigSigner signer = ConfigSigner.loadOrCreate(keys);
        String pem = Files.readString(keys.resolve("config-signing.key"));
        byte[] der = Base64.getMimeDecoder().decode(pem.replaceAll("-----[A-Z ]+-----", ""));
        PrivateKey jdkKey = KeyFactory.getInstance("Ed25519").generatePrivate(new PKCS8EncodedKeySpec(der));
        PublicKey pinned = ConfigSigning.decodePublicKey(signer.publicKeysToPin().get(0));
        ObjectNode body = new ObjectMapper().createObjectNode().put("stream", "rtmp://s2.example.org/live/河西");
        String sha = ConfigSigning.sha256(body);
        for (long version : new long[] {1, 2, 9_999_999_999L}) {
            for (String profile : List.of("generic-recorder-a/standard-1080p", "generic-recorder-b/教室-720p")) {
                String sig = signer.sign("box-hexi-g3", version, profile, sha);
                assertEquals(ConfigSigning.sign(jdkKey, "box-hexi-g3", version, profile, sha), sig, "Ed25519 is deterministic");
                assertTrue(ConfigSigning.verify(new ConfigDesired(1, "box-hexi-g3", 1, version, profile, sha, body, sig), List.of(pinned)));
                assertFalse(ConfigSigning.verify(new ConfigDesired(1, "box-hexi-g3", 1, version + 1, profile, sha, body, sig),
                        List.of(pinned)), "a signature does not carry over to another version");
            }
        }
    }

    @Test
    void refusesAPrivateKeyThatIsNotEd25519() throws Exception {
        ConfigSigner.loadOrCreate(keys);
        var rsa = KeyPairGenerator.getInstance("RSA").generateKeyPair();
        Files.writeString(keys.resolve("config-signing.key"), "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder().encodeToString(rsa.getPrivate().getEncoded()) + "\n-----END PRIVATE KEY-----\n");
        IOException e = assertThrows(IOException.class, () -> ConfigSigner.loadOrCreate(keys));
        assertTrue(e.getMessage().contains("unusable"), e.getMessage());
    }
}
