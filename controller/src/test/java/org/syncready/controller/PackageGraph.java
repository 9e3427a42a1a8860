package org.syncready.controller;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.spi.ToolProvider;

/**
 * Which package uses which, as the JDK's own {@code jdeps} reads it from compiled classes (folders or
 * jars): the input of the architecture tests. Only the JDK is needed.
 */
public final class PackageGraph {
    private final Map<String, Set<String>> edges;

    private PackageGraph(Map<String, Set<String>> edges) {
        this.edges = edges;
    }

    /** The graph of the classes in each folder or jar. */
    public static PackageGraph of(List<Path> classes) {
        ToolProvider jdeps = ToolProvider.findFirst("jdeps")
                .orElseThrow(() -> new IllegalStateException("this JDK has no jdeps (module jdk.jdeps)"));
        List<String> args = new ArrayList<>(List.of("-verbose:package", "-filter:none"));
        classes.forEach(p -> args.add(p.toString()));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int rc = jdeps.run(new PrintWriter(out), new PrintWriter(err), args.toArray(String[]::new));
        if (rc != 0) {
            throw new IllegalStateException("jdeps " + args + " failed (" + rc + "): " + err);
        }
        Map<String, Set<String>> edges = new TreeMap<>();
        for (String line : out.toString().split("\\R")) {
            // "   org.a.b     -> org.c.d     archive-or-'not found'"; header lines start without blanks.
            String[] t = line.strip().split("\\s+");
            if (!line.startsWith(" ") || t.length < 3 || !t[1].equals("->")) {
                continue;
            }
            edges.computeIfAbsent(t[0], k -> new TreeSet<>());
            if (!t[0].equals(t[2])) {
                edges.get(t[0]).add(t[2]);
            }
        }
        if (edges.isEmpty()) {
            throw new IllegalStateException("jdeps found no classes in " + classes + ": " + out);
        }
        return new PackageGraph(edges);
    }

    /** Where the class was loaded from: its module's classes folder or jar. */
    public static Path locationOf(Class<?> type) {
        try {
            return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The packages read (the ones that hold classes). */
    public Set<String> packages() {
        return edges.keySet();
    }

    /** The packages {@code pkg} uses, other than itself. */
    public Set<String> uses(String pkg) {
        return edges.getOrDefault(pkg, Set.of());
    }

    /** The packages that use any package starting with {@code prefix} (e.g. {@code "java.sql"}). */
    public Set<String> users(String prefix) {
        Set<String> out = new TreeSet<>();
        edges.forEach((from, to) -> {
            if (to.stream().anyMatch(p -> p.equals(prefix) || p.startsWith(prefix + "."))) {
                out.add(from);
            }
        });
        return out;
    }

    /**
     * Every package cycle: each set of two or more packages that reach each other (a strongly
     * connected component, Tarjan's algorithm), sorted. Empty when the graph is a DAG.
     */
    public List<Set<String>> cycles() {
        Map<String, Integer> index = new HashMap<>();
        Map<String, Integer> low = new HashMap<>();
        Deque<String> stack = new ArrayDeque<>();
        Set<String> onStack = new TreeSet<>();
        List<Set<String>> out = new ArrayList<>();
        int[] next = {0};
        for (String p : edges.keySet()) {
            if (!index.containsKey(p)) {
                connect(p, index, low, stack, onStack, out, next);
            }
        }
        return out;
    }

    private void connect(String p, Map<String, Integer> index, Map<String, Integer> low, Deque<String> stack,
                         Set<String> onStack, List<Set<String>> out, int[] next) {
        index.put(p, next[0]);
        low.put(p, next[0]);
        next[0]++;
        stack.push(p);
        onStack.add(p);
        for (String q : uses(p)) {
            if (!edges.containsKey(q)) {
                continue; // a package outside the classes read (a library, the JDK) closes no cycle here
            }
            if (!index.containsKey(q)) {
                connect(q, index, low, stack, onStack, out, next);
                low.put(p, Math.min(low.get(p), low.get(q)));
            } else if (onStack.contains(q)) {
                low.put(p, Math.min(low.get(p), index.get(q)));
            }
        }
        if (low.get(p).equals(index.get(p))) {
            Set<String> component = new TreeSet<>();
            String q;
            do {
                q = stack.pop();
                onStack.remove(q);
                component.add(q);
            } while (!q.equals(p));
            if (component.size() > 1) {
                out.add(component);
            }
        }
    }
}
