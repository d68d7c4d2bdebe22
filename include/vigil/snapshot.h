/**
 * @file vigil/snapshot.h
 * @brief Snapshot histories: the times of a data logger's snapshot files from an index table.
 *
 * Data loggers record run-to-failure tests as one file per snapshot (PRONOSTIA: 0.1 s every
 * 10 s; IMS: 1 s every 10 min) with a table of the snapshots' times. An index table is a text
 * file (tab- or comma-separated) whose header names at least the columns `snapshot` (the file
 * name, relative to the table's folder) and `time`. A time is either a timestamp that
 * vigil_parse_time() reads (a date, or plain seconds), or a clock time `HH:MM:SS[.frac]`
 * without a date. Clock times are seconds since midnight of the first row's day and roll over
 * at midnight: a clock time more than 12 hours earlier than the previous row's is taken as the
 * next day (+86400 s). A smaller step back is kept as it is, for the monitor's time policy to
 * see.
 *
 * Thread rules: an index is read-only once loaded; it may be read from several threads.
 */
#ifndef VIGIL_SNAPSHOT_H
#define VIGIL_SNAPSHOT_H

#include "common.h"

VIGIL_BEGIN_DECLS

/** Opaque snapshot index. */
typedef struct vigil_snapshot_index vigil_snapshot_index;

/**
 * Load an index table.
 * @param path the table (plain text; at most 10 million rows, names up to 4095 bytes).
 * @param out  receives the index (free with vigil_snapshot_index_destroy()).
 * @return VIGIL_OK, VIGIL_EINVAL (NULL), VIGIL_EIO (cannot open or read), VIGIL_EFORMAT (no
 *         `snapshot` or `time` column, a bad time, an empty name, no rows: message has
 *         file:line), VIGIL_ENOMEM.
 */
VIGIL_API int vigil_snapshot_index_load(const char *path, vigil_snapshot_index **out);
/** Free an index. NULL is a no-op. */
VIGIL_API void vigil_snapshot_index_destroy(vigil_snapshot_index *idx);
/** Rows of the index, or 0 for NULL. */
VIGIL_API size_t vigil_snapshot_index_count(const vigil_snapshot_index *idx);
/** Snapshot file name of row i as written in the table (owned by idx), or NULL if i is out of
 *  range or idx NULL. */
VIGIL_API const char *vigil_snapshot_index_name(const vigil_snapshot_index *idx, size_t i);
/** Time of row i in seconds (see the file comment), or NaN if i is out of range. */
VIGIL_API double vigil_snapshot_index_time(const vigil_snapshot_index *idx, size_t i);
/** Row of the snapshot named `name` (compared with the table's names, and with the last path
 *  component of `name`), or VIGIL_ENOTFOUND / VIGIL_EINVAL. */
VIGIL_API int vigil_snapshot_index_find(const vigil_snapshot_index *idx, const char *name);

VIGIL_END_DECLS

#endif /* VIGIL_SNAPSHOT_H */
