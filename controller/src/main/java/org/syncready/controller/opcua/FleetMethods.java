package org.syncready.controller.opcua;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.milo.opcua.stack.core.StatusCodes;
import org.eclipse.milo.opcua.stack.core.types.builtin.DateTime;
import org.eclipse.milo.opcua.stack.core.types.builtin.DiagnosticInfo;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.eclipse.milo.opcua.stack.core.types.builtin.StatusCode;
import org.eclipse.milo.opcua.stack.core.types.builtin.Variant;
import org.eclipse.milo.opcua.stack.core.types.structured.CallMethodRequest;
import org.eclipse.milo.opcua.stack.core.types.structured.CallMethodResult;
import org.syncready.controller.fleet.Box;
import org.syncready.controller.fleet.LiveFleet;
import org.syncready.controller.fleet.Presence;
import org.syncready.controller.readiness.SessionReadiness;
import org.syncready.controller.schedule.SyncSession;
import org.syncready.protocol.CommandResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * RunSelfTest on a box and CheckSession on one of today's sessions, under the HTTP API's rules: the
 * caller must see the box's school (any of the session's schools) and not be bureau staff. Both wait
 * for their answer on the calling Milo thread; at most {@link #MAX_RUNNING} run at once server-wide,
 * more are refused with Bad_ResourceUnavailable rather than piling up threads.
 */
final class FleetMethods {
    private static final Logger log = LoggerFactory.getLogger(FleetMethods.class);
    static final int MAX_RUNNING = 32;
    /** A self-test takes several seconds on the box (PROTOCOL.md: a requester waits at least 20 s). */
    static final Duration SELF_TEST_TIMEOUT = Duration.ofSeconds(25);
    /** A check sends self-tests to every box of the session first. */
    static final Duration CHECK_TIMEOUT = Duration.ofSeconds(60);

    private final FleetModel model;
    private final BoxSelfTests selfTests;
    private final SessionVerdicts verdicts;
    private final TodaySessions today;
    private final LiveFleet fleet;
    private final MethodAudit audit;
    private final Semaphore running = new Semaphore(MAX_RUNNING);

    FleetMethods(FleetModel model, BoxSelfTests selfTests, SessionVerdicts verdicts, TodaySessions today, LiveFleet fleet,
                 MethodAudit audit) {
        this.model = model;
        this.selfTests = selfTests;
        this.verdicts = verdicts;
        this.today = today;
        this.fleet = fleet;
        this.audit = audit;
    }

    CallMethodResult call(OpcUaPrincipal who, String source, CallMethodRequest request) {
        NodeId method = request.getMethodId();
        NodeId object = request.getObjectId();
        boolean selfTest = model.types().runSelfTest().equals(method);
        boolean check = model.types().checkSession().equals(method);
        if (!selfTest && !check) {
            return failed(model.types().node(method) == null ? StatusCodes.Bad_MethodInvalid : StatusCodes.Bad_MethodInvalid);
        }
        if (model.node(object) == null || who == null || !model.scope(object).visibleTo(who)) {
            return failed(StatusCodes.Bad_NodeIdUnknown);
        }
        Box box = selfTest ? model.boxObject(object) : null;
        SyncSession session = check ? model.sessionObject(object) : null;
        if (box == null && session == null) {
            return failed(StatusCodes.Bad_MethodInvalid);
        }
        if (!who.acts()) {
            return failed(StatusCodes.Bad_UserAccessDenied);
        }
        if (request.getInputArguments() != null && request.getInputArguments().length > 0) {
            return failed(StatusCodes.Bad_TooManyArguments);
        }
        if (!running.tryAcquire()) {
            return failed(StatusCodes.Bad_ResourceUnavailable);
        }
        try {
            return box != null ? runSelfTest(who, source, box) : checkSession(who, source, session);
        } finally {
            running.release();
        }
    }

    private CallMethodResult runSelfTest(OpcUaPrincipal who, String source, Box box) {
        boolean online = fleet.snapshot(box.id()).map(s -> s.presence() == Presence.ONLINE).orElse(false);
        if (!online) {
            audit.record(who.username(), source, "box.selftest", "box " + box.id(), "refused: box offline");
            return failed(StatusCodes.Bad_NotConnected);
        }
        CommandResponse answer;
        try {
            answer = selfTests.run(box.id(), SELF_TEST_TIMEOUT)
                    .get(SELF_TEST_TIMEOUT.toMillis() + 5_000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return failed(StatusCodes.Bad_Shutdown);
        } catch (ExecutionException | TimeoutException e) {
            log.info("OPC UA RunSelfTest user={} box={}: no answer ({})", who.username(), box.id(), e.getCause() == null ? e : e.getCause());
            audit.record(who.username(), source, "box.selftest", "box " + box.id(), "no answer");
            return failed(StatusCodes.Bad_Timeout);
        }
        if (!answer.ok()) {
            audit.record(who.username(), source, "box.selftest", "box " + box.id(), "refused by the box: " + answer.error());
            return failed(StatusCodes.Bad_InvalidState);
        }
        JsonNode result = answer.result();
        boolean passed = result != null && result.path("passed").asBoolean(false);
        List<String> failedChecks = new ArrayList<>();
        if (result != null) {
            result.path("failed").forEach(f -> failedChecks.add(f.asText()));
        }
        audit.record(who.username(), source, "box.selftest", "box " + box.id(), passed ? "passed" : "failed");
        return new CallMethodResult(StatusCode.GOOD, new StatusCode[0], new DiagnosticInfo[0], new Variant[] {
            new Variant(passed), new Variant(failedChecks.toArray(String[]::new)),
            new Variant(result == null ? "{}" : result.toString())});
    }

    private CallMethodResult checkSession(OpcUaPrincipal who, String source, SyncSession session) {
        SessionReadiness r;
        try {
            r = verdicts.checkNow(session).get(CHECK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return failed(StatusCodes.Bad_Shutdown);
        } catch (ExecutionException | TimeoutException e) {
            log.warn("OPC UA CheckSession user={} session={} failed: {}", who.username(), session.id(),
                    e.getCause() == null ? e.toString() : e.getCause().toString());
            audit.record(who.username(), source, "readiness.check", "session " + session.id(), "failed");
            return failed(StatusCodes.Bad_Timeout);
        }
        today.put(r);
        audit.record(who.username(), source, "readiness.check", "session " + session.id(), r.verdict().name());
        return new CallMethodResult(StatusCode.GOOD, new StatusCode[0], new DiagnosticInfo[0], new Variant[] {
            new Variant(r.verdict().name()), new Variant(SessionNodes.reasons(r, true)), new Variant(SessionNodes.reasons(r, false)),
            new Variant(r.checkedAt() == null ? DateTime.now() : new DateTime(r.checkedAt()))});
    }

    private static CallMethodResult failed(long status) {
        return new CallMethodResult(new StatusCode(status), new StatusCode[0], new DiagnosticInfo[0], new Variant[0]);
    }
}
