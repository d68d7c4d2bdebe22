/* The pipeline specification (vigil/pipeline.h): canonical spellings, print/parse fixed point,
 * errors that name the key and the line, contradictions, extractors and monitors built from a
 * specification equal to the same objects built with the setters, the enum name functions,
 * the column tables, and the model file's specification section with the version-1 files the
 * hosts wrote before it (tests/data/models_v1, made by tests/reference/gen_v1_models.sh). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <vigil.h>

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

static vigil_pipeline *parse(const char *text)
{
    vigil_pipeline *p = NULL;
    int rc = vigil_pipeline_parse(text, strlen(text), "t.spec", &p);
    if (rc != VIGIL_OK)
        fail_msg("parse failed: %s", vigil_last_error());
    return p;
}

static char *print(const vigil_pipeline *p, int flags)
{
    size_t n = 0;
    assert_int_equal(vigil_pipeline_print(p, flags, NULL, 0, &n), VIGIL_ESPACE);
    char *s = malloc(n + 1);
    assert_int_equal(vigil_pipeline_print(p, flags, s, n + 1, &n), VIGIL_OK);
    assert_int_equal(strlen(s), n);
    return s;
}

static void expect_get(const vigil_pipeline *p, const char *key, const char *want)
{
    char buf[4096];
    assert_int_equal(vigil_pipeline_get(p, key, buf, sizeof buf, NULL), VIGIL_OK);
    if (strcmp(buf, want))
        fail_msg("%s = '%s', expected '%s'", key, buf, want);
}

/* An error whose message contains every fragment. */
static void expect_error(const char *text, const char *frag1, const char *frag2)
{
    vigil_pipeline *p = NULL;
    assert_int_equal(vigil_pipeline_parse(text, strlen(text), "t.spec", &p), VIGIL_EINVAL);
    assert_null(p);
    const char *msg = vigil_last_error();
    if (!strstr(msg, frag1) || (frag2 && !strstr(msg, frag2)))
        fail_msg("message '%s' lacks '%s' / '%s'", msg, frag1, frag2 ? frag2 : "");
}

static void test_defaults_and_fixed_point(void **state)
{
    (void)state;
    vigil_pipeline *p = NULL;
    assert_int_equal(vigil_pipeline_create(&p), VIGIL_OK);
    const size_t nkeys = vigil_pipeline_key_count();
    assert_true(nkeys >= 30);
    for (size_t i = 0; i < nkeys; i++) {
        const char *k = vigil_pipeline_key_name(i), *d = vigil_pipeline_key_default(i);
        assert_non_null(k);
        assert_non_null(vigil_pipeline_key_doc(i));
        /* the default is canonical: setting it back changes nothing */
        assert_int_equal(vigil_pipeline_set(p, k, d), VIGIL_OK);
        expect_get(p, k, d);
        assert_int_equal(vigil_pipeline_is_default(p, k), 1);
    }
    assert_null(vigil_pipeline_key_name(nkeys));
    char *all = print(p, VIGIL_PIPELINE_PRINT_ALL), *changed = print(p, 0);
    assert_string_equal(changed, "# vigil pipeline\n");
    vigil_pipeline *q = parse(all);
    char *again = print(q, VIGIL_PIPELINE_PRINT_ALL);
    assert_string_equal(all, again);
    /* the library's defaults, one per setting */
    assert_int_equal(vigil_pipeline_frame(p), 4096);
    assert_int_equal(vigil_pipeline_hop(p), 4096);
    assert_int_equal(vigil_pipeline_detector(p), VIGIL_DETECTOR_MAHALANOBIS);
    assert_int_equal(vigil_pipeline_rows(p), 0);
    assert_true(vigil_pipeline_rate(p) == 0.0);
    free(all);
    free(changed);
    free(again);
    vigil_pipeline_destroy(p);
    vigil_pipeline_destroy(q);
}

static void test_canonical_spellings(void **state)
{
    (void)state;
    vigil_pipeline *p = parse("# a comment\n"
                              "  rate =  1.2e4  \r\n"
                              "\n"
                              "frame=1024\n"
                              "hop = 512\n"
                              "bands = 0-500, 500-2000\n"
                              "bearing = D=39.04, d=7.94, n=9\n"
                              "shaft.hz = 29.95\n"
                              "envelope.band = 2000 - 5000\n"
                              "orders = yes\n"
                              "severity = 1\n"
                              "severity.units = m/s^2\n"
                              "severity.class = 1f\n"
                              "monitor.features = rms , kurtosis\n"
                              "monitor.directions = kurtosis:both\n"
                              "monitor.quantile = 0.99\n"
                              "monitor.gap = never\n"
                              "monitor.persistence = 4/6\n");
    expect_get(p, "rate", "12000");
    expect_get(p, "bands", "0-500,500-2000");
    expect_get(p, "bearing", "n=9,d=7.94,D=39.04,angle=0");
    expect_get(p, "envelope.band", "2000-5000");
    expect_get(p, "orders", "on");
    expect_get(p, "severity", "on");
    expect_get(p, "severity.units", "m/s2");
    expect_get(p, "monitor.features", "rms,kurtosis");
    expect_get(p, "monitor.quantile", "0.99");
    double v;
    assert_int_equal(vigil_pipeline_number(p, "monitor.gap", &v), VIGIL_OK);
    assert_true(isinf(v));
    assert_int_equal(vigil_pipeline_number(p, "shaft.hz", &v), VIGIL_OK);
    assert_true(v == 29.95);
    assert_int_equal(vigil_pipeline_number(p, "bearing", &v), VIGIL_EINVAL);
    assert_int_equal(vigil_pipeline_number(p, "nope", &v), VIGIL_ENOTFOUND);
    assert_int_equal(vigil_pipeline_hop(p), 512);
    assert_string_equal(vigil_pipeline_string(p, "column"), "0");
    assert_null(vigil_pipeline_string(p, "nope"));
    /* fixed point of the changed-keys form too */
    char *a = print(p, 0);
    vigil_pipeline *q = parse(a);
    char *b = print(q, 0);
    assert_string_equal(a, b);
    assert_non_null(strstr(a, "severity.class = 1f\n"));
    assert_null(strstr(a, "frame = 4096"));
    free(a);
    free(b);
    vigil_pipeline_destroy(q);
    /* get into a short buffer */
    char small[4];
    size_t w;
    assert_int_equal(vigil_pipeline_get(p, "bearing", small, sizeof small, &w), VIGIL_ESPACE);
    vigil_pipeline_destroy(p);
}

static void test_errors_name_key_and_line(void **state)
{
    (void)state;
    expect_error("rate = 12000\n\nfoo = 1\n", "t.spec:3:", "foo: unknown key");
    expect_error("rate = 12000\nframe = lots\n", "t.spec:2:", "frame:");
    expect_error("frame = 2\n", "t.spec:1:", "frame:");
    expect_error("rate\n", "t.spec:1:", "key = value");
    expect_error("rate = 1e3\nsevere = on\n", "t.spec:2:", "severe");
    expect_error("severity = on\nseverity.units = furlongs\n", "severity.units:", "furlongs");
    expect_error("monitor.detector = forest\n", "monitor.detector:", "mahalanobis");
    expect_error("monitor.persistence = 6/5\n", "monitor.persistence:", NULL);
    expect_error("monitor.directions = rms:sideways\n", "monitor.directions:", NULL);
    expect_error("bearing = n=9,d=7\n", "bearing:", NULL);
    expect_error("monitor.quantile = 1\n", "monitor.quantile:", "range");
    expect_error("column = a\001b\n", "column:", "control");
    /* contradictions: the message names the key */
    expect_error("frame = 1024\nhop = 2048\n", "hop:", "longer than the frame");
    expect_error("rate = 12000\nbearing = n=9,d=7.94,D=39.04\nenvelope.band = 7000-9000\n",
                 "envelope.band:", "Nyquist");
    expect_error("rate = 12000\nframe = 64\nbearing = n=9,d=7.94,D=39.04\n"
                 "envelope.band = 100-150\n", "envelope.band:", "2 bins");
    expect_error("envelope.band = auto\n", "envelope.band:", "bearing");
    expect_error("severity.units = m/s2\n", "severity.units:", "severity = off");
    expect_error("rate = 15\nseverity = on\n", "severity:", "20 Hz");
    expect_error("rate = 100\nshaft.hz = 60\n", "shaft.hz:", NULL);
    expect_error("source = rows\norders = on\n", "orders:", "source = samples");
    expect_error("monitor.common_mode = 4\n", "monitor.common_mode:", "rows");
    expect_error("monitor.threshold = chi2\nmonitor.detector = pca\n", "monitor.threshold:",
                 NULL);
    expect_error("monitor.persistence = 2/5\nmonitor.warn = 3\n", "monitor.warn:", NULL);
    /* set keeps the old value on failure */
    vigil_pipeline *p = NULL;
    assert_int_equal(vigil_pipeline_create(&p), VIGIL_OK);
    assert_int_equal(vigil_pipeline_set(p, "frame", "nope"), VIGIL_EINVAL);
    assert_non_null(strstr(vigil_last_error(), "frame"));
    expect_get(p, "frame", "4096");
    assert_int_equal(vigil_pipeline_set(p, "nope", "1"), VIGIL_EINVAL);
    assert_int_equal(vigil_pipeline_set(NULL, "frame", "1"), VIGIL_EINVAL);
    assert_int_equal(vigil_pipeline_set(p, "frame", NULL), VIGIL_EINVAL);
    /* NUL inside, NULL arguments, too long */
    vigil_pipeline *q = NULL;
    assert_int_equal(vigil_pipeline_parse("rate = 1\0x", 10, NULL, &q), VIGIL_EINVAL);
    assert_int_equal(vigil_pipeline_parse(NULL, 3, NULL, &q), VIGIL_EINVAL);
    assert_int_equal(vigil_pipeline_parse("", 0, NULL, NULL), VIGIL_EINVAL);
    assert_int_equal(vigil_pipeline_parse("", VIGIL_PIPELINE_TEXT_MAX + 1, NULL, &q),
                     VIGIL_EINVAL);
    assert_int_equal(vigil_pipeline_parse("", 0, NULL, &q), VIGIL_OK);
    vigil_pipeline_destroy(q);
    assert_int_equal(vigil_pipeline_load_file("/nonexistent/x.spec", &q), VIGIL_EIO);
    vigil_pipeline_destroy(p);
    vigil_pipeline_destroy(NULL);
}

/* A deterministic test signal: two tones and a noise of a linear congruential generator. */
static void signal(double *x, size_t n, double rate)
{
    uint64_t s = 12345;
    for (size_t i = 0; i < n; i++) {
        s = s * 6364136223846793005ull + 1442695040888963407ull;
        const double u = (double)(s >> 11) / 9007199254740992.0 - 0.5;
        const double t = (double)i / rate;
        x[i] = sin(2 * M_PI * 29.95 * t) + 0.3 * sin(2 * M_PI * 107.4 * t) + 0.5 * u;
    }
}

/* The extractor a specification builds gives bit-identical rows to the one the setters make. */
static void test_extractor_equals_setters(void **state)
{
    (void)state;
    vigil_pipeline *p = parse("rate = 12000\nframe = 1024\nhop = 512\nbands = 0-500,500-2000\n"
                              "bearing = n=9,d=7.94,D=39.04,angle=0\nshaft.hz = 29.95\n"
                              "envelope.band = 2000-5000\norders = on\nseverity = on\n"
                              "severity.units = m/s2\nseverity.class = 1f\n");
    vigil_extractor *a = NULL, *b = NULL;
    assert_int_equal(vigil_pipeline_create_extractor(p, &a), VIGIL_OK);
    assert_int_equal(vigil_extractor_create(12000, 1024, &b), VIGIL_OK);
    assert_int_equal(vigil_extractor_set_hop(b, 512), VIGIL_OK);
    assert_int_equal(vigil_extractor_add_band(b, 0, 500), VIGIL_OK);
    assert_int_equal(vigil_extractor_add_band(b, 500, 2000), VIGIL_OK);
    assert_int_equal(vigil_extractor_set_bearing(b, 9, 7.94, 39.04, 0), VIGIL_OK);
    assert_int_equal(vigil_extractor_set_shaft_hz(b, 29.95), VIGIL_OK);
    assert_int_equal(vigil_extractor_enable_envelope(b, 2000, 5000), VIGIL_OK);
    assert_int_equal(vigil_extractor_enable_orders(b), VIGIL_OK);
    assert_int_equal(vigil_extractor_enable_severity(b, VIGIL_UNITS_M_S2,
                                                     VIGIL_ISO_GROUP1_FLEXIBLE), VIGIL_OK);
    const size_t nc = vigil_extractor_feature_count(a);
    assert_int_equal(nc, vigil_extractor_feature_count(b));
    assert_int_equal(nc, 21 + 2 + VIGIL_ENVELOPE_COLS + VIGIL_ORDERS_COLS + VIGIL_SEVERITY_COLS);
    for (size_t i = 0; i < nc; i++)
        assert_string_equal(vigil_extractor_feature_name(a, i), vigil_extractor_feature_name(b, i));
    const size_t n = 1024 * 8;
    double *x = malloc(n * sizeof *x), ra[64], rb[64];
    signal(x, n, 12000);
    assert_int_equal(vigil_extractor_push(a, x, n, NULL), VIGIL_OK);
    assert_int_equal(vigil_extractor_push(b, x, n, NULL), VIGIL_OK);
    size_t rows = 0;
    while (vigil_extractor_pop(a, ra, 64, NULL) == 1) {
        assert_int_equal(vigil_extractor_pop(b, rb, 64, NULL), 1);
        assert_memory_equal(ra, rb, nc * sizeof *ra);
        rows++;
    }
    assert_int_equal(rows, 15);
    /* "octaves": the four octaves below rate/2 */
    vigil_pipeline *o = parse("rate = 16000\nbands = octaves\n");
    vigil_extractor *e = NULL;
    assert_int_equal(vigil_pipeline_create_extractor(o, &e), VIGIL_OK);
    assert_int_equal(vigil_extractor_feature_index(e, "band_0_1000"), 21);
    assert_int_equal(vigil_extractor_feature_index(e, "band_4000_8000"), 24);
    vigil_extractor_destroy(e);
    /* rows source and missing rate: no extractor, a message naming the key */
    assert_int_equal(vigil_pipeline_set(o, "rate", "0"), VIGIL_OK);
    assert_int_equal(vigil_pipeline_create_extractor(o, &e), VIGIL_EINVAL);
    assert_non_null(strstr(vigil_last_error(), "rate"));
    assert_null(e);
    free(x);
    vigil_extractor_destroy(a);
    vigil_extractor_destroy(b);
    vigil_pipeline_destroy(p);
    vigil_pipeline_destroy(o);
}

static void test_monitor_from_spec(void **state)
{
    (void)state;
    vigil_pipeline *p = parse("rate = 12000\nframe = 512\nbands = 0-1000\n"
                              "monitor.detector = zscore\nmonitor.features = rms,kurtosis,band_0_1000\n"
                              "monitor.directions = kurtosis:both\nmonitor.quantile = 0.99\n"
                              "monitor.persistence = 2/4\nmonitor.alarm = kofn\n"
                              "monitor.gap = 30\n");
    vigil_monitor *m = NULL;
    assert_int_equal(vigil_pipeline_create_monitor(p, NULL, 0, &m), VIGIL_OK);
    assert_int_equal(vigil_monitor_kind(m), VIGIL_DETECTOR_ZSCORE);
    assert_int_equal(vigil_monitor_feature_count(m), 3);
    assert_int_equal(vigil_monitor_direction(m, 1), VIGIL_DIR_BOTH);
    assert_int_equal(vigil_monitor_direction(m, 0), VIGIL_DIR_UP);
    assert_true(vigil_monitor_evidence_weight(m) == 1.0); /* hop = frame */
    /* read back: the same monitor keys */
    vigil_pipeline *back = NULL;
    assert_int_equal(vigil_monitor_get_pipeline(m, &back), VIGIL_OK);
    char *a = print(p, VIGIL_PIPELINE_PRINT_ALL), *b = print(back, VIGIL_PIPELINE_PRINT_ALL);
    assert_string_equal(a, b);
    free(a);
    free(b);
    /* names offered that differ from the extractor's: both layouts named */
    const char *names[] = {"frame", "t_start", "rms"};
    vigil_monitor *bad = NULL;
    assert_int_equal(vigil_pipeline_create_monitor(p, names, 3, &bad), VIGIL_EMISMATCH);
    assert_non_null(strstr(vigil_last_error(), "22 columns (frame,t_start,mean"));
    assert_non_null(strstr(vigil_last_error(), "3 columns (frame,t_start,rms)"));
    assert_int_equal(vigil_monitor_check_columns(m, names, 3), VIGIL_EMISMATCH);
    assert_null(bad);
    /* rows source needs names; a feature not among them is named */
    vigil_pipeline *r = parse("source = rows\nmonitor.features = rms,nope\n");
    assert_int_equal(vigil_pipeline_create_monitor(r, NULL, 0, &bad), VIGIL_EINVAL);
    assert_int_equal(vigil_pipeline_create_monitor(r, names, 3, &bad), VIGIL_ENOTFOUND);
    assert_non_null(strstr(vigil_last_error(), "monitor.features"));
    /* a monitor made without a specification reports a rows source */
    vigil_monitor *plain = NULL;
    assert_int_equal(vigil_monitor_create(names, 3, VIGIL_DETECTOR_ZSCORE, &plain), VIGIL_OK);
    vigil_pipeline *pp = NULL;
    assert_int_equal(vigil_monitor_get_pipeline(plain, &pp), VIGIL_OK);
    assert_int_equal(vigil_pipeline_rows(pp), 1);
    assert_int_equal(vigil_monitor_set_pipeline(plain, p), VIGIL_EMISMATCH);
    vigil_pipeline_destroy(pp);
    vigil_monitor_destroy(plain);
    vigil_pipeline_destroy(r);
    vigil_pipeline_destroy(back);
    vigil_monitor_destroy(m);
    vigil_pipeline_destroy(p);
}

static void test_enum_names(void **state)
{
    (void)state;
    static const struct {
        const char *(*name)(int);
        int (*parse)(const char *);
        int lo, hi;
    } e[] = {
        {vigil_detector_name, vigil_detector_parse, 1, 4},
        {vigil_state_name, vigil_state_parse, 0, 2},
        {vigil_direction_name, vigil_direction_parse, 0, 2},
        {vigil_gap_policy_name, vigil_gap_policy_parse, 0, 1},
        {vigil_threshold_mode_name, vigil_threshold_mode_parse, 0, 2},
        {vigil_units_name, vigil_units_parse, 1, 2},
        {vigil_machine_class_name, vigil_machine_class_parse, 1, 4},
        {vigil_zone_name, vigil_zone_parse, 1, 4},
        {vigil_common_mode_name, vigil_common_mode_parse, 0, 2},
    };
    for (size_t i = 0; i < sizeof e / sizeof e[0]; i++) {
        for (int v = e[i].lo; v <= e[i].hi; v++) {
            const char *s = e[i].name(v);
            assert_non_null(s);
            assert_int_equal(e[i].parse(s), v);
        }
        assert_null(e[i].name(e[i].lo - 1));
        assert_null(e[i].name(e[i].hi + 1));
        assert_int_equal(e[i].parse("no such name"), VIGIL_EINVAL);
        assert_int_equal(e[i].parse(NULL), VIGIL_EINVAL);
    }
    assert_string_equal(vigil_detector_name(VIGIL_DETECTOR_HST), "hst");
    assert_string_equal(vigil_state_name(VIGIL_STATE_ALARM), "alarm");
    assert_string_equal(vigil_units_name(VIGIL_UNITS_M_S2), "m/s2");
    assert_int_equal(vigil_units_parse("m/s^2"), VIGIL_UNITS_M_S2);
    assert_string_equal(vigil_machine_class_name(VIGIL_ISO_GROUP2_FLEXIBLE), "2f");
    assert_string_equal(vigil_zone_name(3), "C");
    assert_int_equal(vigil_zone_parse("d"), 4);
    assert_string_equal(vigil_common_mode_name(VIGIL_COMMON_DIFF), "difference");
    vigil_detector_parse("forest");
    assert_non_null(strstr(vigil_last_error(), "zscore, mahalanobis, pca, hst"));
}

/* Every column of an extractor with every group has its facts in a table; names that no
 * extractor makes are guessed. */
static void test_column_tables(void **state)
{
    (void)state;
    vigil_pipeline *p = parse("rate = 12000\nbands = 0-500\nbearing = n=9,d=7.94,D=39.04\n"
                              "orders = on\nseverity = on\n");
    vigil_extractor *ex = NULL;
    assert_int_equal(vigil_pipeline_create_extractor(p, &ex), VIGIL_OK);
    for (size_t i = 0; i < vigil_extractor_feature_count(ex); i++) {
        const char *name = vigil_extractor_feature_name(ex, i);
        if (vigil_column_facts(name, NULL, NULL, NULL, NULL) != 1)
            fail_msg("column %s has no table entry", name);
    }
    int dir, cm, sel;
    const char *unit;
    assert_int_equal(vigil_column_facts("env_band_lo", &dir, &cm, &sel, &unit), 1);
    assert_int_equal(dir, VIGIL_DIR_BOTH); /* a frequency setting, not a fault level */
    assert_int_equal(cm, VIGIL_COMMON_NONE);
    assert_string_equal(unit, "Hz");
    assert_int_equal(vigil_column_facts("rms", &dir, &cm, &sel, &unit), 1);
    assert_int_equal(dir, VIGIL_DIR_UP);
    assert_int_equal(cm, VIGIL_COMMON_RATIO);
    assert_int_equal(sel, 1);
    assert_int_equal(vigil_column_facts("band_0_500", &dir, &cm, &sel, NULL), 1);
    assert_int_equal(sel, 1);
    assert_int_equal(vigil_column_facts("iso_zone", &dir, &cm, &sel, NULL), 1);
    assert_int_equal(sel, 0);
    assert_int_equal(vigil_column_facts("B1_x_rms", &dir, &cm, &sel, &unit), 0);
    assert_int_equal(dir, VIGIL_DIR_UP);
    assert_int_equal(cm, VIGIL_COMMON_RATIO);
    assert_int_equal(sel, 1);
    assert_int_equal(vigil_column_facts("timestamp", NULL, NULL, &sel, NULL), 0);
    assert_int_equal(sel, 0);
    assert_int_equal(vigil_column_facts(NULL, NULL, NULL, NULL, NULL), VIGIL_EINVAL);
    /* the monitor and the common mode read the same facts */
    assert_int_equal(vigil_common_mode_kind_of("env_band_lo"), VIGIL_COMMON_NONE);
    const char *names[] = {"env_band_lo", "rms"};
    vigil_monitor *m = NULL;
    assert_int_equal(vigil_monitor_create(names, 2, VIGIL_DETECTOR_ZSCORE, &m), VIGIL_OK);
    assert_int_equal(vigil_monitor_feature_count(m), 1); /* rms only */
    assert_int_equal(vigil_monitor_select(m, names, 2), VIGIL_OK);
    assert_int_equal(vigil_monitor_direction(m, 0), VIGIL_DIR_BOTH);
    vigil_monitor_destroy(m);
    vigil_extractor_destroy(ex);
    vigil_pipeline_destroy(p);
}

/* The onset test's evidence weight from the framing: 2 / ceil(frame / hop) when frames overlap
 * by more than half, else 1 (include/vigil/monitor.h). */
static void test_overlap_weight(void **state)
{
    (void)state;
    static const struct { size_t frame, hop; double w; } cases[] = {
        {1024, 1024, 1.0}, {1024, 512, 1.0}, {1000, 500, 1.0}, {1024, 511, 2.0 / 3.0},
        {1024, 400, 2.0 / 3.0}, {1024, 256, 0.5}, {1024, 128, 0.25}, {1024, 100, 2.0 / 11.0},
        {4096, 14, 2.0 / 293.0}, {1024, 1, 2.0 / 1024.0}, {VIGIL_FRAME_MAX, 1, 1e-3}, {1, 1, 1.0},
    };
    const char *names[] = {"rms"};
    vigil_monitor *m = NULL;
    assert_int_equal(vigil_monitor_create(names, 1, VIGIL_DETECTOR_ZSCORE, &m), VIGIL_OK);
    assert_true(vigil_monitor_evidence_weight(m) == 1.0);
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        assert_int_equal(vigil_monitor_set_overlap(m, cases[i].frame, cases[i].hop), VIGIL_OK);
        assert_float_equal(vigil_monitor_evidence_weight(m), cases[i].w, 1e-15);
    }
    assert_int_equal(vigil_monitor_set_overlap(m, 1024, 2048), VIGIL_EINVAL);
    assert_int_equal(vigil_monitor_set_overlap(m, 1024, 0), VIGIL_EINVAL);
    assert_int_equal(vigil_monitor_set_overlap(m, 0, 0), VIGIL_EINVAL);
    assert_int_equal(vigil_monitor_set_overlap(NULL, 1024, 512), VIGIL_EINVAL);
    assert_float_equal(vigil_monitor_evidence_weight(m), 1.0, 0.0); /* unchanged */
    assert_true(isnan(vigil_monitor_evidence_weight(NULL)));
    vigil_monitor_destroy(m);
}

/* ---- the model file -------------------------------------------------------------------------- */

static vigil_monitor *trained_from(const vigil_pipeline *p, vigil_extractor **exo)
{
    vigil_extractor *ex = NULL;
    vigil_monitor *m = NULL;
    assert_int_equal(vigil_pipeline_create_extractor(p, &ex), VIGIL_OK);
    assert_int_equal(vigil_pipeline_create_monitor(p, NULL, 0, &m), VIGIL_OK);
    const size_t n = 1024 * 40;
    double *x = malloc(n * sizeof *x), row[64];
    signal(x, n, vigil_pipeline_rate(p));
    for (size_t off = 0; off < n; off += 1024) {
        assert_int_equal(vigil_extractor_push(ex, x + off, 1024, NULL), VIGIL_OK);
        while (vigil_extractor_pop(ex, row, 64, NULL) == 1)
            assert_int_equal(vigil_monitor_learn(m, row, vigil_extractor_feature_count(ex), 0),
                             VIGIL_OK);
    }
    assert_int_equal(vigil_monitor_fit(m), VIGIL_OK);
    free(x);
    if (exo)
        *exo = ex;
    else
        vigil_extractor_destroy(ex);
    return m;
}

static unsigned char *save(const vigil_monitor *m, size_t *n)
{
    assert_int_equal(vigil_monitor_save_size(m, n), VIGIL_OK);
    unsigned char *b = malloc(*n);
    assert_int_equal(vigil_monitor_save(m, b, *n, n), VIGIL_OK);
    return b;
}

static void test_model_carries_spec(void **state)
{
    (void)state;
    vigil_pipeline *p = parse("rate = 8000\nframe = 1024\nhop = 256\nbands = octaves\n"
                              "orders = on\nmachine = press 1\nchannel = de\n"
                              "monitor.detector = pca\n");
    vigil_monitor *m = trained_from(p, NULL), *l = NULL;
    size_t n;
    unsigned char *b = save(m, &n);
    assert_int_equal(vigil_monitor_load(b, n, &l), VIGIL_OK);
    vigil_pipeline *pm = NULL, *pl = NULL;
    assert_int_equal(vigil_monitor_get_pipeline(m, &pm), VIGIL_OK);
    assert_int_equal(vigil_monitor_get_pipeline(l, &pl), VIGIL_OK);
    char *a = print(pm, VIGIL_PIPELINE_PRINT_ALL), *c = print(pl, VIGIL_PIPELINE_PRINT_ALL);
    assert_string_equal(a, c);
    assert_non_null(strstr(c, "machine = press 1\n"));
    assert_non_null(strstr(c, "bands = octaves\n"));
    assert_int_equal(vigil_monitor_learned(l, 0), 157); /* (40960 - 1024) / 256 + 1 frames */
    /* hop 256 of 1024: an impulse is in 4 frames, each weighs 2 / 4 (issue 16), also loaded */
    assert_true(vigil_monitor_evidence_weight(m) == 0.5);
    assert_true(vigil_monitor_evidence_weight(l) == 0.5);
    assert_int_equal(vigil_monitor_learned(m, 0), 157);
    /* the loaded model rebuilds its extractor from the file alone */
    vigil_extractor *ex = NULL;
    assert_int_equal(vigil_pipeline_create_extractor(pl, &ex), VIGIL_OK);
    assert_int_equal(vigil_extractor_hop(ex), 256);
    vigil_extractor_destroy(ex);
    /* model id: equal for equal models, 16 hex digits, changed by an update */
    char id1[17], id2[17], id3[17];
    assert_int_equal(vigil_monitor_model_id(m, id1, sizeof id1), VIGIL_OK);
    assert_int_equal(vigil_monitor_model_id(l, id2, sizeof id2), VIGIL_OK);
    assert_string_equal(id1, id2);
    assert_int_equal(strspn(id1, "0123456789abcdef"), 16);
    assert_int_equal(vigil_monitor_model_id(m, id1, 16), VIGIL_ESPACE);
    /* the same model re-saved is byte-identical */
    size_t n2;
    unsigned char *b2 = save(l, &n2);
    assert_int_equal(n, n2);
    assert_memory_equal(b, b2, n);
    double row[64];
    memset(row, 0, sizeof row);
    for (size_t i = 0; i < vigil_monitor_column_count(l); i++)
        row[i] = 0.5;
    vigil_monitor_update(l, row, vigil_monitor_column_count(l), 0);
    assert_int_equal(vigil_monitor_model_id(l, id3, sizeof id3), VIGIL_OK);
    assert_string_not_equal(id2, id3);
    /* not fitted: no id */
    const char *names[] = {"rms"};
    vigil_monitor *u = NULL;
    assert_int_equal(vigil_monitor_create(names, 1, VIGIL_DETECTOR_ZSCORE, &u), VIGIL_OK);
    assert_int_equal(vigil_monitor_model_id(u, id3, sizeof id3), VIGIL_ESTATE);
    vigil_monitor_destroy(u);
    free(a);
    free(c);
    free(b);
    free(b2);
    vigil_pipeline_destroy(pm);
    vigil_pipeline_destroy(pl);
    vigil_pipeline_destroy(p);
    vigil_monitor_destroy(m);
    vigil_monitor_destroy(l);
}

/* A restarted host resumes: the alarm that was up, the pending events and the time
 * bookkeeping come back, and the next rows give the same scores and states as the monitor that
 * never stopped (Mahalanobis has no smoothing state). Without the flag, the file is as before. */
/* Save, load and go on side by side: the loaded monitor must give the same states. */
static vigil_monitor *resumed(const vigil_monitor *m)
{
    size_t size, w;
    assert_int_equal(vigil_monitor_save_size_ex(m, VIGIL_SAVE_STREAM, &size), VIGIL_OK);
    unsigned char *b = malloc(size);
    assert_int_equal(vigil_monitor_save_ex(m, VIGIL_SAVE_STREAM, b, size, &w), VIGIL_OK);
    vigil_monitor *l = NULL;
    assert_int_equal(vigil_monitor_load(b, w, &l), VIGIL_OK);
    assert_int_equal(vigil_monitor_state(l), vigil_monitor_state(m));
    free(b);
    return l;
}

/* The onset test's clearing (an alarm holds 22 rows at a zero sum before it clears) resumes
 * from a saved stream: in the middle of that count, and after the alarm cleared with new
 * exceedances (issue 16, stream-state layout 3). */
static void test_stream_resumes_clearing(void **state)
{
    (void)state;
    const char *names[] = {"x"};
    vigil_monitor *m = NULL;
    assert_int_equal(vigil_monitor_create(names, 1, VIGIL_DETECTOR_ZSCORE, &m), VIGIL_OK);
    /* no EWMA: smoothing starts afresh on load by design (lib/monitor_io.c) */
    assert_int_equal(vigil_monitor_set_smoothing(m, 1.0), VIGIL_OK);
    for (int i = 0; i < 200; i++) {
        double x = sin(0.7 * i) + 0.3 * cos(1.3 * i);
        assert_int_equal(vigil_monitor_learn(m, &x, 1, 0), VIGIL_OK);
    }
    assert_int_equal(vigil_monitor_fit(m), VIGIL_OK);
    /* 40 rows far out (ALARM), 40 at the centre (the sum is used up after 34: 6 rows into the
     * count of 22), then resume; 100 more (cleared), 2 far out (the sum rises again, OK),
     * resume again */
    static const struct { double x; int rows; int resume; } plan[] = {
        {100.0, 40, 0}, {0.0, 40, 1}, {0.0, 100, 0}, {100.0, 2, 1}, {0.0, 5, 0},
    };
    double t = 0.0;
    int states_seen = 0;
    for (size_t k = 0; k < sizeof plan / sizeof *plan; k++) {
        for (int r = 0; r < plan[k].rows; r++, t += 1.0) {
            int st = vigil_monitor_score(m, &plan[k].x, 1, t, 0);
            assert_true(st >= 0);
            states_seen |= 1 << st;
        }
        if (k == 1)
            assert_int_equal(vigil_monitor_state(m), VIGIL_STATE_ALARM);
        if (k == 2)
            assert_int_equal(vigil_monitor_state(m), VIGIL_STATE_OK);
        if (plan[k].resume) {
            vigil_monitor *l = resumed(m);
            for (int r = 0; r < 30; r++) {
                const double x = r < 25 ? 0.0 : 100.0;
                assert_int_equal(vigil_monitor_score(l, &x, 1, t + r, 0),
                                 vigil_monitor_score(m, &x, 1, t + r, 0));
            }
            vigil_monitor_destroy(m);
            m = l;
            t += 30.0;
        }
    }
    assert_int_equal(states_seen & (1 << VIGIL_STATE_ALARM), 1 << VIGIL_STATE_ALARM);
    vigil_monitor_destroy(m);
}

static void test_stream_state(void **state)
{
    (void)state;
    /* the k-of-n rule: an alarm within these 12 rows (the onset test's resumption is
     * tests/test_time_quirks.c, test_stream_resumes_onset_test) */
    vigil_pipeline *p = parse("rate = 8000\nframe = 1024\nmonitor.detector = mahalanobis\n"
                              "monitor.alarm = kofn\n");
    vigil_extractor *ex = NULL;
    vigil_monitor *m = trained_from(p, &ex), *l = NULL;
    const size_t n = 1024 * 12, nc = vigil_extractor_feature_count(ex);
    double *x = malloc(n * sizeof *x), rows[12][64];
    signal(x, n, 8000);
    for (size_t i = n / 2; i < n; i++)
        x[i] *= 1.0 + 4.0 * (double)(i % 7 == 0); /* impulses: a fault in the second half */
    vigil_extractor_reset(ex);
    assert_int_equal(vigil_extractor_push(ex, x, n, NULL), VIGIL_OK);
    for (size_t r = 0; r < 12; r++)
        assert_int_equal(vigil_extractor_pop(ex, rows[r], 64, NULL), 1);
    for (size_t r = 0; r < 9; r++)
        assert_true(vigil_monitor_score(m, rows[r], nc, 100.0 + r, 0) >= 0);
    const int state_before = vigil_monitor_state(m); /* the onset test's episode is open */
    assert_true(state_before != VIGIL_STATE_OK);
    const size_t events = vigil_monitor_event_count(m);
    assert_true(events >= 1);
    size_t size, w;
    assert_int_equal(vigil_monitor_save_size_ex(m, VIGIL_SAVE_STREAM, &size), VIGIL_OK);
    unsigned char *b = malloc(size);
    assert_int_equal(vigil_monitor_save_ex(m, VIGIL_SAVE_STREAM, b, size, &w), VIGIL_OK);
    assert_int_equal(vigil_monitor_save_ex(m, 2, b, size, &w), VIGIL_EINVAL);
    assert_int_equal(vigil_monitor_load(b, size, &l), VIGIL_OK);
    assert_int_equal(vigil_monitor_state(l), state_before);
    assert_int_equal(vigil_monitor_event_count(l), events);
    assert_true(vigil_monitor_onset(l) == vigil_monitor_onset(m));
    assert_true(vigil_monitor_last_score(l) == vigil_monitor_last_score(m));
    char id1[17], id2[17];
    assert_int_equal(vigil_monitor_model_id(m, id1, sizeof id1), VIGIL_OK);
    assert_int_equal(vigil_monitor_model_id(l, id2, sizeof id2), VIGIL_OK);
    assert_string_equal(id1, id2);
    for (size_t r = 9; r < 12; r++) {
        int sm = vigil_monitor_score(m, rows[r], nc, 100.0 + r, 0);
        int sl = vigil_monitor_score(l, rows[r], nc, 100.0 + r, 0);
        assert_int_equal(sm, sl);
        assert_true(vigil_monitor_last_score(m) == vigil_monitor_last_score(l));
    }
    double tm, tl;
    int fm, fl, um, ul;
    while (vigil_monitor_next_event(m, &tm, &fm, &um) == 1) {
        assert_int_equal(vigil_monitor_next_event(l, &tl, &fl, &ul), 1);
        assert_true(tm == tl && fm == fl && um == ul);
    }
    assert_int_equal(vigil_monitor_state(l), vigil_monitor_state(m));
    /* a time step back after the restart is handled as before the restart (the time-quirk
     * policy of issue 16: a new segment, counted) */
    assert_int_equal(vigil_monitor_score(l, rows[0], nc, 50.0, 0),
                     vigil_monitor_score(m, rows[0], nc, 50.0, 0));
    assert_int_equal(vigil_monitor_counter(l, VIGIL_COUNTER_STEPS_BACK),
                     vigil_monitor_counter(m, VIGIL_COUNTER_STEPS_BACK));
    /* a plain save has no stream: the loaded monitor starts OK */
    vigil_monitor *f = NULL;
    size_t plain;
    assert_int_equal(vigil_monitor_save_ex(m, 0, b, size, &plain), VIGIL_OK);
    assert_true(plain < size);
    assert_int_equal(vigil_monitor_load(b, plain, &f), VIGIL_OK);
    assert_int_equal(vigil_monitor_state(f), VIGIL_STATE_OK);
    vigil_monitor_destroy(f);
    free(b);
    free(x);
    vigil_extractor_destroy(ex);
    vigil_monitor_destroy(m);
    vigil_monitor_destroy(l);
    vigil_pipeline_destroy(p);
}

static vigil_monitor *load_v1(const char *file, int want)
{
    const char *root = getenv("VIGIL_SOURCE_ROOT");
    char path[1024];
    snprintf(path, sizeof path, "%s/tests/data/models_v1/%s", root ? root : "..", file);
    vigil_monitor *m = NULL;
    int rc = vigil_monitor_load_file(path, &m);
    if (rc != want)
        fail_msg("%s: status %d, expected %d (%s)", file, rc, want, vigil_last_error());
    return m;
}

static vigil_pipeline *spec_of(const vigil_monitor *m)
{
    vigil_pipeline *p = NULL;
    assert_int_equal(vigil_monitor_get_pipeline(m, &p), VIGIL_OK);
    return p;
}

/* Version-1 files of every host: the framing comes from their notes. */
static void test_version1_files(void **state)
{
    (void)state;
    vigil_monitor *m = load_v1("cli_samples.vgm", VIGIL_OK);
    vigil_pipeline *p = spec_of(m);
    expect_get(p, "source", "samples");
    expect_get(p, "rate", "12000");
    expect_get(p, "frame", "1024");
    expect_get(p, "hop", "512");
    expect_get(p, "column", "de");
    expect_get(p, "bands", "0-1000,1000-3000");
    expect_get(p, "monitor.detector", "mahalanobis");
    vigil_pipeline_destroy(p);
    vigil_monitor_destroy(m);

    m = load_v1("cli_rows.vgm", VIGIL_OK);
    p = spec_of(m);
    expect_get(p, "source", "rows");
    expect_get(p, "time.column", "t_start");
    expect_get(p, "monitor.detector", "zscore");
    vigil_pipeline_destroy(p);
    vigil_monitor_destroy(m);

    m = load_v1("gateway.vgm", VIGIL_OK);
    p = spec_of(m);
    expect_get(p, "machine", "press-1");
    expect_get(p, "channel", "de");
    expect_get(p, "hop", "256");
    expect_get(p, "bands", "0-750,750-1500,1500-3000,3000-6000.000006");
    vigil_pipeline_destroy(p);
    vigil_monitor_destroy(m);

    m = load_v1("free_note.vgm", VIGIL_OK); /* a user's note: the columns are the layout */
    p = spec_of(m);
    expect_get(p, "source", "rows");
    assert_string_equal(vigil_monitor_note(m), "line 3 of plant B");
    vigil_pipeline_destroy(p);
    vigil_monitor_destroy(m);

    /* a framing note that cannot rebuild the rows: refused with the reason */
    assert_null(load_v1("no_rate.vgm", VIGIL_EFORMAT));
    assert_non_null(strstr(vigil_last_error(), "rate"));
    assert_null(load_v1("wrong_layout.vgm", VIGIL_EFORMAT));
    assert_non_null(strstr(vigil_last_error(), "order_1x"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults_and_fixed_point),
        cmocka_unit_test(test_canonical_spellings),
        cmocka_unit_test(test_errors_name_key_and_line),
        cmocka_unit_test(test_extractor_equals_setters),
        cmocka_unit_test(test_monitor_from_spec),
        cmocka_unit_test(test_overlap_weight),
        cmocka_unit_test(test_stream_resumes_clearing),
        cmocka_unit_test(test_enum_names),
        cmocka_unit_test(test_column_tables),
        cmocka_unit_test(test_model_carries_spec),
        cmocka_unit_test(test_stream_state),
        cmocka_unit_test(test_version1_files),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
