/* Writes the seed corpus of the model fuzz target (fuzz/corpus/model/; the files are
 * committed, this program is how they were made):
 *
 *   ninja -C build fuzz/gen_model_corpus && build/fuzz/gen_model_corpus fuzz/corpus/model
 *
 * Seeds, each with the target's mode byte first (fuzz_model.c):
 *   raw-<kind>[-2cond]      0x00 + a real saved model of each detector kind (one with two
 *                           operating conditions, gap re-referencing and a note);
 *                           raw-hst-nospace is an HST model saved before the trees' work
 *                           spaces were saved (kept by hand: still loaded, and saved back as is);
 *   payload-<kind>[-2cond]  0x01 + the same models' uncompressed payloads (not for HST:
 *                           1.4 MB, far beyond the fuzzer's input length);
 *   raw-<kind>-2cond-stream 0x00 + the two-condition models saved with their stream state
 *                           (VIGIL_SAVE_STREAM, stream layout 4) after scoring a fault, its
 *                           events and a gap, two rows into the re-reference (not HST);
 *   payload2-<kind>[-2cond][-stream]  0x03 + the format-2 payloads (sections) of today's saves,
 *                           the fuzz target's format-2 mode (not HST);
 *   bad2-<field>            0x03 + a format-2 payload with one field of its model section made
 *                           semantically invalid (kind, counts, selection index, quantile,
 *                           threshold, scale, covariance, trailing byte, cut short, ...);
 *   packed-bad2-<field>     0x00 + a few of those, wrapped in a valid container (zlib- and
 *                           CRC-valid, semantically corrupt) to seed the raw mode too.
 *
 * The committed raw-*, payload-*, bad-* and packed-bad-* seeds without a 2 or -stream in their
 * names were made before model format 2 by an earlier version of this program and are kept as
 * they are: format-1 files and payloads still load, so they still seed that path. */
#include <vigil.h>

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model_pack.h"

static const char *outdir;

static void die(const char *what)
{
    fprintf(stderr, "gen_model_corpus: %s: %s\n", what, vigil_last_error());
    exit(1);
}

static void write_seed(const char *name, unsigned char mode, const unsigned char *b, size_t n)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", outdir, name);
    FILE *f = fopen(path, "wb");
    if (!f || fputc(mode, f) == EOF || fwrite(b, 1, n, f) != n || fclose(f) != 0)
        die(path);
}

/* A deterministic healthy feature stream: rms, peak, kurtosis, crest, one band. */
static const char *const names[] = {"frame", "t_start", "rms", "peak", "kurtosis", "crest",
                                    "band_0_500"};
#define NC 7

static double lcg(uint64_t *s)
{
    *s = *s * 6364136223846793005u + 1442695040888963407u;
    return (double)(*s >> 11) / 9007199254740992.0 - 0.5;
}

static unsigned char *model_blob(int kind, int two, int stream, size_t *n)
{
    vigil_monitor *m = NULL;
    if (vigil_monitor_create(names, NC, kind, &m) != VIGIL_OK)
        die("create");
    if (two && (vigil_monitor_set_conditions(m, 2) != VIGIL_OK ||
                vigil_monitor_set_gap(m, 30.0, VIGIL_GAP_REREF, 4) != VIGIL_OK ||
                vigil_monitor_set_note(m, "rate=12000 frame=1024 hop=512") != VIGIL_OK))
        die("configure");
    uint64_t s = 42;
    double row[NC];
    for (int i = 0; i < 40; i++)
        for (size_t c = 0; c < (two ? 2u : 1u); c++) {
            row[0] = row[1] = i;
            row[2] = (1.0 + (double)c) * (1.0 + 0.05 * lcg(&s));
            row[3] = 3.0 * row[2] * (1.0 + 0.1 * lcg(&s));
            row[4] = 3.0 + 0.3 * lcg(&s);
            row[5] = row[3] / row[2];
            row[6] = 0.2 + 0.02 * lcg(&s);
            if (vigil_monitor_learn(m, row, NC, c) != VIGIL_OK)
                die("learn");
        }
    if (vigil_monitor_fit(m) != VIGIL_OK)
        die("fit");
    /* the stream: a fault on kurtosis (rows 5-15: events, an episode's explanations), then a
     * gap of 1000 s before row 20 and two of the four re-reference rows */
    for (int i = 0; stream && i < 22; i++) {
        const size_t c = (size_t)i % (two ? 2u : 1u);
        row[0] = row[1] = 100 + i;
        row[2] = (1.0 + (double)c) * (1.0 + 0.05 * lcg(&s));
        row[3] = 3.0 * row[2] * (1.0 + 0.1 * lcg(&s));
        row[4] = 3.0 + 0.3 * lcg(&s) + (i >= 5 && i < 15 ? 6.0 : 0.0);
        row[5] = row[3] / row[2];
        row[6] = 0.2 + 0.02 * lcg(&s);
        if (vigil_monitor_score(m, row, NC, 100.0 + i + (i >= 20 ? 1000.0 : 0.0), c) < 0)
            die("score");
    }
    const int flags = stream ? VIGIL_SAVE_STREAM : 0;
    if (vigil_monitor_save_size_ex(m, flags, n) != VIGIL_OK)
        die("size");
    unsigned char *b = malloc(*n);
    size_t w;
    if (!b || vigil_monitor_save_ex(m, flags, b, *n, &w) != VIGIL_OK)
        die("save");
    vigil_monitor_destroy(m);
    return b;
}

static unsigned char *payload_of(const unsigned char *blob, size_t len, size_t *n)
{
    uint64_t raw = 0;
    for (int i = 0; i < 8; i++)
        raw |= (uint64_t)blob[16 + i] << (8 * i);
    unsigned char *p = malloc((size_t)raw);
    uLongf got = (uLongf)raw;
    if (!p || uncompress(p, &got, blob + FUZZ_MODEL_HEADER, (uLong)(len - FUZZ_MODEL_HEADER))
                  != Z_OK || got != raw)
        die("uncompress");
    *n = (size_t)raw;
    return p;
}

/* A model of d features and `conds` conditions, rows constant per feature or noise (the large
 * inputs of issue 17: size bounds). */
static unsigned char *wide_blob(int kind, size_t d, size_t conds, int constant, size_t relearn,
                                size_t *n)
{
    char **nm = malloc(d * sizeof *nm);
    for (size_t i = 0; i < d; i++) {
        nm[i] = malloc(16);
        snprintf(nm[i], 16, "f%zu", i);
    }
    vigil_monitor *m = NULL;
    if (vigil_monitor_create((const char *const *)nm, d, kind, &m) != VIGIL_OK ||
        vigil_monitor_set_conditions(m, conds) != VIGIL_OK ||
        vigil_monitor_set_gap(m, 0.0, VIGIL_GAP_REREF, relearn) != VIGIL_OK)
        die("wide create");
    for (size_t i = 0; i < d; i++)
        free(nm[i]);
    free(nm);
    double *row = malloc(d * sizeof *row);
    uint64_t s = 7;
    for (size_t c = 0; c < conds; c++)
        for (int r = 0; r < 12; r++) {
            for (size_t i = 0; i < d; i++)
                row[i] = constant ? 1.0 + (double)(i % 3) : lcg(&s);
            if (vigil_monitor_learn(m, row, d, c) != VIGIL_OK)
                die("wide learn");
        }
    free(row);
    if (vigil_monitor_fit(m) != VIGIL_OK || vigil_monitor_save_size(m, n) != VIGIL_OK)
        die("wide fit");
    unsigned char *b = malloc(*n);
    size_t w;
    if (!b || vigil_monitor_save(m, b, *n, &w) != VIGIL_OK)
        die("wide save");
    vigil_monitor_destroy(m);
    return b;
}

/* Offsets of the payload fields (layout of lib/monitor_io.c serialise()). */
struct layout {
    size_t kind, ncols, name0, nsel, sel0, nconds, quantile, alpha, k, relearn, horizon, note,
        med0, scale0, thr0, det0;
};

static size_t u32_at(const unsigned char *p, size_t o)
{
    return (size_t)p[o] | (size_t)p[o + 1] << 8 | (size_t)p[o + 2] << 16 | (size_t)p[o + 3] << 24;
}

/* Offsets in a format-2 payload whose first section is the trained model (the format-1 payload,
 * serialise_core()), after its tag (u32) and length (u64). */
static struct layout layout_of(const unsigned char *p)
{
    struct layout l;
    size_t o = 12;
    l.kind = o; o += 4;
    l.ncols = o; o += 8;
    l.name0 = o;
    for (int i = 0; i < NC; i++)
        o += 4 + u32_at(p, o);
    l.nsel = o;
    const size_t nsel = u32_at(p, o); /* < 2^32: the low half of the u64 */
    o += 8;
    l.sel0 = o; o += nsel * 12;
    l.nconds = o; o += 8;
    o += 8; /* seed */
    l.quantile = o; o += 8;
    o += 4; /* threshold mode */
    l.alpha = o; o += 8;
    l.k = o; o += 3 * 8;
    o += 8 + 8 + 4; /* clear ratio, gap, gap policy */
    l.relearn = o; o += 8;
    l.horizon = o; o += 8;
    o += 8; /* scale floor */
    l.note = o; o += 4 + u32_at(p, o);
    l.med0 = o; o += nsel * 8;
    l.scale0 = o; o += nsel * 8;
    l.thr0 = o; o += 8;
    l.det0 = o;
    return l;
}

static void put_f64(unsigned char *p, double v)
{
    uint64_t u;
    memcpy(&u, &v, 8);
    fuzz_le64(p, u);
}

/* A corrupt format-2 payload: for the target's format-2 payload mode (3), and wrapped in a
 * valid version-2 container for its raw mode (0). */
static void write_bad(const char *name, const unsigned char *p, size_t n, int packed_too)
{
    char full[128];
    snprintf(full, sizeof full, "bad2-%s", name);
    write_seed(full, 3, p, n);
    if (packed_too) {
        size_t len;
        unsigned char *b = fuzz_model_pack(p, n, &len);
        if (!b)
            die("pack");
        fuzz_le32(b + 8, 2);
        fuzz_le32(b + 40, fuzz_crc(b, 40));
        snprintf(full, sizeof full, "packed-bad2-%s", name);
        write_seed(full, 0, b, len);
        free(b);
    }
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: gen_model_corpus OUTDIR\n");
        return 2;
    }
    outdir = argv[1];
    static const char *const kinds[] = {"", "zscore", "mahalanobis", "pca", "hst"};
    unsigned char *payloads[5] = {0};
    size_t plens[5] = {0};
    for (int kind = VIGIL_DETECTOR_ZSCORE; kind <= VIGIL_DETECTOR_HST; kind++)
        for (int two = 0; two <= 1; two++) {
            char name[64];
            size_t n, pn;
            unsigned char *b = model_blob(kind, two, 0, &n);
            unsigned char *p = payload_of(b, n, &pn);
            /* HST models are large (75 KB compressed, 1.4 MB of payload: 25 trees of 2^11
             * nodes), far beyond the fuzzer's input length: one raw seed only, replayed by
             * the unit suite. */
            const int hst = kind == VIGIL_DETECTOR_HST;
            snprintf(name, sizeof name, "raw-%s%s", kinds[kind], two ? "-2cond" : "");
            if (!hst || !two)
                write_seed(name, 0, b, n);
            snprintf(name, sizeof name, "payload-%s%s", kinds[kind], two ? "-2cond" : "");
            if (!hst)
                write_seed(name, 1, p, pn);
            free(b);
            if (!hst) {
                snprintf(name, sizeof name, "payload2-%s%s", kinds[kind], two ? "-2cond" : "");
                write_seed(name, 3, p, pn);
            }
            if (two && !hst) {
                b = model_blob(kind, two, 1, &n);
                snprintf(name, sizeof name, "raw-%s-2cond-stream", kinds[kind]);
                write_seed(name, 0, b, n);
                size_t qn;
                unsigned char *q = payload_of(b, n, &qn);
                snprintf(name, sizeof name, "payload2-%s-2cond-stream", kinds[kind]);
                write_seed(name, 3, q, qn);
                free(q);
                free(b);
            }
            if (!two) {
                payloads[kind] = p;
                plens[kind] = pn;
            } else {
                free(p);
            }
        }

    /* Large inputs (issue 17): a Mahalanobis model of 160 constant features, as vigil saves it
     * (stored: its covariance of zeros would deflate beyond the loader's 32x) and deflated
     * (rejected at the header); 64 z-score conditions with the relearn count patched beyond
     * VIGIL_RELEARN_VALUES_MAX (rejected before the buffers are reserved). */
    {
        size_t n, pn, len;
        unsigned char *b = wide_blob(VIGIL_DETECTOR_MAHALANOBIS, 160, 1, 1, 20, &n);
        write_seed("large-maha-stored", 0, b, n);
        unsigned char *p = payload_of(b, n, &pn);
        free(b);
        b = fuzz_model_pack(p, pn, &len);
        write_seed("regress-expansion-maha-160", 0, b, len);
        free(b);
        free(p);
        const size_t relearn = VIGIL_RELEARN_VALUES_MAX / (16 * 64);
        b = wide_blob(VIGIL_DETECTOR_ZSCORE, 16, 64, 0, relearn, &n);
        p = payload_of(b, n, &pn);
        free(b);
        for (size_t i = 0; i + 8 <= pn; i++) {
            uint64_t v = 0;
            for (int j = 0; j < 8; j++)
                v |= (uint64_t)p[i + j] << (8 * j);
            if (v == relearn)
                fuzz_le64(p + i, 65536);
        }
        write_seed("regress-relearn-64x65536", 3, p, pn); /* format 2 */
        free(p);
    }

    /* One field at a time, each on a copy of a real payload. */
    struct bad {
        const char *name;
        int kind;
        int which; /* index into the offsets below */
        int width;
        double value;
        int packed_too;
    };
    enum { KIND, NCOLS, NAME0, NSEL, SEL0, NCONDS, QUANTILE, ALPHA, KFIELD, RELEARN, HORIZON,
           MED0, SCALE0, THR0, DET0 };
    static const struct bad bads[] = {
        {"kind-9", VIGIL_DETECTOR_ZSCORE, KIND, 4, 9, 1},
        {"ncols-0", VIGIL_DETECTOR_ZSCORE, NCOLS, 8, 0, 0},
        {"ncols-huge", VIGIL_DETECTOR_ZSCORE, NCOLS, 8, 1e15, 0},
        {"name-len-huge", VIGIL_DETECTOR_ZSCORE, NAME0, 4, 4e9, 0},
        {"nsel-0", VIGIL_DETECTOR_ZSCORE, NSEL, 8, 0, 1},
        {"nsel-above-ncols", VIGIL_DETECTOR_ZSCORE, NSEL, 8, 8, 0},
        {"sel-out-of-range", VIGIL_DETECTOR_ZSCORE, SEL0, 8, 7, 0},
        {"conditions-0", VIGIL_DETECTOR_ZSCORE, NCONDS, 8, 0, 0},
        {"conditions-65", VIGIL_DETECTOR_ZSCORE, NCONDS, 8, 65, 0},
        {"quantile-nan", VIGIL_DETECTOR_ZSCORE, QUANTILE, -8, NAN, 0},
        {"alpha-0", VIGIL_DETECTOR_ZSCORE, ALPHA, -8, 0.0, 0},
        {"persistence-k-0", VIGIL_DETECTOR_ZSCORE, KFIELD, 8, 0, 0},
        {"relearn-huge", VIGIL_DETECTOR_ZSCORE, RELEARN, 8, 65536, 0},
        {"horizon-inf", VIGIL_DETECTOR_ZSCORE, HORIZON, -8, INFINITY, 0},
        {"median-nan", VIGIL_DETECTOR_ZSCORE, MED0, -8, NAN, 1},
        {"scale-0", VIGIL_DETECTOR_MAHALANOBIS, SCALE0, -8, 0.0, 0},
        {"threshold-negative", VIGIL_DETECTOR_PCA, THR0, -8, -1.0, 1},
        {"zscore-mean-inf", VIGIL_DETECTOR_ZSCORE, DET0, -8, INFINITY, 0},
        {"maha-ridge-0", VIGIL_DETECTOR_MAHALANOBIS, DET0, -8, 0.0, 0},
        {"maha-mu-huge", VIGIL_DETECTOR_MAHALANOBIS, DET0 + 100, -8, 1e300, 0},
        {"pca-mu-nan", VIGIL_DETECTOR_PCA, DET0, -8, NAN, 0},
    };
    for (size_t i = 0; i < sizeof bads / sizeof *bads; i++) {
        const struct bad *c = &bads[i];
        unsigned char *p = malloc(plens[c->kind]);
        memcpy(p, payloads[c->kind], plens[c->kind]);
        const struct layout l = layout_of(p);
        const size_t offs[] = {l.kind, l.ncols, l.name0, l.nsel, l.sel0, l.nconds, l.quantile,
                               l.alpha, l.k, l.relearn, l.horizon, l.med0, l.scale0, l.thr0,
                               l.det0};
        size_t o;
        if (c->which >= DET0 + 100) /* DET0 + 100 + k: the k-th double of the detector state,
                                       after its first field (ridge; HST: seed) */
            o = l.det0 + 8 + (size_t)(c->which - DET0 - 100) * 8;
        else
            o = offs[c->which];
        if (c->width == 4)
            fuzz_le32(p + o, (uint32_t)c->value);
        else if (c->width == 8)
            fuzz_le64(p + o, (uint64_t)c->value);
        else
            put_f64(p + o, c->value);
        write_bad(c->name, p, plens[c->kind], c->packed_too);
        free(p);
    }
    /* Length faults: a trailing byte, cut in half, cut before the detector state. */
    for (int kind = VIGIL_DETECTOR_ZSCORE; kind <= VIGIL_DETECTOR_HST; kind++) {
        char name[64];
        unsigned char *p = malloc(plens[kind] + 1);
        memcpy(p, payloads[kind], plens[kind]);
        p[plens[kind]] = 0;
        snprintf(name, sizeof name, "%s-trailing-byte", kinds[kind]);
        if (kind != VIGIL_DETECTOR_HST) { /* too large: see above */
            write_bad(name, p, plens[kind] + 1, kind == VIGIL_DETECTOR_PCA);
            snprintf(name, sizeof name, "%s-half", kinds[kind]);
            write_bad(name, p, plens[kind] / 2, 0);
        }
        snprintf(name, sizeof name, "%s-no-detector", kinds[kind]);
        write_bad(name, p, layout_of(p).det0, 0);
        free(p);
    }
    for (int kind = VIGIL_DETECTOR_ZSCORE; kind <= VIGIL_DETECTOR_HST; kind++)
        free(payloads[kind]);
    return 0;
}
