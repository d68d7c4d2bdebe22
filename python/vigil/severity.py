"""Vibration severity (include/vigil/severity.h): ISO 10816-3 / 20816-3 zones of a velocity RMS,
their boundaries, and the spellings of sample units and machine classes the binding accepts.

The zone table lives in the C library; these functions only ask it.
"""

import ctypes
import enum

from ._lib import lib
from .errors import VigilError


class Units(enum.IntEnum):
    """Unit of acceleration samples (``enum vigil_units``)."""

    G = 1     #: standard gravity, 9.80665 m/s^2
    M_S2 = 2  #: metres per second squared


class MachineClass(enum.IntEnum):
    """ISO 10816-3 machine class (``enum vigil_machine_class``): group 1 is 300 kW-50 MW,
    group 2 is 15-300 kW; rigid or flexible foundation."""

    GROUP1_RIGID = 1
    GROUP1_FLEXIBLE = 2
    GROUP2_RIGID = 3
    GROUP2_FLEXIBLE = 4


#: Zone letters by zone number (1..4): A new machine, B unrestricted long-term operation,
#: C restricted operation (plan maintenance), D damage likely.
#: (the library's names, vigil_zone_name)
ZONE_LETTERS = {z: lib.vigil_zone_name(z).decode() for z in range(1, 5)}


def _parsed(parse, s):
    """The library's parse of a spelling (vigil_units_parse, ...), None if unknown."""
    try:
        return parse(s.encode("utf-8"))
    except VigilError:
        return None


def units_arg(units):
    """Return the C value of ``units``: ``"g"``, ``"m/s2"`` (or ``"m/s^2"``) or a
    :class:`Units` member. Raises ``ValueError`` for anything else."""
    if isinstance(units, str):
        v = _parsed(lib.vigil_units_parse, units)
        if v is not None:
            return v
    elif isinstance(units, int) and not isinstance(units, bool) and units in set(Units):
        return int(units)
    raise ValueError("vigil: units must be 'g' or 'm/s2', got %r" % (units,))


def machine_class_arg(machine_class):
    """Return the C value of ``machine_class``: ``"1r"``, ``"1f"``, ``"2r"``, ``"2f"`` (the
    command's --class spellings: group 1 or 2, rigid or flexible) or a :class:`MachineClass`
    member. Raises ``ValueError`` for anything else."""
    if isinstance(machine_class, str):
        v = _parsed(lib.vigil_machine_class_parse, machine_class)
        if v is not None:
            return v
    elif isinstance(machine_class, int) and not isinstance(machine_class, bool) \
            and machine_class in set(MachineClass):
        return int(machine_class)
    raise ValueError("vigil: machine_class must be '1r', '1f', '2r' or '2f', got %r"
                     % (machine_class,))


def severity_zone(velocity_mm_s, machine_class="2r"):
    """ISO 10816-3 zone of a broadband (10-1000 Hz) velocity RMS.

    Args:
        velocity_mm_s: velocity RMS in mm/s (finite, >= 0).
        machine_class: ``"1r"``, ``"1f"``, ``"2r"`` (default: 15-300 kW, rigid) or ``"2f"``, or
            a :class:`MachineClass`.

    Returns:
        1..4 for zones A..D (:data:`ZONE_LETTERS`); a value equal to a boundary belongs to the
        lower zone.

    Raises:
        VigilError: ``Status.EINVAL`` for a negative or non-finite velocity.
    """
    return lib.vigil_severity_zone(float(velocity_mm_s), machine_class_arg(machine_class))


def severity_limits(machine_class="2r"):
    """The zone boundaries A/B, B/C, C/D of a machine class, in mm/s, as a tuple of 3 floats
    (e.g. ``(1.4, 2.8, 4.5)`` for ``"2r"``)."""
    c = machine_class_arg(machine_class)
    v = ctypes.c_double()
    out = []
    for boundary in (1, 2, 3):
        lib.vigil_severity_limit(c, boundary, ctypes.byref(v))
        out.append(v.value)
    return tuple(out)
