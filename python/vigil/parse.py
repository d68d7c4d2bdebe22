"""The library's parsers for band lists, timestamps and numbers (include/vigil/parse.h).

They accept exactly the spellings the ``vigil`` command accepts, because they are the same C
code.
"""

import ctypes

from ._lib import lib

_BANDS_CAP = 256  # more than any extractor accepts (VIGIL_BANDS_MAX = 64)


def _text(s, what):
    """Encode a str argument for C (bytes pass through); a NUL inside would cut it short."""
    if isinstance(s, str):
        s = s.encode("utf-8")
    elif not isinstance(s, bytes):
        raise TypeError("vigil: %s must be a string, not %s" % (what, type(s).__name__))
    if b"\0" in s:
        raise ValueError("vigil: %s contains a NUL character" % what)
    return s


def parse_bands(s):
    """Parse a band list such as ``"0-500,500-2000"`` into ``[(0.0, 500.0), (500.0, 2000.0)]``.

    Raises:
        VigilError: ``Status.EFORMAT`` for malformed text, lo >= hi, negative or non-finite
            edges, or an empty list.
    """
    lo = (ctypes.c_double * _BANDS_CAP)()
    hi = (ctypes.c_double * _BANDS_CAP)()
    n = ctypes.c_size_t()
    lib.vigil_parse_bands(_text(s, "bands"), lo, hi, _BANDS_CAP, ctypes.byref(n))
    return [(lo[i], hi[i]) for i in range(n.value)]


def parse_time(s):
    """Parse ``YYYY-MM-DD[ T]HH:MM[:SS[.frac]][Z]``, a date, or plain seconds, read as UTC, into
    seconds since 1970-01-01 00:00:00 UTC (a float).

    Raises:
        VigilError: ``Status.EFORMAT`` if ``s`` is not a valid timestamp.
    """
    v = ctypes.c_double()
    lib.vigil_parse_time(_text(s, "timestamp"), ctypes.byref(v))
    return v.value


def parse_number(s):
    """Parse a finite decimal number (the whole string; surrounding spaces allowed).

    Raises:
        VigilError: ``Status.EFORMAT`` if ``s`` is not a finite number.
    """
    v = ctypes.c_double()
    lib.vigil_parse_number(_text(s, "number"), ctypes.byref(v))
    return v.value
