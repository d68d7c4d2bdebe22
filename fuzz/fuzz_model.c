/* Fuzz target: the model loader (vigil_monitor_load) on arbitrary bytes, and what a loaded
 * model then does.
 *
 * Input: byte 0 is the mode, the rest the data.
 *   - mode even: the data is a whole blob, given to vigil_monitor_load as is (container checks:
 *     magic, lengths, CRCs, zlib);
 *   - mode odd: the data is a payload, wrapped here in a valid container (model_pack.h), so
 *     that mutations reach the field parser behind the CRCs instead of dying at the checksum:
 *     a format-1 payload (one model) for mode & 2 == 0, a format-2 payload (sections: model,
 *     specification, training, stream state, prognoser) for mode & 2.
 * Seeds (fuzz/corpus/model/, made by gen_model_corpus.c): saved models of every detector kind
 * in both forms, payloads that are zlib- and CRC-valid but semantically corrupt, and format-2
 * payloads with and without a stream state.
 *
 * Properties checked beyond "no crash, no leak, no UB" (a violation traps):
 *   - a failed load returns a negative status, sets *out to NULL and leaves a message;
 *   - a loaded model is self-consistent (counts, names, directions, kind, thresholds finite
 *     and > 0) and its save is canonical: load(save(m)) saves to the same bytes;
 *   - nothing is poisoned: the model A is scored and updated with rows derived from the input
 *     (huge values included), plus rows it must reject (a NaN in a selected column, a wrong
 *     column count); its twin B (loaded from A's save with its stream state,
 *     VIGIL_SAVE_STREAM) gets only the calls A accepted. After every accepted call both give
 *     bit-identical scores, states and event counts: a restart loses nothing, whatever valid
 *     stream state the input held;
 *   - an accepted score is a state 0..2 with a score that is not NaN and a health in [0, 1]. */
#include <vigil.h>

#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model_pack.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond) do { if (!(cond)) { fprintf(stderr, "CHECK failed %s:%d: %s\n", __FILE__, __LINE__, #cond); __builtin_trap(); } } while (0)

#define ROWS 10

/* Values rows are made of: ordinary ones, and the extremes a sensor glitch or a unit mistake
 * produces (finite, so the monitor must accept or reject them without damage). */
static const double row_values[] = {
    0.0, 1.0, -1.0, 0.5, 3.0, 10.0, 100.0, 1e-3, 2.5, 1e6, -1e6, 1e150, 1e300, -1e300,
    DBL_MIN, DBL_MAX,
};
#define NVALUES (sizeof row_values / sizeof *row_values)

static void check_consistent(const vigil_monitor *m)
{
    const size_t nc = vigil_monitor_column_count(m), nf = vigil_monitor_feature_count(m);
    CHECK(nc >= 1 && nc <= 4096 && nf >= 1 && nf <= nc);
    for (size_t i = 0; i < nf; i++) {
        CHECK(vigil_monitor_feature_name(m, i) != NULL);
        const int dir = vigil_monitor_direction(m, i);
        CHECK(dir >= VIGIL_DIR_BOTH && dir <= VIGIL_DIR_DOWN);
    }
    CHECK(vigil_monitor_feature_name(m, nf) == NULL);
    CHECK(vigil_monitor_kind(m) >= VIGIL_DETECTOR_ZSCORE &&
          vigil_monitor_kind(m) <= VIGIL_DETECTOR_HST);
    CHECK(vigil_monitor_fitted(m) == 1);
    const size_t nk = vigil_monitor_conditions(m);
    CHECK(nk >= 1 && nk <= VIGIL_CONDITIONS_MAX);
    for (size_t c = 0; c < nk; c++) {
        const double thr = vigil_monitor_threshold(m, c);
        CHECK(isfinite(thr) && thr > 0.0);
    }
    CHECK(isnan(vigil_monitor_threshold(m, nk)));
    CHECK(vigil_monitor_note(m) != NULL && strlen(vigil_monitor_note(m)) <= 4096);
    /* a saved stream (VIGIL_SAVE_STREAM) restores a state and queued events, within bounds */
    const int st = vigil_monitor_state(m);
    CHECK(st >= VIGIL_STATE_OK && st <= VIGIL_STATE_ALARM && vigil_monitor_event_count(m) <= 256);
}

static unsigned char *save(const vigil_monitor *m, size_t *n)
{
    /* with the stream state: the copy loaded from it must then score every row as m does */
    CHECK(vigil_monitor_save_size_ex(m, VIGIL_SAVE_STREAM, n) == VIGIL_OK &&
          *n > FUZZ_MODEL_HEADER);
    unsigned char *b = malloc(*n);
    if (!b)
        return NULL;
    size_t w = 0;
    CHECK(vigil_monitor_save_ex(m, VIGIL_SAVE_STREAM, b, *n, &w) == VIGIL_OK && w == *n);
    return b;
}

static void check_same(const vigil_monitor *a, const vigil_monitor *b)
{
    const double sa = vigil_monitor_last_score(a), sb = vigil_monitor_last_score(b);
    const double ha = vigil_monitor_last_health(a), hb = vigil_monitor_last_health(b);
    CHECK(memcmp(&sa, &sb, sizeof sa) == 0 && memcmp(&ha, &hb, sizeof ha) == 0);
    CHECK(vigil_monitor_state(a) == vigil_monitor_state(b));
    CHECK(vigil_monitor_event_count(a) == vigil_monitor_event_count(b));
    CHECK(vigil_monitor_gaps(a) == vigil_monitor_gaps(b));
}

/* Score and update A and B row by row; B gets only what A accepted. */
static void exercise(vigil_monitor *a, vigil_monitor *b, const uint8_t *data, size_t size)
{
    const size_t nc = vigil_monitor_column_count(a), nf = vigil_monitor_feature_count(a);
    const size_t nk = vigil_monitor_conditions(a);
    /* The cost of a row is up to nf^2 (Mahalanobis, PCA): keep an input's run short. */
    const size_t rows = nf > 256 ? 2 : ROWS;
    double *row = malloc(nc * sizeof *row);
    size_t *idx = malloc(nf * sizeof *idx);
    double *contrib = malloc(nf * sizeof *contrib);
    if (!row || !idx || !contrib)
        goto done;
    for (size_t r = 0; r < rows; r++) {
        for (size_t c = 0; c < nc; c++)
            row[c] = row_values[size ? data[(r * 31 + c * 7) % size] % NVALUES : 0];
        const double t = (double)r;
        const size_t cond = r % nk;
        const int kind = size ? data[(r * 13) % size] % 8 : 0;

        /* Calls A must reject, with nothing changed: B never sees them. */
        if (kind == 1) {
            /* a NaN in one column: rejected if the column is selected, else ignored */
            const size_t c = (size_t)data[(r * 17) % size] % nc;
            const double keep = row[c];
            row[c] = NAN;
            const int rc = vigil_monitor_score(a, row, nc, t, cond);
            CHECK(rc == VIGIL_ENONFINITE || (rc >= VIGIL_STATE_OK && rc <= VIGIL_STATE_ALARM));
            if (rc >= 0)
                CHECK(vigil_monitor_score(b, row, nc, t, cond) == rc);
            check_same(a, b);
            row[c] = keep;
        }
        if (kind == 2)
            CHECK(vigil_monitor_score(a, row, nc + 1, t, cond) == VIGIL_EMISMATCH);
        if (kind == 3)
            CHECK(vigil_monitor_score(a, row, nc, t, nk) == VIGIL_EINVAL);
        if (kind == 4) {
            const int rc = vigil_monitor_update(a, row, nc, cond);
            CHECK(rc == VIGIL_OK || rc == VIGIL_ENONFINITE);
            if (rc == VIGIL_OK)
                CHECK(vigil_monitor_update(b, row, nc, cond) == VIGIL_OK);
        }

        const int ra = vigil_monitor_score(a, row, nc, t, cond);
        CHECK(ra == VIGIL_ENONFINITE || (ra >= VIGIL_STATE_OK && ra <= VIGIL_STATE_ALARM));
        if (ra >= 0) {
            CHECK(vigil_monitor_score(b, row, nc, t, cond) == ra);
            CHECK(!isnan(vigil_monitor_last_score(a)));
            const double h = vigil_monitor_last_health(a);
            CHECK(h >= 0.0 && h <= 1.0);
            size_t w = 99;
            CHECK(vigil_monitor_explain(a, idx, contrib, nf, &w) == VIGIL_OK && w == nf);
            for (size_t i = 0; i < w; i++)
                CHECK(idx[i] < nf);
            const int top = vigil_monitor_top_feature(a);
            CHECK(top >= 0 && (size_t)top < nf);
        }
        check_same(a, b);
    }
    double et;
    int from, to;
    while (vigil_monitor_next_event(a, &et, &from, &to) == 1)
        CHECK(from != to && from >= 0 && from <= 2 && to >= 0 && to <= 2);
done:
    free(row);
    free(idx);
    free(contrib);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    const uint8_t mode = data[0];
    const uint8_t *body = data + 1;
    const size_t blen = size - 1;
    unsigned char *packed = NULL;
    size_t plen = 0;
    if (mode & 1) {
        packed = fuzz_model_pack(body, blen, &plen);
        if (!packed)
            return 0;
        if (mode & 2) { /* format 2: sections */
            fuzz_le32(packed + 8, 2);
            fuzz_le32(packed + 40, fuzz_crc(packed, 40));
        }
    }
    vigil_monitor *a = (vigil_monitor *)&packed; /* non-NULL garbage: must be cleared */
    const int rc = packed ? vigil_monitor_load(packed, plen, &a)
                          : vigil_monitor_load(body, blen, &a);
    free(packed);
    if (rc != VIGIL_OK) {
        CHECK(a == NULL && rc < 0 && vigil_last_error()[0] != '\0');
        return 0;
    }
    check_consistent(a);

    size_t n1 = 0, n2 = 0;
    unsigned char *s1 = save(a, &n1);
    vigil_monitor *b = NULL;
    if (s1) {
        CHECK(vigil_monitor_load(s1, n1, &b) == VIGIL_OK);
        check_consistent(b);
        unsigned char *s2 = save(b, &n2);
        if (s2)
            CHECK(n1 == n2 && memcmp(s1, s2, n1) == 0);
        free(s2);
        exercise(a, b, body, blen);
        vigil_monitor_destroy(b);
    }
    free(s1);
    vigil_monitor_destroy(a);
    return 0;
}
