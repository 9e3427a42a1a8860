// An independent OPC UA client (node-opcua) against SyncReady's OPC UA server, driven by
// IndependentOpcUaClientTest over stdin/stdout, one line per step:
//   CERT <file>            its application certificate (PEM); the test trusts it on the server, then sends GO
//   CONNECTED <policy>     a Basic256Sha256 SignAndEncrypt channel and a session with a user name
//   BOX <nodeId>           found by browsing Objects > DeviceSet > <box id>
//   HEALTH <value>         DeviceHealth read
//   SUBSCRIBED             the first notification of a subscription to DeviceHealth arrived; the test now breaks the box
//   CHANGED <value>        DeviceHealth changed
//   SELFTEST <status> <passed> <failed JSON>   RunSelfTest called on the box
//   DONE
// Usage: node client.js PKI_DIR endpoint-url user password server.der box-id
"use strict";
const fs = require("fs");
const path = require("path");
const readline = require("readline");
const {
    OPCUAClient, MessageSecurityMode, SecurityPolicy, UserTokenType, AttributeIds,
    ClientSubscription, ClientMonitoredItem, TimestampsToReturn, BrowseDirection, makeNodeId
} = require("node-opcua-client");
const { OPCUACertificateManager } = require("node-opcua-certificate-manager");

const [pkiDir, endpointUrl, userName, password, serverDer, boxId] = process.argv.slice(2);
const say = (line) => process.stdout.write(line + "\n");
const fail = (why) => { process.stderr.write("FAILED: " + why + "\n"); process.exit(1); };
const lines = readline.createInterface({ input: process.stdin });
const nextLine = () => new Promise((resolve) => lines.once("line", resolve));
const timeout = (ms, what) => new Promise((_, reject) => setTimeout(() => reject(new Error("timed out: " + what)), ms));

async function childNamed(session, nodeId, name) {
    const result = await session.browse({
        nodeId, browseDirection: BrowseDirection.Forward, includeSubtypes: true, resultMask: 63,
        referenceTypeId: "HierarchicalReferences"
    });
    if (result.statusCode.isNotGood()) {
        fail(`browse ${nodeId}: ${result.statusCode.toString()}`);
    }
    const ref = (result.references || []).find((r) => r.browseName.name === name);
    if (!ref) {
        fail(`no '${name}' under ${nodeId.toString()}: ${(result.references || []).map((r) => r.browseName.name).join(", ")}`);
    }
    return ref.nodeId;
}

async function main() {
    const certificateManager = new OPCUACertificateManager({ rootFolder: pkiDir, automaticallyAcceptUnknownCertificate: false });
    await certificateManager.initialize();
    // The controller's server.der, as an operator would give it to the platform: the only server trusted.
    await certificateManager.trustCertificate(fs.readFileSync(serverDer));
    const certificateFile = path.join(pkiDir, "own", "certs", "syncready-check.pem");
    const client = OPCUAClient.create({
        applicationName: "SyncReadyIndependentCheck",
        clientCertificateManager: certificateManager,
        certificateFile,
        securityMode: MessageSecurityMode.SignAndEncrypt,
        securityPolicy: SecurityPolicy.Basic256Sha256,
        endpointMustExist: false,
        keepSessionAlive: false,
        requestedSessionTimeout: 60000,
        connectionStrategy: { maxRetry: 0, initialDelay: 200, maxDelay: 500 }
    });
    await client.createDefaultCertificate();
    say("CERT " + certificateFile);
    if ((await nextLine()).trim() !== "GO") {
        fail("expected GO");
    }
    await client.connect(endpointUrl);
    const session = await client.createSession({ type: UserTokenType.UserName, userName, password });
    say("CONNECTED " + client.securityPolicy);

    const namespaces = await session.readNamespaceArray();
    const ns = namespaces.indexOf("urn:syncready:fleet");
    if (ns < 0) {
        fail("no urn:syncready:fleet in " + namespaces.join(", "));
    }
    const deviceSet = await childNamed(session, makeNodeId(85, 0), "DeviceSet");
    const box = await childNamed(session, deviceSet, boxId);
    say("BOX " + box.toString());
    const healthNode = await childNamed(session, box, "DeviceHealth");
    const runSelfTest = await childNamed(session, box, "RunSelfTest");
    const health = await session.read({ nodeId: healthNode, attributeId: AttributeIds.Value });
    if (health.statusCode.isNotGood()) {
        fail("read DeviceHealth: " + health.statusCode.toString());
    }
    say("HEALTH " + health.value.value);

    const subscription = ClientSubscription.create(session, {
        requestedPublishingInterval: 200, requestedLifetimeCount: 600, requestedMaxKeepAliveCount: 20,
        maxNotificationsPerPublish: 100, publishingEnabled: true, priority: 10
    });
    const item = ClientMonitoredItem.create(subscription, { nodeId: healthNode, attributeId: AttributeIds.Value },
        { samplingInterval: 200, discardOldest: true, queueSize: 10 }, TimestampsToReturn.Both);
    const first = health.value.value;
    const changed = new Promise((resolve) => {
        let announced = false;
        item.on("changed", (dataValue) => {
            if (!announced) {
                announced = true;
                say("SUBSCRIBED");
            }
            if (dataValue.value.value !== first) {
                resolve(dataValue.value.value);
            }
        });
    });
    say("CHANGED " + await Promise.race([changed, timeout(15000, "a DeviceHealth change")]));
    await subscription.terminate();

    const call = await session.call({ objectId: box, methodId: runSelfTest, inputArguments: [] });
    const out = call.outputArguments || [];
    say(`SELFTEST ${call.statusCode.name} ${out.length > 0 ? out[0].value : "-"} ${JSON.stringify(out.length > 1 ? Array.from(out[1].value) : [])}`);
    await session.close();
    await client.disconnect();
    say("DONE");
    lines.close();
}

main().catch((e) => fail(e && e.stack ? e.stack : String(e)));
