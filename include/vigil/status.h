/**
 * @file vigil/status.h
 * @brief Status codes, their messages, and the per-thread detail of the last error.
 *
 * Every vigil function that can fail returns an `int`: 0 (`VIGIL_OK`) on success, a negative
 * `VIGIL_E*` code on failure, and some return a non-negative count. The numeric values below
 * are part of the ABI and never change once released; new codes are only ever appended.
 *
 * Thread rules: all functions here are safe to call from any thread at any time.
 */
#ifndef VIGIL_STATUS_H
#define VIGIL_STATUS_H

#include "common.h"

VIGIL_BEGIN_DECLS

/** Status codes. Values are stable across releases. */
enum vigil_status {
    VIGIL_OK = 0,           /**< success */
    VIGIL_EINVAL = -1,      /**< an argument is invalid (NULL, out of range, inconsistent) */
    VIGIL_ENOMEM = -2,      /**< memory could not be allocated */
    VIGIL_EIO = -3,         /**< a file could not be opened, read or written */
    VIGIL_EFORMAT = -4,     /**< malformed input: bad number, ragged row, corrupt or foreign model */
    VIGIL_ENOTFOUND = -5,   /**< a named column, feature or item does not exist */
    VIGIL_ENONFINITE = -6,  /**< input holds NaN or infinity; the whole call was rejected */
    VIGIL_EFULL = -7,       /**< the output queue is full: pop rows, then push again */
    VIGIL_ESTATE = -8,      /**< the call is not allowed in the object's current state */
    VIGIL_ESPACE = -9,      /**< the caller's output buffer is too small */
    VIGIL_EMISMATCH = -10,  /**< data or model made for another configuration */
    VIGIL_ENODATA = -11,    /**< not enough data for the computation (too few frames or rows) */
    VIGIL_ENOTREND = -12,   /**< the history shows no usable trend (remaining-life estimate) */
    VIGIL_EVERSION = -13    /**< reserved: file written by a newer vigil (reported as EFORMAT today) */
};

/**
 * Short English description of a status code.
 *
 * @param code any int (a vigil status or anything else).
 * @return a static NUL-terminated string; never NULL. Unknown codes give "unknown error".
 */
VIGIL_API const char *vigil_strerror(int code);

/**
 * Detail of the most recent failure in the calling thread, e.g.
 * `"data.csv.gz:17: bad number 'x1.2' in column 'de'"`.
 *
 * Functions that fail on outside input (files, model blobs, option strings) record a message
 * here before returning their negative code; other failures record the code's
 * `vigil_strerror()` text. Successful calls do not clear it.
 *
 * @return a thread-local NUL-terminated string owned by vigil, valid until the next vigil
 *         call in this thread; "" when nothing has failed yet. Never NULL.
 */
VIGIL_API const char *vigil_last_error(void);

VIGIL_END_DECLS

#endif /* VIGIL_STATUS_H */
