package org.syncready.controller.broker;

import static org.syncready.controller.broker.WarningThrottle.printable;
import static org.syncready.controller.broker.WarningThrottle.repeated;

import com.hivemq.extension.sdk.api.ExtensionMain;
import com.hivemq.extension.sdk.api.auth.PublishAuthorizer;
import com.hivemq.extension.sdk.api.auth.SimpleAuthenticator;
import com.hivemq.extension.sdk.api.auth.SubscriptionAuthorizer;
import com.hivemq.extension.sdk.api.auth.parameter.PublishAuthorizerInput;
import com.hivemq.extension.sdk.api.auth.parameter.PublishAuthorizerOutput;
import com.hivemq.extension.sdk.api.auth.parameter.SimpleAuthInput;
import com.hivemq.extension.sdk.api.auth.parameter.SimpleAuthOutput;
import com.hivemq.extension.sdk.api.auth.parameter.SubscriptionAuthorizerInput;
import com.hivemq.extension.sdk.api.auth.parameter.SubscriptionAuthorizerOutput;
import com.hivemq.extension.sdk.api.interceptor.puback.PubackOutboundInterceptor;
import com.hivemq.extension.sdk.api.interceptor.puback.parameter.PubackOutboundInput;
import com.hivemq.extension.sdk.api.interceptor.puback.parameter.PubackOutboundOutput;
import com.hivemq.extension.sdk.api.interceptor.publish.PublishInboundInterceptor;
import com.hivemq.extension.sdk.api.interceptor.publish.parameter.PublishInboundInput;
import com.hivemq.extension.sdk.api.interceptor.publish.parameter.PublishInboundOutput;
import com.hivemq.extension.sdk.api.packets.connect.ConnackReasonCode;
import com.hivemq.extension.sdk.api.packets.disconnect.DisconnectReasonCode;
import com.hivemq.extension.sdk.api.packets.general.Qos;
import com.hivemq.extension.sdk.api.packets.publish.AckReasonCode;
import com.hivemq.extension.sdk.api.packets.subscribe.SubackReasonCode;
import com.hivemq.extension.sdk.api.parameter.ExtensionStartInput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStartOutput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStopInput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStopOutput;
import com.hivemq.extension.sdk.api.services.Services;
import com.hivemq.extension.sdk.api.services.session.ClientService;
import java.util.concurrent.CompletableFuture;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.syncready.controller.metrics.ControllerMetrics;
import org.syncready.protocol.Protocol;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The broker's gatekeeper. A box authenticates with username = client id = its box id and its secret,
 * and may then publish and subscribe only under {@code syncready/v1/box/{its id}/} (its Will
 * included, which HiveMQ authorizes at CONNECT): the rule of {@link TopicRights}, which an external
 * broker's HTTP hook follows too. Payloads over the protocol limit are dropped at the
 * edge, before they reach any subscriber, without closing the box's connection. With a
 * {@link BrokerInbox}, the publishes it takes are handed to it here, and their PUBACK waits for it.
 */
final class BoxAccessControl implements ExtensionMain, SimpleAuthenticator, PublishAuthorizer,
        SubscriptionAuthorizer, PublishInboundInterceptor, PubackOutboundInterceptor {
    private static final Logger log = LoggerFactory.getLogger(BoxAccessControl.class);

    /** How long the broker may hold a PUBACK for in-broker ingest before HiveMQ sends it anyway (see {@link HeldPublishes}). */
    private static final java.time.Duration HOLD_LIMIT = java.time.Duration.ofMinutes(3);

    private final BrokerAccess access;
    private final ControllerMetrics metrics;
    private final BrokerInbox inbox;
    private final HeldPublishes holds;
    private final Map<String, BrokerPrincipal> connected = new ConcurrentHashMap<>();
    /**
     * Taken at this broker's start: {@link Services} is static, and the last HiveMQ started in a JVM
     * (a benchmark runs two) would otherwise receive every later call.
     */
    private volatile ClientService clients;
    /** Refusals repeat (a box retrying a wrong password every few seconds): a line per client id a minute. */
    private final WarningThrottle warnings = new WarningThrottle(10_000, 30);

    BoxAccessControl(BrokerAccess access, ControllerMetrics metrics, BrokerInbox inbox, HeldPublishes holds) {
        this.access = access;
        this.metrics = metrics;
        this.inbox = inbox;
        this.holds = holds;
    }

    @Override
    public void extensionStart(ExtensionStartInput input, ExtensionStartOutput output) {
        Services.securityRegistry().setAuthenticatorProvider(in -> this);
        Services.securityRegistry().setAuthorizerProvider(in -> this);
        Services.initializerRegistry().setClientInitializer((in, context) -> {
            context.addPublishInboundInterceptor(this);
            context.addPubackOutboundInterceptor(this);
        });
        clients = Services.clientService();
    }

    /** Closes {@code clientId}'s connection now; its next CONNECT is checked again. */
    CompletableFuture<Boolean> disconnect(String clientId) {
        ClientService service = clients;
        connected.remove(clientId);
        if (service == null) {
            return CompletableFuture.completedFuture(false);
        }
        // The Will still goes out: the box shows offline at once.
        return service.disconnectClient(clientId, false, DisconnectReasonCode.NOT_AUTHORIZED,
                "credentials revoked or rotated");
    }

    /**
     * Closes {@code clientId}'s connection because a publish of it waited too long for the store: it
     * stays allowed, and sends what was not acknowledged again once it is back.
     */
    void disconnectSlow(String clientId) {
        ClientService service = clients;
        if (service != null) {
            service.disconnectClient(clientId, false, DisconnectReasonCode.SERVER_BUSY,
                    "the controller could not store your messages in time; send them again");
        }
    }

    @Override
    public void extensionStop(ExtensionStopInput input, ExtensionStopOutput output) {
        connected.clear();
    }

    @Override
    public void onConnect(SimpleAuthInput input, SimpleAuthOutput output) {
        String clientId = input.getConnectPacket().getClientId();
        Optional<String> username = input.getConnectPacket().getUserName();
        Optional<ByteBuffer> password = input.getConnectPacket().getPassword();
        if (username.isEmpty() || password.isEmpty()) {
            refuse(output, clientId, "no_credentials", "username and password are required");
            return;
        }
        byte[] secret = new byte[password.get().remaining()];
        password.get().duplicate().get(secret);
        Optional<BrokerPrincipal> principal = access.authenticate(clientId, username.get(), secret);
        if (principal.isEmpty()) {
            refuse(output, clientId, "bad_credentials", "wrong username or password");
            return;
        }
        connected.put(clientId, principal.get());
        output.authenticateSuccessfully();
    }

    private void refuse(SimpleAuthOutput output, String clientId, String reason, String message) {
        metrics.authFailure(reason);
        warnings.admit("connect/" + reason + "/" + clientId, System.currentTimeMillis()).ifPresent(unlogged ->
                log.warn("broker refused connection clientId={} reason={}{}", printable(clientId), reason, repeated(unlogged)));
        output.failAuthentication(ConnackReasonCode.BAD_USER_NAME_OR_PASSWORD, message);
    }

    @Override
    public void authorizePublish(PublishAuthorizerInput input, PublishAuthorizerOutput output) {
        String clientId = input.getClientInformation().getClientId();
        String topic = input.getPublishPacket().getTopic();
        if (allowed(clientId, topic)) {
            output.authorizeSuccessfully();
        } else {
            metrics.aclDenied("publish");
            warnings.admit("publish/" + clientId, System.currentTimeMillis()).ifPresent(unlogged ->
                    log.warn("broker denied publish clientId={} topic={}{}", printable(clientId), printable(topic), repeated(unlogged)));
            output.failAuthorization(AckReasonCode.NOT_AUTHORIZED, "a box may only publish under its own topic tree");
        }
    }

    @Override
    public void authorizeSubscribe(SubscriptionAuthorizerInput input, SubscriptionAuthorizerOutput output) {
        String clientId = input.getClientInformation().getClientId();
        String filter = input.getSubscription().getTopicFilter();
        if (TopicRights.permits(connected.get(clientId), TopicRights.Action.SUBSCRIBE, filter)) {
            output.authorizeSuccessfully();
        } else {
            metrics.aclDenied("subscribe");
            warnings.admit("subscribe/" + clientId, System.currentTimeMillis()).ifPresent(unlogged ->
                    log.warn("broker denied subscribe clientId={} filter={}{}", printable(clientId), printable(filter), repeated(unlogged)));
            output.failAuthorization(SubackReasonCode.NOT_AUTHORIZED, "a box may only subscribe under its own topic tree");
        }
    }

    @Override
    public void onInboundPublish(PublishInboundInput input, PublishInboundOutput output) {
        int size = input.getPublishPacket().getPayload().map(ByteBuffer::remaining).orElse(0);
        if (size > Protocol.MAX_PAYLOAD_BYTES) {
            metrics.rejected("too_large");
            String clientId = input.getClientInformation().getClientId();
            warnings.admit("too_large/" + clientId, System.currentTimeMillis()).ifPresent(unlogged ->
                    log.warn("broker dropped oversized publish clientId={} topic={} bytes={}{}", printable(clientId),
                            printable(input.getPublishPacket().getTopic()), size, repeated(unlogged)));
            output.preventPublishDelivery(AckReasonCode.QUOTA_EXCEEDED, "payload exceeds " + Protocol.MAX_PAYLOAD_BYTES + " bytes");
            return;
        }
        String topic = input.getPublishPacket().getTopic();
        if (inbox == null || !inbox.takes(topic)) {
            return;
        }
        String clientId = input.getClientInformation().getClientId();
        // HiveMQ calls interceptors before the authorizer: what the sender may not publish is left to
        // authorizePublish, which refuses it, and is never ingested.
        if (!allowed(clientId, topic)) {
            return;
        }
        byte[] payload = new byte[size];
        input.getPublishPacket().getPayload().ifPresent(b -> b.duplicate().get(payload));
        // Taken here, it goes no further: the controller is its only reader and keeps it in its store, so
        // HiveMQ neither authorizes nor routes it, nor keeps it retained. Its PUBACK (SUCCESS) waits for
        // the commit in onOutboundPuback. The broker allows QoS 1 at most (EmbeddedBroker's configuration).
        output.preventPublishDelivery();
        Runnable acknowledge = input.getPublishPacket().getQos() == Qos.AT_MOST_ONCE
                ? () -> { }
                : holds.taken(clientId, input.getPublishPacket().getPacketId());
        try {
            inbox.take(topic, payload, acknowledge);
        } catch (RuntimeException e) {
            // Left held, never acknowledged: HeldPublishes closes the connection and the box sends it again
            // (while the controller stops, or after a fault that a later attempt may not meet).
            warnings.admit("ingest-failed/" + clientId, System.currentTimeMillis()).ifPresent(unlogged ->
                    log.error("in-broker ingest failed clientId={} topic={} ({} bytes){}", printable(clientId), printable(topic),
                            size, repeated(unlogged), e));
        }
    }

    /**
     * The PUBACK of a publish taken by in-broker ingest waits for its commit. HiveMQ runs a client's
     * extension calls in order, so while it waits the client's later publishes wait too; those that
     * arrived before it were taken already, which is what lets a box's publishes reach the store
     * several at a time. Were the hold ever to time out, HiveMQ would send the PUBACK as it is;
     * HeldPublishes closes the connection long before that, so the box sends the publish again.
     */
    @Override
    public void onOutboundPuback(PubackOutboundInput input, PubackOutboundOutput output) {
        holds.onPuback(input.getClientInformation().getClientId(), input.getPubackPacket().getPacketIdentifier(),
                () -> output.async(HOLD_LIMIT));
    }

    /** Whether the connected client may publish to {@code topic} (the rule: {@link TopicRights}). */
    private boolean allowed(String clientId, String topic) {
        return TopicRights.permits(connected.get(clientId), TopicRights.Action.PUBLISH, topic);
    }
}
