package org.syncready.agent.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.syncready.agent.config.AgentConfig;

class SessionTargetsTest {
    private final ObjectMapper json = new ObjectMapper();

    @Test
    void readsTheServersAndKeepsWhatItCanUse() throws Exception {
        SessionTargets t = SessionTargets.parse(json.readTree("""
                {"targets": [{"name": "stream", "host": "live.example.org", "port": 1935},
                             {"name": "stream", "host": "live.example.org", "port": 1935},
                             {"host": "", "port": 1935}, {"host": "x", "port": 70000}, "junk"],
                 "targetsKeepS": 999999}"""));
        assertEquals(List.of(new AgentConfig.Target("stream", "live.example.org", 1935)), t.targets());
        assertEquals(SessionTargets.MAX_KEEP_S, t.keepS(), "at most the longest session");
        assertSame(SessionTargets.NONE, SessionTargets.parse(null));
        assertSame(SessionTargets.NONE, SessionTargets.parse(json.readTree("{}")), "a plain selftest asks for nothing");
        assertSame(SessionTargets.NONE, SessionTargets.parse(json.readTree("{\"targets\": [{\"host\": 5}]}")));
    }

    @Test
    void addsOnlyServersNotProbedYetUnderFreeNames() throws Exception {
        SessionTargets t = SessionTargets.parse(json.readTree("""
                {"targets": [{"name": "stream", "host": "LIVE.example.org", "port": 1935},
                             {"name": "stream", "host": "backup.example.org", "port": 1935}], "targetsKeepS": 60}"""));
        List<AgentConfig.Target> configured = List.of(new AgentConfig.Target("stream", "stream.example.org", 1935),
                new AgentConfig.Target("cdn", "live.example.org", 1935));
        assertEquals(List.of(configured.get(0), configured.get(1), new AgentConfig.Target("stream-2", "backup.example.org", 1935)),
                t.mergeInto(configured));
    }
}
