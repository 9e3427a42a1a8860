/**
 * Commands from the controller ({@code cmd/request}) and the agent's replies:
 * {@link org.syncready.agent.command.CommandHandler} runs rebirth, reprobe, selftest,
 * restart-agent and simulate (simulated boxes only) against a {@link org.syncready.agent.command.CommandTarget} and answers anything
 * else with an error.
 */
package org.syncready.agent.command;
