/* Internal: the CSV reader's fast path into parse.c's number grammar. */
#ifndef VIGIL_LIB_PARSE_H
#define VIGIL_LIB_PARSE_H

/* A plain decimal number at s, [+-] digits [. digits] [e [+-] digits] with no blank before it,
 * when Clinger's exact path takes it (at most 19 significant digits, mantissa <= 2^53, decimal
 * exponent within +-22): returns 1 with *v and *end (just past the number) set, to the same
 * double vigil_parse_number() gives for that text. Returns 0 for anything else (blanks, more
 * digits, a larger exponent, no number), which the caller hands to vigil_parse_number(). Reads
 * s up to the first byte that cannot continue a number: s must be terminated by one (a NUL, a
 * comma, a line end). */
int vigil__parse_plain(const char *s, double *v, const char **end);

#endif
