/* See mqtt_connect.h. */
#include "mqtt_connect.h"

#include <errno.h>
#include <netdb.h>
#include <string.h>
#include <sys/socket.h>

int mqtt_connect_any(struct mosquitto *mosq, const char *host, int port, int keepalive)
{
    int rc = mosquitto_connect_async(mosq, host, port, keepalive);
    if (rc == MOSQ_ERR_SUCCESS)
        return rc;
    const int first_errno = errno;
    struct addrinfo hints, *list = NULL;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    if (getaddrinfo(host, NULL, &hints, &list) == 0) {
        for (const struct addrinfo *a = list; a; a = a->ai_next) {
            char numeric[64]; /* INET6_ADDRSTRLEN is 46 */
            if (getnameinfo(a->ai_addr, a->ai_addrlen, numeric, sizeof numeric, NULL, 0,
                            NI_NUMERICHOST) != 0 || strcmp(numeric, host) == 0)
                continue;
            if (mosquitto_connect_async(mosq, numeric, port, keepalive) == MOSQ_ERR_SUCCESS) {
                freeaddrinfo(list);
                return MOSQ_ERR_SUCCESS;
            }
        }
        freeaddrinfo(list);
    }
    errno = first_errno;
    return rc;
}
