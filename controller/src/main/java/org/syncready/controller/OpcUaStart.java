package org.syncready.controller;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.syncready.controller.account.Accounts;
import org.syncready.controller.account.Authentication;
import org.syncready.controller.account.Principal;
import org.syncready.controller.audit.Actor;
import org.syncready.controller.audit.AuditLog;
import org.syncready.controller.command.BoxCommands;
import org.syncready.controller.fleet.FleetRegistry;
import org.syncready.controller.fleet.LiveFleet;
import org.syncready.controller.opcua.FleetOpcUaServer;
import org.syncready.controller.opcua.OpcUaPrincipal;
import org.syncready.controller.opcua.SessionVerdicts;
import org.syncready.controller.readiness.DayBoard;
import org.syncready.controller.readiness.ReadinessChecks;
import org.syncready.controller.readiness.ReadinessRules;
import org.syncready.controller.readiness.SessionReadiness;
import org.syncready.controller.schedule.SessionStore;
import org.syncready.controller.schedule.SyncSession;
import org.syncready.protocol.CommandTypes;

/**
 * Wires the OPC UA server to the same registry, live fleet, schedule and readiness as the API: its
 * verdicts are the day's board's, its methods send the same self-test command and make the same
 * on-demand check, its users are the API's accounts (same throttle and roles), and its method calls
 * are audited like the API's.
 */
final class OpcUaStart {

    /** What the server is made of. */
    record Parts(FleetRegistry registry, LiveFleet fleet, SessionStore sessions, DayBoard board, ReadinessChecks readiness,
                 BoxCommands commands, Accounts accounts, ReadinessRules rules, AuditLog audit) {
    }

    private OpcUaStart() {
    }

    /**
     * It listens where boxes and plant systems reach the controller (the broker's address); the None
     * endpoint only on loopback or in the demo.
     */
    static FleetOpcUaServer start(ControllerConfig config, Path dataDir, Parts p) throws Exception {
        String bind = config.mqttBind();
        boolean loopback = java.net.InetAddress.getByName(bind).isLoopbackAddress();
        SessionVerdicts verdicts = new SessionVerdicts() {
            @Override
            public Map<String, SessionReadiness> latest(List<SyncSession> day) {
                return p.board().verdicts(day);
            }

            @Override
            public CompletableFuture<SessionReadiness> checkNow(SyncSession session) {
                return p.readiness().checkNow(session);
            }
        };
        return FleetOpcUaServer.start(
                new FleetOpcUaServer.Settings(dataDir, bind, config.opcuaPort(), loopback || config.demo(), config.clock(), config.zone()),
                new FleetOpcUaServer.Sources(p.registry(), p.fleet(), p.sessions(), verdicts,
                        (boxId, timeout) -> p.commands().send(boxId, CommandTypes.SELFTEST, null, timeout),
                        (username, password, source) -> login(p.accounts(), username, password, source),
                        p.rules(), (actor, source, action, target, result) ->
                        p.audit().record(new Actor(actor, source), action, target, "via OPC UA", result)));
    }

    /** An OPC UA user name token checked like an HTTP Basic login. */
    private static Optional<OpcUaPrincipal> login(Accounts accounts, String username, String password, String source) {
        Authentication result = accounts.login(username, password, source);
        if (!(result instanceof Authentication.Authenticated ok)) {
            return Optional.empty();
        }
        Principal who = ok.principal();
        OpcUaPrincipal.Role role = switch (who.role()) {
            case ADMIN -> OpcUaPrincipal.Role.ADMIN;
            case BUREAU -> OpcUaPrincipal.Role.BUREAU;
            case SCHOOL_IT -> OpcUaPrincipal.Role.SCHOOL_IT;
            case TECHNICIAN -> OpcUaPrincipal.Role.TECHNICIAN;
        };
        return Optional.of(new OpcUaPrincipal(who.username(), role, who.schools()));
    }
}
