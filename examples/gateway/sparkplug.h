/* sparkplug.h: the gateway's health, events and errors as Sparkplug B (README.md beside this
 * file, "Sparkplug B"), next to the JSON topics.
 *
 * The gateway is one Sparkplug edge node (`spBv1.0/<group>/.../<node>`); every monitored
 * (machine, channel) is a device `<machine>:<channel>`. NBIRTH (bdSeq, Node Control/Rebirth)
 * on every connection, a DBIRTH per device with every metric's name, alias, datatype and
 * current value (after NBIRTH, and when a channel first appears), a DDATA per frame (by alias),
 * NDEATH as the MQTT will (and published before a clean disconnect), bdSeq counted per
 * connection, seq 0..255 over NBIRTH/DBIRTH/DDATA. A Node Control/Rebirth NCMD makes the node
 * publish its births again. Payloads are protobuf (protobuf-c, code generated at build time
 * from sparkplug_b.proto, Eclipse Tahu's definition).
 *
 * Threads: everything but sparkplug_create/destroy/stop runs in libmosquitto's network thread
 * (the callbacks); sparkplug_stop runs in the main thread once the gateway is stopping. */
#ifndef GATEWAY_SPARKPLUG_H
#define GATEWAY_SPARKPLUG_H

#include <mosquitto.h>

#include <stdatomic.h>
#include <stddef.h>

typedef struct sparkplug sparkplug;

/* group, node: topic levels (no '/', '+', '#'); top: features per health message (1..16).
 * inflight: the gateway's count of unacknowledged publications, incremented for each of ours
 * when count_inflight is set (its on_publish callback decrements it for every publication).
 * NULL when out of memory. */
sparkplug *sparkplug_create(const char *group, const char *node, size_t top,
                            atomic_int *inflight, int count_inflight);
void sparkplug_destroy(sparkplug *sp);

/* Before the first connection: remember the client and set the NDEATH will. MOSQ_ERR_*. */
int sparkplug_attach(sparkplug *sp, struct mosquitto *mosq);
/* on_connect: NBIRTH, every known device's DBIRTH, and the NCMD subscription. */
void sparkplug_online(sparkplug *sp);
/* on_disconnect: the next connection is a new session (bdSeq + 1, a new will). */
void sparkplug_offline(sparkplug *sp);
/* 1 if mid is our NCMD subscription (the gateway's on_subscribe then says nothing). */
int sparkplug_owns_subscription(const sparkplug *sp, int mid);
/* on_message: 1 if the message was our NCMD (handled: a rebirth when asked), else 0. */
int sparkplug_command(sparkplug *sp, const struct mosquitto_message *msg);
/* Every JSON message the gateway publishes (kind "health", "event" or "error"): the same
 * values as device metrics. */
void sparkplug_emit(sparkplug *sp, const char *machine, const char *channel, const char *kind,
                    const char *json);
/* Clean shutdown: publish NDEATH (QoS 1) before the gateway disconnects. */
void sparkplug_stop(sparkplug *sp);

#endif
