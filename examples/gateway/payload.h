/* payload.h: the sample payload of `<prefix>/<machine>/<channel>/samples` (README.md, "Input").
 *
 *   [rate=HZ] [t0=TIME] x0,x1,x2,...
 *
 * Tokens are separated by commas, semicolons, spaces, tabs or newlines, so one CSV column, one
 * line of `mosquitto_pub -l`, or a whole file all work. `key=value` tokens come before the
 * first sample: `rate` in Hz, `t0` the time of the first sample of this message (UNIX seconds,
 * or UTC `YYYY-MM-DDTHH:MM:SS[.frac][Z]`); unknown keys are ignored so that senders may add
 * their own (e.g. `unit=g`). Samples are finite decimal numbers. A message with any bad token
 * is rejected whole. */
#ifndef GATEWAY_PAYLOAD_H
#define GATEWAY_PAYLOAD_H

#include <stddef.h>

/* Largest t0 accepted, UNIX seconds (year 5138): times stay exact to the microsecond in the
 * JSON (a t0 of 1e300 gave "t":null). rate must be VIGIL_RATE_MIN..VIGIL_RATE_MAX. */
#define PAYLOAD_T0_MAX 1e11

typedef struct payload_info {
    double rate; /* Hz, NaN when the message has none */
    double t0;   /* seconds, NaN when the message has none */
    size_t n;    /* samples written */
} payload_info;

/* Parse `text` (NUL-terminated; modified in place) into x[0..cap). On failure returns -1 with
 * a message in err (errcap bytes) and info->n undefined; 0 on success (n may be 0). */
int payload_parse(char *text, double *x, size_t cap, payload_info *info, char *err,
                  size_t errcap);

#endif
