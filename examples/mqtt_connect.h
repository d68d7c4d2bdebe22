/* Shared by the gateway and the MES feed: the first connection to the broker, trying every
 * address the host name resolves to. */
#ifndef VIGIL_EXAMPLES_MQTT_CONNECT_H
#define VIGIL_EXAMPLES_MQTT_CONNECT_H

#include <mosquitto.h>

/* mosquitto_connect_async() to host:port; if that fails at once, to each address getaddrinfo()
 * gives for host in turn (numeric), until one is accepted. libmosquitto tries only the first
 * address: with the usual /etc/hosts, "localhost" is ::1 first, and a broker listening on
 * 127.0.0.1 alone was never reached (issue 17). Returns MOSQ_ERR_SUCCESS or the first attempt's
 * error (errno kept from it for MOSQ_ERR_ERRNO). */
int mqtt_connect_any(struct mosquitto *mosq, const char *host, int port, int keepalive);

#endif
