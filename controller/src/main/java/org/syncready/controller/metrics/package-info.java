/** The controller's Prometheus metrics: one registry, every counter and gauge named in one place. */
package org.syncready.controller.metrics;
