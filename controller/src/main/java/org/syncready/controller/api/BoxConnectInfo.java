package org.syncready.controller.api;

import io.vertx.core.net.HostAndPort;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

/**
 * What a box needs to reach this controller, for registration and enrollment answers: the broker
 * (over TLS, or the external broker), HTTPS, the UDP echo service, the CA certificate it pins and the
 * config-signing public keys it pins. Host names are not configured: a box is told the host it used
 * to reach the API, which the server certificate must name anyway.
 *
 * @param externalBrokerUri the external broker boxes connect to; null: the embedded broker over TLS
 * @param mqttsPort         the embedded broker's TLS port
 * @param httpsPort         HTTPS's port
 * @param echoPort          the UDP echo service's port
 * @param caPem             the CA certificate boxes pin (PEM); null: their system trust store
 * @param caFingerprint     its SHA-256 fingerprint; null without one
 * @param configKeys        config-signing public keys (agent.yaml {@code controllerKeys})
 */
public record BoxConnectInfo(String externalBrokerUri, int mqttsPort, int httpsPort, int echoPort, String caPem,
                             String caFingerprint, List<String> configKeys) {
    public BoxConnectInfo {
        configKeys = configKeys == null ? List.of() : List.copyOf(configKeys);
    }

    /** The MQTT URI for a box that reached the API at {@code host}. */
    public String mqttUri(String host) {
        return externalBrokerUri != null ? externalBrokerUri : "ssl://" + host + ":" + mqttsPort;
    }

    /** The controller's HTTPS base URL for a box that reached the API at {@code host}. */
    public String controllerUrl(String host) {
        return "https://" + host + ":" + httpsPort;
    }

    /** The host the request was addressed to (its Host header), else the address it arrived on; IPv6 in brackets. */
    static String requestHost(RoutingContext ctx) {
        HostAndPort authority = ctx.request().authority();
        String host = authority != null && authority.host() != null && !authority.host().isBlank()
                ? authority.host() : ctx.request().localAddress().host();
        return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    }
}
