package org.syncready.agent.command;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.syncready.agent.config.AgentConfig;

/**
 * The stream servers a {@code selftest} asks the box to probe (protocol section 6.2, {@code args.targets}
 * and {@code args.targetsKeepS}): the servers of its coming sessions, which its own configuration may
 * not list. The box probes them in the self-test and in every round until {@code keepS} is over.
 * What cannot be read is left out; the self-test runs anyway.
 */
public record SessionTargets(List<AgentConfig.Target> targets, long keepS) {
    /** At most this many: a session has one server, a box a few sessions. */
    public static final int MAX_TARGETS = 8;
    /** At most this long: the longest session. */
    public static final long MAX_KEEP_S = 12 * 3600;

    public static final SessionTargets NONE = new SessionTargets(List.of(), 0);

    public static SessionTargets parse(JsonNode args) {
        if (args == null || !args.path("targets").isArray()) {
            return NONE;
        }
        List<AgentConfig.Target> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (JsonNode t : args.path("targets")) {
            String host = t.path("host").asText("").trim();
            int port = t.path("port").asInt(0);
            if (host.isEmpty() || host.length() > 253 || port < 1 || port > 65535 || !seen.add(host + ":" + port)
                    || out.size() == MAX_TARGETS) {
                continue;
            }
            String name = t.path("name").asText("stream").trim();
            out.add(new AgentConfig.Target(name.isEmpty() || name.length() > 48 ? "stream" : name, host, port));
        }
        long keep = Math.max(0, Math.min(MAX_KEEP_S, args.path("targetsKeepS").asLong(0)));
        return out.isEmpty() ? NONE : new SessionTargets(out, keep);
    }

    /**
     * {@code configured} with these targets added: a host and port already probed is not probed twice,
     * and a name already taken gets a number ({@code stream-2}).
     */
    public List<AgentConfig.Target> mergeInto(List<AgentConfig.Target> configured) {
        List<AgentConfig.Target> merged = new ArrayList<>(configured);
        Set<String> names = new HashSet<>();
        Set<String> endpoints = new HashSet<>();
        for (AgentConfig.Target t : configured) {
            names.add(t.name());
            endpoints.add(t.host().toLowerCase(java.util.Locale.ROOT) + ":" + t.port());
        }
        for (AgentConfig.Target t : targets) {
            if (!endpoints.add(t.host().toLowerCase(java.util.Locale.ROOT) + ":" + t.port())) {
                continue;
            }
            String name = t.name();
            for (int i = 2; names.contains(name); i++) {
                name = t.name() + "-" + i;
            }
            names.add(name);
            merged.add(new AgentConfig.Target(name, t.host(), t.port()));
        }
        return merged;
    }
}
