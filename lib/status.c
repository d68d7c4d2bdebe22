/* Status codes and the per-thread detail of the last failure. */
#include "status.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>

/* One message buffer per thread: the library is used from many threads at once (gateways run a
 * thread per machine) and a shared buffer would mix their messages. */
static _Thread_local char last_error[512];

const char *vigil_strerror(int code)
{
    switch (code) {
    case VIGIL_OK: return "success";
    case VIGIL_EINVAL: return "invalid argument";
    case VIGIL_ENOMEM: return "out of memory";
    case VIGIL_EIO: return "input/output error";
    case VIGIL_EFORMAT: return "malformed data or model";
    case VIGIL_ENOTFOUND: return "no such column, feature or item";
    case VIGIL_ENONFINITE: return "NaN or infinite value in input";
    case VIGIL_EFULL: return "output queue full: pop rows before pushing more";
    case VIGIL_ESTATE: return "operation not allowed in the current state";
    case VIGIL_ESPACE: return "output buffer too small";
    case VIGIL_EMISMATCH: return "data or model made for another configuration";
    case VIGIL_ENODATA: return "not enough data";
    case VIGIL_ENOTREND: return "no usable trend in the history";
    case VIGIL_EVERSION: return "made by a newer version of vigil";
    default: return "unknown error";
    }
}

const char *vigil_last_error(void)
{
    return last_error;
}

int vigil__fail(int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(last_error, sizeof last_error, fmt, ap);
    va_end(ap);
    return code;
}

int vigil__status(int code)
{
    return vigil__fail(code, "%s", vigil_strerror(code));
}

const char *vigil__sample_problem(double v)
{
    return isnan(v) ? "NaN" : isinf(v) ? "infinite" : "beyond +-VIGIL_SAMPLE_MAX (1e30)";
}
