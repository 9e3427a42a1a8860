/**
 * The demo: a sample bureau (one lead school, three remote schools, twelve classrooms) created on
 * first start, and a simulated fleet of twelve real agents run as a child process over real MQTT.
 */
package org.syncready.controller.demo;
