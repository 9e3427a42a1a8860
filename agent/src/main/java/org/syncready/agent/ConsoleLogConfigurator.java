package org.syncready.agent;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;

/**
 * The agent's logging, set up in code: one line per event on the console (journald adds the rest),
 * level INFO (Eclipse Milo's OPC UA client WARN). Configuring from a logback.xml loads an XML parser and logback's Joran machinery,
 * about 370 classes and 5 MB of RSS on a box where the agent should stay near 64 MB. A
 * {@code logback.xml} or {@code logback-test.xml} on the classpath, or
 * {@code -Dlogback.configurationFile=/etc/syncready/logback.xml}, still wins (found by logback's
 * usual lookup after this one declines).
 */
public final class ConsoleLogConfigurator extends ContextAwareBase implements Configurator {
    static final String PATTERN = "%d{yyyy-MM-dd HH:mm:ss.SSS} %-5level %logger{0} - %msg%n";

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        ClassLoader loader = ConsoleLogConfigurator.class.getClassLoader();
        if (System.getProperty("logback.configurationFile") != null || loader.getResource("logback-test.xml") != null
                || loader.getResource("logback.xml") != null) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern(PATTERN);
        encoder.start();
        ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
        console.setContext(context);
        console.setName("CONSOLE");
        console.setEncoder(encoder);
        console.start();
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.INFO);
        root.addAppender(console);
        // Milo's client logs its versions at every connect and its channel errors at ERROR with stack
        // traces; the equipment probe reports each failure itself, once, with the box and server.
        context.getLogger("org.eclipse.milo").setLevel(Level.WARN);
        context.getLogger("org.eclipse.milo.opcua.stack.transport.client.uasc").setLevel(Level.OFF);
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }
}
