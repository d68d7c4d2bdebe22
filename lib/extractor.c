/* The streaming extractor: framing, one FFT per frame shared by every spectral feature, a bounded
 * queue of rows. See include/vigil/extractor.h for the contract. */
#include "vigil/extractor.h"

#include "feature_group.h"
#include "frame_features.h"
#include "spectrum.h"
#include "status.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BASE_COLS (2 + VIGIL__TIME_COLS + VIGIL__SPECTRAL_COLS) /* frame, t_start, ... */
#define QUEUE_MAX 65536

typedef struct group {
    const vigil__group_ops *ops;
    void *self;
    size_t width;
} group;

struct vigil_extractor {
    double rate;
    size_t n, hop;

    /* 2 n samples: the current frame is buf[start .. start + n), linear, oldest first. A hop
     * moves start on instead of the overlap; the overlap moves back to buf[0] only when the
     * next frame would not fit (every (n / hop) frames or so, not every frame: the move of
     * n - hop samples per frame was ~0.1 us of the ~12 us row at n = 4096). */
    double *buf;
    size_t start;
    size_t fill;     /* samples of the current frame in buf[start ..] */
    size_t frames;   /* frames completed since create/reset */
    int started;     /* samples pushed since create/reset (configuration is frozen) */
    int rowless;     /* frames feed the groups only; no row is queued (vigil__extractor_rowless) */

    const vigil__kernels *kern; /* the frame loops for this CPU (frame_kernels.h) */
    vigil__fft *fft;
    double *window;  /* periodic Hann */
    double s1, s2;
    double *psd;     /* n/2+1 bins */
    double *freq;    /* n/2+1 bin frequencies k * rate / n, so the hot path divides less */
    double *reduced; /* 2 (n/2+1): the spectral loops' logarithm parts (frame_features.h) */

    size_t nbands;
    size_t band_k0[VIGIL_BANDS_MAX], band_k1[VIGIL_BANDS_MAX];

    size_t ngroups;
    group groups[VIGIL__GROUPS_MAX];
    vigil__machine machine;

    size_t ncols;
    char **names;    /* ncols strings */

    double *queue;   /* qcap rows of ncols */
    size_t qcap, qhead, qcount;
};

/* Grow the name table by `extra` entries and the queue to match; the new entries are NULL. */
static int grow_columns(vigil_extractor *ex, size_t extra)
{
    char **names = realloc(ex->names, (ex->ncols + extra) * sizeof *names);
    if (!names)
        return VIGIL_ENOMEM;
    for (size_t i = 0; i < extra; i++)
        names[ex->ncols + i] = NULL;
    ex->names = names;
    double *q = malloc(ex->qcap * (ex->ncols + extra) * sizeof *q);
    if (!q)
        return VIGIL_ENOMEM; /* names grew but ncols did not: still consistent */
    free(ex->queue);
    ex->queue = q;
    ex->qhead = ex->qcount = 0;
    return VIGIL_OK;
}

static char *dup_string(const char *s)
{
    size_t len = strlen(s) + 1;
    char *d = malloc(len);
    if (d)
        memcpy(d, s, len);
    return d;
}

int vigil_extractor_create(double rate, size_t frame, vigil_extractor **out)
{
    if (!out)
        return vigil__status(VIGIL_EINVAL);
    *out = NULL;
    if (!(rate >= VIGIL_RATE_MIN && rate <= VIGIL_RATE_MAX))
        return vigil__fail(VIGIL_EINVAL, "sample rate must be %g..%g Hz (got %g)", VIGIL_RATE_MIN,
                           VIGIL_RATE_MAX, rate);
    if (frame < VIGIL_FRAME_MIN || frame > VIGIL_FRAME_MAX)
        return vigil__fail(VIGIL_EINVAL, "frame length must be %d..%d (got %zu)",
                           VIGIL_FRAME_MIN, VIGIL_FRAME_MAX, frame);

    vigil_extractor *ex = calloc(1, sizeof *ex);
    if (!ex)
        return vigil__status(VIGIL_ENOMEM);
    ex->rate = rate;
    ex->n = frame;
    ex->hop = frame;
    ex->qcap = VIGIL_QUEUE_DEFAULT;
    ex->kern = vigil__kernels_select();
    ex->buf = malloc(2 * frame * sizeof *ex->buf);
    ex->window = malloc(frame * sizeof *ex->window);
    ex->psd = malloc((frame / 2 + 1) * sizeof *ex->psd);
    ex->freq = malloc((frame / 2 + 1) * sizeof *ex->freq);
    ex->reduced = malloc(2 * (frame / 2 + 1) * sizeof *ex->reduced);
    int rc = VIGIL_ENOMEM;
    if (ex->buf && ex->window && ex->psd && ex->freq && ex->reduced)
        rc = vigil__fft_create(frame, &ex->fft);
    if (rc == VIGIL_OK)
        rc = grow_columns(ex, BASE_COLS);
    if (rc == VIGIL_OK) {
        const char *base[BASE_COLS];
        base[0] = "frame";
        base[1] = "t_start";
        for (int i = 0; i < VIGIL__TIME_COLS; i++)
            base[2 + i] = vigil__time_names[i];
        for (int i = 0; i < VIGIL__SPECTRAL_COLS; i++)
            base[2 + VIGIL__TIME_COLS + i] = vigil__spectral_names[i];
        for (size_t i = 0; i < BASE_COLS; i++) {
            ex->names[i] = dup_string(base[i]);
            if (!ex->names[i])
                rc = VIGIL_ENOMEM;
        }
        ex->ncols = BASE_COLS;
    }
    if (rc != VIGIL_OK) {
        vigil_extractor_destroy(ex);
        return vigil__status(rc);
    }
    vigil__hann(ex->window, frame, &ex->s1, &ex->s2);
    vigil__bin_freqs(ex->freq, frame, rate);
    *out = ex;
    return VIGIL_OK;
}

void vigil_extractor_destroy(vigil_extractor *ex)
{
    if (!ex)
        return;
    for (size_t i = 0; i < ex->ngroups; i++)
        ex->groups[i].ops->destroy(ex->groups[i].self);
    if (ex->names)
        for (size_t i = 0; i < ex->ncols; i++)
            free(ex->names[i]);
    free(ex->names);
    free(ex->queue);
    vigil__fft_destroy(ex->fft);
    free(ex->buf);
    free(ex->window);
    free(ex->psd);
    free(ex->freq);
    free(ex->reduced);
    free(ex);
}

static int check_configurable(const vigil_extractor *ex)
{
    if (!ex)
        return vigil__status(VIGIL_EINVAL);
    if (ex->started)
        return vigil__fail(VIGIL_ESTATE,
                           "configuration is frozen once samples are pushed: reset first");
    return VIGIL_OK;
}

int vigil_extractor_set_hop(vigil_extractor *ex, size_t hop)
{
    int rc = check_configurable(ex);
    if (rc)
        return rc;
    if (hop < 1 || hop > ex->n)
        return vigil__fail(VIGIL_EINVAL, "hop must be 1..%zu (the frame length), got %zu",
                           ex->n, hop);
    ex->hop = hop;
    return VIGIL_OK;
}

int vigil_extractor_add_band(vigil_extractor *ex, double lo, double hi)
{
    int rc = check_configurable(ex);
    if (rc)
        return rc;
    if (!isfinite(lo) || !isfinite(hi) || lo < 0.0 || lo >= hi)
        return vigil__fail(VIGIL_EINVAL, "band edges must be finite with 0 <= lo < hi (got %g-%g)",
                           lo, hi);
    if (ex->nbands >= VIGIL_BANDS_MAX)
        return vigil__fail(VIGIL_EINVAL, "at most %d bands", VIGIL_BANDS_MAX);
    /* Bands sit right after the base columns, before any groups: refuse once a group exists so
     * that the documented column order holds. */
    if (ex->ngroups > 0)
        return vigil__fail(VIGIL_ESTATE, "add bands before enabling further feature groups");

    char name[96];
    snprintf(name, sizeof name, "band_%g_%g", lo, hi);
    char *copy = dup_string(name);
    if (!copy || grow_columns(ex, 1) != VIGIL_OK) {
        free(copy);
        return vigil__status(VIGIL_ENOMEM);
    }
    ex->names[ex->ncols++] = copy;

    /* Map edges to bins with the same expression FEATURES.md uses for f_k, so that a bin exactly
     * on an edge is classified as the formula says (LO <= f_k < HI). */
    const size_t nb = ex->n / 2 + 1;
    size_t k0 = 0, k1;
    while (k0 < nb && (double)k0 * ex->rate / (double)ex->n < lo)
        k0++;
    k1 = k0;
    while (k1 < nb && (double)k1 * ex->rate / (double)ex->n < hi)
        k1++;
    ex->band_k0[ex->nbands] = k0;
    ex->band_k1[ex->nbands] = k1;
    ex->nbands++;
    return VIGIL_OK;
}

int vigil_extractor_set_queue(vigil_extractor *ex, size_t rows)
{
    int rc = check_configurable(ex);
    if (rc)
        return rc;
    if (rows < 1 || rows > QUEUE_MAX)
        return vigil__fail(VIGIL_EINVAL, "queue capacity must be 1..%d rows (got %zu)", QUEUE_MAX,
                           rows);
    double *q = malloc(rows * ex->ncols * sizeof *q);
    if (!q)
        return vigil__status(VIGIL_ENOMEM);
    free(ex->queue);
    ex->queue = q;
    ex->qcap = rows;
    ex->qhead = ex->qcount = 0;
    return VIGIL_OK;
}

vigil__machine *vigil__extractor_machine(vigil_extractor *ex) { return &ex->machine; }

int vigil__extractor_shaft_known(const vigil_extractor *ex)
{
    return ex && ex->machine.has_bearing && ex->machine.shaft_hz > 0.0;
}

int vigil__extractor_configurable(const vigil_extractor *ex) { return check_configurable(ex); }

void vigil__extractor_rowless(vigil_extractor *ex) { ex->rowless = 1; }

int vigil__extractor_add_group(vigil_extractor *ex, const vigil__group_ops *ops, void *self,
                               size_t width, const vigil__column *cols)
{
    int rc = check_configurable(ex);
    if (rc == VIGIL_OK && ex->ngroups >= VIGIL__GROUPS_MAX)
        rc = vigil__fail(VIGIL_EINVAL, "at most %d feature groups", VIGIL__GROUPS_MAX);
    if (rc == VIGIL_OK && grow_columns(ex, width) != VIGIL_OK)
        rc = vigil__status(VIGIL_ENOMEM);
    if (rc == VIGIL_OK) {
        for (size_t i = 0; i < width; i++) {
            ex->names[ex->ncols + i] = dup_string(cols[i].name);
            if (!ex->names[ex->ncols + i])
                rc = VIGIL_ENOMEM;
        }
        if (rc != VIGIL_OK) {
            for (size_t i = 0; i < width; i++) {
                free(ex->names[ex->ncols + i]);
                ex->names[ex->ncols + i] = NULL;
            }
            rc = vigil__status(rc);
        }
    }
    if (rc != VIGIL_OK) {
        ops->destroy(self);
        return rc;
    }
    ex->ncols += width;
    ex->groups[ex->ngroups++] = (group){ops, self, width};
    return VIGIL_OK;
}

/* Compute the row of the frame now complete in ex->buf + ex->start into row. */
static void compute_row(vigil_extractor *ex, double *row)
{
    const size_t n = ex->n;
    const double *x = ex->buf + ex->start;
    double *y = vigil__fft_input(ex->fft);
    row[0] = (double)ex->frames;
    row[1] = (double)(ex->frames * ex->hop) / ex->rate;
    vigil__roots roots;
    const double mean =
        vigil__time_features(ex->kern, x, n, ex->window, y, row + 2, &roots);
    vigil__fft_execute(ex->fft);
    const double *spec = vigil__fft_output(ex->fft);
    double *col = row + 2 + VIGIL__TIME_COLS;
    /* y, the FFT's input, is spent (the plan may destroy it): the spectral loops' scratch */
    vigil__spectrum_features(ex->kern, spec, n, ex->rate, ex->s1, ex->s2, ex->freq, ex->psd, y,
                             ex->reduced, x, &roots, row + 2, col);
    col += VIGIL__SPECTRAL_COLS;
    const double df = ex->rate / (double)n;
    for (size_t b = 0; b < ex->nbands; b++)
        *col++ = vigil__band_power(ex->kern, ex->psd, ex->band_k0[b], ex->band_k1[b], df);
    if (ex->ngroups) {
        const vigil__frame f = {x, n, ex->rate, mean, spec, ex->psd, n / 2 + 1, df,
                                ex->s1, ex->s2};
        for (size_t g = 0; g < ex->ngroups; g++) {
            ex->groups[g].ops->compute(ex->groups[g].self, &f, col);
            col += ex->groups[g].width;
        }
    }
}

/* How many samples can be taken without completing more frames than the queue has room for:
 * the rest of the current frame plus one hop per free place, minus one (the sample that would
 * complete the next frame). Saturates instead of overflowing. */
static size_t max_take(const vigil_extractor *ex)
{
    if (ex->rowless)
        return SIZE_MAX;
    const size_t free_rows = ex->qcap - ex->qcount;
    const size_t to_next = ex->n - ex->fill; /* >= 1 */
    if (free_rows > (SIZE_MAX - to_next) / ex->hop)
        return SIZE_MAX;
    return to_next - 1 + free_rows * ex->hop;
}

/* The one push loop, for double and float input: `src_f64` or `src_f32` is non-NULL. */
static int push_samples(vigil_extractor *ex, const double *src_f64, const float *src_f32,
                        size_t n, size_t *consumed)
{
    if (consumed)
        *consumed = 0;
    if (!ex || (n > 0 && !src_f64 && !src_f32))
        return vigil__status(VIGIL_EINVAL);
    size_t take = max_take(ex);
    if (take > n)
        take = n;
    if (!consumed && take < n)
        return vigil__fail(VIGIL_EFULL,
                           "%zu samples would complete more frames than the %zu free queue places",
                           n, ex->qcap - ex->qcount);
    /* Validate before touching any state: a rejected chunk leaves the stream as it was. Doubles
     * in one vectorised test of the whole chunk; the sample-by-sample search below runs only to
     * name the first bad one. */
    /* Doubles up to the end of the current frame are copied into it by the same pass (the
     * rest of the frame's buffer holds no state, so a rejected chunk leaves nothing behind);
     * the rest of the chunk is checked too before any frame completes. */
    const size_t head = take < ex->n - ex->fill ? take : ex->n - ex->fill;
    if (!src_f64 ||
        !ex->kern->all_within(src_f64, head, VIGIL_SAMPLE_MAX, ex->buf + ex->start + ex->fill) ||
        !ex->kern->all_within(src_f64 + head, take - head, VIGIL_SAMPLE_MAX, NULL)) {
        for (size_t i = 0; i < take; i++) {
            const double v = src_f64 ? src_f64[i] : (double)src_f32[i];
            if (!(fabs(v) <= VIGIL_SAMPLE_MAX))
                return vigil__fail(VIGIL_ENONFINITE,
                                   "sample %zu of the chunk is %s; chunk rejected", i,
                                   vigil__sample_problem(v));
        }
    }
    size_t i = 0;
    while (i < take) {
        size_t c = ex->n - ex->fill;
        if (c > take - i)
            c = take - i;
        double *dst = ex->buf + ex->start + ex->fill;
        if (src_f64) {
            if (i > 0) /* the first c = head samples are in: the check copied them */
                memcpy(dst, src_f64 + i, c * sizeof *dst);
        } else {
            for (size_t j = 0; j < c; j++)
                dst[j] = (double)src_f32[i + j];
        }
        ex->fill += c;
        i += c;
        if (ex->fill == ex->n) {
            size_t slot = (ex->qhead + ex->qcount) % ex->qcap;
            compute_row(ex, ex->queue + slot * ex->ncols);
            if (!ex->rowless)
                ex->qcount++;
            ex->frames++;
            /* the overlap (n - hop samples) starts the next frame; moved to the front only when
             * that frame would run past the buffer's 2 n */
            ex->start += ex->hop;
            ex->fill = ex->n - ex->hop;
            if (ex->start + ex->n > 2 * ex->n) {
                memmove(ex->buf, ex->buf + ex->start, ex->fill * sizeof *ex->buf);
                ex->start = 0;
            }
        }
    }
    if (take > 0)
        ex->started = 1;
    if (consumed)
        *consumed = take;
    return VIGIL_OK;
}

int vigil_extractor_push(vigil_extractor *ex, const double *x, size_t n, size_t *consumed)
{
    return push_samples(ex, x, NULL, n, consumed);
}

int vigil_extractor_push_f32(vigil_extractor *ex, const float *x, size_t n, size_t *consumed)
{
    return push_samples(ex, NULL, x, n, consumed);
}

int vigil_extractor_pop(vigil_extractor *ex, double *row, size_t cap, size_t *written)
{
    if (written)
        *written = 0;
    if (!ex || !row)
        return vigil__status(VIGIL_EINVAL);
    if (ex->qcount == 0)
        return 0;
    if (cap < ex->ncols)
        return vigil__fail(VIGIL_ESPACE, "row buffer holds %zu values, a row has %zu", cap,
                           ex->ncols);
    memcpy(row, ex->queue + ex->qhead * ex->ncols, ex->ncols * sizeof *row);
    ex->qhead = (ex->qhead + 1) % ex->qcap;
    ex->qcount--;
    if (written)
        *written = ex->ncols;
    return 1;
}

int vigil_extractor_pop_many(vigil_extractor *ex, double *rows, size_t cap, size_t *written)
{
    if (written)
        *written = 0;
    if (!ex || !rows)
        return vigil__status(VIGIL_EINVAL);
    if (ex->qcount == 0)
        return 0;
    size_t n = cap / ex->ncols;
    if (n == 0)
        return vigil__fail(VIGIL_ESPACE, "row buffer holds %zu values, a row has %zu", cap,
                           ex->ncols);
    n = n < ex->qcount ? n : ex->qcount; /* <= QUEUE_MAX: fits an int */
    /* the queue is a ring: at most two runs of consecutive rows */
    const size_t first = n < ex->qcap - ex->qhead ? n : ex->qcap - ex->qhead;
    memcpy(rows, ex->queue + ex->qhead * ex->ncols, first * ex->ncols * sizeof *rows);
    memcpy(rows + first * ex->ncols, ex->queue, (n - first) * ex->ncols * sizeof *rows);
    ex->qhead = (ex->qhead + n) % ex->qcap;
    ex->qcount -= n;
    if (written)
        *written = n * ex->ncols;
    return (int)n;
}

size_t vigil_extractor_ready(const vigil_extractor *ex)
{
    return ex ? ex->qcount : 0;
}

int vigil_extractor_reset(vigil_extractor *ex)
{
    if (!ex)
        return vigil__status(VIGIL_EINVAL);
    ex->start = ex->fill = 0;
    ex->frames = 0;
    ex->started = 0;
    ex->qhead = ex->qcount = 0;
    for (size_t g = 0; g < ex->ngroups; g++)
        if (ex->groups[g].ops->reset)
            ex->groups[g].ops->reset(ex->groups[g].self);
    return VIGIL_OK;
}

size_t vigil_extractor_feature_count(const vigil_extractor *ex)
{
    return ex ? ex->ncols : 0;
}

const char *vigil_extractor_feature_name(const vigil_extractor *ex, size_t i)
{
    return ex && i < ex->ncols ? ex->names[i] : NULL;
}

int vigil_extractor_feature_index(const vigil_extractor *ex, const char *name)
{
    if (!ex || !name)
        return vigil__status(VIGIL_EINVAL);
    for (size_t i = 0; i < ex->ncols; i++)
        if (strcmp(ex->names[i], name) == 0)
            return (int)i;
    return vigil__fail(VIGIL_ENOTFOUND, "no feature named '%s'", name);
}

double vigil_extractor_rate(const vigil_extractor *ex) { return ex ? ex->rate : 0.0; }
size_t vigil_extractor_frame(const vigil_extractor *ex) { return ex ? ex->n : 0; }
size_t vigil_extractor_hop(const vigil_extractor *ex) { return ex ? ex->hop : 0; }
size_t vigil_extractor_frames_done(const vigil_extractor *ex) { return ex ? ex->frames : 0; }

size_t vigil_extractor_memory(const vigil_extractor *ex)
{
    if (!ex)
        return 0;
    size_t bytes = sizeof *ex;
    bytes += ex->n * sizeof(double) * 3;           /* buf (2 n), window */
    bytes += (ex->n / 2 + 1) * sizeof(double) * 4; /* psd, freq, reduced (2) */
    bytes += vigil__fft_memory(ex->fft);
    bytes += ex->qcap * ex->ncols * sizeof(double);
    bytes += ex->ncols * sizeof(char *);
    for (size_t i = 0; i < ex->ncols; i++)
        bytes += strlen(ex->names[i]) + 1;
    for (size_t g = 0; g < ex->ngroups; g++)
        if (ex->groups[g].ops->memory)
            bytes += ex->groups[g].ops->memory(ex->groups[g].self);
    return bytes;
}
