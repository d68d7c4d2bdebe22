/* Internal: recording the detail of a failure for vigil_last_error(). */
#ifndef VIGIL_LIB_STATUS_H
#define VIGIL_LIB_STATUS_H

#include "vigil/status.h"

#if defined(__GNUC__)
#  define VIGIL__PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#  define VIGIL__PRINTF(a, b)
/* Why a sample failed the |x| <= VIGIL_SAMPLE_MAX check: "NaN", "infinite" or "beyond
 * +-VIGIL_SAMPLE_MAX" (for the push functions' messages). */
const char *vigil__sample_problem(double v);

#endif

/* Record a formatted message for vigil_last_error() and return `code`, so that a failing path
 * reads `return vigil__fail(VIGIL_EFORMAT, "%s:%zu: ...", ...)`. */
int vigil__fail(int code, const char *fmt, ...) VIGIL__PRINTF(2, 3);

/* Record vigil_strerror(code) as the detail and return code. */
int vigil__status(int code);

/* Why a sample failed the |x| <= VIGIL_SAMPLE_MAX check: "NaN", "infinite" or "beyond
 * +-VIGIL_SAMPLE_MAX" (for the push functions' messages). */
const char *vigil__sample_problem(double v);

#endif
