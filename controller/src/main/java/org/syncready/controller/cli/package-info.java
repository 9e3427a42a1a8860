/**
 * The technician's command line, {@code syncready}: validates profiles locally and drives rollouts
 * over the controller's HTTP API ({@code java.net.http}), with tables for people and exit codes for scripts.
 * Its one command that works on files, {@code migrate-store}, is the wiring's
 * ({@code org.syncready.controller.MigrateStoreCommand}): this package never touches the store.
 */
package org.syncready.controller.cli;
