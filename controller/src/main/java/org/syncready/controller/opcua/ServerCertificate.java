package org.syncready.controller.opcua;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Period;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import org.eclipse.milo.opcua.stack.core.util.CertificateUtil;
import org.eclipse.milo.opcua.stack.core.util.SelfSignedCertificateBuilder;
import org.eclipse.milo.opcua.stack.core.util.SelfSignedCertificateGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The OPC UA server's application instance certificate: made once (RSA 2048, self-signed, 10 years,
 * the application URI {@code urn:syncready:controller:<host>}, the host names and addresses clients
 * use) in {@code <data>/opcua/server.p12}, mode 0600 in a 0700 folder; {@code server.der} beside it is
 * the public certificate clients trust. An operator may replace both with a certificate from their
 * own CA (same alias {@code server}); its application URI is used as the server's.
 */
record ServerCertificate(KeyPair keyPair, X509Certificate certificate, String applicationUri) {
    private static final Logger log = LoggerFactory.getLogger(ServerCertificate.class);
    static final String FILE = "server.p12";
    static final String DER = "server.der";
    private static final String ALIAS = "server";
    /** PKCS#12 needs a password; the file's mode is what protects the key. */
    private static final char[] STORE_PASSWORD = "syncready".toCharArray();

    static ServerCertificate loadOrCreate(Path dir, Set<String> hostNames, Set<String> addresses) throws Exception {
        Path file = dir.resolve(FILE);
        if (Files.exists(file)) {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(file)) {
                ks.load(in, STORE_PASSWORD);
            }
            PrivateKey key = (PrivateKey) ks.getKey(ALIAS, STORE_PASSWORD);
            X509Certificate cert = (X509Certificate) ks.getCertificate(ALIAS);
            if (key == null || cert == null) {
                throw new IllegalStateException(file + " holds no key and certificate under the alias '" + ALIAS + "'");
            }
            String uri = CertificateUtil.getSanUri(cert).orElseThrow(() -> new IllegalStateException(
                    file + ": the certificate has no application URI (subjectAltName URI)"));
            return new ServerCertificate(new KeyPair(cert.getPublicKey(), key), cert, uri);
        }
        return create(dir, file, hostNames, addresses);
    }

    private static ServerCertificate create(Path dir, Path file, Set<String> hostNames, Set<String> addresses) throws Exception {
        createPrivateDirectory(dir);
        String host = hostNames.stream().findFirst().orElse("localhost");
        String uri = "urn:syncready:controller:" + host;
        KeyPair pair = SelfSignedCertificateGenerator.generateRsaKeyPair(2048);
        SelfSignedCertificateBuilder builder = new SelfSignedCertificateBuilder(pair)
                .setCommonName("SyncReady controller " + host)
                .setOrganization("SyncReady")
                .setApplicationUri(uri)
                .setValidityPeriod(Period.ofYears(10));
        hostNames.forEach(builder::addDnsName);
        addresses.forEach(builder::addIpAddress);
        X509Certificate cert = builder.build();
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, STORE_PASSWORD);
        ks.setKeyEntry(ALIAS, pair.getPrivate(), STORE_PASSWORD, new Certificate[] {cert});
        Path tmp = dir.resolve(FILE + ".tmp");
        Files.deleteIfExists(tmp);
        try {
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            Files.createFile(tmp);
        }
        try (OutputStream out = Files.newOutputStream(tmp)) {
            ks.store(out, STORE_PASSWORD);
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        Files.write(dir.resolve(DER), cert.getEncoded());
        log.info("OPC UA server certificate created: {} (public: {}, sha256 {})", file, dir.resolve(DER), sha256(cert));
        return new ServerCertificate(pair, cert, uri);
    }

    /** A folder only the controller's user can enter (the key is inside). */
    static void createPrivateDirectory(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            try {
                Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            } catch (UnsupportedOperationException e) {
                Files.createDirectories(dir);
            }
        }
    }

    /** The host names and addresses to put in a new certificate for a server bound to {@code bind}. */
    static List<Set<String>> namesFor(String bind) {
        Set<String> names = new java.util.LinkedHashSet<>();
        Set<String> addresses = new java.util.LinkedHashSet<>();
        try {
            InetAddress a = InetAddress.getByName(bind);
            if (a.isAnyLocalAddress()) {
                names.add(InetAddress.getLocalHost().getHostName());
            } else {
                addresses.add(a.getHostAddress());
                if (a.isLoopbackAddress()) {
                    names.add("localhost");
                }
            }
        } catch (IOException e) {
            names.add(bind);
        }
        names.add("localhost");
        addresses.add("127.0.0.1");
        return List.of(names, addresses);
    }

    static String sha256(X509Certificate cert) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(cert.getEncoded()));
        } catch (Exception e) {
            return "?";
        }
    }
}
