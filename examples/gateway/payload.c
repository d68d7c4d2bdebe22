/* payload.c: see payload.h. Numbers go through the library's own parser (vigil_parse_number),
 * so the gateway accepts exactly what the CSV reader accepts. */
#include "payload.h"

#include <vigil.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

static int is_sep(char c)
{
    return c == ',' || c == ';' || c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

int payload_parse(char *text, double *x, size_t cap, payload_info *info, char *err,
                  size_t errcap)
{
    info->rate = NAN;
    info->t0 = NAN;
    info->n = 0;
    size_t token = 0;
    char *p = text;
    for (;;) {
        while (*p && is_sep(*p))
            p++;
        if (!*p)
            return 0;
        char *tok = p;
        while (*p && !is_sep(*p))
            p++;
        if (*p)
            *p++ = '\0';
        token++;
        char *eq = strchr(tok, '=');
        if (eq) {
            if (info->n > 0) {
                snprintf(err, errcap, "token %zu: '%s' after the first sample", token, tok);
                return -1;
            }
            *eq = '\0';
            const char *val = eq + 1;
            if (strcmp(tok, "rate") == 0) {
                if (vigil_parse_number(val, &info->rate) != VIGIL_OK ||
                    !(info->rate >= VIGIL_RATE_MIN && info->rate <= VIGIL_RATE_MAX)) {
                    snprintf(err, errcap, "rate=%s: not a rate in %g..%g Hz", val,
                             VIGIL_RATE_MIN, VIGIL_RATE_MAX);
                    return -1;
                }
            } else if (strcmp(tok, "t0") == 0) {
                if (vigil_parse_time(val, &info->t0) != VIGIL_OK) {
                    snprintf(err, errcap, "t0=%s: not a time (%s)", val, vigil_last_error());
                    return -1;
                }
                if (!(info->t0 >= 0.0 && info->t0 <= PAYLOAD_T0_MAX)) {
                    snprintf(err, errcap, "t0=%s: outside 0..%g s (1970..5138)", val,
                             PAYLOAD_T0_MAX);
                    return -1;
                }
            } /* other keys: ignored (payload.h) */
            continue;
        }
        if (info->n == cap) {
            snprintf(err, errcap, "more than %zu samples in one message", cap);
            return -1;
        }
        if (vigil_parse_number(tok, &x[info->n]) != VIGIL_OK) {
            snprintf(err, errcap, "token %zu: '%.40s' is not a finite number", token, tok);
            return -1;
        }
        info->n++;
    }
}
