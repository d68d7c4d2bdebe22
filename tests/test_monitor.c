/* Monitor: fit/score on seeded synthetic features, persistence timing, direction clipping,
 * explanations, conditions, gaps, chi-square thresholds, detector closed forms, bad input. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <gsl/gsl_cdf.h>
#include <math.h>
#include <string.h>
#include <vigil.h>

#include "detector.h"
#include "test_rng.h"

static const char *const names[] = {"frame", "t_start", "rms", "kurtosis", "crest"};
#define NC 5

/* healthy row: rms ~ 1 +- 0.02, kurtosis ~ 3 +- 0.15, crest ~ 4 +- 0.2 */
static void healthy(uint64_t *s, double *row, double f)
{
    row[0] = f;
    row[1] = f;
    row[2] = 1.0 + 0.02 * test_normal(s);
    row[3] = 3.0 + 0.15 * test_normal(s);
    row[4] = 4.0 + 0.2 * test_normal(s);
}

static vigil_monitor *trained(int kind, uint64_t *s)
{
    vigil_monitor *m;
    assert_int_equal(vigil_monitor_create(names, NC, kind, &m), VIGIL_OK);
    double row[NC];
    for (int i = 0; i < 200; i++) {
        healthy(s, row, i);
        assert_int_equal(vigil_monitor_learn(m, row, NC, 0), VIGIL_OK);
    }
    assert_int_equal(vigil_monitor_fit(m), VIGIL_OK);
    return m;
}

static void test_default_selection(void **state)
{
    (void)state;
    vigil_monitor *m;
    assert_int_equal(vigil_monitor_create(names, NC, VIGIL_DETECTOR_ZSCORE, &m), VIGIL_OK);
    assert_int_equal(vigil_monitor_feature_count(m), 3);
    assert_string_equal(vigil_monitor_feature_name(m, 0), "rms");
    assert_int_equal(vigil_monitor_direction(m, 1), VIGIL_DIR_UP);
    vigil_monitor_destroy(m);
    /* a historian's table with the default statistics under its names (the part after the
     * last '_', max for peak, the IMS spelling clearence): those (issue 16) */
    const char *const hs[] = {"timestamp", "B1_x_mean", "B1_x_rms", "B1_x_skew", "x_max",
                              "B1_y_clearence", "entropy"};
    assert_int_equal(vigil_monitor_create(hs, 7, VIGIL_DETECTOR_ZSCORE, &m), VIGIL_OK);
    assert_int_equal(vigil_monitor_feature_count(m), 3);
    assert_string_equal(vigil_monitor_feature_name(m, 0), "B1_x_rms");
    assert_string_equal(vigil_monitor_feature_name(m, 1), "x_max");
    assert_string_equal(vigil_monitor_feature_name(m, 2), "B1_y_clearence");
    vigil_monitor_destroy(m);
    /* a historian's table of other values: every non-time column, direction by suffix */
    const char *const h[] = {"timestamp", "B1_x_level", "B1_x_skew", "value"};
    assert_int_equal(vigil_monitor_create(h, 4, VIGIL_DETECTOR_ZSCORE, &m), VIGIL_OK);
    assert_int_equal(vigil_monitor_feature_count(m), 3);
    assert_int_equal(vigil_monitor_direction(m, 0), VIGIL_DIR_BOTH);
    assert_int_equal(vigil_monitor_direction(m, 1), VIGIL_DIR_BOTH);
    assert_int_equal(vigil_monitor_direction(m, 2), VIGIL_DIR_BOTH);
    vigil_monitor_destroy(m);
}

static void test_detect_each_kind(void **state)
{
    (void)state;
    const int kinds[] = {VIGIL_DETECTOR_ZSCORE, VIGIL_DETECTOR_MAHALANOBIS, VIGIL_DETECTOR_PCA,
                         VIGIL_DETECTOR_HST};
    for (size_t q = 0; q < 4; q++) {
        uint64_t s = 42;
        vigil_monitor *m = trained(kinds[q], &s);
        double row[NC];
        size_t alarms = 0;
        for (int i = 0; i < 400; i++) {
            healthy(&s, row, i);
            int st = vigil_monitor_score(m, row, NC, 1000.0 + i, 0);
            assert_true(st >= 0);
            alarms += st == VIGIL_STATE_ALARM;
            double h = vigil_monitor_last_health(m);
            assert_true(h >= 0.0 && h <= 1.0);
        }
        assert_int_equal(alarms, 0);
        /* kurtosis doubles, every frame exceeds: the onset test (Bernoulli CUSUM, p0 = 0.005,
         * p1 = 0.5, h = ln 1e5 = 11.51; +ln 100 = 4.605 per exceedance) reaches h at the 3rd
         * faulty frame (13.8): WARN, onset = the 1st faulty frame; ALARM once the sum has
         * held >= h for decay + confirm = ceil((2h - h) / ln(0.995 / 0.5)) + 5 = 17 + 5 = 22
         * more frames, i.e. at the 25th (z-score's EWMA too: the jump is large); the top
         * feature is kurtosis. */
        int st = 0;
        for (int i = 0; i < 25; i++) {
            healthy(&s, row, 400 + i);
            row[3] = 6.0;
            st = vigil_monitor_score(m, row, NC, 1400.0 + i, 0);
            assert_int_equal(st, i < 2 ? VIGIL_STATE_OK : i < 24 ? VIGIL_STATE_WARN
                                                                 : VIGIL_STATE_ALARM);
            assert_true(i < 2 ? isnan(vigil_monitor_onset(m))
                              : vigil_monitor_onset(m) == 1400.0);
        }
        assert_int_equal(vigil_monitor_transients(m), 0);
        size_t idx[3], w;
        double c[3];
        assert_int_equal(vigil_monitor_explain(m, idx, c, 3, &w), VIGIL_OK);
        assert_int_equal(w, 3);
        assert_int_equal(idx[0], 1);
        assert_int_equal(vigil_monitor_top_feature(m), 1);
        assert_true(c[0] >= c[1] && c[1] >= c[2]);
        double t;
        int from, to;
        assert_int_equal(vigil_monitor_next_event(m, &t, &from, &to), 1);
        assert_true(t == 1402.0 && to == VIGIL_STATE_WARN);
        vigil_alarm_event ev;
        assert_int_equal(vigil_monitor_next_event_ex(m, &ev), 1);
        assert_true(ev.t == 1424.0 && ev.to == VIGIL_STATE_ALARM && ev.onset == 1400.0 &&
                    ev.kind == VIGIL_EVENT_CHANGE);
        /* reset equals fresh: the same rows give the same scores */
        vigil_monitor_destroy(m);
    }
}

static void test_fall_is_not_a_fault(void **state)
{
    (void)state;
    uint64_t s = 7;
    vigil_monitor *m = trained(VIGIL_DETECTOR_MAHALANOBIS, &s);
    double row[NC];
    for (int i = 0; i < 100; i++) {
        healthy(&s, row, i);
        row[2] *= 0.5; /* run-in: vibration halves */
        row[4] *= 0.7;
        assert_int_equal(vigil_monitor_score(m, row, NC, i, 0), VIGIL_STATE_OK);
    }
    vigil_monitor_destroy(m);
}

static void test_conditions(void **state)
{
    (void)state;
    uint64_t s = 9;
    vigil_monitor *m;
    assert_int_equal(vigil_monitor_create(names, NC, VIGIL_DETECTOR_ZSCORE, &m), VIGIL_OK);
    assert_int_equal(vigil_monitor_set_conditions(m, 2), VIGIL_OK);
    double row[NC];
    for (int i = 0; i < 100; i++) {
        healthy(&s, row, i);
        assert_int_equal(vigil_monitor_learn(m, row, NC, 0), VIGIL_OK);
        row[2] *= 3.0; /* condition 1: three times the load, three times the rms */
        assert_int_equal(vigil_monitor_learn(m, row, NC, 1), VIGIL_OK);
    }
    assert_int_equal(vigil_monitor_set_conditions(m, 3), VIGIL_ESTATE);
    assert_int_equal(vigil_monitor_fit(m), VIGIL_OK);
    int alarms0 = 0, alarms1 = 0;
    for (int i = 0; i < 50; i++) {
        healthy(&s, row, i);
        row[2] *= 3.0;
        alarms1 += vigil_monitor_score(m, row, NC, i, 1) == VIGIL_STATE_ALARM;
    }
    vigil_monitor_reset(m);
    for (int i = 0; i < 50; i++) {
        healthy(&s, row, i);
        row[2] *= 3.0; /* the same rows judged against condition 0 */
        alarms0 += vigil_monitor_score(m, row, NC, i, 0) == VIGIL_STATE_ALARM;
    }
    assert_int_equal(alarms1, 0);
    assert_int_equal(alarms0, 50 - 24); /* every row exceeds: ALARM from the 25th (onset test) */
    assert_int_equal(vigil_monitor_score(m, row, NC, 100, 2), VIGIL_EINVAL);
    vigil_monitor_destroy(m);
}

static void test_gap_reref(void **state)
{
    (void)state;
    uint64_t s = 11;
    vigil_monitor *m = trained(VIGIL_DETECTOR_ZSCORE, &s);
    assert_int_equal(vigil_monitor_set_gap(m, 3600.0, VIGIL_GAP_REREF, 20), VIGIL_OK);
    double row[NC];
    int alarms = 0;
    for (int i = 0; i < 30; i++) {
        healthy(&s, row, i);
        alarms += vigil_monitor_score(m, row, NC, 600.0 * i, 0) == VIGIL_STATE_ALARM;
    }
    /* after a 6-day pause every level is 40 % higher (new operating point) */
    for (int i = 0; i < 60; i++) {
        healthy(&s, row, i);
        row[2] *= 1.4;
        alarms += vigil_monitor_score(m, row, NC, 6 * 86400.0 + 600.0 * i, 0) ==
                  VIGIL_STATE_ALARM;
    }
    assert_int_equal(vigil_monitor_gaps(m), 1);
    assert_int_equal(alarms, 0);
    vigil_monitor_destroy(m);
    /* with KEEP the same history alarms */
    s = 11;
    m = trained(VIGIL_DETECTOR_ZSCORE, &s);
    assert_int_equal(vigil_monitor_set_gap(m, 3600.0, VIGIL_GAP_KEEP, 20), VIGIL_OK);
    alarms = 0;
    for (int i = 0; i < 60; i++) {
        healthy(&s, row, i);
        row[2] *= 1.4;
        alarms += vigil_monitor_score(m, row, NC, 6 * 86400.0 + 600.0 * i, 0) ==
                  VIGIL_STATE_ALARM;
    }
    assert_int_equal(alarms, 60 - 24); /* every row exceeds: ALARM from the 25th */
    vigil_monitor_destroy(m);
}

static void test_chi2_threshold(void **state)
{
    (void)state;
    vigil_monitor *m;
    assert_int_equal(vigil_monitor_create(names, NC, VIGIL_DETECTOR_MAHALANOBIS, &m), VIGIL_OK);
    assert_int_equal(vigil_monitor_set_quantile(m, 0.999), VIGIL_OK);
    assert_int_equal(vigil_monitor_set_threshold_mode(m, VIGIL_THRESHOLD_CHI2), VIGIL_OK);
    uint64_t s = 3;
    double row[NC];
    for (int i = 0; i < 50; i++) {
        healthy(&s, row, i);
        vigil_monitor_learn(m, row, NC, 0);
    }
    assert_int_equal(vigil_monitor_fit(m), VIGIL_OK);
    assert_true(fabs(vigil_monitor_threshold(m, 0) - gsl_cdf_chisq_Pinv(0.999, 3)) < 1e-12);
    vigil_monitor_destroy(m);
    assert_int_equal(vigil_monitor_create(names, NC, VIGIL_DETECTOR_ZSCORE, &m), VIGIL_OK);
    assert_int_equal(vigil_monitor_set_threshold_mode(m, VIGIL_THRESHOLD_CHI2), VIGIL_EINVAL);
    vigil_monitor_destroy(m);
}

/* Mahalanobis detector on its own: with the shrunk covariance S computed by
 * vigil__shrunk_cov, the score of v must equal v' S^-1 v (2x2 inverse in closed form), the
 * contributions must sum to it, and the shrinkage must follow Ledoit-Wolf's formula. */
static void test_mahalanobis_closed_form(void **state)
{
    (void)state;
    const double z[] = {1, 2, 2, 1, 3, 5, 4, 3, 0, 1, 2, 4};
    const size_t n = 6, d = 2;
    vigil__detector_params p = {0.3, 1};
    vigil__detector *det;
    assert_int_equal(vigil__detector_mahalanobis.create(d, &p, &det), VIGIL_OK);
    assert_int_equal(det->ops->fit(det, z, n), VIGIL_OK);
    double mu[2] = {0, 0}, cov[4];
    for (size_t k = 0; k < n; k++) {
        mu[0] += z[2 * k] / n;
        mu[1] += z[2 * k + 1] / n;
    }
    /* Independent Ledoit-Wolf: S, m = tr/d, d2 = ||S - mI||^2, b2 = mean ||xx' - S||^2 / n */
    double S[4] = {0, 0, 0, 0};
    for (size_t k = 0; k < n; k++) {
        double a = z[2 * k] - mu[0], b = z[2 * k + 1] - mu[1];
        S[0] += a * a / n;
        S[1] += a * b / n;
        S[3] += b * b / n;
    }
    S[2] = S[1];
    double mm = (S[0] + S[3]) / 2, d2 = (S[0] - mm) * (S[0] - mm) + (S[3] - mm) * (S[3] - mm) +
                                        2 * S[1] * S[1];
    double b2 = 0;
    for (size_t k = 0; k < n; k++) {
        double a = z[2 * k] - mu[0], b = z[2 * k + 1] - mu[1];
        b2 += (a * a - S[0]) * (a * a - S[0]) + 2 * (a * b - S[1]) * (a * b - S[1]) +
              (b * b - S[3]) * (b * b - S[3]);
    }
    b2 /= (double)n * n;
    double sh = fmax(fmin(b2, d2) / d2, 0.01);
    double shrunk = vigil__shrunk_cov(z, n, d, mu, 0.01, cov);
    assert_true(fabs(shrunk - sh) < 1e-12);
    double C[4] = {(1 - sh) * S[0] + sh * mm, (1 - sh) * S[1], (1 - sh) * S[1],
                   (1 - sh) * S[3] + sh * mm};
    for (int i = 0; i < 4; i++)
        assert_true(fabs(cov[i] - C[i]) < 1e-12);
    double det2 = C[0] * C[3] - C[1] * C[2];
    double x[2] = {5, -1}, v0 = x[0] - mu[0], v1 = x[1] - mu[1];
    double want = (C[3] * v0 * v0 - 2 * C[1] * v0 * v1 + C[0] * v1 * v1) / det2;
    double contrib[2];
    double got = det->ops->score(det, x, contrib);
    assert_true(fabs(got - want) < 1e-10 * want);
    assert_true(fabs(contrib[0] + contrib[1] - got) < 1e-10 * got);
    assert_true(det->ops->score(det, mu, contrib) < 1e-20);
    det->ops->destroy(det);
}

static void test_hst_deterministic(void **state)
{
    (void)state;
    double z[200 * 3];
    uint64_t s = 5;
    for (size_t i = 0; i < 600; i++)
        z[i] = test_normal(&s);
    vigil__detector_params p = {0.3, 1234};
    vigil__detector *a, *b, *c;
    assert_int_equal(vigil__detector_hst.create(3, &p, &a), VIGIL_OK);
    assert_int_equal(vigil__detector_hst.create(3, &p, &b), VIGIL_OK);
    p.seed = 99;
    assert_int_equal(vigil__detector_hst.create(3, &p, &c), VIGIL_OK);
    a->ops->fit(a, z, 200);
    b->ops->fit(b, z, 200);
    c->ops->fit(c, z, 200);
    double con[3], far[3] = {8, -8, 8}, same = 0, diff = 0, healthy_max = 0;
    for (size_t i = 0; i < 200; i++) {
        double sa = a->ops->score(a, z + 3 * i, con);
        same += fabs(sa - b->ops->score(b, z + 3 * i, con));
        diff += fabs(sa - c->ops->score(c, z + 3 * i, con));
        healthy_max = fmax(healthy_max, sa);
    }
    assert_true(same == 0.0);
    assert_true(diff > 0.0);
    assert_true(a->ops->score(a, far, con) > 5 * healthy_max);
    a->ops->destroy(a);
    b->ops->destroy(b);
    c->ops->destroy(c);
}

static void test_bad_input(void **state)
{
    (void)state;
    vigil_monitor *m = (vigil_monitor *)1;
    assert_int_equal(vigil_monitor_create(names, NC, 99, &m), VIGIL_EINVAL);
    assert_null(m);
    const char *const dup[] = {"rms", "rms"};
    assert_int_equal(vigil_monitor_create(dup, 2, VIGIL_DETECTOR_ZSCORE, &m), VIGIL_EINVAL);
    assert_int_equal(vigil_monitor_create(names, NC, VIGIL_DETECTOR_ZSCORE, &m), VIGIL_OK);
    double row[NC] = {0, 0, 1, 3, 4};
    assert_int_equal(vigil_monitor_score(m, row, NC, 0, 0), VIGIL_ESTATE);
    assert_int_equal(vigil_monitor_learn(m, row, NC - 1, 0), VIGIL_EMISMATCH);
    row[3] = NAN;
    assert_int_equal(vigil_monitor_learn(m, row, NC, 0), VIGIL_ENONFINITE);
    row[3] = 3;
    assert_int_equal(vigil_monitor_learn(m, row, NC, 1), VIGIL_EINVAL);
    const char *const sel[] = {"nope"};
    assert_int_equal(vigil_monitor_select(m, sel, 1), VIGIL_ENOTFOUND);
    for (int i = 0; i < 5; i++)
        assert_int_equal(vigil_monitor_learn(m, row, NC, 0), VIGIL_OK);
    assert_int_equal(vigil_monitor_fit(m), VIGIL_ENODATA);
    assert_int_equal(vigil_monitor_learned(m, 0), 5); /* nothing accepted was lost */
    size_t sz;
    assert_int_equal(vigil_monitor_save_size(m, &sz), VIGIL_ESTATE);
    vigil_monitor_destroy(m);
    vigil_monitor_destroy(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_default_selection),
        cmocka_unit_test(test_detect_each_kind),
        cmocka_unit_test(test_fall_is_not_a_fault),
        cmocka_unit_test(test_conditions),
        cmocka_unit_test(test_gap_reref),
        cmocka_unit_test(test_chi2_threshold),
        cmocka_unit_test(test_mahalanobis_closed_form),
        cmocka_unit_test(test_hst_deterministic),
        cmocka_unit_test(test_bad_input),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
