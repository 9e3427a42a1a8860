package org.syncready.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FaultChangeTest {
    private static final MessageCodec CODEC = new MessageCodec();
    private static final Set<String> CAMS = Set.of("cam-teacher", "cam-student");
    private static final Set<String> MICS = Set.of("mic-room");

    @Test
    void aChangeIsAPatchOfTheFaultsInForce() throws Exception {
        FaultSet a = change("{\"cameras\": {\"cam-teacher\": \"frozen\"}, \"rttMs\": 250, \"lossPct\": 10}").applyTo(FaultSet.NONE, CAMS, MICS);
        assertEquals(FaultSet.CameraFault.FROZEN, a.cameras().get("cam-teacher"));
        assertEquals(250.0, a.rttMs());
        assertEquals(10.0, a.lossPct());

        FaultSet b = change("{\"lossPct\": null, \"uplinkKbps\": 200, \"microphones\": {\"mic-room\": \"silent\"}}").applyTo(a, CAMS, MICS);
        assertEquals(250.0, b.rttMs(), "absent: left alone");
        assertNull(b.lossPct(), "null: cleared");
        assertEquals(200, b.uplinkKbps());
        assertEquals(FaultSet.CameraFault.FROZEN, b.cameras().get("cam-teacher"));
        assertEquals(FaultSet.MicrophoneFault.SILENT, b.microphones().get("mic-room"));

        FaultSet c = change("{\"cameras\": {\"cam-teacher\": \"ok\"}, \"microphones\": {\"mic-room\": null}}").applyTo(b, CAMS, MICS);
        assertTrue(c.cameras().isEmpty());
        assertTrue(c.microphones().isEmpty());

        FaultSet d = change("{\"reset\": true, \"diskFreeMb\": 49}").applyTo(c, CAMS, MICS);
        assertEquals(FaultSet.NONE.withDiskFreeMb(49L), d, "reset clears first, then the rest applies");
        assertTrue(change("{\"reset\": true}").applyTo(d, CAMS, MICS).healthy());
    }

    @Test
    void theFaultSetsJsonIsItselfAChangeThatRebuildsIt() throws Exception {
        FaultSet set = change("{\"cameras\": {\"cam-student\": \"black\"}, \"networkDown\": true, \"jitterMs\": 45, "
                + "\"clockOffsetMs\": -3000, \"stream\": \"unreachable\"}").applyTo(FaultSet.NONE, CAMS, MICS);
        JsonNode json = CODEC.mapper().valueToTree(set);
        assertEquals("{\"cameras\":{\"cam-student\":\"black\"},\"networkDown\":true,\"jitterMs\":45.0,"
                + "\"clockOffsetMs\":-3000,\"stream\":\"unreachable\"}", json.toString());
        assertEquals(set, FaultChange.parse(json).applyTo(FaultSet.NONE, CAMS, MICS));
        assertEquals("{}", CODEC.mapper().valueToTree(FaultSet.NONE).toString(), "a healthy box has nothing to show");
        assertEquals(List.of("camera cam-student: black", "network: down", "jitter 45.0 ms", "clock offset -3000 ms",
                "stream: unreachable"), set.describe());
    }

    @Test
    void everyProblemIsNamedAtOnceWithItsPointer() {
        FaultChange.InvalidFaults e = assertThrows(FaultChange.InvalidFaults.class,
                () -> change("{\"rtt\": 250, \"lossPct\": 120, \"cameras\": {\"cam-teacher\": \"melted\"}, \"hangS\": 0}"));
        assertEquals(List.of("/rtt", "/lossPct", "/cameras/cam-teacher", "/hangS"),
                e.problems().stream().map(FaultChange.Problem::field).toList());
        assertTrue(e.getMessage().contains("/rtt: is not a fault; known: reset, cameras, microphones"), e.getMessage());
        assertTrue(e.getMessage().contains("/lossPct: must be a number from 0 to 100 %"), e.getMessage());
        assertTrue(e.getMessage().contains("must be absent, fault, frozen, black or ok, was \"melted\""), e.getMessage());
        assertThrows(FaultChange.InvalidFaults.class, () -> FaultChange.parse(CODEC.mapper().valueToTree(List.of(1))));
    }

    @Test
    void devicesTheBoxDoesNotHaveAreRefusedWithWhatItHas() throws Exception {
        FaultChange ch = change("{\"cameras\": {\"cam-wide\": \"absent\"}, \"microphones\": {\"mic-x\": \"muted\"}}");
        FaultChange.InvalidFaults e = assertThrows(FaultChange.InvalidFaults.class, () -> ch.applyTo(FaultSet.NONE, CAMS, MICS));
        assertEquals("/cameras/cam-wide: this box has no camera 'cam-wide'; it has [cam-student, cam-teacher]; "
                + "/microphones/mic-x: this box has no microphone 'mic-x'; it has [mic-room]", e.getMessage());
    }

    @Test
    void hangIsACommandNotAFault() throws Exception {
        FaultChange ch = change("{\"hangS\": 40}");
        assertEquals(40, ch.hangS());
        assertFalse(ch.isEmpty());
        assertTrue(ch.applyTo(FaultSet.NONE, CAMS, MICS).healthy());
        assertTrue(FaultChange.parse(null).isEmpty());
        assertTrue(change("{}").isEmpty());
    }

    private static FaultChange change(String json) throws Exception {
        return FaultChange.parse(CODEC.mapper().readTree(json));
    }
}
