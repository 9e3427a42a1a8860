/**
 * The embedded MQTT 5 broker (HiveMQ CE) and its access control: per-box credentials, and an ACL
 * that confines each box to its own topic tree ({@link org.syncready.controller.broker.TopicRights}). With an
 * external broker only that rule and {@link org.syncready.controller.broker.WarningThrottle} are used here: by the
 * HTTP hook EMQX asks ({@code api.EmqxHookRoutes}).
 */
package org.syncready.controller.broker;
