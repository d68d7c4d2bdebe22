"""The pipeline specification (include/vigil/pipeline.h): every setting that rebuilds a channel's
feature rows and its monitor, as one value the C library parses, prints, checks and saves with a
model. Every host (the ``vigil`` command, the gateway, this binding) builds from it, so a model
trained by any of them is scored the same way by the others.

>>> p = vigil.Pipeline(rate=12000, frame=1024, orders="on")
>>> p["monitor.detector"] = "zscore"
>>> print(p)              # the canonical text form, only keys that differ from the defaults
>>> ex = p.extractor()    # a FeatureExtractor
>>> m = p.monitor()       # a Monitor of its rows, which saves this specification
"""

import ctypes

from ._handle import CObject
from ._lib import PipelineP, lib
from .parse import _text

#: vigil_pipeline_print() flag: every key, defaults included.
PRINT_ALL = 1


def keys():
    """``[(key, default, doc)]`` of every key, in the order of the text form."""
    return [(lib.vigil_pipeline_key_name(i).decode(), lib.vigil_pipeline_key_default(i).decode(),
             lib.vigil_pipeline_key_doc(i).decode())
            for i in range(lib.vigil_pipeline_key_count())]


def _value_text(value):
    """A Python value as the text form spells it: True/False are on/off, numbers exact."""
    if isinstance(value, bool):
        return "on" if value else "off"
    if isinstance(value, float):
        return "%.17g" % value
    return str(value)


class Pipeline(CObject):
    """A pipeline specification (``vigil_pipeline``).

    Args:
        text: the text form (``key = value`` lines, ``#`` comments), or None for the defaults.
        **values: keys to set after the text, e.g. ``rate=12000`` or
            ``**{"shaft.hz": 29.95, "monitor.detector": "pca"}``.

    Raises:
        VigilError: ``Status.EINVAL`` with a message naming the key (and the line of the text).
    """

    _destroy = "vigil_pipeline_destroy"

    def __init__(self, text=None, origin=None, **values):
        self._ptr = None
        ptr = PipelineP()
        if text is None:
            lib.vigil_pipeline_create(ctypes.byref(ptr))
        else:
            b = _text(text, "pipeline text")
            lib.vigil_pipeline_parse(b, len(b), _text(origin, "origin") if origin else None,
                                     ctypes.byref(ptr))
        self._ptr = ptr
        try:
            for key, value in values.items():
                self[key] = value
            if values:
                lib.vigil_pipeline_check(ptr)
        except BaseException:
            self.close()
            raise

    @classmethod
    def _adopt(cls, ptr):
        p = cls.__new__(cls)
        p._ptr = ptr
        return p

    @classmethod
    def load(cls, path):
        """Parse a specification file (``vigil train --spec FILE`` takes the same files)."""
        ptr = PipelineP()
        lib.vigil_pipeline_load_file(_text(path, "path"), ctypes.byref(ptr))
        return cls._adopt(ptr)

    def copy(self):
        ptr = PipelineP()
        lib.vigil_pipeline_copy(self._handle(), ctypes.byref(ptr))
        return Pipeline._adopt(ptr)

    def __setitem__(self, key, value):
        lib.vigil_pipeline_set(self._handle(), _text(key, "key"), _text(_value_text(value),
                                                                        "value"))

    def __getitem__(self, key):
        buf = ctypes.create_string_buffer(4097)
        lib.vigil_pipeline_get(self._handle(), _text(key, "key"), buf, len(buf), None)
        return buf.value.decode("utf-8")

    def number(self, key):
        """A numeric key's value as a float (``hop = frame`` gives the frame, ``on`` 1, ...)."""
        v = ctypes.c_double()
        lib.vigil_pipeline_number(self._handle(), _text(key, "key"), ctypes.byref(v))
        return v.value

    def is_default(self, key):
        return bool(lib.vigil_pipeline_is_default(self._handle(), _text(key, "key")))

    def check(self):
        """Check the keys against each other (``VigilError`` naming the key)."""
        lib.vigil_pipeline_check(self._handle())

    def text(self, all_keys=False):
        """The canonical text form (every key with ``all_keys``, else the changed ones)."""
        n = ctypes.c_size_t()
        flags = PRINT_ALL if all_keys else 0
        try:
            lib.vigil_pipeline_print(self._handle(), flags, None, 0, ctypes.byref(n))
        except Exception:  # VIGIL_ESPACE: n holds the length
            pass
        buf = ctypes.create_string_buffer(n.value + 1)
        lib.vigil_pipeline_print(self._handle(), flags, buf, len(buf), ctypes.byref(n))
        return buf.value.decode("utf-8")

    def __str__(self):
        return self.text()

    def __eq__(self, other):
        return isinstance(other, Pipeline) and self.text(True) == other.text(True)

    def __repr__(self):
        if not self._ptr:
            return "<vigil.Pipeline (closed)>"
        return "<vigil.Pipeline %s>" % ", ".join(
            line.replace(" = ", "=") for line in self.text().splitlines()[1:])

    @property
    def rows(self):
        """True for precomputed feature rows (``source = rows``), False for samples."""
        return bool(lib.vigil_pipeline_rows(self._handle()))

    def extractor(self):
        """A :class:`vigil.FeatureExtractor` built as the specification says."""
        from .features import FeatureExtractor
        return FeatureExtractor.from_pipeline(self)

    def monitor(self, names=None):
        """A :class:`vigil.Monitor` built as the specification says (``names``: the columns of
        a rows source; None for samples, whose columns are the extractor's)."""
        from .monitor import Monitor
        return Monitor.from_pipeline(self, names)
