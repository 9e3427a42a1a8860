package org.syncready.controller.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TlsIdentityTest {
    private static final Clock NOW = Clock.fixed(Instant.parse("2026-03-02T00:00:00Z"), ZoneOffset.UTC);

    @TempDir
    Path dir;

    @Test
    void firstStartCreatesACaAndAServerCertificateItSignsForTheNamesAsked() throws Exception {
        TlsIdentity id = TlsIdentity.loadOrCreate(dir, List.of("ctl.example.edu.cn", "10.20.0.5"), NOW);

        X509Certificate server = id.certificate();
        X509Certificate ca = certificates(id.caPem()).get(0);
        // A PKIX validation anchored at the CA alone: what a box that pinned ca.pem does.
        PKIXParameters params = new PKIXParameters(Set.of(new TrustAnchor(ca, null)));
        params.setRevocationEnabled(false);
        params.setDate(java.util.Date.from(NOW.instant()));
        CertPathValidator.getInstance("PKIX").validate(CertificateFactory.getInstance("X.509")
                .generateCertPath(List.of(server)), params);

        assertEquals(Set.of("ctl.example.edu.cn", "10.20.0.5", "localhost", "127.0.0.1"), TlsIdentity.subjectAltNames(server));
        assertTrue(server.getExtendedKeyUsage().contains("1.3.6.1.5.5.7.3.1"), "serverAuth");
        assertEquals(-1, server.getBasicConstraints(), "not a CA");
        assertEquals(0, ca.getBasicConstraints(), "a CA that signs end certificates only");
        assertTrue(ca.getNotAfter().toInstant().isAfter(NOW.instant().plus(Duration.ofDays(365 * 19))));
        // The chain the listeners present ends with the CA, so a box can find the CA it pins by fingerprint.
        List<X509Certificate> chain = certificates(id.chainPem());
        assertEquals(List.of(server, ca), chain);
        assertEquals(TlsIdentity.fingerprint(ca), id.caFingerprint());
        assertTrue(id.caFingerprint().matches("([0-9A-F]{2}:){31}[0-9A-F]{2}"), id.caFingerprint());

        for (String f : List.of("ca.pem", "ca-key.pem", "server.pem", "server-key.pem")) {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(f))), f);
        }
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
        assertTrue(id.keyPem().startsWith("-----BEGIN PRIVATE KEY-----"), "PKCS#8, what Vert.x reads");
    }

    @Test
    void aRestartKeepsTheCaAndTheCertificateAndANewNameGetsANewCertificateFromTheSameCa() throws Exception {
        TlsIdentity first = TlsIdentity.loadOrCreate(dir, List.of("ctl.example.edu.cn"), NOW);
        TlsIdentity again = TlsIdentity.loadOrCreate(dir, List.of("ctl.example.edu.cn"), NOW);
        assertEquals(first.certificate(), again.certificate());
        assertEquals(first.caFingerprint(), again.caFingerprint());

        TlsIdentity renamed = TlsIdentity.loadOrCreate(dir, List.of("ctl.example.edu.cn", "10.20.0.6"), NOW);
        assertNotEquals(first.certificate(), renamed.certificate());
        assertEquals(first.caFingerprint(), renamed.caFingerprint(), "boxes keep trusting the same CA");
        assertTrue(TlsIdentity.subjectAltNames(renamed.certificate()).contains("10.20.0.6"));
        renamed.certificate().verify(certificates(first.caPem()).get(0).getPublicKey());
    }

    @Test
    void aCertificateNearItsEndIsIssuedAgain() throws Exception {
        TlsIdentity first = TlsIdentity.loadOrCreate(dir, List.of("ctl"), NOW);
        Clock late = Clock.offset(NOW, TlsIdentity.SERVER_VALIDITY.minus(TlsIdentity.RENEW_BEFORE).plusDays(1));
        TlsIdentity renewed = TlsIdentity.loadOrCreate(dir, List.of("ctl"), late);
        assertNotEquals(first.certificate(), renewed.certificate());
        assertTrue(renewed.certificate().getNotAfter().after(first.certificate().getNotAfter()));
    }

    @Test
    void defaultNamesAreThisMachinesWithLoopbackAlways() {
        List<String> names = TlsIdentity.defaultHostnames();
        assertTrue(names.contains("localhost") && names.contains("127.0.0.1"), names.toString());
        assertFalse(names.stream().anyMatch(n -> n.startsWith("127.") && !n.equals("127.0.0.1")), names.toString());
    }

    @Test
    void theOperatorsPemFilesAreReadAndTheirKeyMustMatch() throws Exception {
        TlsIdentity made = TlsIdentity.loadOrCreate(dir.resolve("made"), List.of("ctl"), NOW);
        Path cert = Files.writeString(dir.resolve("cert.pem"), made.chainPem());
        Path key = Files.writeString(dir.resolve("key.pem"), made.keyPem());

        TlsIdentity given = TlsIdentity.fromFiles(cert, key, null);
        assertEquals(made.certificate(), given.certificate());
        // The chain ends in a self-signed CA: that is what boxes pin.
        assertEquals(made.caFingerprint(), given.caFingerprint());

        Path leafOnly = Files.writeString(dir.resolve("leaf.pem"), TlsIdentity.pem(made.certificate()));
        assertNull(TlsIdentity.fromFiles(leafOnly, key, null).caPem(), "no CA known: boxes use their system trust store");

        TlsIdentity other = TlsIdentity.loadOrCreate(dir.resolve("other"), List.of("ctl"), NOW);
        Path wrongKey = Files.writeString(dir.resolve("wrong-key.pem"), other.keyPem());
        assertTrue(assertThrows(java.io.IOException.class, () -> TlsIdentity.fromFiles(cert, wrongKey, null))
                .getMessage().contains("is not the key"));
        Path empty = Files.writeString(dir.resolve("empty.pem"), "nothing here\n");
        assertTrue(assertThrows(java.io.IOException.class, () -> TlsIdentity.fromFiles(empty, key, null))
                .getMessage().contains("no PEM certificate"));
        assertTrue(assertThrows(java.io.IOException.class, () -> TlsIdentity.fromFiles(dir.resolve("missing.pem"), key, null))
                .getMessage().contains("does not exist"));
    }

    @Test
    void theBrokersKeyStoreHoldsTheChainAndKeyOwnerOnly() throws Exception {
        TlsIdentity id = TlsIdentity.loadOrCreate(dir, List.of("ctl"), NOW);
        char[] password = TlsIdentity.newKeyStorePassword();
        Path file = dir.resolve("server.jks");
        id.writeKeyStore(file, password);

        KeyStore store = KeyStore.getInstance("JKS");
        try (InputStream in = Files.newInputStream(file)) {
            store.load(in, password);
        }
        assertEquals(2, store.getCertificateChain("syncready").length);
        assertTrue(store.isKeyEntry("syncready"));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertNotEquals(new String(password), new String(TlsIdentity.newKeyStorePassword()));
    }

    private static List<X509Certificate> certificates(String pem) throws Exception {
        return CertificateFactory.getInstance("X.509")
                .generateCertificates(new java.io.ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)))
                .stream().map(X509Certificate.class::cast).toList();
    }
}
