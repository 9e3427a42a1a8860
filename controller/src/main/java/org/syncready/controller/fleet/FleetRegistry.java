package org.syncready.controller.fleet;

import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.syncready.controller.broker.BrokerAccess;
import org.syncready.controller.broker.BrokerAccounts;
import org.syncready.controller.broker.BrokerPrincipal;
import org.syncready.controller.refusal.Refusal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Schools, classrooms and boxes, with each box's MQTT secret (as a hash). Reads come from memory
 * (the broker checks credentials on every CONNECT); writes go to the {@link FleetStore} first, so what
 * the API confirmed survives a restart. Writing methods block: call them from a worker thread; a
 * request they cannot carry out is refused with a {@link Refusal} (invalid, not found, conflict). They
 * and {@link #reload} take turns, so a reload never drops what a write put in memory after its read.
 */
public final class FleetRegistry implements BrokerAccess {
    private static final Logger log = LoggerFactory.getLogger(FleetRegistry.class);
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    /** Client ids of this prefix belong to controller nodes; no box may take one. */
    public static final String CONTROLLER_CLIENT_PREFIX = "syncready-controller";

    private final FleetStore store;
    private final Map<String, School> schools = new ConcurrentHashMap<>();
    private final Map<String, Classroom> classrooms = new ConcurrentHashMap<>();
    private final Map<String, Box> boxes = new ConcurrentHashMap<>();
    private final Map<String, String> secretHashes = new ConcurrentHashMap<>();
    private final java.util.concurrent.atomic.AtomicLong version = new java.util.concurrent.atomic.AtomicLong();
    private final String controllerSecretHash;
    /** Told the id of a box whose credentials stopped being valid (rotated, revoked): the broker closes its connection. */
    private volatile Consumer<String> credentialsWithdrawn = id -> { };
    /** Where boxes' broker accounts are kept besides this registry (an external Mosquitto), or nowhere. */
    private volatile BrokerAccounts accounts = BrokerAccounts.NONE;
    /** Several nodes: an unknown box is looked up in the store ({@link #isRegisteredHereOrInStore}). */
    private volatile boolean lookUpInStore;
    /** When each unknown box was last looked up; cleared when it reaches {@link #MAX_LOOKUPS_REMEMBERED}. */
    private final Map<String, Long> lastStoreLookup = new ConcurrentHashMap<>();
    private static final int MAX_LOOKUPS_REMEMBERED = 10_000;

    private FleetRegistry(FleetStore store, String controllerSecret) {
        this.store = store;
        this.controllerSecretHash = BoxSecrets.hash(controllerSecret);
    }

    /** Loads the registry; {@code controllerSecret} is what this controller's own MQTT clients log in with. */
    public static FleetRegistry load(FleetStore store, String controllerSecret) {
        FleetRegistry registry = new FleetRegistry(store, controllerSecret);
        FleetStore.Registered stored = store.load();
        stored.schools().forEach(s -> registry.schools.put(s.id(), s));
        stored.classrooms().forEach(c -> registry.classrooms.put(c.id(), c));
        for (FleetStore.StoredBox b : stored.boxes()) {
            registry.boxes.put(b.box().id(), b.box());
            registry.secretHashes.put(b.box().id(), b.secretHash());
        }
        log.info("fleet registry loaded: {} schools, {} classrooms, {} boxes",
                registry.schools.size(), registry.classrooms.size(), registry.boxes.size());
        return registry;
    }

    /**
     * Reads the registry again (another controller node changed it): adds what is new, drops what is gone,
     * and cuts off every box whose secret changed or that was revoked, as if it had happened here.
     */
    public synchronized void reload() {
        FleetStore.Registered stored = store.load();
        Map<String, School> newSchools = new java.util.HashMap<>();
        stored.schools().forEach(x -> newSchools.put(x.id(), x));
        Map<String, Classroom> newClassrooms = new java.util.HashMap<>();
        stored.classrooms().forEach(c -> newClassrooms.put(c.id(), c));
        Map<String, FleetStore.StoredBox> newBoxes = new java.util.HashMap<>();
        stored.boxes().forEach(b -> newBoxes.put(b.box().id(), b));
        schools.putAll(newSchools);
        schools.keySet().retainAll(newSchools.keySet());
        classrooms.putAll(newClassrooms);
        classrooms.keySet().retainAll(newClassrooms.keySet());
        List<String> withdrawn = new java.util.ArrayList<>();
        for (FleetStore.StoredBox b : newBoxes.values()) {
            String before = secretHashes.put(b.box().id(), b.secretHash());
            boxes.put(b.box().id(), b.box());
            if (before != null && !before.equals(b.secretHash())) {
                withdrawn.add(b.box().id());
            }
        }
        for (String id : List.copyOf(boxes.keySet())) {
            if (!newBoxes.containsKey(id)) {
                boxes.remove(id);
                secretHashes.remove(id);
                withdrawn.add(id);
            }
        }
        version.incrementAndGet();
        withdrawn.forEach(credentialsWithdrawn);
        log.info("fleet registry read again (changed by another node): {} schools, {} classrooms, {} boxes; {} cut off",
                schools.size(), classrooms.size(), boxes.size(), withdrawn.size());
    }

    public synchronized School addSchool(String id, String nameZh, String nameEn) {
        checkId(id, "id");
        checkName(nameZh, "nameZh");
        checkName(nameEn, "nameEn");
        if (schools.containsKey(id)) {
            throw Refusal.conflict("school '" + id + "' already exists");
        }
        School school = new School(id, nameZh, nameEn);
        stored(store.addSchool(school, System.currentTimeMillis()), id);
        schools.put(id, school);
        version.incrementAndGet();
        log.info("school registered school={}", id);
        return school;
    }

    public synchronized Classroom addClassroom(String id, String schoolId, String nameZh, String nameEn) {
        checkId(id, "id");
        checkName(nameZh, "nameZh");
        checkName(nameEn, "nameEn");
        if (!schools.containsKey(schoolId)) {
            throw Refusal.notFound("no school '" + schoolId + "'");
        }
        if (classrooms.containsKey(id)) {
            throw Refusal.conflict("classroom '" + id + "' already exists");
        }
        Classroom classroom = new Classroom(id, schoolId, nameZh, nameEn);
        stored(store.addClassroom(classroom, System.currentTimeMillis()), id);
        classrooms.put(id, classroom);
        version.incrementAndGet();
        log.info("classroom registered school={} classroom={}", schoolId, id);
        return classroom;
    }

    /** Registers a box and returns its secret; the secret is not kept and cannot be shown again. */
    public synchronized BoxRegistration registerBox(String id, String classroomId, String model) {
        checkId(id, "id");
        if (id.startsWith(CONTROLLER_CLIENT_PREFIX)) {
            throw Refusal.invalid("box id may not start with '" + CONTROLLER_CLIENT_PREFIX + "'");
        }
        checkName(model, "model");
        if (!classrooms.containsKey(classroomId)) {
            throw Refusal.notFound("no classroom '" + classroomId + "'");
        }
        if (boxes.containsKey(id)) {
            throw Refusal.conflict("box '" + id + "' already exists");
        }
        String secret = BoxSecrets.newSecret();
        String hash = BoxSecrets.hash(secret);
        long now = System.currentTimeMillis();
        Box box = new Box(id, classroomId, model, now);
        // The store first: its key decides a race for the id (two requests, two nodes), and only the
        // winner creates the broker account. Without the account the registration is undone.
        stored(store.addBox(new FleetStore.StoredBox(box, hash)), id);
        try {
            accounts.create(id, secret);
        } catch (BrokerAccounts.Unavailable e) {
            store.removeBox(id);
            log.warn("box registration undone box={} classroom={}: broker account not created: {}", id, classroomId, e.getMessage());
            throw brokerUnavailable("registered", e);
        }
        secretHashes.put(id, hash);
        boxes.put(id, box);
        version.incrementAndGet();
        log.info("box registered box={} classroom={} school={}", id, classroomId, classrooms.get(classroomId).schoolId());
        return new BoxRegistration(box, secret);
    }

    /**
     * Keeps every box's broker account in {@code brokerAccounts} from now on (set once, by the wiring,
     * before the API opens): a registration, rotation or revocation the broker does not confirm is refused.
     */
    public void keepAccountsIn(BrokerAccounts brokerAccounts) {
        accounts = brokerAccounts;
    }

    /** Who closes a box's connection when its credentials stop being valid (set once, by the wiring). */
    public void onCredentialsWithdrawn(Consumer<String> action) {
        credentialsWithdrawn = action;
    }

    /**
     * Gives a box a new secret and returns it (shown once); the old one stops working at once and the
     * box's current connection is closed, so whoever held the old secret must log in again.
     */
    public synchronized BoxRegistration rotateSecret(String boxId) {
        Box box = boxes.get(boxId);
        if (box == null) {
            throw Refusal.notFound("no box '" + boxId + "'");
        }
        String secret = BoxSecrets.newSecret();
        String hash = BoxSecrets.hash(secret);
        // The broker first: if the store then fails, the broker holds a secret nobody knows, and the box
        // is shut out until the next rotation (closed, not open, for a secret that may have leaked).
        try {
            accounts.changeSecret(boxId, secret);
        } catch (BrokerAccounts.Unavailable e) {
            log.warn("box secret not rotated box={}: {}", boxId, e.getMessage());
            throw brokerUnavailable("rotated", e);
        }
        if (!store.replaceSecret(boxId, hash)) {
            throw Refusal.notFound("no box '" + boxId + "'");
        }
        secretHashes.put(boxId, hash);
        credentialsWithdrawn.accept(boxId);
        log.info("box secret rotated box={} school={}", boxId, schoolOf(boxId).orElse("?"));
        return new BoxRegistration(box, secret);
    }

    /**
     * Revokes a box: it leaves the registry, its secret stops working at once and its connection is
     * closed. Its history stays until retention; the id may be registered again (with a new secret).
     */
    public synchronized Box revokeBox(String boxId) {
        Box box = boxes.get(boxId);
        if (box == null) {
            throw Refusal.notFound("no box '" + boxId + "'");
        }
        String school = schoolOf(boxId).orElse("?");
        // The broker account first: a revocation the broker did not carry out is refused, not half done.
        try {
            accounts.delete(boxId);
        } catch (BrokerAccounts.Unavailable e) {
            log.warn("box not revoked box={} school={}: {}", boxId, school, e.getMessage());
            throw brokerUnavailable("revoked", e);
        }
        // Memory first: from here on the broker refuses the box, whatever the store says.
        secretHashes.remove(boxId);
        boxes.remove(boxId);
        try {
            store.removeBox(boxId);
        } finally {
            credentialsWithdrawn.accept(boxId);
        }
        log.info("box revoked box={} school={}", boxId, school);
        return box;
    }

    @Override
    public Optional<BrokerPrincipal> authenticate(String clientId, String username, byte[] password) {
        if (username.equals(CONTROLLER_CLIENT_PREFIX)) {
            return clientId.startsWith(CONTROLLER_CLIENT_PREFIX) && BoxSecrets.matches(password, controllerSecretHash)
                    ? Optional.of(BrokerPrincipal.controller(clientId)) : Optional.empty();
        }
        // A box logs in as itself: its client id, user name and box id are one, so it cannot take over another's session.
        String hash = secretHashes.get(username);
        if (hash == null || !username.equals(clientId) || !BoxSecrets.matches(password, hash)) {
            return Optional.empty();
        }
        return Optional.of(BrokerPrincipal.box(username));
    }

    /**
     * Who a connection an external broker already authenticated is, from its client id and user name alone
     * (EMQX's authorization hook asks with nothing more): the controller, a registered box (client id = user
     * name = box id), or empty (a box revoked since). Memory only, like {@link #authenticate}.
     */
    public Optional<BrokerPrincipal> connectedAs(String clientId, String username) {
        if (clientId == null || username == null) {
            return Optional.empty();
        }
        if (username.equals(CONTROLLER_CLIENT_PREFIX)) {
            return clientId.startsWith(CONTROLLER_CLIENT_PREFIX) ? Optional.of(BrokerPrincipal.controller(clientId)) : Optional.empty();
        }
        return username.equals(clientId) && secretHashes.containsKey(username) ? Optional.of(BrokerPrincipal.box(username)) : Optional.empty();
    }

    /**
     * A tag of the secret {@code principal} logs in with now, which changes when the secret is rotated: an external
     * broker keeps it with the connection (EMQX's client attributes) and sends it with each authorization question, so
     * a connection made with a rotated secret is refused at once. One-way: it reveals neither the secret nor its hash
     * (the hash is the box's echo key). Empty for a box no longer registered.
     */
    public Optional<String> credentialTag(BrokerPrincipal principal) {
        String hash = principal.isController() ? controllerSecretHash : secretHashes.get(principal.boxId());
        return hash == null ? Optional.empty()
                : Optional.of(BoxSecrets.hash("syncready broker credential tag\n" + hash).substring(0, 32));
    }

    /**
     * The key a box signs its echo packets with: SHA-256 of its secret, i.e. the stored hash itself,
     * so the secret need not be kept. Empty for an unknown box.
     */
    public Optional<byte[]> echoKey(String boxId) {
        String hash = secretHashes.get(boxId);
        return hash == null ? Optional.empty() : Optional.of(java.util.HexFormat.of().parseHex(hash));
    }

    /**
     * A number that changes whenever a school, classroom or box is added: a reader that keeps its own
     * index of the registry (the OPC UA address space) rebuilds it only when this moved.
     */
    public long version() {
        return version.get();
    }

    public List<School> schools() {
        return schools.values().stream().sorted(Comparator.comparing(School::id)).toList();
    }

    public Optional<School> school(String id) {
        return Optional.ofNullable(schools.get(id));
    }

    /** Classrooms, optionally of one school. */
    public List<Classroom> classrooms(String schoolId) {
        return classrooms.values().stream()
                .filter(c -> schoolId == null || c.schoolId().equals(schoolId))
                .sorted(Comparator.comparing(Classroom::id)).toList();
    }

    public Optional<Classroom> classroom(String id) {
        return Optional.ofNullable(classrooms.get(id));
    }

    public List<Box> boxes() {
        return boxes.values().stream().sorted(Comparator.comparing(Box::id)).toList();
    }

    public Optional<Box> box(String id) {
        return Optional.ofNullable(boxes.get(id));
    }

    public boolean isRegistered(String boxId) {
        return boxes.containsKey(boxId);
    }

    /**
     * Several nodes share the store: a box registered on another node may send before this node's
     * refresh has read it, and its message must not be refused as unknown. From now on
     * {@link #isRegisteredHereOrInStore} looks an unknown box up in the store, at most once a second per box.
     */
    public void lookUpUnknownBoxesInStore() {
        lookUpInStore = true;
    }

    /**
     * Whether {@code boxId} is registered; with {@link #lookUpUnknownBoxesInStore()} an unknown one is
     * looked up in the store first (one keyed read on the caller's thread, never an event loop; the
     * whole registry is read again only when its classroom is new here too). A revoked box's late
     * messages cost at most one read a second each.
     */
    public boolean isRegisteredHereOrInStore(String boxId) {
        if (boxes.containsKey(boxId)) {
            return true;
        }
        if (!lookUpInStore) {
            return false;
        }
        long now = System.currentTimeMillis();
        Long last = lastStoreLookup.get(boxId);
        if (last != null && now - last < 1_000) {
            return false;
        }
        if (lastStoreLookup.size() >= MAX_LOOKUPS_REMEMBERED) {
            lastStoreLookup.clear();
        }
        lastStoreLookup.put(boxId, now);
        Optional<FleetStore.StoredBox> stored = store.findBox(boxId);
        if (stored.isEmpty()) {
            return false;
        }
        adoptFromStore(stored.get());
        return boxes.containsKey(boxId);
    }

    private synchronized void adoptFromStore(FleetStore.StoredBox stored) {
        Box box = stored.box();
        if (boxes.containsKey(box.id())) {
            return;
        }
        if (!classrooms.containsKey(box.classroomId())) {
            reload();
            return;
        }
        secretHashes.put(box.id(), stored.secretHash());
        boxes.put(box.id(), box);
        version.incrementAndGet();
        log.info("box={} registered on another node: taken from the store before this node's refresh", box.id());
    }

    /** The school a classroom belongs to. */
    public Optional<String> schoolOfClassroom(String classroomId) {
        return Optional.ofNullable(classrooms.get(classroomId)).map(Classroom::schoolId);
    }

    /** The school a box belongs to, for logs and filters. */
    public Optional<String> schoolOf(String boxId) {
        Box box = boxes.get(boxId);
        if (box == null) {
            return Optional.empty();
        }
        return Optional.ofNullable(classrooms.get(box.classroomId())).map(Classroom::schoolId);
    }

    /**
     * The in-memory check before each add gives the clear message; the store's key is what actually
     * decides when two requests (or two controller nodes) race for the same id.
     */
    private static void stored(boolean added, String id) {
        if (!added) {
            throw Refusal.conflict("'" + id + "' already exists");
        }
    }

    private static Refusal brokerUnavailable(String what, BrokerAccounts.Unavailable e) {
        String zh = switch (what) {
            case "registered" -> "未登记";
            case "rotated" -> "密钥未更换";
            default -> "未吊销";
        };
        return Refusal.of(Refusal.Kind.UNAVAILABLE, "the MQTT broker did not confirm the box's account change, so the box was not "
                + what + "; try again (" + e.getMessage() + ") / MQTT 代理未确认设备账号变更，设备" + zh + "，请重试");
    }

    private static void checkId(String id, String field) {
        if (id == null || !ID.matcher(id).matches()) {
            throw Refusal.invalid("field '" + field + "' must match [A-Za-z0-9_-]{1,64}");
        }
    }

    private static void checkName(String name, String field) {
        if (name == null || name.isBlank() || name.getBytes(StandardCharsets.UTF_8).length > 200) {
            throw Refusal.invalid("field '" + field + "' is required (1..200 bytes)");
        }
    }
}
