package org.syncready.controller.mosquitto;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.syncready.controller.broker.BrokerAccounts;
import org.syncready.protocol.Topics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Box accounts in Mosquitto 2's dynamic-security plugin. A box gets a client whose user name and
 * client id are its box id (the plugin refuses any other client id), with two roles: its own,
 * {@code syncready-box-<id>}, allowing publish and subscribe under {@code syncready/v1/box/<id>/}
 * (Mosquitto 2.0 has no {@code %c} in dynsec ACLs, so one role per box), and the shared
 * {@value #BOXES_ROLE}, allowing the subscription to the controller-state topic. That is exactly what
 * the embedded broker allows a box. The plugin's defaults (from {@code mosquitto_ctrl dynsec init})
 * deny every other publish and subscription. Deleting a client, or changing its password, makes
 * Mosquitto close the connections made with it at once.
 */
public final class MosquittoAccounts implements BrokerAccounts, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(MosquittoAccounts.class);
    /** The role every box account has; it marks an account as the controller's to keep. */
    public static final String BOXES_ROLE = "syncready-boxes";
    /** A box's own role is this prefix and its id. */
    public static final String BOX_ROLE_PREFIX = "syncready-box-";

    private final DynsecControl control;
    private final ObjectMapper json = new ObjectMapper();

    private MosquittoAccounts(DynsecControl control) {
        this.control = control;
    }

    /**
     * Accounts kept over a connection of their own to {@code uri} (tcp://; Paho takes ssl:// with the JVM trust store) as
     * {@code username}, a client holding the dynsec admin rights; {@code clientId} must be this
     * controller node's own. Nothing is sent until the first call, which connects; each call waits at
     * most {@code timeout} for Mosquitto.
     */
    public static MosquittoAccounts over(String uri, String clientId, String username, byte[] password, Duration timeout) {
        return new MosquittoAccounts(new DynsecControl(new DynsecControl.Endpoint(uri, clientId, username, password), timeout));
    }

    @Override
    public void create(String boxId, String secret) {
        // A leftover client or role of this name (a revocation Mosquitto missed) is replaced, not reused.
        List<JsonNode> answers = control.run(List.of(
                boxesRole(),
                command("deleteClient").put("username", boxId),
                command("deleteRole").put("rolename", BOX_ROLE_PREFIX + boxId),
                boxRole(boxId),
                client(boxId, secret)));
        allowed(answers.get(0), "Role already exists");
        allowed(answers.get(1), "Client not found");
        allowed(answers.get(2), "Role not found");
        allowed(answers.get(3), null);
        allowed(answers.get(4), null);
        log.info("broker account created box={}", boxId);
    }

    @Override
    public void changeSecret(String boxId, String secret) {
        JsonNode answer = control.run(List.of(command("setClientPassword").put("username", boxId).put("password", secret))).get(0);
        if ("Client not found".equals(answer.path("error").asText(null))) {
            // The way back for a box whose account went missing: its new secret comes with a new account.
            log.info("broker account missing box={}: created with the new secret", boxId);
            create(boxId, secret);
            return;
        }
        allowed(answer, null);
        log.info("broker account secret changed box={}", boxId);
    }

    @Override
    public void delete(String boxId) {
        List<JsonNode> answers = control.run(List.of(
                command("deleteClient").put("username", boxId),
                command("deleteRole").put("rolename", BOX_ROLE_PREFIX + boxId)));
        allowed(answers.get(0), "Client not found");
        allowed(answers.get(1), "Role not found");
        log.info("broker account deleted box={}", boxId);
    }

    /**
     * Brings Mosquitto in line with the registry: box accounts (and box roles) whose box is not in
     * {@code registered} are deleted. Returns the registered boxes that have no account: they cannot
     * connect, and only a secret rotation gives them one (the registry keeps hashes, not secrets).
     * {@code registered} must be read after this call lists Mosquitto's accounts, which it does first:
     * a box registered meanwhile is then in it (the store is written before the account).
     */
    public Reconciled reconcile(java.util.function.Supplier<Set<String>> registered) {
        Set<String> accounts = new TreeSet<>();
        JsonNode clients = control.run(List.of(command("listClients").put("verbose", true).put("count", -1).put("offset", 0)))
                .get(0);
        allowed(clients, null);
        for (JsonNode c : clients.path("data").path("clients")) {
            for (JsonNode role : c.path("roles")) {
                if (BOXES_ROLE.equals(role.path("rolename").asText())) {
                    accounts.add(c.path("username").asText());
                }
            }
        }
        JsonNode roles = control.run(List.of(command("listRoles").put("verbose", false).put("count", -1).put("offset", 0))).get(0);
        allowed(roles, null);
        Set<String> boxRoles = new TreeSet<>();
        for (JsonNode r : roles.path("data").path("roles")) {
            String name = r.isTextual() ? r.asText() : r.path("rolename").asText();
            if (name.startsWith(BOX_ROLE_PREFIX)) {
                boxRoles.add(name.substring(BOX_ROLE_PREFIX.length()));
            }
        }
        Set<String> boxes = registered.get();
        Set<String> stale = new TreeSet<>(accounts);
        stale.addAll(boxRoles);
        stale.removeAll(boxes);
        for (String boxId : stale) {
            delete(boxId);
        }
        Set<String> missing = new TreeSet<>(boxes);
        missing.removeAll(accounts);
        return new Reconciled(List.copyOf(stale), List.copyOf(missing));
    }

    /** What {@link #reconcile} did: accounts deleted, and registered boxes without an account. */
    public record Reconciled(List<String> deleted, List<String> missing) {
    }

    private ObjectNode boxesRole() {
        ObjectNode role = command("createRole").put("rolename", BOXES_ROLE)
                .put("textdescription", "SyncReady boxes: may watch the controller's state (kept by the SyncReady controller)");
        ArrayNode acls = role.putArray("acls");
        acls.add(acl("subscribeLiteral", Topics.CONTROLLER_STATE));
        // Not left to the plugin's default for receiving, which an operator may have set to deny.
        acls.add(acl("publishClientReceive", Topics.CONTROLLER_STATE));
        return role;
    }

    private ObjectNode boxRole(String boxId) {
        String tree = Topics.boxTree(boxId);
        ObjectNode role = command("createRole").put("rolename", BOX_ROLE_PREFIX + boxId)
                .put("textdescription", "SyncReady box " + boxId + ": its own topic tree (kept by the SyncReady controller)");
        ArrayNode acls = role.putArray("acls");
        acls.add(acl("publishClientSend", tree));
        acls.add(acl("subscribePattern", tree));
        acls.add(acl("publishClientReceive", tree));
        acls.add(acl("unsubscribePattern", tree));
        return role;
    }

    private ObjectNode client(String boxId, String secret) {
        ObjectNode client = command("createClient").put("username", boxId).put("clientid", boxId).put("password", secret)
                .put("textname", "SyncReady box " + boxId);
        ArrayNode roles = client.putArray("roles");
        roles.addObject().put("rolename", BOX_ROLE_PREFIX + boxId).put("priority", 2);
        roles.addObject().put("rolename", BOXES_ROLE).put("priority", 1);
        return client;
    }

    private ObjectNode acl(String type, String topic) {
        return json.createObjectNode().put("acltype", type).put("topic", topic).put("priority", 0).put("allow", true);
    }

    private ObjectNode command(String name) {
        return json.createObjectNode().put("command", name);
    }

    /** An answer with no error, or with the one error that means "already as wanted". */
    private static void allowed(JsonNode answer, String harmless) {
        String error = answer.path("error").asText(null);
        if (error != null && !error.equals(harmless)) {
            throw new BrokerAccounts.Unavailable("Mosquitto's dynamic-security plugin refused " + answer.path("command").asText("a command")
                    + ": " + error);
        }
    }

    @Override
    public void close() {
        control.close();
    }
}
