"""Rolling-element bearing geometry (include/vigil/bearing.h): defect frequencies and the
``"n=9,d=0.3126,D=1.537,angle=0"`` spelling, parsed by the library itself.

A :class:`Bearing` is what :class:`vigil.FeatureExtractor` (``bearing=``), :class:`vigil.Diagnosis`
and :func:`vigil.diagnose` take; they also accept the string, a tuple ``(n, d, D[, angle])`` or a
dict with those keys.
"""

import collections
import ctypes

from ._lib import lib
from .parse import _text

#: Short names of the defect frequencies, in the library's order (``enum vigil_defect``):
#: cage (fundamental train), ball pass outer race, ball pass inner race, ball spin.
DEFECTS = tuple(lib.vigil_defect_name(i).decode("ascii") for i in range(4))

_COUNT = len(DEFECTS)  # VIGIL_DEFECT_COUNT


def _spell(v):
    """A number in the option syntax: whole numbers without a fraction, others round-tripping."""
    return "%d" % v if v == int(v) else repr(float(v))


class Bearing(collections.namedtuple("Bearing", "n d D angle")):
    """Geometry of a rolling-element bearing.

    Fields:
        n: number of rolling elements (a whole number, 1..1000).
        d: rolling-element diameter (> 0).
        D: pitch diameter (> d, same unit as d: only the ratio d/D matters).
        angle: contact angle in degrees (0 <= angle < 90; default 0).

    ``str(bearing)`` gives the option syntax (``n=9,d=0.3126,D=1.537,angle=0``). Values are
    checked by the library when used (:meth:`frequencies`, an extractor, a diagnosis).
    """

    __slots__ = ()

    def __new__(cls, n, d, D, angle=0.0):
        return super().__new__(cls, float(n), float(d), float(D), float(angle))

    def frequencies(self, shaft_hz=1.0):
        """Defect frequencies at ``shaft_hz`` (see :func:`bearing_frequencies`)."""
        return bearing_frequencies(self.n, self.d, self.D, self.angle, shaft_hz)

    def __str__(self):
        return "n=%s,d=%s,D=%s,angle=%s" % tuple(_spell(v) for v in self)


def bearing_frequencies(n, d, D, angle=0.0, shaft_hz=1.0):
    """Defect frequencies of a bearing at a shaft rate (FEATURES.md formulas, r = d/D cos angle):
    FTF = fr/2 (1 - r), BPFO = n fr/2 (1 - r), BPFI = n fr/2 (1 + r), BSF = D fr/(2 d) (1 - r^2).

    Args:
        n: number of rolling elements, a whole number 1..1000.
        d: rolling-element diameter, > 0.
        D: pitch diameter, > d (same unit as d).
        angle: contact angle in degrees, 0 <= angle < 90.
        shaft_hz: shaft rate in Hz, >= 0; the default 1 gives the frequencies as shaft orders.

    Returns:
        ``{"ftf": Hz, "bpfo": Hz, "bpfi": Hz, "bsf": Hz}`` (keys in :data:`DEFECTS` order).

    Raises:
        VigilError: ``Status.EINVAL`` with the library's message for a value out of range.
    """
    out = (ctypes.c_double * _COUNT)()
    lib.vigil_bearing_frequencies(float(n), float(d), float(D), float(angle), float(shaft_hz),
                                  out, _COUNT)
    return dict(zip(DEFECTS, out))


def parse_bearing(text):
    """Parse ``"n=9,d=0.3126,D=1.537,angle=0"`` (keys in any order, ``angle`` optional and 0 by
    default, d and D case sensitive) into a :class:`Bearing`, exactly as ``vigil diagnose
    --bearing`` does.

    Raises:
        VigilError: ``Status.EFORMAT`` for malformed text, an unknown or repeated key, a missing
            n/d/D or a value out of range (the message says which).
    """
    v = [ctypes.c_double() for _ in range(4)]
    lib.vigil_parse_bearing(_text(text, "bearing"), *(ctypes.byref(x) for x in v))
    return Bearing(*(x.value for x in v))


def bearing_arg(bearing):
    """Normalise a bearing argument: a :class:`Bearing`, the option string, a tuple/list
    ``(n, d, D[, angle])`` or a dict with keys ``n``, ``d``, ``D`` and optionally ``angle``."""
    if isinstance(bearing, Bearing):
        return bearing
    if isinstance(bearing, (str, bytes)):
        return parse_bearing(bearing)
    if isinstance(bearing, dict):
        unknown = set(bearing) - {"n", "d", "D", "angle"}
        if unknown:
            raise ValueError("vigil: unknown bearing key(s) %s" % ", ".join(sorted(unknown)))
        try:
            return Bearing(**bearing)
        except TypeError:
            raise ValueError("vigil: a bearing needs n, d and D, got %r" % (bearing,)) from None
    try:
        items = tuple(bearing)
    except TypeError:
        items = ()
    if len(items) not in (3, 4):
        raise TypeError("vigil: a bearing is a Bearing, a string 'n=9,d=..,D=..,angle=..', "
                        "(n, d, D[, angle]) or a dict, got %r" % (bearing,))
    return Bearing(*items)
