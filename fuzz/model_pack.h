/* The saved-model container of lib/model_io.c (magic, version, lengths, zlib payload, three
 * CRC-32s), written again here from its documented layout, for the model fuzz target and its
 * seed generator: they wrap arbitrary payloads in a valid container so that fuzzing reaches the
 * field parser behind the CRC checks. Deliberately not shared with the library: a layout change
 * there that this file does not follow shows up as seeds that no longer load. */
#ifndef VIGIL_FUZZ_MODEL_PACK_H
#define VIGIL_FUZZ_MODEL_PACK_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#define FUZZ_MODEL_HEADER 44

static inline void fuzz_le32(unsigned char *b, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        b[i] = (unsigned char)(v >> (8 * i));
}

static inline void fuzz_le64(unsigned char *b, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        b[i] = (unsigned char)(v >> (8 * i));
}

static inline uint32_t fuzz_crc(const unsigned char *p, size_t n)
{
    return (uint32_t)crc32(crc32(0L, Z_NULL, 0), p, (uInt)n);
}

/* Wrap payload[0..n) (n may be 0: the loader must reject it) in a version-1 container.
 * Returns a malloc'ed blob and its length in *len, or NULL. */
static inline unsigned char *fuzz_model_pack(const unsigned char *payload, size_t n,
                                             size_t *len)
{
    uLongf clen = compressBound((uLong)n);
    unsigned char *b = malloc(FUZZ_MODEL_HEADER + (size_t)clen);
    if (!b)
        return NULL;
    if (compress2(b + FUZZ_MODEL_HEADER, &clen, n ? payload : (const unsigned char *)"",
                  (uLong)n, 1) != Z_OK) {
        free(b);
        return NULL;
    }
    memcpy(b, "VIGILMDL", 8);
    fuzz_le32(b + 8, 1);
    fuzz_le32(b + 12, 0);
    fuzz_le64(b + 16, (uint64_t)n);
    fuzz_le64(b + 24, (uint64_t)clen);
    fuzz_le32(b + 32, fuzz_crc(payload, n));
    fuzz_le32(b + 36, fuzz_crc(b + FUZZ_MODEL_HEADER, (size_t)clen));
    fuzz_le32(b + 40, fuzz_crc(b, 40));
    *len = FUZZ_MODEL_HEADER + (size_t)clen;
    return b;
}

#endif
