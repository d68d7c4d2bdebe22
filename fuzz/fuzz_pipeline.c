/* Fuzz target: the pipeline specification parser (vigil_pipeline_parse) and what consumes a
 * specification (print, get, the extractor and monitor builders).
 *
 * Each input is a specification text. Properties checked beyond "no crash, no leak, no UB" (a
 * violation traps):
 *   - a rejected text gives VIGIL_EINVAL, no pipeline, and a message "origin:..." naming where;
 *   - an accepted one prints to a text that parses back to the same pipeline, and printing that
 *     gives the same bytes (both forms: every key, changed keys only);
 *   - every key reads back; a numeric key's number is not NaN;
 *   - the builders either build or refuse with a message; a built extractor's row count is what
 *     its columns say. Frames are capped at 65536 samples for the builders, so each run stays
 *     fast (larger frames are only planning time, not new code). */
#include <vigil.h>

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond) do { if (!(cond)) __builtin_trap(); } while (0)

static char *printed(const vigil_pipeline *p, int flags)
{
    size_t n = 0;
    CHECK(vigil_pipeline_print(p, flags, NULL, 0, &n) == VIGIL_ESPACE);
    char *s = malloc(n + 1);
    if (s)
        CHECK(vigil_pipeline_print(p, flags, s, n + 1, &n) == VIGIL_OK && strlen(s) == n);
    return s;
}

static void check_fixed_point(const vigil_pipeline *p, int flags)
{
    char *a = printed(p, flags);
    if (!a)
        return;
    vigil_pipeline *q = NULL;
    int rc = vigil_pipeline_parse(a, strlen(a), "printed", &q);
    CHECK(rc == VIGIL_OK || rc == VIGIL_ENOMEM);
    if (q) {
        char *b = printed(q, flags);
        if (b)
            CHECK(strcmp(a, b) == 0);
        free(b);
        char *c = printed(q, VIGIL_PIPELINE_PRINT_ALL), *d = printed(p, VIGIL_PIPELINE_PRINT_ALL);
        if (c && d)
            CHECK(strcmp(c, d) == 0);
        free(c);
        free(d);
    }
    vigil_pipeline_destroy(q);
    free(a);
}

static void check_builders(const vigil_pipeline *p)
{
    if (vigil_pipeline_frame(p) > 65536)
        return;
    vigil_extractor *ex = NULL;
    int rc = vigil_pipeline_create_extractor(p, &ex);
    CHECK((rc == VIGIL_OK) == (ex != NULL));
    if (rc != VIGIL_OK) {
        CHECK(rc == VIGIL_EINVAL || rc == VIGIL_ENOMEM);
        return;
    }
    CHECK(vigil_extractor_hop(ex) == vigil_pipeline_hop(p));
    vigil_monitor *m = NULL;
    rc = vigil_pipeline_create_monitor(p, NULL, 0, &m);
    CHECK((rc == VIGIL_OK) == (m != NULL));
    if (m) {
        CHECK(vigil_monitor_column_count(m) == vigil_extractor_feature_count(ex));
        vigil_pipeline *back = NULL;
        if (vigil_monitor_get_pipeline(m, &back) == VIGIL_OK) {
            CHECK(vigil_pipeline_hop(back) == vigil_pipeline_hop(p));
            check_fixed_point(back, 0);
        }
        vigil_pipeline_destroy(back);
    }
    vigil_monitor_destroy(m);
    vigil_extractor_destroy(ex);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    vigil_pipeline *p = NULL;
    int rc = vigil_pipeline_parse((const char *)data, size, "fuzz", &p);
    if (rc != VIGIL_OK) {
        CHECK(p == NULL);
        CHECK(rc == VIGIL_EINVAL || rc == VIGIL_ENOMEM);
        CHECK(rc == VIGIL_ENOMEM || strncmp(vigil_last_error(), "fuzz", 4) == 0);
        return 0;
    }
    CHECK(vigil_pipeline_check(p) == VIGIL_OK);
    check_fixed_point(p, 0);
    check_fixed_point(p, VIGIL_PIPELINE_PRINT_ALL);
    char buf[VIGIL_PIPELINE_VALUE_MAX + 1];
    for (size_t i = 0; i < vigil_pipeline_key_count(); i++) {
        const char *key = vigil_pipeline_key_name(i);
        CHECK(vigil_pipeline_get(p, key, buf, sizeof buf, NULL) == VIGIL_OK);
        double v;
        if (vigil_pipeline_number(p, key, &v) == VIGIL_OK)
            CHECK(!isnan(v));
    }
    check_builders(p);
    vigil_pipeline_destroy(p);
    return 0;
}
