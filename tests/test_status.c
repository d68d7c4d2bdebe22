/* Tests of status codes, messages, the per-thread error detail and the version. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include <vigil.h>

static void test_messages(void **state)
{
    (void)state;
    /* every code from VIGIL_OK down to the last one has its own message */
    for (int c = VIGIL_OK; c >= VIGIL_EVERSION; c--) {
        const char *m = vigil_strerror(c);
        assert_non_null(m);
        assert_string_not_equal(m, "unknown error");
        for (int d = VIGIL_OK; d > c; d--)
            assert_string_not_equal(m, vigil_strerror(d));
    }
    assert_string_equal(vigil_strerror(1), "unknown error");
    assert_string_equal(vigil_strerror(-9999), "unknown error");
    assert_string_equal(vigil_strerror(VIGIL_OK), "success");
}

static void *other_thread(void *arg)
{
    (void)arg;
    vigil_extractor *ex;
    vigil_extractor_create(-5.0, 64, &ex); /* fails, sets this thread's message */
    return strstr(vigil_last_error(), "sample rate") ? (void *)1 : NULL;
}

static void test_last_error_is_per_thread(void **state)
{
    (void)state;
    double lo, hi;
    size_t n;
    assert_int_equal(vigil_parse_bands("oops", &lo, &hi, 1, &n), VIGIL_EFORMAT);
    char mine[256];
    snprintf(mine, sizeof mine, "%s", vigil_last_error());
    assert_non_null(strstr(mine, "oops"));
    pthread_t t;
    void *ok = NULL;
    assert_int_equal(pthread_create(&t, NULL, other_thread, NULL), 0);
    assert_int_equal(pthread_join(t, &ok), 0);
    assert_non_null(ok);
    assert_string_equal(vigil_last_error(), mine);
}

static void test_version(void **state)
{
    (void)state;
    char expect[32];
    snprintf(expect, sizeof expect, "%d.%d.%d", VIGIL_VERSION_MAJOR, VIGIL_VERSION_MINOR,
             VIGIL_VERSION_PATCH);
    assert_string_equal(vigil_version_string(), expect);
    assert_string_equal(vigil_version_string(), VIGIL_VERSION_STRING);
    assert_int_equal(vigil_version_number(), VIGIL_VERSION_NUMBER);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_messages),
        cmocka_unit_test(test_last_error_is_per_thread),
        cmocka_unit_test(test_version),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
