package org.syncready.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.eclipse.milo.opcua.sdk.client.DiscoveryClient;
import org.eclipse.milo.opcua.stack.core.security.SecurityPolicy;
import org.eclipse.milo.opcua.stack.core.types.structured.EndpointDescription;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The controller serves OPC UA on its bind address (port 0 here), offers None only on loopback, and -1 turns it off. */
class OpcUaControllerTest {
    @TempDir
    Path dir;

    @Test
    void servesOpcUaOnItsBindAddressAndKeepsItsCertificateAcrossRestarts() throws Exception {
        ControllerConfig config = ControllerConfig.builder(dir).freePorts().build();
        byte[] certificate;
        try (Controller controller = Controller.start(config)) {
            String url = controller.opcua().endpointUrls().get(0);
            assertEquals("opc.tcp://127.0.0.1:" + controller.opcua().port(), url);
            List<EndpointDescription> endpoints = DiscoveryClient.getEndpoints(url).get();
            assertEquals(Set.of(SecurityPolicy.Basic256Sha256.getUri(), SecurityPolicy.Aes128_Sha256_RsaOaep.getUri(),
                            SecurityPolicy.None.getUri()),
                    endpoints.stream().map(EndpointDescription::getSecurityPolicyUri).collect(Collectors.toSet()),
                    "on loopback the None endpoint is offered too");
            certificate = Files.readAllBytes(dir.resolve("opcua/server.der"));
        }
        try (Controller again = Controller.start(config)) {
            assertTrue(again.opcua().port() > 0);
            assertTrue(java.util.Arrays.equals(certificate, Files.readAllBytes(dir.resolve("opcua/server.der"))),
                    "the server certificate is made once and kept (clients trust it)");
        }
    }

    @Test
    void minusOneTurnsItOff() throws Exception {
        try (Controller controller = Controller.start(ControllerConfig.builder(dir).freePorts().opcuaPort(ControllerConfig.OFF).build())) {
            assertNull(controller.opcua());
            assertTrue(Files.notExists(dir.resolve("opcua")));
        }
    }
}
