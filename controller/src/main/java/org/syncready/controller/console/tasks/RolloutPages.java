package org.syncready.controller.console.tasks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.syncready.controller.account.Principal;
import org.syncready.controller.account.Role;
import org.syncready.controller.api.ApiContext;
import org.syncready.controller.api.ApiException;
import org.syncready.controller.api.Policy;
import org.syncready.controller.api.RolloutRoutes;
import org.syncready.controller.api.SchoolsOf;
import org.syncready.controller.api.Scopes;
import org.syncready.controller.audit.Actor;
import org.syncready.controller.console.ConsoleRouter;
import org.syncready.controller.console.NavItem;
import org.syncready.controller.console.PageGroup;
import org.syncready.controller.console.Texts;
import org.syncready.controller.fleet.Box;
import org.syncready.controller.fleet.Classroom;
import org.syncready.controller.fleet.FleetRegistry;
import org.syncready.controller.fleet.School;
import org.syncready.controller.rollout.RolloutPlan;
import org.syncready.controller.rollout.RolloutView;
import org.syncready.controller.rollout.Rollouts;
import org.syncready.firmware.ConfigLayers;
import org.syncready.firmware.Profile;

/**
 * Configuration and rollouts: a form to pick targets (schools, classrooms, boxes, a model), a profile and
 * override keys (a school's new stream push URL, say) and the waves; the dry run's diff per box; the
 * rollout started, its boxes' progress polled every 2 s; pause, resume, abort and roll back; the
 * history. The form becomes the JSON body of {@code POST /api/v1/rollouts} and goes through the same code
 * ({@link RolloutRoutes#dryRun}, {@link RolloutRoutes#start}): the same checks, scope and audit.
 */
public final class RolloutPages implements PageGroup {
    private static final Pattern KEY = Pattern.compile("[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+)*");
    /** Override rows the form offers. */
    static final int OVERRIDE_ROWS = 3;
    /** Keys the form suggests (the model schemas name every key). */
    static final List<String> COMMON_KEYS = List.of("stream.pushUrl", "stream.backupUrl", "network.ntpServer", "video.bitrateKbps",
            "video.resolution", "video.fps", "agent.heartbeatS");
    static final List<String> ACTIONS = List.of("pause", "resume", "abort", "rollback");
    private static final int HISTORY = 50;

    private final RolloutRoutes rolloutRoutes;
    private final Rollouts rollouts;
    private final FleetRegistry registry;
    private final Times times;
    private final ObjectMapper json = new ObjectMapper();
    private final RoomNames names;
    private ConsoleRouter router;

    public RolloutPages(RolloutRoutes rolloutRoutes, Rollouts rollouts, FleetRegistry registry, java.time.ZoneId zone) {
        this.rolloutRoutes = rolloutRoutes;
        this.rollouts = rollouts;
        this.registry = registry;
        this.times = new Times(zone);
        this.names = new RoomNames(registry);
    }

    @Override
    public List<NavItem> nav() {
        return List.of(new NavItem("rollouts", "nav.rollouts", "/console/rollouts", EnumSet.of(Role.ADMIN, Role.TECHNICIAN, Role.BUREAU), 60));
    }

    @Override
    public void mount(ConsoleRouter router) {
        this.router = router;
        SchoolsOf rolloutInPath = rolloutRoutes.rolloutIn(Scopes.path("id"));
        // As GET /api/v1/rollouts: every role, each seeing the rollouts of their schools.
        router.page("/console/rollouts", Policy.anyRole(), this::history);
        // As POST /api/v1/rollouts: admins and technicians, a technician's targets all in their schools.
        router.page("/console/rollouts/new", Policy.roles(Role.ADMIN, Role.TECHNICIAN), this::form);
        router.action(HttpMethod.POST, "/console/rollouts/preview", Policy.roles(Role.ADMIN, Role.TECHNICIAN)
                .notAudited("a dry run changes nothing (as POST /api/v1/rollouts?dryRun=true)"), this::preview);
        router.action(HttpMethod.POST, "/console/rollouts", Policy.roles(Role.ADMIN, Role.TECHNICIAN)
                .auditedElsewhere("rollout.start (refusals too) and rollout.force, by the rollout engine"), this::start);
        router.page("/console/rollouts/:id", Policy.anyRole().inAnySchoolOf(rolloutInPath), this::detail);
        router.page("/console/rollouts/:id/progress", Policy.anyRole().inAnySchoolOf(rolloutInPath), this::progress);
        for (String action : ACTIONS) {
            router.action(HttpMethod.POST, "/console/rollouts/:id/" + action, Policy.roles(Role.ADMIN, Role.TECHNICIAN)
                    .inEverySchoolOf(rolloutInPath).auditedElsewhere("rollout." + action + ", by the rollout engine"), ctx -> act(ctx, action));
        }
    }

    // ------------------------------------------------------------------ views

    /** The history: newest first. */
    public record HistoryView(boolean canStart, List<RolloutRow> rollouts) {
    }

    /** One rollout of the history. */
    public record RolloutRow(String id, String state, String stateText, String createdAt, String actor, String profile, String target,
                             String progress, String note) {
    }

    /** The form: what the caller may target, the catalogue, and the override keys. */
    public record FormView(List<Choice> schools, List<Choice> classrooms, List<Choice> boxes, List<String> models, List<Choice> profiles,
                           List<Choice> layers, List<String> keys, int overrideRows) {
    }

    /** A checkbox or option: value, label, and (for classrooms and boxes) the school's name beside it. */
    public record Choice(String value, String label, String detail) {
    }

    /** A dry run: per box its wave, change and diff. */
    public record PreviewView(List<Integer> waveSizes, int boxes, long deferred, List<String> unchanged, List<PreviewBox> rows,
                              boolean force, Failure failure) {
    }

    /** One box of a dry run. */
    public record PreviewBox(String boxId, String school, String classroom, String profile, int wave, String change, String deferredUntil,
                             List<DiffRow> diff) {
    }

    /** One changed value: its path, and the old and new value as JSON text (empty: absent). */
    public record DiffRow(String path, String from, String to) {
    }

    /** A rollout and its boxes; {@code live} keeps the page polling; {@code actions} the buttons the caller may press. */
    public record ProgressView(String id, String state, String stateText, String createdAt, String actor, String profile, String target,
                               String note, boolean force, int wave, List<Integer> waveSizes, String reason, Map<String, Integer> counts,
                               List<BoxRow> boxes, List<String> actions, boolean live, Failure failure) {
    }

    /** One box of a rollout. */
    public record BoxRow(String boxId, String school, String classroom, int wave, String state, String stateText, Long version,
                         String sentAt, String deferredUntil, String error) {
    }

    // ------------------------------------------------------------------ history, form

    private void history(RoutingContext ctx) {
        Principal p = ConsoleRouter.principal(ctx);
        Texts t = ConsoleRouter.texts(ctx);
        router.blocking(ctx, () -> rolloutRoutes.visible(p, HISTORY), list -> {
            List<RolloutRow> rows = list.stream().map(v -> new RolloutRow(v.id(), v.state(), t.t("rollouts.state." + v.state()),
                    times.dateTime(v.createdAt()), v.actor(), v.profile() == null ? t.t("rollouts.keepProfile") : v.profile(), v.target(),
                    progressText(t, v), v.note())).toList();
            router.render(ctx, "tasks/rollouts.jte", ConsoleRouter.params("f", router.frame(ctx, "rollouts", t.t("rollouts.title")),
                    "v", new HistoryView(p.role() == Role.ADMIN || p.role() == Role.TECHNICIAN, rows)));
        });
    }

    private static String progressText(Texts t, RolloutView v) {
        int total = v.counts().values().stream().mapToInt(Integer::intValue).sum();
        return t.t("rollouts.progress", v.counts().getOrDefault("applied", 0), total, v.wave(), v.waveSizes().size());
    }

    private void form(RoutingContext ctx) {
        Texts t = ConsoleRouter.texts(ctx);
        router.render(ctx, "tasks/rolloutNew.jte", ConsoleRouter.params("f", router.frame(ctx, "rollouts", t.t("rollouts.new")),
                "v", formView(t, ConsoleRouter.principal(ctx))));
    }

    private FormView formView(Texts t, Principal p) {
        List<Choice> schools = new ArrayList<>();
        List<Choice> classrooms = new ArrayList<>();
        List<Choice> boxes = new ArrayList<>();
        List<Choice> layers = new ArrayList<>();
        Set<String> models = new TreeSet<>();
        for (School s : registry.schools()) {
            if (!p.sees(s.id())) {
                continue;
            }
            schools.add(new Choice(s.id(), t.school(s), s.id()));
            layers.add(new Choice("school:" + s.id(), t.t("rollouts.layer.school", t.school(s)), null));
            for (Classroom c : registry.classrooms(s.id())) {
                classrooms.add(new Choice(c.id(), names.room(t, c.id()), t.school(s)));
            }
        }
        for (Box b : registry.boxes()) {
            Optional<String> school = registry.schoolOf(b.id());
            if (school.isEmpty() || !p.sees(school.get())) {
                continue;
            }
            String room = names.room(t, b.classroomId());
            String schoolName = registry.school(school.get()).map(t::school).orElse(school.get());
            boxes.add(new Choice(b.id(), b.id(), schoolName + " " + room));
            layers.add(new Choice("box:" + b.id(), t.t("rollouts.layer.box", b.id()), null));
            models.add(b.model());
        }
        List<Choice> profiles = rollouts.catalogue().profiles().stream().sorted(java.util.Comparator.comparing(Profile::ref))
                .map(pr -> new Choice(pr.ref(), pr.ref(), pr.body().path("description").asText(""))).toList();
        return new FormView(schools, classrooms, boxes, List.copyOf(models), profiles, layers, COMMON_KEYS, OVERRIDE_ROWS);
    }

    // ------------------------------------------------------------------ the form as the API's request

    /**
     * The form as the JSON body of {@code POST /api/v1/rollouts}. A key of an override row changes that key of
     * the school's or box's stored layer and keeps the rest (as the CLI's {@code --set}); the layer stored now is
     * read from one of the school's boxes. Blocking (reads the stored layers). Values that look like JSON
     * (numbers, true/false, null, quoted text, lists, objects) are JSON, anything else is text.
     */
    ObjectNode request(FormInput form) {
        ObjectNode body = json.createObjectNode();
        String profile = form.get("profile");
        if (profile != null) {
            body.put("profile", profile);
        }
        ObjectNode target = body.putObject("target");
        list(target, "schools", form.all("school"));
        list(target, "classrooms", form.all("classroom"));
        list(target, "boxes", form.all("box"));
        if (form.get("model") != null) {
            target.put("model", form.get("model"));
        }
        Map<String, ObjectNode> schoolPatches = new LinkedHashMap<>();
        Map<String, ObjectNode> boxPatches = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < OVERRIDE_ROWS; i++) {
            String key = form.get("key" + i);
            String layer = form.get("layer" + i);
            String value = form.raw("value" + i);
            if (key == null && (value == null || value.isBlank())) {
                continue;
            }
            if (key == null || !KEY.matcher(key).matches()) {
                problems.add("key" + i + ": '" + (key == null ? "" : key) + "' is not a configuration key such as stream.pushUrl");
                continue;
            }
            if (layer == null || !(layer.startsWith("school:") || layer.startsWith("box:"))) {
                problems.add("layer" + i + ": choose the school or box whose override " + key + " changes");
                continue;
            }
            Map<String, ObjectNode> into = layer.startsWith("school:") ? schoolPatches : boxPatches;
            String id = layer.substring(layer.indexOf(':') + 1);
            ObjectNode patch = into.computeIfAbsent(id, k -> json.createObjectNode());
            into.put(id, (ObjectNode) ConfigLayers.merge(patch, ConfigLayers.setting(key, ConfigLayers.settingValue(value == null ? "" : value.strip()))));
        }
        if (!problems.isEmpty()) {
            throw new FormProblems(problems);
        }
        if (!schoolPatches.isEmpty() || !boxPatches.isEmpty()) {
            ObjectNode overrides = body.putObject("overrides");
            if (!schoolPatches.isEmpty()) {
                ObjectNode schools = overrides.putObject("schools");
                schoolPatches.forEach((id, patch) -> schools.set(id, ConfigLayers.merge(storedLayer(id, null), patch)));
            }
            if (!boxPatches.isEmpty()) {
                ObjectNode boxes = overrides.putObject("boxes");
                boxPatches.forEach((id, patch) -> boxes.set(id, ConfigLayers.merge(storedLayer(null, id), patch)));
            }
        }
        ObjectNode strategy = body.putObject("strategy");
        String waves = form.get("waves");
        if (waves != null) {
            ArrayNode w = strategy.putArray("waves");
            for (String part : waves.split("[,，\\s]+")) {
                if (!part.isBlank()) {
                    w.add(amount(part));
                }
            }
        }
        if (form.get("failureThreshold") != null) {
            strategy.set("failureThreshold", amount(form.get("failureThreshold")));
        }
        if (form.get("onFailure") != null) {
            strategy.put("onFailure", form.get("onFailure"));
        }
        if (form.get("boxTimeoutS") != null) {
            strategy.set("boxTimeoutS", amount(form.get("boxTimeoutS")));
        }
        if (form.checked("force")) {
            body.put("force", true);
        }
        if (form.get("note") != null) {
            body.put("note", form.get("note"));
        }
        return body;
    }

    /** A layer stored now: a box's own, or a school's (read through one of its boxes); {} when there is none. */
    private JsonNode storedLayer(String schoolId, String boxId) {
        String box = boxId;
        if (box == null) {
            box = registry.boxes().stream().filter(b -> schoolId.equals(registry.schoolOf(b.id()).orElse(null))).map(Box::id)
                    .findFirst().orElse(null);
        }
        if (box == null) {
            return json.createObjectNode();
        }
        JsonNode layer = rollouts.boxConfig(box).map(c -> c.path("overrides").path(boxId == null ? "school" : "box"))
                .orElse(json.missingNode());
        return layer.isObject() ? layer.deepCopy() : json.createObjectNode();
    }

    private static void list(ObjectNode target, String field, List<String> ids) {
        if (!ids.isEmpty()) {
            ArrayNode a = target.putArray(field);
            ids.forEach(a::add);
        }
    }

    /** {@code 3} as a number, {@code 10%} (and anything else) as text: the API's parser says what is wrong with it. */
    private JsonNode amount(String text) {
        String s = text.strip();
        return s.matches("\\d{1,9}") ? json.getNodeFactory().numberNode(Integer.parseInt(s)) : json.getNodeFactory().textNode(s);
    }


    /** The form's own problems (an override row without a key or layer), before the API's checks. */
    static final class FormProblems extends RuntimeException {
        private final transient List<String> problems;

        FormProblems(List<String> problems) {
            super("the form has problems", null, false, false);
            this.problems = List.copyOf(problems);
        }

        Failure failure(Texts t) {
            return new Failure(400, t.t("rollouts.formProblems"), problems);
        }
    }

    // ------------------------------------------------------------------ dry run and start

    private void preview(RoutingContext ctx) {
        Principal p = ConsoleRouter.principal(ctx);
        Texts t = ConsoleRouter.texts(ctx);
        FormInput form = FormInput.of(ctx);
        router.api().vertx().executeBlocking(() -> {
            ObjectNode body = request(form);
            return new Planned(rolloutRoutes.dryRun(body, p), body.path("force").asBoolean(false));
        }, false).onComplete(r -> {
            if (r.succeeded()) {
                renderPreview(ctx, 200, previewView(t, r.result().plan(), r.result().force()));
            } else {
                fragmentFailure(ctx, t, r.cause(), "tasks/rolloutPreview.jte",
                        f -> new PreviewView(List.of(), 0, 0, List.of(), List.of(), false, f));
            }
        });
    }

    /** A dry run's plan, and whether the request sends during class too. */
    private record Planned(RolloutPlan plan, boolean force) {
    }

    private void renderPreview(RoutingContext ctx, int status, PreviewView v) {
        router.render(ctx, status, "tasks/rolloutPreview.jte", ConsoleRouter.params("f", router.frame(ctx, "rollouts", ""), "v", v));
    }

    private PreviewView previewView(Texts t, RolloutPlan plan, boolean force) {
        List<PreviewBox> rows = new ArrayList<>();
        for (RolloutPlan.Box b : plan.boxes()) {
            List<DiffRow> diff = b.diff().stream().map(c -> new DiffRow(c.path(), text(c.from()), text(c.to()))).toList();
            rows.add(new PreviewBox(b.boxId(), registry.school(b.schoolId()).map(t::school).orElse(b.schoolId()),
                    names.room(t, b.classroomId()), b.profile(), b.wave() + 1,
                    t.t("rollouts.change." + b.change()), b.deferredUntil() == null ? null : times.dateTime(b.deferredUntil()), diff));
        }
        long deferred = plan.boxes().stream().filter(b -> b.deferredUntil() != null).count();
        return new PreviewView(plan.waveSizes(), plan.boxes().size(), deferred, plan.unchanged(), rows, force, null);
    }

    private static String text(JsonNode v) {
        return v == null || v.isMissingNode() ? "" : v.isTextual() ? v.asText() : v.toString();
    }

    private void start(RoutingContext ctx) {
        Principal p = ConsoleRouter.principal(ctx);
        Actor actor = ApiContext.actor(ctx);
        Texts t = ConsoleRouter.texts(ctx);
        FormInput form = FormInput.of(ctx);
        router.api().vertx().executeBlocking(() -> rolloutRoutes.start(request(form), p, actor), false).onComplete(r -> {
            if (r.succeeded()) {
                String to = "/console/rollouts/" + r.result().id();
                // htmx follows HX-Redirect; a plain client gets 201 with Location.
                ctx.response().setStatusCode(201).putHeader("HX-Redirect", to).putHeader("Location", to)
                        .putHeader("Cache-Control", "no-store").end();
            } else {
                fragmentFailure(ctx, t, r.cause(), "tasks/rolloutPreview.jte",
                        f -> new PreviewView(List.of(), 0, 0, List.of(), List.of(), false, f));
            }
        });
    }

    /** A refused form: the refusal in place of the result, with its status (so the audit and the client see it). */
    private void fragmentFailure(RoutingContext ctx, Texts t, Throwable cause, String template, java.util.function.Function<Failure, Object> view) {
        Failure f = cause instanceof FormProblems fp ? fp.failure(t) : Failure.of(cause);
        if (f == null) {
            ctx.fail(cause);
            return;
        }
        ApiContext.refused(ctx, f.asApiException());
        router.render(ctx, f.status(), template, ConsoleRouter.params("f", router.frame(ctx, "rollouts", ""), "v", view.apply(f)));
    }

    // ------------------------------------------------------------------ one rollout

    private void detail(RoutingContext ctx) {
        Texts t = ConsoleRouter.texts(ctx);
        String id = ctx.pathParam("id");
        Principal p = ConsoleRouter.principal(ctx);
        router.blocking(ctx, () -> rollouts.get(id).orElseThrow(() -> ApiException.notFound("no rollout '" + id + "'")), v ->
                router.render(ctx, "tasks/rollout.jte", ConsoleRouter.params("f", router.frame(ctx, "rollouts", t.t("rollouts.one", id)),
                        "v", progressView(t, p, v, null))));
    }

    private void progress(RoutingContext ctx) {
        Texts t = ConsoleRouter.texts(ctx);
        String id = ctx.pathParam("id");
        Principal p = ConsoleRouter.principal(ctx);
        router.blocking(ctx, () -> rollouts.get(id).orElseThrow(() -> ApiException.notFound("no rollout '" + id + "'")), v ->
                router.render(ctx, "tasks/rolloutProgress.jte", ConsoleRouter.params("f", router.frame(ctx, "rollouts", ""),
                        "v", progressView(t, p, v, null))));
    }

    private void act(RoutingContext ctx, String action) {
        Texts t = ConsoleRouter.texts(ctx);
        String id = ctx.pathParam("id");
        Principal p = ConsoleRouter.principal(ctx);
        Actor actor = ApiContext.actor(ctx);
        router.api().vertx().executeBlocking(() -> rollouts.act(id, action, actor), false).onComplete(r -> {
            if (r.succeeded()) {
                router.render(ctx, "tasks/rolloutProgress.jte", ConsoleRouter.params("f", router.frame(ctx, "rollouts", ""),
                        "v", progressView(t, p, r.result(), null)));
                return;
            }
            Failure f = Failure.of(r.cause());
            if (f == null) {
                ctx.fail(r.cause());
                return;
            }
            ApiContext.refused(ctx, f.asApiException());
            // Show the refusal above the rollout as it is now.
            router.blocking(ctx, () -> rollouts.get(id), v -> router.render(ctx, f.status(), "tasks/rolloutProgress.jte",
                    ConsoleRouter.params("f", router.frame(ctx, "rollouts", ""), "v", v.map(x -> progressView(t, p, x, f))
                            .orElse(null))));
        });
    }

    private ProgressView progressView(Texts t, Principal p, RolloutView v, Failure failure) {
        List<BoxRow> boxes = new ArrayList<>();
        boolean moving = false;
        for (RolloutView.Box b : v.boxes()) {
            String school = registry.schoolOf(b.boxId()).flatMap(registry::school).map(t::school).orElse("");
            String room = registry.box(b.boxId()).map(x -> names.room(t, x.classroomId())).orElse("");
            boxes.add(new BoxRow(b.boxId(), school, room, b.wave(), b.state(), t.t("rollouts.box." + b.state()), b.version(),
                    times.dateTime(b.sentAt()), b.deferredUntil() == null ? null : times.dateTime(b.deferredUntil()), b.error()));
            // A sent box still reports (also after an abort); pending boxes move only in a running or paused rollout.
            moving |= b.state().equals("sent");
        }
        boolean steers = p.role() == Role.ADMIN || p.role() == Role.TECHNICIAN && p.seesAll(rolloutRoutes.schools(v));
        List<String> actions = !steers ? List.of() : switch (v.state()) {
            case "running" -> List.of("pause", "abort", "rollback");
            case "paused" -> List.of("resume", "abort", "rollback");
            case "completed", "aborted" -> List.of("rollback");
            default -> List.of();
        };
        boolean live = v.state().equals("running") || v.state().equals("paused") || moving;
        return new ProgressView(v.id(), v.state(), t.t("rollouts.state." + v.state()), times.dateTime(v.createdAt()), v.actor(),
                v.profile() == null ? t.t("rollouts.keepProfile") : v.profile(), v.target(), v.note(), v.force(), v.wave(),
                v.waveSizes(), v.reason(), v.counts(), boxes, actions, live, failure);
    }
}
