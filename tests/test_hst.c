/* Half-Space Trees through the monitor: one feature far outside its healthy range alarms
 * whatever the others do (the trees' work spaces, docs/MODELS.md), and fresh healthy rows from
 * the same generator exceed the calibrated threshold about as often as the calibration
 * quantile (0.995) says. The detector's saved state: work spaces kept, older states loaded. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <vigil.h>

#include "detector.h"
#include "test_rng.h"

static const char *const names[] = {"frame", "t_start", "rms", "kurtosis", "crest"};
#define NC 5
static const double base[NC] = {0, 0, 1.0, 3.0, 4.0};
static const double spread[NC] = {0, 0, 0.02, 0.15, 0.2};

static void healthy(uint64_t *s, double *row, double f)
{
    row[0] = f;
    row[1] = f;
    for (int i = 2; i < NC; i++)
        row[i] = base[i] + spread[i] * test_normal(s);
}

static vigil_monitor *trained(uint64_t *s)
{
    vigil_monitor *m;
    assert_int_equal(vigil_monitor_create(names, NC, VIGIL_DETECTOR_HST, &m), VIGIL_OK);
    double row[NC];
    for (int i = 0; i < 400; i++) {
        healthy(s, row, i);
        assert_int_equal(vigil_monitor_learn(m, row, NC, 0), VIGIL_OK);
    }
    assert_int_equal(vigil_monitor_fit(m), VIGIL_OK);
    return m;
}

/* One feature at 1.5x, 10x or 1e6x its baseline, the others healthy: every such row scores
 * above the threshold, and the far ones get the maximal score (mass 0 in every tree), which
 * is the same for 10x and 1e6x. */
static void test_far_feature_alarms(void **state)
{
    (void)state;
    const double factors[] = {1.5, 10.0, 1e6};
    for (uint64_t seed = 1; seed <= 3; seed++) {
        uint64_t s = seed;
        vigil_monitor *m = trained(&s);
        double row[NC];
        for (int i = 2; i < NC; i++) {
            double far_score[3];
            for (int f = 0; f < 3; f++) {
                for (int rep = 0; rep < 20; rep++) {
                    healthy(&s, row, 1000 + rep);
                    row[i] = factors[f] * base[i];
                    assert_true(vigil_monitor_score(m, row, NC, 1000.0 + rep, 0) >= 0);
                    const double sc = vigil_monitor_last_score(m);
                    if (!(sc > vigil_monitor_last_threshold(m)))
                        fail_msg("seed %d feature %d at %gx: score %g, threshold %g", (int)seed,
                                 i, factors[f], sc, vigil_monitor_last_threshold(m));
                    far_score[f] = sc;
                }
                vigil_monitor_reset(m);
            }
            assert_true(far_score[1] == far_score[2]);
            assert_true(far_score[0] <= far_score[1]);
        }
        vigil_monitor_destroy(m);
    }
}

/* Fresh healthy rows: the exceedance rate is near 1 - quantile = 0.5 % (out-of-fold
 * calibration); 2 % bounds it with room for the binomial spread of 3 x 2000 rows. */
static void test_healthy_rows_quiet(void **state)
{
    (void)state;
    size_t over = 0, total = 0;
    for (uint64_t seed = 11; seed <= 13; seed++) {
        uint64_t s = seed;
        vigil_monitor *m = trained(&s);
        double row[NC];
        for (int k = 0; k < 2000; k++) {
            healthy(&s, row, 1000 + k);
            assert_true(vigil_monitor_score(m, row, NC, 1000.0 + k, 0) >= 0);
            over += vigil_monitor_last_score(m) > vigil_monitor_last_threshold(m);
            total++;
        }
        vigil_monitor_destroy(m);
    }
    const double rate = (double)over / (double)total;
    print_message("hst healthy exceedance %.3f %%\n", 100.0 * rate);
    assert_true(rate < 0.02);
}

/* The detector's saved state: a row outside every tree's work space scores T n exactly (mass 0
 * in all 25 trees: 25 n / (0 + 1)); the work spaces survive save/load; a state saved before
 * they were kept (flag bit 63 of `window` clear, no work spaces after the nodes) loads, saves
 * back byte for byte and scores rows inside the work spaces exactly as the new state does;
 * a non-finite or missing work space is VIGIL_EFORMAT. */
static void test_saved_work_space(void **state)
{
    (void)state;
    enum { D = 3, N = 200 };
    double z[N * D], con[D];
    uint64_t s = 7;
    for (size_t i = 0; i < N * D; i++)
        z[i] = test_normal(&s);
    const vigil__detector_params p = {0.3, 1};
    vigil__detector *a, *b, *old;
    assert_int_equal(vigil__detector_hst.create(D, &p, &a), VIGIL_OK);
    assert_int_equal(a->ops->fit(a, z, N), VIGIL_OK);
    const double far[D] = {0.0, 1e6, 0.0};
    assert_true(a->ops->score(a, far, con) == 25.0 * N);
    assert_true(fabs(con[1] - 1.0) < 1e-12 && con[0] == 0.0 && con[2] == 0.0);

    vigil__wbuf w = {0};
    a->ops->save(a, &w);
    assert_int_equal(w.err, 0);
    const size_t space = 2 * 25 * D * sizeof(double);
    assert_true(w.len > space + 24 && (w.p[23] & 0x80));
    vigil__rbuf r = {w.p, w.len, 0, 0};
    assert_int_equal(vigil__detector_hst.create(D, &p, &b), VIGIL_OK);
    assert_int_equal(b->ops->load(b, &r), VIGIL_OK);
    assert_true(r.pos == w.len && b->ops->score(b, far, con) == 25.0 * N);

    /* the older layout */
    unsigned char *ob = malloc(w.len - space);
    assert_non_null(ob);
    memcpy(ob, w.p, w.len - space);
    ob[23] &= 0x7F;
    r = (vigil__rbuf){ob, w.len - space, 0, 0};
    assert_int_equal(vigil__detector_hst.create(D, &p, &old), VIGIL_OK);
    assert_int_equal(old->ops->load(old, &r), VIGIL_OK);
    assert_true(r.pos == w.len - space);
    vigil__wbuf w2 = {0};
    old->ops->save(old, &w2);
    assert_true(w2.len == w.len - space && memcmp(w2.p, ob, w2.len) == 0);
    for (size_t i = 0; i < N; i++)
        assert_true(old->ops->score(old, z + i * D, con) == a->ops->score(a, z + i * D, con));
    assert_true(isfinite(old->ops->score(old, far, con)));

    /* a corrupt work space: NaN, lo >= hi, cut short */
    unsigned char *bad = malloc(w.len);
    assert_non_null(bad);
    const size_t lo0 = w.len - space, hi0 = w.len - space / 2;
    vigil__wbuf nb = {0};
    vigil__put_f64(&nb, NAN); /* the format's byte order */
    assert_true(nb.err == 0 && nb.len == 8);
    memcpy(bad, w.p, w.len);
    memcpy(bad + lo0, nb.p, 8);
    free(nb.p);
    r = (vigil__rbuf){bad, w.len, 0, 0};
    assert_int_equal(b->ops->load(b, &r), VIGIL_EFORMAT);
    memcpy(bad, w.p, w.len);
    memcpy(bad + lo0, w.p + hi0, sizeof(double));
    r = (vigil__rbuf){bad, w.len, 0, 0};
    assert_int_equal(b->ops->load(b, &r), VIGIL_EFORMAT);
    r = (vigil__rbuf){w.p, w.len - 8, 0, 0};
    assert_int_equal(b->ops->load(b, &r), VIGIL_EFORMAT);

    free(bad);
    free(ob);
    free(w.p);
    free(w2.p);
    a->ops->destroy(a);
    b->ops->destroy(b);
    old->ops->destroy(old);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_far_feature_alarms),
        cmocka_unit_test(test_healthy_rows_quiet),
        cmocka_unit_test(test_saved_work_space),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
