package org.syncready.agent.enroll;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code syncready-agent enroll --controller https://host:8443 --code XXXX-XXXX [--ca-fingerprint SHA256]}.
 * Exit codes: 0 enrolled, 1 refused or unreachable (the message says which), 2 wrong arguments.
 */
@Command(name = "enroll", mixinStandardHelpOptions = true, sortOptions = false, usageHelpAutoWidth = true,
        description = {"Enrolls this box with an enrollment code from the controller: writes agent.yaml, the box's "
                + "secret (0600) and the controller's CA, then start the agent.",
                "用注册码将本机注册到控制器：写入 agent.yaml、主机密钥（0600）和控制器 CA 证书，然后启动 agent。"})
public final class EnrollCommand implements Callable<Integer> {
    static final int REFUSED = 1;
    static final int USAGE = 2;

    @Option(names = "--controller", required = true, paramLabel = "URL",
            description = "the controller's HTTPS address, e.g. https://controller.district.edu.cn:8443")
    String controller;

    @Option(names = "--code", required = true, paramLabel = "XXXX-XXXX", description = "the enrollment code (one use, expires)")
    String code;

    @Option(names = "--ca-fingerprint", paramLabel = "SHA256",
            description = "SHA-256 fingerprint of the controller's CA, shown with the code: the first contact is "
                    + "trusted through it. Without it, the system trust store must trust the controller's certificate.")
    String caFingerprint;

    @Option(names = "--config", paramLabel = "FILE", defaultValue = "${env:SYNCREADY_AGENT_CONFIG:-/etc/syncready/agent.yaml}",
            description = "agent.yaml to write (merged into when it exists; default: ${DEFAULT-VALUE})")
    Path config;

    @Option(names = "--box-id", paramLabel = "ID", description = "the box id to ask for (default: the controller makes one)")
    String boxId;

    @Option(names = "--model", paramLabel = "MODEL", description = "the box model to register (default: model in agent.yaml)")
    String model;

    @Option(names = "--secret-owner", paramLabel = "USER",
            description = "give the secret file to this user, whom the agent runs as (default: syncready, when run as "
                    + "root and that user exists)")
    String secretOwner;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        URI uri;
        try {
            uri = new URI(controller.strip());
            if (uri.getHost() == null) {
                throw new URISyntaxException(controller, "no host");
            }
        } catch (URISyntaxException e) {
            spec.commandLine().getErr().println("syncready-agent enroll: --controller must be https://host:8443, was '" + controller + "'");
            return USAGE;
        }
        try {
            Enrollment.Result r = Enrollment.enroll(new Enrollment.Request(uri, code, caFingerprint, boxId, model, config,
                    secretOwner != null ? secretOwner : defaultOwner()));
            spec.commandLine().getOut().printf("enrolled as box %s in classroom %s (school %s)%n", r.boxId(), r.classroomId(), r.schoolId());
            spec.commandLine().getOut().printf("wrote %s, %s%s; the agent connects to %s%n", r.configFile(), r.secretFile(),
                    r.caFile() == null ? "" : ", " + r.caFile(), r.brokerUri());
            spec.commandLine().getOut().println("next: systemctl restart syncready-agent (or run syncready-agent --config "
                    + r.configFile() + ")");
            spec.commandLine().getOut().flush();
            return 0;
        } catch (Enrollment.EnrollmentException e) {
            spec.commandLine().getErr().println("syncready-agent enroll: " + e.getMessage());
            spec.commandLine().getErr().flush();
            return REFUSED;
        }
    }

    /** The Debian package's service user, when we are root and it exists. */
    private static String defaultOwner() {
        if (!"root".equals(System.getProperty("user.name"))) {
            return null;
        }
        try {
            FileSystems.getDefault().getUserPrincipalLookupService().lookupPrincipalByName("syncready");
            return "syncready";
        } catch (IOException e) {
            return null;
        }
    }
}
