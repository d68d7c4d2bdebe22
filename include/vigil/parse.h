/**
 * @file vigil/parse.h
 * @brief Parsers for the small text formats of options and fields: band lists and timestamps.
 *
 * Shared by the command, the Python binding and gateway programs, so that all of them accept
 * exactly the same spellings. None of them allocates.
 *
 * Thread rules: safe from any thread (no shared state; the error detail is per thread).
 */
#ifndef VIGIL_PARSE_H
#define VIGIL_PARSE_H

#include "common.h"

VIGIL_BEGIN_DECLS

/**
 * Parse a band list such as "0-500,500-2000,2000-6000" (edges in Hz, decimal or exponent
 * notation, optional spaces around items and edges).
 *
 * @param s    NUL-terminated text.
 * @param lo,hi outputs of `cap` doubles each.
 * @param cap  capacity of lo and hi.
 * @param n    receives the number of bands parsed.
 * @return VIGIL_OK, VIGIL_EINVAL (NULL arguments), VIGIL_EFORMAT (malformed text, lo >= hi,
 *         negative or non-finite edges, empty list; detail in vigil_last_error()),
 *         VIGIL_ESPACE (more than cap bands).
 */
VIGIL_API int vigil_parse_bands(const char *s, double *lo, double *hi, size_t cap, size_t *n);

/**
 * Parse a timestamp `YYYY-MM-DD[ T]HH:MM[:SS[.frac]]` with an optional trailing `Z`, or a date
 * alone `YYYY-MM-DD`, read as UTC, into seconds since 1970-01-01 00:00:00 UTC. Plain numbers
 * (seconds) are accepted too.
 *
 * @return VIGIL_OK, VIGIL_EINVAL (NULL), VIGIL_EFORMAT (not a valid timestamp, e.g. month 13).
 */
VIGIL_API int vigil_parse_time(const char *s, double *seconds);

/**
 * Parse a finite decimal number, the whole string (surrounding spaces allowed).
 * @return VIGIL_OK, VIGIL_EINVAL (NULL), VIGIL_EFORMAT.
 */
VIGIL_API int vigil_parse_number(const char *s, double *value);

VIGIL_END_DECLS

#endif /* VIGIL_PARSE_H */
