"""Turning Python sample containers into C pointers, and building result columns.

numpy is optional: with it, results are numpy arrays and contiguous float64 (or float32) arrays
are handed to C without a copy; without it, results are lists and inputs go through
``array.array``. Nothing here computes a feature: it only moves numbers.
"""

import array
import ctypes
import operator
import sys

from ._lib import DoubleP, FloatP

try:  # numpy is optional
    import numpy
except ImportError:  # pragma: no cover - depends on the interpreter
    numpy = None

HAVE_NUMPY = numpy is not None

_NATIVE = "<" if sys.byteorder == "little" else ">"


class Samples:
    """A one-dimensional run of samples ready for C: ``f32`` tells which push to call.

    ``keep`` holds the object that owns the memory for as long as the pointer is used.
    """

    __slots__ = ("f32", "address", "n", "keep")

    def __init__(self, f32, address, n, keep):
        self.f32, self.address, self.n, self.keep = f32, address, n, keep

    def pointer(self, offset=0):
        """Return a typed pointer to sample ``offset``."""
        step = 4 if self.f32 else 8
        return ctypes.cast(self.address + offset * step, FloatP if self.f32 else DoubleP)


def _from_numpy(x):
    if x.ndim != 1:
        raise ValueError("vigil: samples of one channel must be 1-D, got shape %r" % (x.shape,))
    if numpy.iscomplexobj(x):
        raise TypeError("vigil: complex samples are not accepted")
    native = x.dtype.byteorder in ("=", "|", _NATIVE)
    if x.flags.c_contiguous and native and x.ctypes.data % x.dtype.itemsize == 0:
        if x.dtype == numpy.float64:
            return Samples(False, x.ctypes.data, x.shape[0], x)
        if x.dtype == numpy.float32:
            return Samples(True, x.ctypes.data, x.shape[0], x)
    try:
        # ascontiguousarray alone returns a misaligned float64 array as it is (C would then
        # read doubles at an odd address): require alignment, which copies it
        y = float64_array(x)
    except (TypeError, ValueError) as e:
        raise TypeError("vigil: samples must be numbers: %s" % e) from None
    return Samples(False, y.ctypes.data, y.shape[0], y)


def float64_array(x):
    """x as a C-contiguous, aligned float64 numpy array (a copy only when needed)."""
    y = numpy.require(x, dtype=numpy.float64, requirements=["C", "A"])
    if y.ctypes.data % 8:  # numpy's flag is the platform's alignof(double); C needs 8 here
        y = y.copy()
    return y


def _address(buf):
    """Address of a writable buffer (array.array, bytearray-backed memoryview...)."""
    return ctypes.addressof(ctypes.c_char.from_buffer(buf)) if len(buf) else 0


def samples(x):
    """Return a :class:`Samples` view of ``x`` (copying only when the layout requires it).

    Accepted: numpy arrays (1-D; contiguous float64/float32 without copy), ``array.array('d')``
    and ``array.array('f')`` (without copy), any other buffer of doubles or floats, and any
    iterable of real numbers (converted to doubles).
    """
    if numpy is not None and isinstance(x, numpy.ndarray):
        return _from_numpy(x)
    if isinstance(x, (str, bytes)):
        raise TypeError("vigil: samples must be numbers, not %s" % type(x).__name__)
    try:
        mv = memoryview(x)
    except TypeError:
        mv = None
    if mv is not None:
        fmt = mv.format.lstrip("@=" + _NATIVE)
        if mv.ndim == 1 and mv.c_contiguous and fmt in ("d", "f"):
            if mv.readonly or mv.nbytes == 0 or _address(mv.cast("B")) % mv.itemsize:
                arr = array.array(fmt, mv.tobytes())
                return Samples(fmt == "f", _address(arr), len(arr), arr)
            return Samples(fmt == "f", _address(mv.cast("B")), mv.shape[0], mv)
        if numpy is not None:
            return _from_numpy(numpy.asarray(x))
    try:
        arr = array.array("d", x)
    except TypeError as e:
        raise TypeError("vigil: samples must be an iterable of real numbers: %s" % e) from None
    return Samples(False, _address(arr), len(arr), arr)


def doubles(x):
    """Like :func:`samples` but always float64 (for C functions without a float32 variant):
    float32 input is widened into a new buffer, float64 input is still used without a copy."""
    s = samples(x)
    if not s.f32:
        return s
    if numpy is not None and isinstance(s.keep, numpy.ndarray):
        y = s.keep.astype(numpy.float64)
        return Samples(False, y.ctypes.data, y.shape[0], y)
    arr = array.array("d", (ctypes.c_float * s.n).from_address(s.address) if s.n else ())
    return Samples(False, _address(arr), len(arr), arr)


def size_arg(value, what):
    """Validate a count or index argument: an int >= 0 (C takes size_t; a negative value would
    wrap around to a huge one)."""
    try:
        v = operator.index(value)
    except TypeError:
        raise TypeError("vigil: %s must be an integer, not %s"
                        % (what, type(value).__name__)) from None
    if v < 0 or v >= 1 << (8 * ctypes.sizeof(ctypes.c_size_t)):
        raise ValueError("vigil: %s must be >= 0, got %d" % (what, v))
    return v


def matrix(rows, cols):
    """A zeroed row-major buffer of rows x cols doubles and its address."""
    if numpy is not None:
        m = numpy.zeros((rows, cols), dtype=numpy.float64)
        return m, m.ctypes.data
    m = array.array("d", bytes(8 * rows * cols))
    return m, _address(m)


def columns(names, m, rows):
    """Split the first ``rows`` rows of a row-major buffer into a dict of named columns."""
    width = len(names)
    if numpy is not None:
        block = numpy.ascontiguousarray(m[:rows].T)
        return {name: block[j] for j, name in enumerate(names)}
    flat = m[: rows * width]
    return {name: flat[j::width].tolist() for j, name in enumerate(names)}


def empty_column():
    """An empty result column of the active kind (numpy array or list)."""
    return numpy.empty(0) if numpy is not None else []


def from_rows(rows, width):
    """A row-major buffer (as made by :func:`matrix`) filled from a list of row tuples."""
    if numpy is not None:
        return numpy.array(rows, dtype=numpy.float64).reshape(len(rows), width)
    flat = array.array("d")
    for r in rows:
        flat.extend(r)
    return flat


def concat(chunks, width):
    """Join row-major buffers made by :func:`matrix` (already cut to their filled rows)."""
    if numpy is not None:
        return numpy.concatenate(chunks) if chunks else numpy.empty((0, width))
    flat = array.array("d")
    for c in chunks:
        flat.extend(c)
    return flat
