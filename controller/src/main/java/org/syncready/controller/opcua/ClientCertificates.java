package org.syncready.controller.opcua;

import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.milo.opcua.stack.core.UaException;
import org.eclipse.milo.opcua.stack.core.security.CertificateValidator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Client application certificates: only those in {@code <data>/opcua/pki/trusted/certs} (or issued by
 * a CA in {@code pki/issuer/certs}) may open a signed or encrypted channel. Milo's validator does the
 * checking and puts a rejected certificate in {@code pki/rejected/certs}; this says so in the log,
 * once per certificate, with the command that trusts it (the trust list is watched: no restart).
 */
final class ClientCertificates implements CertificateValidator {
    private static final Logger log = LoggerFactory.getLogger(ClientCertificates.class);
    private static final int REMEMBERED = 1_000;

    private final CertificateValidator milo;
    private final Path pki;
    private final Set<String> logged = ConcurrentHashMap.newKeySet();

    ClientCertificates(CertificateValidator milo, Path pki) {
        this.milo = milo;
        this.pki = pki;
    }

    @Override
    public void validateCertificateChain(List<X509Certificate> chain, String applicationUri, String[] validHostnames)
            throws UaException {
        try {
            milo.validateCertificateChain(chain, applicationUri, validHostnames);
        } catch (UaException e) {
            X509Certificate cert = chain == null || chain.isEmpty() ? null : chain.get(0);
            String sha256 = cert == null ? "?" : ServerCertificate.sha256(cert);
            if (logged.size() < REMEMBERED && logged.add(sha256)) {
                log.warn("OPC UA client certificate refused ({}): subject \"{}\" application {} sha256 {}; it is kept in {}. "
                                + "To trust it: move its file from there to {}",
                        e.getStatusCode(), cert == null ? "?" : cert.getSubjectX500Principal().getName(), applicationUri, sha256,
                        pki.resolve("rejected/certs"), pki.resolve("trusted/certs"));
            }
            throw e;
        }
    }
}
