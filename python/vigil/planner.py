"""How the library plans its FFTs, and FFTW wisdom (include/vigil/planner.h).

``"estimate"`` (the default) gives the same plans, so the same feature rows to the bit, in every
process; ``"measure"`` times candidate algorithms for faster transforms, and wisdom exported by
one process and imported by the others of the same machine makes them share those plans. The
mode applies to extractors created afterwards, process-wide.
"""

import ctypes

from ._lib import lib
from .errors import Status, VigilError
from .parse import _text

_MODES = {"estimate": 0, "measure": 1}


def set_planner(mode):
    """Plan the FFTs of objects created from now on with ``"estimate"`` or ``"measure"``."""
    if mode not in _MODES:
        raise ValueError("vigil: planner mode must be 'estimate' or 'measure', not %r" % (mode,))
    lib.vigil_planner_set_mode(_MODES[mode])


def planner():
    """The planner mode in force: ``"estimate"`` or ``"measure"``."""
    return lib.vigil_planner_mode_name(lib.vigil_planner_mode()).decode("ascii")


def import_wisdom(text):
    """Add FFTW wisdom text (from :func:`export_wisdom`) to this process's wisdom."""
    lib.vigil_planner_import_wisdom(_text(text, "wisdom"))


def export_wisdom():
    """This process's FFTW wisdom as text."""
    size = ctypes.c_size_t()
    try:
        lib.vigil_planner_export_wisdom(None, 0, ctypes.byref(size))
    except VigilError as e:  # ESPACE, with the size in `size`
        if e.code != Status.ESPACE:
            raise
    buf = ctypes.create_string_buffer(size.value + 1)
    lib.vigil_planner_export_wisdom(buf, len(buf), None)
    return buf.value.decode("ascii")


def import_wisdom_file(path):
    """:func:`import_wisdom` from a file."""
    lib.vigil_planner_import_wisdom_file(_text(str(path), "path"))


def export_wisdom_file(path):
    """:func:`export_wisdom` to a file (created or replaced)."""
    lib.vigil_planner_export_wisdom_file(_text(str(path), "path"))


def forget_wisdom():
    """Forget all FFTW wisdom of this process."""
    lib.vigil_planner_forget_wisdom()
