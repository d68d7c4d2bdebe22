/* json.h: a growable buffer that writes JSON by hand (objects, arrays, escaped strings,
 * numbers). Just enough for the gateway's fixed payloads; no reader. */
#ifndef GATEWAY_JSON_H
#define GATEWAY_JSON_H

#include <stddef.h>

typedef struct jbuf {
    char *p;     /* NUL-terminated text (NULL until the first append) */
    size_t len;  /* bytes used, without the NUL */
    size_t cap;  /* bytes allocated */
    int failed;  /* set when an allocation failed: the text is then incomplete */
    int need_comma; /* a value was written at the current nesting level */
} jbuf;

void jb_clear(jbuf *b);             /* empty the text, keep the memory */
void jb_free(jbuf *b);
void jb_begin(jbuf *b, char open);  /* '{' or '[' (after a key, or as a value) */
void jb_end(jbuf *b, char close);   /* '}' or ']' */
void jb_key(jbuf *b, const char *key); /* "key": ; the next call writes its value */
void jb_str(jbuf *b, const char *s);   /* a string value, escaped (NULL writes null) */
void jb_num(jbuf *b, double v);        /* a number; NaN and infinities are written as null */
void jb_time(jbuf *b, double t);       /* seconds with 6 decimals (microseconds) */
void jb_int(jbuf *b, unsigned long long v);
void jb_null(jbuf *b);

/* Key-value shorthands for objects. */
void jb_kstr(jbuf *b, const char *key, const char *s);
void jb_knum(jbuf *b, const char *key, double v);
void jb_ktime(jbuf *b, const char *key, double t);
void jb_kint(jbuf *b, const char *key, unsigned long long v);

#endif
