package org.syncready.controller.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.syncready.firmware.ProfileCatalogue;
import org.syncready.firmware.ProfileException;
import org.syncready.firmware.ProfileProblem;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code syncready}: the technician's command line. Exit codes: 0 done (for {@code rollout status}:
 * the rollout completed); 1 refused (invalid profile or request, unknown box or rollout; the message
 * names the field); 2 bad command line; 3 {@code rollout status} of a rollout still running or paused;
 * 4 the controller could not be reached or failed; 5 {@code rollout status} of a rollout that was
 * aborted or rolled back, or has failed boxes, or a {@code selftest} that found a problem.
 */
// scope INHERIT: every subcommand gets --help and --version too ("syncready rollout start --help").
@Command(name = "syncready", mixinStandardHelpOptions = true, versionProvider = SyncReadyCli.Version.class,
        scope = CommandLine.ScopeType.INHERIT,
        description = {"SyncReady technician tool: check configuration profiles, run rollouts, self-test a box.",
                "SyncReady 运维工具：检查配置模板，执行分批配置下发，录播主机自检。"},
        subcommands = {SyncReadyCli.Config.class, SyncReadyCli.Rollout.class, SyncReadyCli.Selftest.class,
                org.syncready.controller.MigrateStoreCommand.class},
        footer = "Exit codes: 0 ok, 1 refused, 2 usage, 3 rollout in progress, 4 controller unreachable or failing (or the box did "
                + "not answer; for migrate-store: PostgreSQL unreachable or the copy failed), 5 rollout failed or self-test found a problem "
                + "(migrate-store: a count differs).")
public final class SyncReadyCli {
    static final int OK = 0;
    static final int REFUSED = 1;
    static final int IN_PROGRESS = 3;
    static final int UNREACHABLE = 4;
    static final int FAILED = 5;

    @Option(names = "--url", defaultValue = "${env:SYNCREADY_URL:-http://127.0.0.1:8080}", scope = CommandLine.ScopeType.INHERIT,
            description = "Controller HTTP address (default: ${DEFAULT-VALUE}; env SYNCREADY_URL).")
    String url;

    @Option(names = "--token", defaultValue = "${env:SYNCREADY_TOKEN}", scope = CommandLine.ScopeType.INHERIT,
            description = "API token (srt_...) sent as 'Authorization: Bearer'; the audit log names its user "
                    + "(default: env SYNCREADY_TOKEN; prefer the variable: a flag shows in ps).")
    String token;

    @Option(names = "--json", scope = CommandLine.ScopeType.INHERIT, description = "Print the controller's JSON instead of tables.")
    boolean rawJson;

    final ObjectMapper json = new ObjectMapper();
    PrintWriter out;
    PrintWriter err;

    public static void main(String[] args) {
        System.exit(run(new PrintWriter(System.out, true, StandardCharsets.UTF_8), new PrintWriter(System.err, true, StandardCharsets.UTF_8), args));
    }

    /** Runs one command line; returns the exit code (tests call this). */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        SyncReadyCli cli = new SyncReadyCli();
        cli.out = out;
        cli.err = err;
        CommandLine cl = new CommandLine(cli);
        cl.setOut(out);
        cl.setErr(err);
        return cl.execute(args);
    }

    // ------------------------------------------------------------------ config

    @Command(name = "config", description = "Check profiles; see what a profile would change on a box.",
            subcommands = {Validate.class, Diff.class})
    static final class Config {
    }

    @Command(name = "validate", description = "Validate a profile file (JSON or YAML) against its model's schema; "
            + "'extends' resolves against the catalogue. Works offline.")
    static final class Validate implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Parameters(paramLabel = "FILE", description = "Profile file (.json, .yaml, .yml).")
        Path file;

        @Option(names = "--model", description = "Box model (default: the file's 'model', else its folder's name).")
        String model;

        @Option(names = "--catalogue", description = "Catalogue folder with profiles/ and schemas/ (default: the packaged one).")
        Path catalogue;

        @Override
        public Integer call() {
            SyncReadyCli cli = root(spec);
            String text;
            try {
                text = Files.readString(file, StandardCharsets.UTF_8);
            } catch (NoSuchFileException e) {
                cli.err.println("no such file: " + file);
                return REFUSED;
            } catch (IOException e) {
                cli.err.println("cannot read " + file + ": " + e.getMessage());
                return REFUSED;
            }
            try {
                ProfileCatalogue cat = catalogue == null ? ProfileCatalogue.packaged() : ProfileCatalogue.load(catalogue);
                String m = model;
                if (m == null && !ProfileCatalogue.parse(file.getFileName().toString(), text).has("model") && file.toAbsolutePath().getParent() != null) {
                    m = file.toAbsolutePath().getParent().getFileName().toString();
                }
                JsonNode body = cat.check(file.toString(), text, m);
                cli.out.println("OK  " + file + "  (" + body.path("model").asText() + "/" + body.path("name").asText()
                        + ", valid against " + body.path("model").asText() + ".schema.json)");
                return OK;
            } catch (ProfileException e) {
                Table t = new Table("FIELD", "PROBLEM");
                for (ProfileProblem p : e.problems()) {
                    t.row(p.pointer(), p.message());
                }
                cli.err.println("INVALID  " + file + "  (" + e.problems().size() + " problem" + (e.problems().size() == 1 ? "" : "s") + ")");
                t.print(cli.err);
                return REFUSED;
            }
        }
    }

    @Command(name = "diff", description = "What a box's configuration would become with PROFILE (its overrides on top), "
            + "compared with what it has now.")
    static final class Diff implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--box", required = true, description = "Box id.")
        String box;

        @Option(names = "--profile", required = true, description = "Profile, model/name.")
        String profile;

        @Override
        public Integer call() {
            SyncReadyCli cli = root(spec);
            return cli.request("GET", "/api/v1/boxes/" + enc(box) + "/config/preview?profile=" + enc(profile), null, answer -> {
                Table t = new Table("FIELD", "NOW", "WITH " + profile);
                for (JsonNode c : answer.path("diff")) {
                    t.row(c.path("path").asText(), cell(c.path("from")), cell(c.path("to")));
                }
                cli.out.println(box + ": " + answer.path("change").asText() + (t.size() == 0 ? ", nothing changes" : ", " + t.size() + " changes"));
                if (t.size() > 0) {
                    t.print(cli.out);
                }
                return OK;
            });
        }
    }

    // ------------------------------------------------------------------ rollout

    @Command(name = "rollout", description = "Start, watch and steer rollouts.",
            subcommands = {Start.class, Status.class, Action.Pause.class, Action.Resume.class, Action.Abort.class, Action.Rollback.class})
    static final class Rollout {
    }

    @Command(name = "start", description = "Roll a profile out to boxes in waves (or only show what would happen with --dry-run).")
    static final class Start implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--profile", description = "Profile, model/name. Without it each box keeps its profile "
                + "and only the overrides change.")
        String profile;
        @Option(names = "--school", parameterConsumer = Overrides.Scope.class,
                description = "Target school id (repeatable); --set after it changes that school's override layer.")
        List<String> schools = new ArrayList<>();
        @Option(names = "--classroom", parameterConsumer = Overrides.Scope.class, description = "Target classroom id (repeatable).")
        List<String> classrooms = new ArrayList<>();
        @Option(names = "--box", parameterConsumer = Overrides.Scope.class,
                description = "Target box id (repeatable); the first is the canary; --set after it changes that box's override layer.")
        List<String> boxes = new ArrayList<>();
        @Option(names = "--set", paramLabel = "KEY=VALUE", parameterConsumer = Overrides.Set.class,
                description = {"Sets one configuration key in the override layer of the --school or --box before it, "
                        + "e.g. --school remote-hexi --set stream.pushUrl=rtmp://10.1.0.5/live/hexi (repeatable). "
                        + "KEY is a dotted path; VALUE is read as JSON when it is a number, true/false, null (removes the key), "
                        + "\"quoted text\", [..] or {..}, else as text. The rest of the stored layer is kept."})
        List<String> sets = new ArrayList<>();
        @Option(names = "--overrides", paramLabel = "FILE", description = "Override layers from a JSON or YAML file: "
                + "{schools: {ID: {...}}, boxes: {ID: {...}}}; each replaces the stored layer ({} clears it); --set goes on top.")
        Path overridesFile;
        /** The override layers the --set options build, in order; filled while the command line is parsed. */
        final Overrides overrides = new Overrides();
        @Option(names = "--model", description = "Only boxes of this model.")
        String model;
        @Option(names = "--all", description = "Every box.")
        boolean all;
        @Option(names = "--waves", split = ",", description = "Wave sizes, e.g. 1,10%%,100%% (default: 1,10%%,100%%).")
        List<String> waves;
        @Option(names = "--failure-threshold", description = "Failed boxes (N or N%%) that stop the rollout (default 1).")
        String failureThreshold;
        @Option(names = "--on-failure", description = "pause (default) or abort.")
        String onFailure;
        @Option(names = "--timeout", description = "Seconds a box may take to report (default 600).")
        Integer timeoutS;
        @Option(names = "--force", description = "Also send to boxes in class (emergencies only; audited).")
        boolean force;
        @Option(names = "--dry-run", description = "Show boxes, waves, changes and deferrals; change nothing.")
        boolean dryRun;
        @Option(names = "--note", description = "Why, for the audit log.")
        String note;

        @Override
        public Integer call() {
            SyncReadyCli cli = root(spec);
            ObjectNode body = cli.json.createObjectNode();
            if (profile != null) {
                body.put("profile", profile);
            }
            ObjectNode layers;
            try {
                layers = overrides.layers(cli, overridesFile);
            } catch (Overrides.Unusable e) {
                cli.err.println(e.getMessage());
                return e.exitCode();
            }
            if (layers != null) {
                body.set("overrides", layers);
            } else if (profile == null) {
                cli.err.println("give --profile, --set or --overrides: there is nothing to roll out");
                return 2;
            }
            ObjectNode target = body.putObject("target");
            list(target, "schools", schools);
            list(target, "classrooms", classrooms);
            list(target, "boxes", boxes);
            if (model != null) {
                target.put("model", model);
            }
            if (all) {
                target.put("all", true);
            }
            ObjectNode strategy = body.putObject("strategy");
            if (waves != null) {
                ArrayNode w = strategy.putArray("waves");
                waves.forEach(s -> w.add(s.matches("\\d+") ? cli.json.getNodeFactory().numberNode(Integer.parseInt(s))
                        : cli.json.getNodeFactory().textNode(s)));
            }
            if (failureThreshold != null) {
                strategy.put("failureThreshold", failureThreshold);
            }
            if (onFailure != null) {
                strategy.put("onFailure", onFailure);
            }
            if (timeoutS != null) {
                strategy.put("boxTimeoutS", timeoutS);
            }
            if (force) {
                body.put("force", true);
            }
            if (note != null) {
                body.put("note", note);
            }
            return cli.request("POST", "/api/v1/rollouts" + (dryRun ? "?dryRun=true" : ""), body, answer -> {
                if (dryRun) {
                    Table t = new Table("BOX", "SCHOOL", "WAVE", "CHANGE", "DEFERRED UNTIL", "CHANGES");
                    for (JsonNode b : answer.path("boxes")) {
                        List<String> paths = new ArrayList<>();
                        b.path("diff").forEach(c -> paths.add(c.path("path").asText()));
                        t.row(b.path("boxId").asText(), b.path("schoolId").asText(null), b.path("wave").asInt(), b.path("change").asText(),
                                b.path("deferredUntil").asText(null), paths.size() + (paths.isEmpty() ? "" : ": " + String.join(" ", paths)));
                    }
                    cli.out.println("DRY RUN: " + t.size() + " boxes in waves " + answer.path("waveSizes") + ", "
                            + answer.path("deferred").asInt() + " would be deferred, " + answer.path("unchanged").size()
                            + " already up to date. Nothing was changed.");
                    t.print(cli.out);
                    printLayers(cli, layers);
                    return OK;
                }
                cli.out.println("rollout " + answer.path("id").asText() + " " + answer.path("state").asText() + ": "
                        + answer.path("boxes").size() + " boxes in waves " + answer.path("waveSizes"));
                cli.out.println("follow it with: syncready rollout status " + answer.path("id").asText());
                return OK;
            });
        }

        /** The override layers a rollout would store, so a dry run shows what replaces what is stored now. */
        private static void printLayers(SyncReadyCli cli, ObjectNode layers) {
            if (layers == null) {
                return;
            }
            for (String kind : new String[] {"schools", "boxes"}) {
                layers.path(kind).fields().forEachRemaining(e -> cli.out.println("override layer of "
                        + (kind.equals("schools") ? "school " : "box ") + e.getKey() + " would become: " + e.getValue()));
            }
        }

        private static void list(ObjectNode target, String field, List<String> values) {
            if (!values.isEmpty()) {
                ArrayNode a = target.putArray(field);
                values.forEach(a::add);
            }
        }
    }

    @Command(name = "status", description = "Per-box state of a rollout. Exit 0 completed, 3 in progress, 5 failed or stopped.")
    static final class Status implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Parameters(paramLabel = "ID", description = "Rollout id.")
        String id;

        @Override
        public Integer call() {
            SyncReadyCli cli = root(spec);
            return cli.request("GET", "/api/v1/rollouts/" + enc(id), null, answer -> printRollout(cli, answer));
        }
    }

    static int printRollout(SyncReadyCli cli, JsonNode r) {
        cli.out.println("rollout " + r.path("id").asText() + "  " + r.path("state").asText().toUpperCase() + "  wave "
                + r.path("wave").asInt() + "/" + r.path("waveSizes").size() + "  profile " + r.path("profile").asText("-")
                + "  by " + r.path("actor").asText());
        if (!r.path("reason").isNull() && r.has("reason")) {
            cli.out.println("reason: " + r.path("reason").asText());
        }
        StringBuilder counts = new StringBuilder();
        r.path("counts").fields().forEachRemaining(e -> {
            if (e.getValue().asInt() > 0) {
                counts.append(counts.length() == 0 ? "" : ", ").append(e.getKey()).append(' ').append(e.getValue().asInt());
            }
        });
        cli.out.println(counts);
        Table t = new Table("BOX", "WAVE", "STATE", "VERSION", "SENT", "DEFERRED UNTIL", "ERROR");
        for (JsonNode b : r.path("boxes")) {
            t.row(b.path("boxId").asText(), b.path("wave").asInt(), b.path("state").asText(), b.path("version").asText(null),
                    b.path("sentAt").asText(null), b.path("deferredUntil").asText(null), b.path("error").asText(null));
        }
        t.print(cli.out);
        String state = r.path("state").asText();
        int failed = r.path("counts").path("rejected").asInt() + r.path("counts").path("rolled_back").asInt()
                + r.path("counts").path("timed_out").asInt();
        if (state.equals("running") || state.equals("paused")) {
            return IN_PROGRESS;
        }
        return state.equals("completed") && failed == 0 ? OK : FAILED;
    }

    abstract static class Action implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Parameters(paramLabel = "ID", description = "Rollout id.")
        String id;

        abstract String action();

        @Override
        public Integer call() {
            SyncReadyCli cli = root(spec);
            return cli.request("POST", "/api/v1/rollouts/" + enc(id) + "/" + action(), cli.json.createObjectNode(), answer -> {
                printRollout(cli, answer);
                return OK; // the action was done; "rollout status" tells how the rollout ends
            });
        }

        @Command(name = "pause", description = "Stop sending; boxes already sent still report.")
        static final class Pause extends Action {
            String action() {
                return "pause";
            }
        }

        @Command(name = "resume", description = "Go on with a paused rollout.")
        static final class Resume extends Action {
            String action() {
                return "resume";
            }
        }

        @Command(name = "abort", description = "Stop for good; boxes not sent yet keep their configuration.")
        static final class Abort extends Action {
            String action() {
                return "abort";
            }
        }

        @Command(name = "rollback", description = "Send every box of the rollout its previous configuration again.")
        static final class Rollback extends Action {
            String action() {
                return "rollback";
            }
        }
    }

    // ------------------------------------------------------------------ selftest

    @Command(name = "selftest", description = {"Self-test one box now and show every check: cameras, microphones, network, "
            + "stream, system, with the values measured and the errors. Exit 0 passed, 5 a check failed, 1 unknown or offline box, "
            + "4 no answer.", "立即自检一台录播主机，逐项显示摄像头、麦克风、网络、推流、系统的检查结果。"})
    static final class Selftest implements Callable<Integer> {
        /** Longer than the controller's own wait for the box (60 s), so its 503 arrives rather than a client timeout. */
        static final Duration WAIT = Duration.ofSeconds(90);
        private static final java.util.Set<String> NOT_VALUES = java.util.Set.of("type", "id", "state", "passed", "error");

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Parameters(paramLabel = "BOX", description = "Box id.")
        String box;

        @Override
        public Integer call() {
            SyncReadyCli cli = root(spec);
            return cli.request("POST", "/api/v1/boxes/" + enc(box) + "/selftest", cli.json.createObjectNode(), WAIT, answer -> {
                JsonNode checks = answer.path("checks");
                long failed = 0;
                Table t = new Table("TYPE", "ID", "STATE", "RESULT", "ERROR", "VALUES").lastColumnUncut();
                for (JsonNode c : checks) {
                    boolean passed = c.path("passed").asBoolean(false);
                    failed += passed ? 0 : 1;
                    t.row(c.path("type").asText(), c.path("id").asText(), c.path("state").asText(), passed ? "pass" : "FAIL",
                            c.path("error").asText(null), values(c));
                }
                boolean passed = answer.path("passed").asBoolean(false);
                cli.out.println(answer.path("boxId").asText() + "  " + (passed ? "PASSED" : "FAILED") + "  ("
                        + (failed == 0 ? "all " + checks.size() + " checks passed" : failed + " of " + checks.size() + " checks failed")
                        + (answer.has("durationMs") ? ", " + answer.path("durationMs").asLong() + " ms" : "") + ")");
                t.print(cli.out);
                return passed ? OK : FAILED;
            });
        }

        /** The measured values of one check as {@code key=value}, targets and the camera deep check in short. */
        static String values(JsonNode check) {
            List<String> parts = new ArrayList<>();
            check.fields().forEachRemaining(e -> {
                String k = e.getKey();
                JsonNode v = e.getValue();
                if (NOT_VALUES.contains(k) || v.isNull()) {
                    return;
                }
                if (k.equals("targets")) {
                    List<String> targets = new ArrayList<>();
                    v.forEach(x -> targets.add(x.path("name").asText() + ":" + (x.path("reachable").asBoolean() ? "ok" : "unreachable")));
                    parts.add("targets=" + String.join(",", targets));
                } else if (k.equals("deepCheck")) {
                    parts.add("deepCheck=" + (v.path("ok").asBoolean() ? "ok" : v.path("frozen").asBoolean() ? "frozen"
                            : v.path("black").asBoolean() ? "black" : "error: " + v.path("error").asText()));
                } else {
                    parts.add(k + "=" + (v.isTextual() ? v.asText() : v.toString()));
                }
            });
            return parts.isEmpty() ? "-" : String.join(" ", parts);
        }
    }

    // ------------------------------------------------------------------ HTTP

    interface Render {
        int apply(JsonNode answer) throws IOException;
    }

    int request(String method, String path, JsonNode body, Render render) {
        return request(method, path, body, Duration.ofSeconds(60), render);
    }

    int request(String method, String path, JsonNode body, Duration timeout, Render render) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        URI uri;
        try {
            uri = URI.create(url.replaceAll("/+$", "") + path);
        } catch (IllegalArgumentException e) {
            err.println("bad --url " + url + ": " + e.getMessage());
            return 2;
        }
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(timeout);
        if (token != null && !token.isBlank()) {
            b.header("Authorization", "Bearer " + token.strip());
        }
        if (body != null) {
            b.header("content-type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body.toString()));
        } else {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        }
        try {
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            JsonNode answer = r.body().isBlank() ? json.createObjectNode() : json.readTree(r.body());
            if (rawJson) {
                out.println(json.writerWithDefaultPrettyPrinter().writeValueAsString(answer));
            }
            if (r.statusCode() >= 500) {
                err.println("controller error " + r.statusCode() + ": " + answer.path("message").asText(r.body()));
                return UNREACHABLE;
            }
            if (r.statusCode() == 401) {
                err.println("not logged in (401): " + answer.path("message").asText()
                        + (token == null || token.isBlank() ? "; set SYNCREADY_TOKEN or --token (create one with POST /api/v1/tokens)" : ""));
                return REFUSED;
            }
            if (r.statusCode() >= 400) {
                err.println("refused (" + r.statusCode() + " " + answer.path("error").asText() + "): " + answer.path("message").asText());
                if (answer.path("problems").size() > 0) {
                    Table t = new Table("WHERE", "FIELD", "PROBLEM");
                    answer.path("problems").forEach(p -> t.row(p.path("where").asText(), p.path("field").asText(), p.path("message").asText()));
                    t.print(err);
                }
                return REFUSED;
            }
            if (rawJson) {
                return OK;
            }
            return render.apply(answer);
        } catch (ConnectException e) {
            err.println("cannot reach the controller at " + url + " (" + e.getClass().getSimpleName() + "); set --url or SYNCREADY_URL");
            return UNREACHABLE;
        } catch (IOException e) {
            err.println("talking to " + url + " failed: " + e.getMessage());
            return UNREACHABLE;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return UNREACHABLE;
        }
    }

    static SyncReadyCli root(CommandLine.Model.CommandSpec spec) {
        CommandLine c = spec.commandLine();
        while (c.getParent() != null) {
            c = c.getParent();
        }
        return (SyncReadyCli) c.getCommand();
    }

    static String cell(JsonNode v) {
        return v == null || v.isNull() || v.isMissingNode() ? "-" : v.isTextual() ? v.asText() : v.toString();
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"syncready " + version()};
        }
    }

    /** The project version the build wrote into version.properties ("dev" only if that file is missing). */
    public static String version() {
        try (java.io.InputStream in = SyncReadyCli.class.getResourceAsStream("/org/syncready/controller/version.properties")) {
            if (in != null) {
                java.util.Properties p = new java.util.Properties();
                p.load(in);
                String v = p.getProperty("version");
                if (v != null && !v.isBlank() && !v.startsWith("${")) {
                    return v;
                }
            }
        } catch (IOException e) {
            // Fall through to the manifest.
        }
        String v = SyncReadyCli.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }
}
