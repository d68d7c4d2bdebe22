/* Internal: little-endian, bounds-checked serialisation and the compressed, CRC-checked
 * container of saved models. A reader never reads past its buffer: every get_* on a short or
 * failed reader returns 0 and sets err, which the caller turns into VIGIL_EFORMAT. */
#ifndef VIGIL_LIB_MODEL_IO_H
#define VIGIL_LIB_MODEL_IO_H

#include <stddef.h>
#include <stdint.h>

#define VIGIL__MODEL_MAGIC "VIGILMDL"
/* Version 2: the payload is a list of sections (monitor_io.c); version 1 (one monitor payload)
 * is still read. */
#define VIGIL__MODEL_VERSION 2u
#define VIGIL__MODEL_HEADER 44
/* The machine section (lib/machine.c): a tag below 0x100, so a reader that does not know it
 * refuses the file instead of reading a machine as one monitor. The monitor's own section tags
 * are in monitor_io.c. */
#define VIGIL__SECTION_MACHINE 4u
#define VIGIL__MODEL_PAYLOAD_MAX ((uint64_t)1 << 30)
/* A payload may be at most RATIO_MAX times its compressed size plus RAW_SLACK bytes (vigil's
 * own models deflate 1.2-20x; those that would deflate more are stored, docs/RELIABILITY.md). */
#define VIGIL__MODEL_RATIO_MAX 32
#define VIGIL__MODEL_RAW_SLACK 65536

typedef struct vigil__wbuf {
    unsigned char *p;
    size_t len, cap;
    int err; /* VIGIL_ENOMEM once an allocation failed */
} vigil__wbuf;

typedef struct vigil__rbuf {
    const unsigned char *p;
    size_t len, pos;
    int err; /* nonzero once a read went past the end or a value was invalid */
} vigil__rbuf;

void vigil__put_u32(vigil__wbuf *w, uint32_t v);
void vigil__put_u64(vigil__wbuf *w, uint64_t v);
void vigil__put_f64(vigil__wbuf *w, double v);
void vigil__put_f64s(vigil__wbuf *w, const double *v, size_t n);
void vigil__put_str(vigil__wbuf *w, const char *s);
void vigil__put_bytes(vigil__wbuf *w, const void *b, size_t n);

uint32_t vigil__get_u32(vigil__rbuf *r);
uint64_t vigil__get_u64(vigil__rbuf *r);
double vigil__get_f64(vigil__rbuf *r);
void vigil__get_f64s(vigil__rbuf *r, double *v, size_t n);
/* A count that must be <= max (else err); returned as size_t. */
size_t vigil__get_count(vigil__rbuf *r, size_t max);
/* A string written by put_str: malloc'ed copy (NULL and err on failure). */
char *vigil__get_str(vigil__rbuf *r);

/* Wrap a payload: header (magic, version, flags, lengths, CRCs) + zlib stream, into a malloc'ed
 * buffer. Returns VIGIL_OK or VIGIL_ENOMEM. */
int vigil__model_pack(const unsigned char *payload, size_t n, uint32_t version,
                      unsigned char **out, size_t *out_len);
/* Largest payload accepted for clen compressed bytes. */
uint64_t vigil__model_raw_max(uint64_t clen);
/* Check a container's header (the first len bytes of a file, len >= VIGIL__MODEL_HEADER):
 * magic, header CRC, version, lengths, expansion ratio; *total = the whole container's size.
 * Returns VIGIL_OK or VIGIL_EFORMAT (with message). Reads nothing past the header. */
int vigil__model_header_check(const unsigned char *buf, size_t len, uint64_t *total);
/* Check and unwrap; *payload is malloc'ed, *version is 1..VIGIL__MODEL_VERSION. Returns
 * VIGIL_OK, VIGIL_EFORMAT (with message) or VIGIL_ENOMEM. */
int vigil__model_unpack(const unsigned char *buf, size_t len, unsigned char **payload,
                        size_t *n, uint32_t *version);

#endif
