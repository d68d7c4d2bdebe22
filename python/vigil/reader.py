"""Reading recordings: CSV or gzip CSV with a header row (include/vigil/reader.h).

:func:`read_csv` reads a whole file into named columns; :class:`Reader` mirrors the C reader for
files too large to hold at once. The library parses and validates every field, so a file is read
exactly as the ``vigil`` command reads it.
"""

import ctypes
import os

from . import _buffers
from ._lib import DoubleP, ReaderP, lib
from ._handle import CObject
from .parse import _text

_CHUNK_VALUES = 1 << 16  # values per C call: large enough to make ctypes overhead negligible


def _path(path):
    if path == "-":
        return b"-"
    p = os.fsencode(os.fspath(path))
    if b"\0" in p:
        raise ValueError("vigil: path contains a NUL character")
    return p


class Reader(CObject):
    """An open recording (``vigil_reader``): a header of column names, then rows of numbers.

    Args:
        path: file path (str, bytes or os.PathLike), gzip detected from the content; ``"-"``
            reads standard input.

    Raises:
        VigilError: ``Status.EIO`` (cannot open or read), ``Status.EFORMAT`` (empty file,
            empty header, corrupt gzip).

    Use as a context manager or call :meth:`close`. One reader per thread at a time.
    """

    _destroy = "vigil_reader_close"

    def __init__(self, path):
        self._ptr = None
        ptr = ReaderP()
        lib.vigil_reader_open(_path(path), ctypes.byref(ptr))
        self._ptr = ptr
        self.path = path
        count = lib.vigil_reader_column_count(ptr)
        self._columns = tuple(lib.vigil_reader_column_name(ptr, i).decode("utf-8", "replace")
                              for i in range(count))


    @property
    def columns(self):
        """Column names as written in the header."""
        return self._columns

    @property
    def line(self):
        """1-based number of the last line read (the header is line 1)."""
        return lib.vigil_reader_line(self._handle())

    def find_column(self, name_or_index):
        """Return the index of a column given by name or by 0-based index (int or decimal
        string); a header name wins over the index reading.

        Raises:
            VigilError: ``Status.ENOTFOUND`` (the message lists the available columns).
        """
        if not isinstance(name_or_index, (str, bytes)):
            name_or_index = str(_buffers.size_arg(name_or_index, "column"))
        return lib.vigil_reader_find_column(self._handle(), _text(name_or_index, "column"))

    def set_time_column(self, column):
        """Parse ``column`` (name or index) as timestamps, returned as seconds since the Unix
        epoch (UTC). Call before reading."""
        lib.vigil_reader_set_time_column(self._handle(), self.find_column(column))

    def read_column(self, column, count=_CHUNK_VALUES):
        """Read the next values (at most ``count``) of one column; every field of each row read
        is still validated. Returns an empty array or list at the end of the data.

        Raises:
            VigilError: ``Status.EFORMAT`` (bad row, with file and line in the message),
                ``Status.ENODATA`` (the file has no data row), ``Status.EIO``.
        """
        col = self.find_column(column)
        count = max(1, _buffers.size_arg(count, "count"))
        m, base = _buffers.matrix(count, 1)
        n = ctypes.c_size_t()
        lib.vigil_reader_read_column(self._handle(), col, ctypes.cast(base, DoubleP), count,
                                     ctypes.byref(n))
        return m[: n.value, 0] if _buffers.HAVE_NUMPY else m[: n.value].tolist()

    def read_rows(self, count):
        """Read up to ``count`` next rows with all columns; returns columns ``{name: values}``
        (empty columns at the end of the data). Raises as :meth:`read_column`."""
        width = len(self._columns)
        count = max(1, _buffers.size_arg(count, "count"))
        m, base = _buffers.matrix(count, width)
        rows = ctypes.c_size_t()
        lib.vigil_reader_read_rows(self._handle(), ctypes.cast(base, DoubleP), count,
                                   ctypes.byref(rows))
        return _buffers.columns(_unique(self._columns), m, rows.value)

    def read_all(self):
        """Read every remaining row; returns columns ``{name: values}``."""
        width = len(self._columns)
        per_call = max(1, _CHUNK_VALUES // max(width, 1))
        chunks, total = [], 0
        rows = ctypes.c_size_t()
        while True:
            m, base = _buffers.matrix(per_call, width)
            lib.vigil_reader_read_rows(self._handle(), ctypes.cast(base, DoubleP), per_call,
                                       ctypes.byref(rows))
            if rows.value == 0:
                break
            chunks.append(m[: rows.value * (1 if _buffers.HAVE_NUMPY else width)])
            total += rows.value
        whole = _buffers.concat(chunks, width)
        return _buffers.columns(_unique(self._columns), whole, total)

    def __repr__(self):
        state = "closed" if not self._ptr else "columns=%s" % (list(self._columns),)
        return "<vigil.Reader %r %s>" % (self.path, state)


def _unique(names):
    """Column keys: the header names, with a repeated name keyed by its index instead."""
    seen, keys = set(), []
    for i, name in enumerate(names):
        keys.append(str(i) if name in seen else name)
        seen.add(name)
    return keys


def read_csv(path, columns=None, time_column=None):
    """Read a recording (CSV or gzip CSV with a header row) into named columns.

    Args:
        path: file path; gzip is detected from the content; ``"-"`` reads standard input.
        columns: names or indices of the columns to return (default: all). Every field of every
            row is still validated.
        time_column: name or index of a column of timestamps (``YYYY-MM-DD HH:MM:SS[.frac]``,
            UTC) to return as seconds since the Unix epoch.

    Returns:
        ``{name: values}`` in header order (or in the order of ``columns``): numpy float64
        arrays when numpy is installed, lists of floats otherwise.

    Raises:
        VigilError: ``Status.EIO`` (cannot open), ``Status.EFORMAT`` (bad number, ragged row,
            corrupt gzip; the message names the file and line), ``Status.ENODATA`` (header but
            no data), ``Status.ENOTFOUND`` (unknown column).
    """
    with Reader(path) as r:
        wanted = None
        if columns is not None:
            if isinstance(columns, (str, bytes, int)):
                columns = [columns]
            wanted = [r.find_column(c) for c in columns]
        if time_column is not None:
            r.set_time_column(time_column)
        data = r.read_all()
    if wanted is None:
        return data
    keys = list(data)
    return {keys[i]: data[keys[i]] for i in wanted}

