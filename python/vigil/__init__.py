"""vigil: streaming vibration features for predictive maintenance, from Python.

A pure-Python (ctypes) binding of the vigil C library: every number is computed by libvigil,
so results equal those of the ``vigil`` command bit for bit.

Quick start::

    import vigil
    rec = vigil.read_csv("datasets/demo/outer_race.csv.gz")
    cols = vigil.features(rec["de"], rate=12000, frame=4096, bands="0-500,2000-4000")
    print(cols["kurtosis"])

Diagnostics::

    d = vigil.diagnose(rec["de"], rate=12000, shaft_hz=1797 / 60,
                       bearing="n=9,d=0.3126,D=1.537,angle=0")
    print(d["fault"], d["reason"])

Results are numpy arrays when numpy is installed, lists otherwise (``vigil.HAVE_NUMPY``).

The shared library is found through ``$VIGIL_LIB``, then this checkout's ``build*/lib``, then the
system (see :mod:`vigil._lib`); its version is checked at import (ImportError if incompatible).
Failures of C calls raise :class:`VigilError` with the library's message and status code.
"""

from . import _lib
from ._buffers import HAVE_NUMPY
from ._lib import last_error, strerror
from .alarm import Alarm, health
from .bearing import DEFECTS, Bearing, bearing_frequencies, parse_bearing
from .diagnose import FAULTS, Diagnosis, diagnose
from .drift import Drift, DriftFlag
from .errors import Status, VigilError
from .features import FeatureExtractor, features
from .machine import Machine  # issue 16
from .monitor import STATES, Detector, Direction, Monitor, monitor_rows
from .parse import parse_bands, parse_number, parse_time
from .pipeline import Pipeline
from .planner import (export_wisdom, export_wisdom_file, forget_wisdom, import_wisdom,
                      import_wisdom_file, planner, set_planner)
from .prognosis import (MODELS as PROGNOSIS_MODELS, REASONS as PROGNOSIS_REASONS, Prior,
                        Prognoser, monitor_estimate, snapshot_index)
from .reader import Reader, read_csv
from .rul import remaining_life
from .severity import MachineClass, Units, severity_limits, severity_zone

#: Version of the loaded libvigil ("MAJOR.MINOR.PATCH"); binding and library ship together.
__version__ = _lib.version

#: Path or name the shared library was loaded from.
library_path = _lib.path

__all__ = [
    "Alarm", "Bearing", "DEFECTS", "Detector", "Diagnosis", "Direction", "Drift", "DriftFlag",
    "FAULTS", "FeatureExtractor", "HAVE_NUMPY", "Machine", "MachineClass", "Monitor", "Pipeline", "Reader", "STATES",
    "Status", "Units", "VigilError", "bearing_frequencies", "diagnose", "features", "health",
    "last_error", "library_path", "monitor_rows", "parse_bands", "parse_bearing",
    "parse_number", "parse_time", "read_csv", "remaining_life", "severity_limits",
    "severity_zone", "strerror",
    # planner (issue 18)
    "export_wisdom", "export_wisdom_file", "forget_wisdom", "import_wisdom",
    "import_wisdom_file", "planner", "set_planner",
    # prognosis (issue 15)
    "PROGNOSIS_MODELS", "PROGNOSIS_REASONS", "Prior", "Prognoser", "monitor_estimate",
    "snapshot_index",
]
