/* Fuzz target: the gateway's sample payload parser (examples/gateway/payload.c,
 * "[rate=HZ] [t0=TIME] x0,x1,..."), the parser of everything a plant publishes to the gateway.
 *
 * Each input is one message (NUL-terminated copy; the parser writes into it). Properties
 * checked beyond "no crash, no leak, no UB" (a violation traps):
 *   - an accepted message gives at most `cap` samples, every one finite; a rate that is NaN
 *     (absent) or within VIGIL_RATE_MIN..VIGIL_RATE_MAX; a t0 that is NaN (absent) or within
 *     0..PAYLOAD_T0_MAX (so the gateway's JSON times are never null);
 *   - a rejected message leaves a non-empty, NUL-terminated message in err;
 *   - parsing is deterministic: the same bytes give the same result twice. */
#include "../examples/gateway/payload.h"

#include <vigil.h>

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond) do { if (!(cond)) { fprintf(stderr, "CHECK failed %s:%d: %s\n", __FILE__, __LINE__, #cond); __builtin_trap(); } } while (0)

#define CAP 64 /* small, so that "more than cap samples" is reached */

static int parse_copy(const uint8_t *data, size_t size, double *x, payload_info *info,
                      char *err, size_t errcap)
{
    char *text = malloc(size + 1);
    CHECK(text != NULL);
    memcpy(text, data, size);
    text[size] = '\0';
    int rc = payload_parse(text, x, CAP, info, err, errcap);
    free(text);
    return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    double x[CAP], y[CAP];
    payload_info a, b;
    char err[256], err2[256];
    memset(err, 0x55, sizeof err);
    int rc = parse_copy(data, size, x, &a, err, sizeof err);
    CHECK(rc == 0 || rc == -1);
    if (rc == 0) {
        CHECK(a.n <= CAP);
        for (size_t i = 0; i < a.n; i++)
            CHECK(isfinite(x[i]));
        CHECK(isnan(a.rate) || (a.rate >= VIGIL_RATE_MIN && a.rate <= VIGIL_RATE_MAX));
        CHECK(isnan(a.t0) || (a.t0 >= 0.0 && a.t0 <= PAYLOAD_T0_MAX));
    } else {
        CHECK(memchr(err, '\0', sizeof err) != NULL && err[0] != '\0');
    }
    int rc2 = parse_copy(data, size, y, &b, err2, sizeof err2);
    CHECK(rc2 == rc);
    if (rc == 0) {
        CHECK(b.n == a.n && memcmp(x, y, a.n * sizeof *x) == 0);
        CHECK((isnan(a.rate) && isnan(b.rate)) || a.rate == b.rate);
        CHECK((isnan(a.t0) && isnan(b.t0)) || a.t0 == b.t0);
    } else {
        CHECK(strcmp(err, err2) == 0);
    }
    return 0;
}
