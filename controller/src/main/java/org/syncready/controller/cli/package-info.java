/**
 * The technician's command line, {@code syncready}: validates profiles locally and drives rollouts
 * over the controller's HTTP API ({@code java.net.http}), with tables for people and exit codes for scripts.
 */
package org.syncready.controller.cli;
