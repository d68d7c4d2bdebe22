/* Saved-model container and little-endian field codec (see model_io.h). */
#include "model_io.h"

#include "status.h"

#include <stdlib.h>
#include <string.h>
#include <zlib.h>

void vigil__put_bytes(vigil__wbuf *w, const void *b, size_t n)
{
    if (w->err)
        return;
    if (w->len + n > w->cap) {
        size_t cap = w->cap ? w->cap : 256;
        while (cap < w->len + n)
            cap *= 2;
        unsigned char *p = realloc(w->p, cap);
        if (!p) {
            w->err = VIGIL_ENOMEM;
            return;
        }
        w->p = p;
        w->cap = cap;
    }
    memcpy(w->p + w->len, b, n);
    w->len += n;
}

void vigil__put_u64(vigil__wbuf *w, uint64_t v)
{
    unsigned char b[8];
    for (int i = 0; i < 8; i++)
        b[i] = (unsigned char)(v >> (8 * i));
    vigil__put_bytes(w, b, 8);
}

void vigil__put_u32(vigil__wbuf *w, uint32_t v)
{
    unsigned char b[4];
    for (int i = 0; i < 4; i++)
        b[i] = (unsigned char)(v >> (8 * i));
    vigil__put_bytes(w, b, 4);
}

void vigil__put_f64(vigil__wbuf *w, double v)
{
    uint64_t u;
    memcpy(&u, &v, 8); /* IEEE 754 binary64 bits, written little-endian: bit-exact round trip */
    vigil__put_u64(w, u);
}

void vigil__put_f64s(vigil__wbuf *w, const double *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        vigil__put_f64(w, v[i]);
}

void vigil__put_str(vigil__wbuf *w, const char *s)
{
    size_t n = strlen(s);
    vigil__put_u32(w, (uint32_t)n);
    vigil__put_bytes(w, s, n);
}

static const unsigned char *get_bytes(vigil__rbuf *r, size_t n)
{
    if (r->err || n > r->len - r->pos) {
        r->err = 1;
        return NULL;
    }
    const unsigned char *b = r->p + r->pos;
    r->pos += n;
    return b;
}

uint64_t vigil__get_u64(vigil__rbuf *r)
{
    const unsigned char *b = get_bytes(r, 8);
    uint64_t v = 0;
    for (int i = 0; b && i < 8; i++)
        v |= (uint64_t)b[i] << (8 * i);
    return v;
}

uint32_t vigil__get_u32(vigil__rbuf *r)
{
    const unsigned char *b = get_bytes(r, 4);
    uint32_t v = 0;
    for (int i = 0; b && i < 4; i++)
        v |= (uint32_t)b[i] << (8 * i);
    return v;
}

double vigil__get_f64(vigil__rbuf *r)
{
    uint64_t u = vigil__get_u64(r);
    double v;
    memcpy(&v, &u, 8);
    return v;
}

void vigil__get_f64s(vigil__rbuf *r, double *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        v[i] = vigil__get_f64(r);
}

size_t vigil__get_count(vigil__rbuf *r, size_t max)
{
    uint64_t v = vigil__get_u64(r);
    if (v > max) {
        r->err = 1;
        return 0;
    }
    return (size_t)v;
}

char *vigil__get_str(vigil__rbuf *r)
{
    uint32_t n = vigil__get_u32(r);
    const unsigned char *b = get_bytes(r, n);
    if (!b)
        return NULL;
    if (memchr(b, 0, n)) {
        r->err = 1;
        return NULL;
    }
    char *s = malloc((size_t)n + 1);
    if (!s) {
        r->err = 1;
        return NULL;
    }
    memcpy(s, b, n);
    s[n] = '\0';
    return s;
}

static void le32(unsigned char *b, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        b[i] = (unsigned char)(v >> (8 * i));
}

static void le64(unsigned char *b, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        b[i] = (unsigned char)(v >> (8 * i));
}

static uint32_t rd32(const unsigned char *b)
{
    return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}

static uint64_t rd64(const unsigned char *b)
{
    return (uint64_t)rd32(b) | (uint64_t)rd32(b + 4) << 32;
}

/* Header layout (40 bytes, little-endian):
 *   0 magic "VIGILMDL" | 8 u32 version | 12 u32 flags (0) | 16 u64 payload length |
 *  24 u64 compressed length | 32 u32 CRC-32 of the payload | 36 u32 CRC-32 of the compressed
 *  bytes (deflate ignores the padding bits of its last byte: only this catches a flip there) |
 *  40 u32 CRC-32 of bytes 0..39 */
int vigil__model_pack(const unsigned char *payload, size_t n, uint32_t version,
                      unsigned char **out, size_t *out_len)
{
    *out = NULL;
    uLongf clen = compressBound((uLong)n);
    unsigned char *b = malloc(VIGIL__MODEL_HEADER + (size_t)clen);
    if (!b)
        return vigil__status(VIGIL_ENOMEM);
    /* zlib's default level: level 9 cost five to eight times the time for a file a few per
     * cent smaller, and a gateway saves its models as it runs */
    if (compress2(b + VIGIL__MODEL_HEADER, &clen, payload, (uLong)n, Z_DEFAULT_COMPRESSION) !=
        Z_OK) {
        free(b);
        return vigil__status(VIGIL_ENOMEM);
    }
    /* A payload that deflates beyond the ratio the loader accepts (a Mahalanobis model of
     * constant features: a covariance of zeros) is stored instead (level 0), so that every model
     * vigil writes loads, and a file's size bounds what loading it costs. */
    if ((uint64_t)n > vigil__model_raw_max((uint64_t)clen)) {
        clen = compressBound((uLong)n);
        if (compress2(b + VIGIL__MODEL_HEADER, &clen, payload, (uLong)n, 0) != Z_OK) {
            free(b);
            return vigil__status(VIGIL_ENOMEM);
        }
    }
    memcpy(b, VIGIL__MODEL_MAGIC, 8);
    le32(b + 8, version);
    le32(b + 12, 0);
    le64(b + 16, (uint64_t)n);
    le64(b + 24, (uint64_t)clen);
    le32(b + 32, (uint32_t)crc32(crc32(0L, Z_NULL, 0), payload, (uInt)n));
    le32(b + 36, (uint32_t)crc32(crc32(0L, Z_NULL, 0), b + VIGIL__MODEL_HEADER, (uInt)clen));
    le32(b + 40, (uint32_t)crc32(crc32(0L, Z_NULL, 0), b, 40));
    *out = b;
    *out_len = VIGIL__MODEL_HEADER + (size_t)clen;
    return VIGIL_OK;
}

uint64_t vigil__model_raw_max(uint64_t clen)
{
    return clen > (VIGIL__MODEL_PAYLOAD_MAX - VIGIL__MODEL_RAW_SLACK) / VIGIL__MODEL_RATIO_MAX
               ? VIGIL__MODEL_PAYLOAD_MAX
               : clen * VIGIL__MODEL_RATIO_MAX + VIGIL__MODEL_RAW_SLACK;
}

int vigil__model_header_check(const unsigned char *buf, size_t len, uint64_t *total)
{
    *total = 0;
    if (len < VIGIL__MODEL_HEADER || memcmp(buf, VIGIL__MODEL_MAGIC, 8) != 0)
        return vigil__fail(VIGIL_EFORMAT, "not a vigil model (bad magic or too short)");
    if (rd32(buf + 40) != (uint32_t)crc32(crc32(0L, Z_NULL, 0), buf, 40))
        return vigil__fail(VIGIL_EFORMAT, "vigil model header is corrupt (CRC mismatch)");
    uint32_t version = rd32(buf + 8);
    if (version < 1 || version > VIGIL__MODEL_VERSION)
        return vigil__fail(VIGIL_EFORMAT, "vigil model format version %u; this vigil reads 1..%u",
                           (unsigned)version, VIGIL__MODEL_VERSION);
    uint64_t raw = rd64(buf + 16), clen = rd64(buf + 24);
    if (rd32(buf + 12) != 0 || raw == 0 || raw > VIGIL__MODEL_PAYLOAD_MAX ||
        clen == 0 || clen > (uint64_t)compressBound((uLong)raw))
        return vigil__fail(VIGIL_EFORMAT, "vigil model header has bad lengths (payload %llu, "
                           "compressed %llu)", (unsigned long long)raw, (unsigned long long)clen);
    /* What loading costs (memory, and the detectors' work) grows with the payload; bounding the
     * payload by the compressed bytes bounds it by the file's size. */
    if (raw > vigil__model_raw_max(clen))
        return vigil__fail(VIGIL_EFORMAT, "vigil model payload of %llu bytes from %llu "
                           "compressed: more than %dx + %d (vigil stores such payloads "
                           "uncompressed)", (unsigned long long)raw, (unsigned long long)clen,
                           VIGIL__MODEL_RATIO_MAX, VIGIL__MODEL_RAW_SLACK);
    *total = VIGIL__MODEL_HEADER + clen;
    return VIGIL_OK;
}

int vigil__model_unpack(const unsigned char *buf, size_t len, unsigned char **payload,
                        size_t *n, uint32_t *version_out)
{
    *payload = NULL;
    *n = 0;
    uint64_t total;
    int rc = vigil__model_header_check(buf, len, &total);
    if (rc)
        return rc;
    if (total != (uint64_t)len)
        return vigil__fail(VIGIL_EFORMAT, "vigil model is truncated or has bad lengths "
                           "(%zu bytes, header says %llu)", len, (unsigned long long)total);
    uint32_t version = rd32(buf + 8);
    uint64_t raw = rd64(buf + 16), clen = total - VIGIL__MODEL_HEADER;
    if (rd32(buf + 36) != (uint32_t)crc32(crc32(0L, Z_NULL, 0), buf + VIGIL__MODEL_HEADER,
                                          (uInt)clen))
        return vigil__fail(VIGIL_EFORMAT, "vigil model data is corrupt (CRC mismatch)");
    unsigned char *p = malloc((size_t)raw);
    if (!p)
        return vigil__status(VIGIL_ENOMEM);
    uLongf got = (uLongf)raw;
    int zrc = uncompress(p, &got, buf + VIGIL__MODEL_HEADER, (uLong)clen);
    if (zrc != Z_OK || got != raw ||
        rd32(buf + 32) != (uint32_t)crc32(crc32(0L, Z_NULL, 0), p, (uInt)raw)) {
        free(p);
        return vigil__fail(VIGIL_EFORMAT, "vigil model payload is corrupt (zlib or CRC)");
    }
    *payload = p;
    *n = (size_t)raw;
    *version_out = version;
    return VIGIL_OK;
}
