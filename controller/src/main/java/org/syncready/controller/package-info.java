/**
 * The SyncReady controller: {@link org.syncready.controller.ControllerMain} parses the command line,
 * {@link org.syncready.controller.Controller} wires the capabilities (one sub-package each) together.
 */
package org.syncready.controller;
