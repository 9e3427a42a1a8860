/**
 * Commands from the controller to boxes over MQTT 5 request/response: the request carries a response
 * topic and correlation data, the answer completes a future, a silent box times it out.
 */
package org.syncready.controller.command;
