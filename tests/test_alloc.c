/* Zero allocations per frame: every malloc/calloc/realloc/free (and the aligned variants) made
 * by the library's own code is counted through the linker's --wrap (see tests/meson.build), and
 * pushing 1000 frames after create and configuration must not call any of them. Calls inside
 * shared libraries (FFTW, libc) are not wrapped; bench/README.md shows valgrind's whole-process
 * totals for 10 versus 1000 frames, which cover those too. */
#include <vigil.h>

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

void *__real_malloc(size_t size);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t size);
void __real_free(void *p);
int __real_posix_memalign(void **p, size_t align, size_t size);
void *__real_aligned_alloc(size_t align, size_t size);

void *__wrap_malloc(size_t size);
void *__wrap_calloc(size_t n, size_t size);
void *__wrap_realloc(void *p, size_t size);
void __wrap_free(void *p);
int __wrap_posix_memalign(void **p, size_t align, size_t size);
void *__wrap_aligned_alloc(size_t align, size_t size);

static size_t allocs, frees;

void *__wrap_malloc(size_t size) { allocs++; return __real_malloc(size); }
void *__wrap_calloc(size_t n, size_t size) { allocs++; return __real_calloc(n, size); }
void *__wrap_realloc(void *p, size_t size) { allocs++; return __real_realloc(p, size); }
void __wrap_free(void *p) { frees += p != NULL; __real_free(p); }
int __wrap_posix_memalign(void **p, size_t align, size_t size)
{
    allocs++;
    return __real_posix_memalign(p, align, size);
}
void *__wrap_aligned_alloc(size_t align, size_t size)
{
    allocs++;
    return __real_aligned_alloc(align, size);
}

/* The counter works: creating an extractor allocates (so a zero below means something). */
static void test_counter_sees_create(void **state)
{
    (void)state;
    size_t before = allocs, freed = frees;
    vigil_extractor *ex = NULL;
    assert_int_equal(vigil_extractor_create(12000.0, 1024, &ex), VIGIL_OK);
    assert_true(allocs > before);
    vigil_extractor_destroy(ex);
    assert_true(frees > freed);
}

static void push_frames(size_t frame, size_t hop, size_t chunk)
{
    const size_t nframes = 1000, n = frame + (nframes - 1) * hop;
    double *x = malloc(n * sizeof *x);
    assert_non_null(x);
    for (size_t i = 0; i < n; i++)
        x[i] = sin(0.05 * (double)i) + 0.3 * sin(1.7 * (double)i) + 1e-3 * (double)(i % 7);
    vigil_extractor *ex = NULL;
    assert_int_equal(vigil_extractor_create(25600.0, frame, &ex), VIGIL_OK);
    assert_int_equal(vigil_extractor_set_hop(ex, hop), VIGIL_OK);
    assert_int_equal(vigil_extractor_add_band(ex, 0.0, 1000.0), VIGIL_OK);
    assert_int_equal(vigil_extractor_add_band(ex, 1000.0, 12800.0), VIGIL_OK);
    static double row[64], rows[64 * 5];
    size_t frames = 0, off = 0;

    const size_t before = allocs, freed = frees;
    while (off < n) {
        size_t used = 0, len = n - off < chunk ? n - off : chunk;
        assert_int_equal(vigil_extractor_push(ex, x + off, len, &used), VIGIL_OK);
        off += used;
        if (chunk == 1000) { /* the block pop, too */
            int got;
            while ((got = vigil_extractor_pop_many(ex, rows, sizeof rows / sizeof rows[0],
                                                   NULL)) > 0)
                frames += (size_t)got;
        }
        while (vigil_extractor_pop(ex, row, 64, NULL) == 1)
            frames++;
    }
    /* reset is on the stream path too (between recordings) */
    assert_int_equal(vigil_extractor_reset(ex), VIGIL_OK);
    assert_int_equal(vigil_extractor_push(ex, x, frame, NULL), VIGIL_OK);
    assert_int_equal(vigil_extractor_pop(ex, row, 64, NULL), 1);
    const size_t during = allocs - before, freed_during = frees - freed;

    assert_int_equal(frames, nframes);
    assert_int_equal(during, 0);
    assert_int_equal(freed_during, 0);
    vigil_extractor_destroy(ex);
    free(x);
}

static void test_no_alloc_hop_n(void **state) { (void)state; push_frames(1024, 1024, 4096); }
static void test_no_alloc_overlap(void **state) { (void)state; push_frames(4096, 2048, 1000); }
static void test_no_alloc_odd(void **state) { (void)state; push_frames(1000, 333, 1); }

/* The prognoser's update: baseline, onset (seeding from the kept points) and the fits. */
static void test_no_alloc_prognoser(void **state)
{
    (void)state;
    vigil_prognoser *p;
    assert_int_equal(vigil_prognoser_create("peak", 1e6, &p), VIGIL_OK);
    const size_t before = allocs, freed = frees;
    int estimates = 0;
    for (int i = 0; i < 2000; i++) {
        const double h = (i < 100 ? 1.0 : exp(0.01 * (i - 100))) * (1.0 + 0.01 * ((i * 37) % 7));
        assert_true(vigil_prognoser_update(p, i, h) >= 0);
        estimates += vigil_prognoser_reason(p) == VIGIL_PROGNOSIS_ESTIMATE;
    }
    assert_true(estimates > 1000);
    if (allocs != before || frees != freed)
        fail_msg("prognoser update: %zu allocations, %zu frees", allocs - before, frees - freed);
    vigil_prognoser_destroy(p);
}

/* A machine's row: common mode over 4 channels and each channel's monitor, and popping its
 * events with their explanations as text (issue 16). */
static void test_no_alloc_machine(void **state)
{
    (void)state;
    static const char *const ch[4] = {"B1", "B2", "B3", "B4"};
    static const char *const cols[2] = {"rms", "kurtosis"};
    vigil_machine *mc;
    assert_int_equal(vigil_machine_create(ch, 4, cols, 2, VIGIL_DETECTOR_MAHALANOBIS, &mc),
                     VIGIL_OK);
    double row[8];
    size_t events = 0;
    for (int i = 0; i < 300; i++) {
        for (int g = 0; g < 4; g++) {
            row[2 * g] = (1.0 + 0.1 * g) * (1.0 + 0.01 * ((i * 37 + g * 11) % 13));
            row[2 * g + 1] = 3.0 + 0.05 * ((i * 17 + g * 5) % 7) + (i > 200 && g == 2);
        }
        if (i < 100) {
            assert_int_equal(vigil_machine_learn(mc, row, 8, 0), VIGIL_OK);
            if (i == 99)
                assert_int_equal(vigil_machine_fit(mc), VIGIL_OK);
            continue;
        }
        const size_t before = allocs, freed = frees;
        int states[4];
        assert_true(vigil_machine_score(mc, row, 8, 600.0 * i, 0, states) >= 0);
        vigil_event_explanation e;
        char text[256];
        while (vigil_machine_next_event(mc, &e) == 1) {
            events++;
            assert_true(vigil_monitor_format_explanation(vigil_machine_monitor(mc, e.channel),
                                                         &e, text, sizeof text) > 0);
        }
        if (allocs != before || frees != freed)
            fail_msg("machine score: %zu allocations, %zu frees", allocs - before, frees - freed);
    }
    assert_true(events > 0);
    vigil_machine_destroy(mc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_counter_sees_create),
        cmocka_unit_test(test_no_alloc_hop_n),
        cmocka_unit_test(test_no_alloc_overlap),
        cmocka_unit_test(test_no_alloc_odd),
        cmocka_unit_test(test_no_alloc_prognoser),
        cmocka_unit_test(test_no_alloc_machine),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
