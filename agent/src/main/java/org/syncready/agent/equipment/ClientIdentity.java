package org.syncready.agent.equipment;

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
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Period;
import org.eclipse.milo.opcua.stack.core.util.SelfSignedCertificateBuilder;
import org.eclipse.milo.opcua.stack.core.util.SelfSignedCertificateGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The box's OPC UA application certificate, for the signed and encrypted connections to classroom
 * equipment: made once (RSA 2048, self-signed, 10 years, the application URI
 * {@code urn:syncready:agent:<boxId>}) and kept in {@code <dataDir>/opcua/agent-client.p12}, mode 0600
 * (the keystore password only satisfies PKCS#12; the file's mode is what protects the key). The
 * equipment's administrator trusts {@code agent-client.der}, written next to it.
 */
record ClientIdentity(KeyPair keyPair, X509Certificate certificate) {
    private static final Logger log = LoggerFactory.getLogger(ClientIdentity.class);
    private static final String FILE = "agent-client.p12";
    private static final String ALIAS = "agent";
    private static final char[] STORE_PASSWORD = "syncready".toCharArray();

    static String applicationUri(String boxId) {
        return "urn:syncready:agent:" + boxId;
    }

    static ClientIdentity loadOrCreate(Path dir, String boxId) {
        Path file = dir.resolve(FILE);
        try {
            if (Files.exists(file)) {
                KeyStore ks = KeyStore.getInstance("PKCS12");
                try (InputStream in = Files.newInputStream(file)) {
                    ks.load(in, STORE_PASSWORD);
                }
                PrivateKey key = (PrivateKey) ks.getKey(ALIAS, STORE_PASSWORD);
                X509Certificate cert = (X509Certificate) ks.getCertificate(ALIAS);
                if (key != null && cert != null) {
                    return new ClientIdentity(new KeyPair(cert.getPublicKey(), key), cert);
                }
                log.warn("{}: {} holds no '{}' key; making a new certificate", boxId, file, ALIAS);
            }
            return create(dir, file, boxId);
        } catch (Exception e) {
            throw new IllegalStateException("OPC UA client certificate " + file + ": " + e.getMessage(), e);
        }
    }

    private static ClientIdentity create(Path dir, Path file, String boxId) throws Exception {
        Files.createDirectories(dir);
        KeyPair pair = SelfSignedCertificateGenerator.generateRsaKeyPair(2048);
        SelfSignedCertificateBuilder builder = new SelfSignedCertificateBuilder(pair)
                .setCommonName("SyncReady agent " + boxId)
                .setOrganization("SyncReady")
                .setApplicationUri(applicationUri(boxId))
                .setValidityPeriod(Period.ofYears(10));
        try {
            builder.addDnsName(InetAddress.getLocalHost().getHostName());
        } catch (IOException e) {
            builder.addDnsName("localhost");
        }
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
        Files.write(dir.resolve("agent-client.der"), cert.getEncoded());
        log.info("{}: OPC UA client certificate created: {} (give {} to the equipment's administrator to trust)",
                boxId, file, dir.resolve("agent-client.der"));
        return new ClientIdentity(pair, cert);
    }
}
