/* A host that restarts resumes where it stopped: a monitor saved with its stream state
 * (VIGIL_SAVE_STREAM) at any row and loaded scores every following row exactly as the monitor
 * that never stopped. The reference is that uninterrupted monitor on the same rows; the
 * comparison is bit for bit (scores, thresholds, health, state, top feature, T^2 and SPE, onset,
 * counters, events and their explanations), for every detector, at cut points inside each part
 * of a history that holds state across rows: the z-score smoothing, an onset test and alarm
 * episode with queued events, a re-reference after a gap (REREF) with its rows half in, a clock
 * that steps back and an exact duplicate row. Then saved streams the loader must refuse: a
 * monitor's shortened, lengthened or inconsistent stream section, and a machine's step state
 * that would point past its buffers. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <vigil.h>

#include "model_io.h"
#include "../fuzz/model_pack.h"

#define W 5
#define LEARN 120
#define ROWS 400
#define FAULT_AT 100    /* rows FAULT_AT .. FAULT_END-1: a growing fault on column 1 */
#define FAULT_END 170
#define GAP_AT 220      /* a pause of 5000 s before this row, and a new operating point */
#define BACK_AT 300     /* time steps back by 30 s here */
#define DUP_AT 331      /* an exact repeat of the row before */

static const char *const cols[W] = {"x_rms", "x_kurtosis", "x_crest", "x_peak", "x_band"};
static const int kinds[] = {VIGIL_DETECTOR_ZSCORE, VIGIL_DETECTOR_MAHALANOBIS,
                            VIGIL_DETECTOR_PCA, VIGIL_DETECTOR_HST};
/* Inside the smoothing's first rows, the onset test (WARN), the alarm, the clearing, the
 * re-reference (2 and 11 of its 20 rows in), the step back and around the duplicate. */
static const size_t cuts[] = {3, 104, 118, 150, 175, 222, 231, 302, 330, 331, 332};

/* Deterministic noise in [-0.5, 0.5): a 64-bit LCG, its top 53 bits. */
static double noise(uint64_t *s)
{
    *s = *s * 6364136223846793005ull + 1442695040888963407ull;
    return (double)(*s >> 11) / 9007199254740992.0 - 0.5;
}

static void healthy(uint64_t *s, double level, double *row)
{
    for (size_t j = 0; j < W; j++)
        row[j] = level * (1.0 + 0.1 * (double)j) + 0.2 * noise(s);
}

/* Row r of the scored history and its time. */
static void history_row(size_t r, double *row, double *t)
{
    uint64_t s = 0x9e3779b97f4a7c15ull ^ (uint64_t)(r == DUP_AT ? r - 1 : r) * 0x100000001b3ull;
    healthy(&s, r >= GAP_AT ? 12.0 : 10.0, row);
    if (r >= FAULT_AT && r < FAULT_END)
        row[1] += 0.1 * (double)(r - FAULT_AT);
    const size_t tr = r == DUP_AT ? r - 1 : r;
    *t = (double)tr + (tr >= GAP_AT ? 5000.0 : 0.0) - (tr >= BACK_AT ? 30.0 : 0.0);
}

static vigil_monitor *fitted(int kind)
{
    vigil_monitor *m = NULL;
    assert_int_equal(vigil_monitor_create(cols, W, kind, &m), VIGIL_OK);
    assert_int_equal(vigil_monitor_set_gap(m, 0.0, VIGIL_GAP_REREF, 20), VIGIL_OK);
    uint64_t s = 7;
    double row[W];
    for (size_t r = 0; r < LEARN; r++) {
        healthy(&s, 10.0, row);
        assert_int_equal(vigil_monitor_learn(m, row, W, 0), VIGIL_OK);
    }
    assert_int_equal(vigil_monitor_fit(m), VIGIL_OK);
    return m;
}

/* What a host sees after scoring one row. */
typedef struct outcome {
    int state, top;
    double score, thr, health, t2, spe, onset;
    size_t counts[VIGIL_COUNTER_COUNT];
    size_t queued;
} outcome;

static outcome score_row(vigil_monitor *m, size_t r)
{
    double row[W], t;
    history_row(r, row, &t);
    outcome o;
    o.state = vigil_monitor_score(m, row, W, t, 0);
    assert_true(o.state >= 0);
    o.top = vigil_monitor_top_feature(m);
    o.score = vigil_monitor_last_score(m);
    o.thr = vigil_monitor_last_threshold(m);
    o.health = vigil_monitor_last_health(m);
    o.t2 = o.spe = NAN;
    if (vigil_monitor_kind(m) == VIGIL_DETECTOR_PCA)
        assert_int_equal(vigil_monitor_pca_stats(m, &o.t2, &o.spe), VIGIL_OK);
    o.onset = vigil_monitor_onset(m);
    for (int c = 0; c < VIGIL_COUNTER_COUNT; c++)
        o.counts[c] = vigil_monitor_counter(m, c);
    o.queued = vigil_monitor_event_count(m);
    return o;
}

/* Equal bits, NaN equal to NaN. */
static int same(double a, double b)
{
    return memcmp(&a, &b, sizeof a) == 0 || (isnan(a) && isnan(b));
}

static void assert_same_outcome(const outcome *a, const outcome *b, size_t r)
{
    const int ok = a->state == b->state && a->top == b->top && same(a->score, b->score) &&
                   same(a->thr, b->thr) && same(a->health, b->health) && same(a->t2, b->t2) &&
                   same(a->spe, b->spe) && same(a->onset, b->onset) &&
                   memcmp(a->counts, b->counts, sizeof a->counts) == 0 &&
                   a->queued == b->queued;
    if (!ok)
        fail_msg("row %zu: state %d/%d score %.17g/%.17g onset %g/%g queued %zu/%zu", r,
                 a->state, b->state, a->score, b->score, a->onset, b->onset, a->queued,
                 b->queued);
}

static vigil_monitor *reload(const vigil_monitor *m)
{
    size_t size = 0, w = 0;
    assert_int_equal(vigil_monitor_save_size_ex(m, VIGIL_SAVE_STREAM, &size), VIGIL_OK);
    unsigned char *b = malloc(size);
    assert_non_null(b);
    assert_int_equal(vigil_monitor_save_ex(m, VIGIL_SAVE_STREAM, b, size, &w), VIGIL_OK);
    vigil_monitor *l = NULL;
    assert_int_equal(vigil_monitor_load(b, w, &l), VIGIL_OK);
    free(b);
    return l;
}

static void pop_all(vigil_monitor *m, vigil_event_explanation *ev, size_t cap, size_t *n)
{
    *n = 0;
    vigil_event_explanation e;
    while (vigil_monitor_next_event_explained(m, &e) == 1) {
        assert_true(*n < cap);
        ev[(*n)++] = e;
    }
}

static void test_resume_every_detector(void **state)
{
    (void)state;
    static outcome ref[ROWS];
    static vigil_event_explanation ref_ev[512], got_ev[512];
    for (size_t kk = 0; kk < sizeof kinds / sizeof *kinds; kk++) {
        /* the uninterrupted monitor; events stay queued until the end (the queue holds 256) */
        vigil_monitor *m = fitted(kinds[kk]);
        for (size_t r = 0; r < ROWS; r++)
            ref[r] = score_row(m, r);
        /* the history reaches every part the cuts are meant to be inside */
        assert_true(ref[FAULT_END - 1].state == VIGIL_STATE_ALARM);
        assert_true(ref[ROWS - 1].counts[VIGIL_COUNTER_GAPS] == 1);
        assert_true(ref[ROWS - 1].counts[VIGIL_COUNTER_STEPS_BACK] == 1);
        assert_true(ref[ROWS - 1].counts[VIGIL_COUNTER_DUPLICATES] == 1);
        size_t nref;
        pop_all(m, ref_ev, 512, &nref);
        assert_true(nref >= 2);
        vigil_monitor_destroy(m);

        for (size_t c = 0; c < sizeof cuts / sizeof *cuts; c++) {
            vigil_monitor *a = fitted(kinds[kk]);
            for (size_t r = 0; r < cuts[c]; r++)
                score_row(a, r);
            vigil_monitor *l = reload(a);
            vigil_monitor_destroy(a);
            for (size_t r = cuts[c]; r < ROWS; r++) {
                const outcome o = score_row(l, r);
                assert_same_outcome(&ref[r], &o, r);
            }
            size_t n;
            pop_all(l, got_ev, 512, &n);
            assert_int_equal(n, nref);
            for (size_t i = 0; i < n; i++) {
                const vigil_event_explanation *x = &ref_ev[i], *y = &got_ev[i];
                assert_true(same(x->event.t, y->event.t) && x->event.from == y->event.from &&
                            x->event.to == y->event.to && x->event.kind == y->event.kind &&
                            same(x->event.onset, y->event.onset));
                assert_int_equal(x->count, y->count);
                for (size_t j = 0; j < x->count; j++) {
                    assert_int_equal(x->feature[j], y->feature[j]);
                    assert_true(same(x->z[j], y->z[j]));
                }
            }
            vigil_monitor_destroy(l);
        }
    }
}

/* The payload with its sections rewritten: the stream section (tag 0x100) replaced by
 * `stream` (len bytes), repacked as a file (fuzz/model_pack.h: fresh CRCs, the same version). */
#define SECTION_STREAM 0x100u

static uint32_t rd32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t rd64(const unsigned char *p) { return rd32(p) | (uint64_t)rd32(p + 4) << 32; }

/* Offset and length of the stream section's body in payload p[0..n). */
static void find_stream(const unsigned char *p, size_t n, size_t *at, size_t *len)
{
    for (size_t pos = 0; pos + 12 <= n;) {
        const uint32_t tag = rd32(p + pos);
        const uint64_t l = rd64(p + pos + 4);
        if (tag == SECTION_STREAM) {
            *at = pos + 12;
            *len = (size_t)l;
            return;
        }
        pos += 12 + (size_t)l;
    }
    fail_msg("no stream section");
}

/* Payload p[0..n) as a file of the given format version (fresh CRCs); *len its size. */
static unsigned char *repack(const unsigned char *p, size_t n, uint32_t version, size_t *len)
{
    unsigned char *b = fuzz_model_pack(p, n, len);
    assert_non_null(b);
    fuzz_le32(b + 8, version);
    fuzz_le32(b + 40, fuzz_crc(b, 40));
    return b;
}

static int load_with_stream(const unsigned char *p, size_t n, uint32_t version,
                            const unsigned char *stream, size_t len)
{
    size_t at, old;
    find_stream(p, n, &at, &old);
    const size_t m = n - old + len;
    unsigned char *q = malloc(m);
    assert_non_null(q);
    memcpy(q, p, at);
    fuzz_le64(q + at - 8, len);
    memcpy(q + at, stream, len);
    memcpy(q + at + len, p + at + old, n - at - old);
    size_t blen = 0;
    unsigned char *b = repack(q, m, version, &blen);
    vigil_monitor *l = NULL;
    const int rc = vigil_monitor_load(b, blen, &l);
    assert_true(rc == VIGIL_OK ? l != NULL : l == NULL);
    vigil_monitor_destroy(l);
    free(b);
    free(q);
    return rc;
}

/* The saved stream is checked on load like the rest of the model. A z-score monitor saved 11
 * rows into a 20-row re-reference, with events and their explanations queued: its stream
 * section, rewritten through the same packer, loads as saved, and is refused (VIGIL_EFORMAT,
 * never a crash or a half-made monitor) when shortened by any of its last 64 bytes, when a
 * byte is added, and when the re-reference's row count says 20 (complete: it cannot be held)
 * or 21 (more than relearn). */
static void test_corrupt_stream_refused(void **state)
{
    (void)state;
    vigil_monitor *m = fitted(VIGIL_DETECTOR_ZSCORE);
    for (size_t r = 0; r < GAP_AT + 11; r++)
        score_row(m, r);
    assert_true(vigil_monitor_event_count(m) >= 2);
    size_t size = 0, w = 0;
    assert_int_equal(vigil_monitor_save_size_ex(m, VIGIL_SAVE_STREAM, &size), VIGIL_OK);
    unsigned char *b = malloc(size), *p;
    assert_non_null(b);
    assert_int_equal(vigil_monitor_save_ex(m, VIGIL_SAVE_STREAM, b, size, &w), VIGIL_OK);
    size_t n, at, len;
    uint32_t version;
    assert_int_equal(vigil__model_unpack(b, w, &p, &n, &version), VIGIL_OK);
    free(b);
    find_stream(p, n, &at, &len);
    unsigned char *s = malloc(len + 1);
    assert_non_null(s);
    memcpy(s, p + at, len);
    assert_int_equal(load_with_stream(p, n, version, s, len), VIGIL_OK);
    for (size_t cut = 1; cut <= 64; cut++)
        assert_int_equal(load_with_stream(p, n, version, s, len - cut), VIGIL_EFORMAT);
    s[len] = 0;
    assert_int_equal(load_with_stream(p, n, version, s, len + 1), VIGIL_EFORMAT);
    /* the re-reference's count: the one u64 11 followed by 11 rows of W values */
    size_t hits = 0, where = 0;
    for (size_t i = 0; i + 8 <= len; i++)
        if (rd64(s + i) == 11 && i + 8 + 11 * W * 8 <= len) {
            hits++;
            where = i;
        }
    assert_int_equal(hits, 1);
    fuzz_le64(s + where, 20);
    assert_int_equal(load_with_stream(p, n, version, s, len), VIGIL_EFORMAT);
    fuzz_le64(s + where, 21);
    assert_int_equal(load_with_stream(p, n, version, s, len), VIGIL_EFORMAT);
    fuzz_le64(s + where, 11);
    assert_int_equal(load_with_stream(p, n, version, s, len), VIGIL_OK);
    free(s);
    free(p);
    vigil_monitor_destroy(m);
}

/* A machine of adopted monitors has made no step buffers when it is saved (steps 0): its
 * stream state must say so in full. The saved ring position patched to 5 would have the step
 * rule write past its buffers after the load; it is refused (VIGIL_EFORMAT). The machine
 * section is the payload's only one, so the step state is its last 36 bytes (4 x u64, u32). */
static void test_machine_steps_refused(void **state)
{
    (void)state;
    const char *const ch[2] = {"a", "b"};
    vigil_monitor *mons[2];
    for (size_t g = 0; g < 2; g++)
        mons[g] = fitted(VIGIL_DETECTOR_MAHALANOBIS);
    vigil_machine *mc = NULL;
    assert_int_equal(vigil_machine_adopt(ch, 2, mons, &mc), VIGIL_OK);
    size_t size = 0, w = 0;
    assert_int_equal(vigil_machine_save_size(mc, VIGIL_SAVE_STREAM, &size), VIGIL_OK);
    unsigned char *b = malloc(size), *p;
    assert_non_null(b);
    assert_int_equal(vigil_machine_save(mc, VIGIL_SAVE_STREAM, b, size, &w), VIGIL_OK);
    size_t n;
    uint32_t version;
    assert_int_equal(vigil__model_unpack(b, w, &p, &n, &version), VIGIL_OK);
    free(b);
    const size_t at = n - 36; /* steps, npre, pre_at, npost, after_gap */
    for (size_t i = 0; i < 36; i++)
        assert_int_equal(p[at + i], 0);
    for (int patched = 1; patched >= 0; patched--) {
        fuzz_le64(p + at + 16, patched ? 5 : 0);
        size_t blen = 0;
        unsigned char *q = repack(p, n, version, &blen);
        vigil_machine *l = NULL;
        assert_int_equal(vigil_machine_load(q, blen, &l), patched ? VIGIL_EFORMAT : VIGIL_OK);
        assert_true(patched ? l == NULL : l != NULL);
        vigil_machine_destroy(l);
        free(q);
    }
    free(p);
    vigil_machine_destroy(mc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_resume_every_detector),
        cmocka_unit_test(test_corrupt_stream_refused),
        cmocka_unit_test(test_machine_steps_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
