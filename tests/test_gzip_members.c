/* gzip files of several members (issue 17 item 5): every member is read, and a damaged or
 * truncated member, or bytes after a member that do not start another, are VIGIL_EFORMAT with
 * the file and line; the rows before the damage are delivered. zlib's gzread, used before, took
 * a second member whose first byte was flipped for trailing garbage and ended the file there
 * silently (half the rows, exit 0). Files are written by zlib here; rows are "i,2i". */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <vigil.h>
#include <zlib.h>

static char path[64];

/* Append one gzip member holding rows [first, first + n) (with the header line if first == 0)
 * to buf; returns the new length. Large members are incompressible enough to cross the
 * reader's 64 KiB input blocks. */
static size_t add_member(unsigned char *buf, size_t len, size_t cap, size_t first, size_t n)
{
    size_t tcap = 64 + n * 48, tlen = 0;
    char *text = malloc(tcap);
    assert_non_null(text);
    if (first == 0)
        tlen += (size_t)snprintf(text + tlen, tcap - tlen, "a,b\n");
    for (size_t i = first; i < first + n; i++)
        tlen += (size_t)snprintf(text + tlen, tcap - tlen, "%zu,%.17g\n", i,
                                 (double)i * 2.0 + (double)((i * 2654435761u) % 1000003) * 1e-9);
    z_stream z;
    memset(&z, 0, sizeof z);
    assert_int_equal(deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY), Z_OK);
    z.next_in = (unsigned char *)text;
    z.avail_in = (uInt)tlen;
    z.next_out = buf + len;
    z.avail_out = (uInt)(cap - len);
    assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
    len = cap - z.avail_out;
    deflateEnd(&z);
    free(text);
    return len;
}

static void write_file(const unsigned char *b, size_t n)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(b, 1, n, f), n);
    fclose(f);
}

/* Read every row; returns the status of the read that ended it, the row count in *rows, and
 * checks each row's values. */
static int read_all(size_t *rows)
{
    vigil_reader *r = NULL;
    int rc = vigil_reader_open(path, &r);
    *rows = 0;
    if (rc)
        return rc;
    double v[2 * 256];
    size_t got;
    while ((rc = vigil_reader_read_rows(r, v, 256, &got)) == VIGIL_OK || got > 0) {
        for (size_t i = 0; i < got; i++)
            assert_true(v[2 * i] == (double)(*rows + i));
        *rows += got;
        if (rc != VIGIL_OK || got == 0)
            break;
    }
    vigil_reader_close(r);
    return rc;
}

static void expect_error_at(size_t want_rows_at_least, size_t want_rows_at_most)
{
    size_t rows;
    assert_int_equal(read_all(&rows), VIGIL_EFORMAT);
    const char *msg = vigil_last_error();
    if (!strstr(msg, path) || !strstr(msg, "gzip"))
        fail_msg("message without the file or the cause: %s", msg);
    /* file:line with the line after the last good row */
    char where[96];
    snprintf(where, sizeof where, "%s:", path);
    const char *line = strstr(msg, where) + strlen(where);
    size_t at = (size_t)strtoul(line, NULL, 10);
    assert_true(at >= 2);
    if (rows < want_rows_at_least || rows > want_rows_at_most)
        fail_msg("%zu rows delivered, want %zu..%zu (%s)", rows, want_rows_at_least,
                 want_rows_at_most, msg);
}

static void test_members(void **state)
{
    (void)state;
    const size_t cap = 8u << 20;
    unsigned char *b = malloc(cap);
    assert_non_null(b);
    const size_t sizes[] = {3, 40000}; /* small, and larger than the 64 KiB input block */
    for (size_t s = 0; s < 2; s++) {
        const size_t n1 = sizes[s];
        size_t m1 = add_member(b, 0, cap, 0, n1);
        size_t m2 = add_member(b, m1, cap, n1, 500);
        size_t m3 = add_member(b, m2, cap, n1 + 500, 7);
        size_t rows;
        /* three good members: every row */
        write_file(b, m3);
        assert_int_equal(read_all(&rows), VIGIL_OK);
        assert_int_equal(rows, n1 + 507);
        /* the attack: the second member's first byte flipped */
        b[m1] ^= 0xff;
        write_file(b, m3);
        expect_error_at(n1, n1);
        b[m1] ^= 0xff;
        /* its second byte (the other half of the magic), and its method byte */
        b[m1 + 1] ^= 0x01;
        write_file(b, m3);
        expect_error_at(n1, n1);
        b[m1 + 1] ^= 0x01;
        b[m1 + 2] ^= 0x01;
        write_file(b, m3);
        expect_error_at(n1, n1);
        b[m1 + 2] ^= 0x01;
        /* a byte in the middle of the second member's data, and in its CRC trailer */
        b[(m1 + m2) / 2] ^= 0x55;
        write_file(b, m3);
        expect_error_at(n1 > 10 ? n1 - 256 : 0, n1 + 500);
        b[(m1 + m2) / 2] ^= 0x55;
        b[m2 - 6] ^= 0x01;
        write_file(b, m3);
        expect_error_at(n1 > 10 ? n1 - 256 : 0, n1 + 500);
        b[m2 - 6] ^= 0x01;
        /* cut inside the second member, and inside the third member's header */
        write_file(b, m1 + (m2 - m1) / 2);
        expect_error_at(n1 > 10 ? n1 - 256 : 0, n1 + 500);
        write_file(b, m2 + 5);
        expect_error_at(n1, n1 + 500);
        /* trailing garbage after the last member, one byte or a zero pad */
        b[m3] = 'x';
        write_file(b, m3 + 1);
        expect_error_at(n1 + 507, n1 + 507);
        memset(b + m3, 0, 512);
        write_file(b, m3 + 512);
        expect_error_at(n1 + 507, n1 + 507);
    }
    free(b);
    unlink(path);
}

/* A plain file is still read as it is, and an empty member then a good one is fine. */
static void test_plain_and_empty_member(void **state)
{
    (void)state;
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("a,b\n0,0\n1,2\n", f);
    fclose(f);
    size_t rows;
    assert_int_equal(read_all(&rows), VIGIL_OK);
    assert_int_equal(rows, 2);
    unsigned char b[4096];
    size_t m1 = add_member(b, 0, sizeof b, 0, 2);
    size_t m2 = add_member(b, m1, sizeof b, 2, 0); /* an empty member */
    size_t m3 = add_member(b, m2, sizeof b, 2, 3);
    write_file(b, m3);
    assert_int_equal(read_all(&rows), VIGIL_OK);
    assert_int_equal(rows, 5);
    unlink(path);
}

static int setup(void **state)
{
    (void)state;
    snprintf(path, sizeof path, "/tmp/vigil_gz_members_%d.csv.gz", (int)getpid());
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_members),
        cmocka_unit_test(test_plain_and_empty_member),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
