package org.syncready.controller.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.syncready.protocol.FaultChange;

/** The HTTP body of {@code POST /boxes/{id}/simulate} may group figures as a status does; the box gets them flat. */
class SimulationBodyTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode flat(String body) throws Exception {
        return SimulationRoutes.flatten(JSON.readTree(body));
    }

    @Test
    void groupedFiguresAreLiftedToTheCommandsFlatFields() throws Exception {
        assertEquals(JSON.readTree("{\"uplinkKbps\":200,\"lossPct\":10}"), flat("{\"network\":{\"uplinkKbps\":200,\"lossPct\":10}}"));
        assertEquals(JSON.readTree("{\"networkDown\":true}"), flat("{\"network\":{\"down\":true}}"));
        assertEquals(JSON.readTree("{\"stream\":\"stopped\"}"), flat("{\"stream\":{\"pushing\":false}}"));
        assertEquals(JSON.readTree("{\"stream\":\"unreachable\"}"), flat("{\"stream\":{\"reachable\":false}}"));
        assertEquals(JSON.readTree("{\"diskFreeMb\":40}"), flat("{\"system\":{\"diskFreeMb\":40}}"));
        assertEquals(JSON.readTree("{\"clockOffsetMs\":90000}"), flat("{\"clock\":{\"offsetMs\":90000}}"));
        // The flat form passes through unchanged, and the result is a valid command.
        assertEquals(JSON.readTree("{\"stream\":\"stopped\",\"uplinkKbps\":200}"), flat("{\"stream\":\"stopped\",\"uplinkKbps\":200}"));
        FaultChange.parse(flat("{\"network\":{\"uplinkKbps\":200},\"stream\":{\"pushing\":false}}"));
    }

    @Test
    void anUnknownNameInsideAGroupIsStillRefusedByName() throws Exception {
        FaultChange.InvalidFaults e = assertThrows(FaultChange.InvalidFaults.class,
                () -> FaultChange.parse(flat("{\"network\":{\"bandwidth\":5}}")));
        assertEquals(true, e.getMessage().contains("bandwidth"), e.getMessage());
    }
}
