/**
 * @file vigil/reader.h
 * @brief Reading recorded data: CSV and gzip-compressed CSV with a header row.
 *
 * The format is the one of the public datasets vigil is benchmarked on: a first row of column
 * names, then one row per sample (or per timestamped value), fields separated by commas, numbers
 * in plain decimal or exponent notation. Files ending in anything are accepted; gzip compression
 * is detected from the content (zlib), so `x.csv` and `x.csv.gz` both work; the path "-" reads
 * standard input.
 *
 * Strictness: every data row must have as many fields as the header; every field read must be a
 * finite number (or, in the time column, a timestamp). A bad number, a ragged row, a missing
 * column, an empty file or a file with a header and no data gives a negative status and a
 * message naming the file and line in vigil_last_error(), e.g.
 * `"run.csv.gz:1042: bad number 'abc' in column 2 ('de')"`.
 *
 * Timestamps: a column chosen with vigil_reader_set_time_column() accepts
 * `YYYY-MM-DD HH:MM:SS[.frac]` (or `T` instead of the space, optional trailing `Z`), read as UTC
 * and returned as seconds since 1970-01-01 00:00:00 UTC, or a plain number of seconds.
 *
 * Thread rules: one reader per thread at a time; distinct readers may be used in parallel.
 * Reading is I/O and allocates: never call it from a hard real-time path.
 */
#ifndef VIGIL_READER_H
#define VIGIL_READER_H

#include "common.h"

VIGIL_BEGIN_DECLS

/** Opaque CSV reader. */
typedef struct vigil_reader vigil_reader;

/**
 * Open a file and read its header row.
 *
 * @param path file path, or "-" for standard input (not closed by vigil_reader_close()).
 * @param out  receives the reader (caller owns it; free with vigil_reader_close()); NULL on
 *             failure.
 * @return VIGIL_OK, VIGIL_EINVAL (NULL arguments), VIGIL_EIO (cannot open or read),
 *         VIGIL_EFORMAT (empty file, empty header, corrupt gzip), VIGIL_ENOMEM.
 */
VIGIL_API int vigil_reader_open(const char *path, vigil_reader **out);

/** Close the reader and free it. NULL is a no-op. */
VIGIL_API void vigil_reader_close(vigil_reader *r);

/** @return the number of columns in the header (0 for NULL). */
VIGIL_API size_t vigil_reader_column_count(const vigil_reader *r);

/** @return the name of column i as written in the header (surrounding quotes and spaces
 *  removed), owned by the reader; NULL if out of range. */
VIGIL_API const char *vigil_reader_column_name(const vigil_reader *r, size_t i);

/**
 * Find a column by name, or by 0-based index written in decimal ("0", "1", ...). A name that
 * matches a header entry wins over the index reading.
 *
 * @return the column index (>= 0), VIGIL_ENOTFOUND (message lists the available columns), or
 *         VIGIL_EINVAL.
 */
VIGIL_API int vigil_reader_find_column(const vigil_reader *r, const char *name_or_index);

/**
 * Parse column `col` as timestamps (see the file comment). Call before reading.
 * @return VIGIL_OK, VIGIL_EINVAL (NULL, col out of range), VIGIL_ESTATE (rows already read).
 */
VIGIL_API int vigil_reader_set_time_column(vigil_reader *r, size_t col);

/**
 * Read missing values as NaN instead of failing: an empty field, or `NaN`, `NA`, `null` (any
 * case, blanks and quotes around allowed), in any column, the time column included. The
 * caller decides what a NaN means (the monitor rejects a row with a NaN in a selected feature
 * with VIGIL_ENONFINITE, and `vigil monitor` counts and skips it). Off by default: a strict
 * reader fails with VIGIL_EFORMAT on such a field. May be called at any time.
 * @param as_nan 1 to read missing values as NaN, 0 for the strict default.
 * @return VIGIL_OK or VIGIL_EINVAL.
 */
VIGIL_API int vigil_reader_set_missing(vigil_reader *r, int as_nan);

/**
 * Read the next values of one column.
 *
 * Every field of each row read is still validated (other columns must be numbers too, except
 * the time column), so a corrupt row is never silently skipped.
 *
 * @param col column index (see vigil_reader_find_column()).
 * @param out receives up to `cap` values.
 * @param n   receives the number of values read; 0 means end of data.
 * @return VIGIL_OK (also at the end), VIGIL_EFORMAT (bad row; `*n` holds the good values read
 *         before it), VIGIL_EIO, VIGIL_EINVAL, VIGIL_ENODATA (end reached and the file had no
 *         data row at all).
 */
VIGIL_API int vigil_reader_read_column(vigil_reader *r, size_t col, double *out, size_t cap,
                                       size_t *n);

/**
 * Read the next rows with all their columns, row-major (`column_count` values per row).
 *
 * @param out  receives up to `cap_rows * column_count` values.
 * @param rows receives the number of rows read; 0 means end of data.
 * @return as vigil_reader_read_column().
 */
VIGIL_API int vigil_reader_read_rows(vigil_reader *r, double *out, size_t cap_rows, size_t *rows);

/** @return the 1-based line number of the last line read (the header is line 1). */
VIGIL_API size_t vigil_reader_line(const vigil_reader *r);

VIGIL_END_DECLS

#endif /* VIGIL_READER_H */
