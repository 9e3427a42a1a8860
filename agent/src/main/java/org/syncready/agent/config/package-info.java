/**
 * The agent's configuration: {@link org.syncready.agent.config.AgentConfig} (a checked, immutable
 * value) and {@link org.syncready.agent.config.ConfigLoader}, which reads agent.yaml and fleet.yaml
 * and lets command-line flags override them. Errors name the file and the field.
 */
package org.syncready.agent.config;
