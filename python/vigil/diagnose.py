"""Per-recording diagnosis of a rotating machine (include/vigil/diagnose.h): the streaming
:class:`Diagnosis` and the one-call :func:`diagnose`.

Which fault (outer race, inner race, ball, cage, imbalance, none, or inconclusive with the part
the strongest evidence points to), how severe (ISO zone), with what confidence and evidence, and
why, decided by the C library from the averaged envelope spectrum (rules in
docs/DIAGNOSTICS.md), so results equal those of ``vigil diagnose``.
"""

import ctypes

from . import _buffers
from ._lib import DiagnosisP, DoubleP, lib
from ._handle import CObject
from .bearing import DEFECTS, bearing_arg
from .errors import Status, VigilError
from .features import envelope_band, shaft_range_arg
from .severity import ZONE_LETTERS, machine_class_arg, units_arg

#: Fault labels in the library's order (``enum vigil_fault``): index = the C label.
FAULTS = tuple(lib.vigil_fault_name(i).decode("ascii") for i in range(7))

#: Kinds of a line that is no bearing line (``enum vigil_line_kind``): index = the C value.
LINE_KINDS = tuple(lib.vigil_line_kind_name(i).decode("ascii") for i in range(4))

#: The bearing faults that have evidence lines (``vigil_diagnosis_evidence``).
BEARING_FAULTS = FAULTS[1:5]

#: Names of the scalars of a decision (``enum vigil_diag_value``), index = the C key.
VALUES = ("frames", "shaft_hz", "velocity_rms_mm_s", "iso_zone", "order_1x", "order_2x",
          "order_3x", "order_1x_velocity", "band_lo", "band_hi", "confidence", "candidate",
          "strength", "support", "shaft_confidence", "shaft_alt", "shaft_alt_share", "other_hz",
          "other_prom", "other_kind", "spectrum_hz", "spectrum_prom", "spectrum_kind")

_FRAME_MAX = 1 << 20  # VIGIL_FRAME_MAX


def default_frame(rate):
    """The frame length ``vigil diagnose`` uses by default: the smallest power of two >= rate
    (envelope-spectrum bins of at most 1 Hz), from 16 up to 2**20."""
    n = 16
    while n < rate and n < _FRAME_MAX:
        n *= 2
    return n


def _defect_index(defect):
    if isinstance(defect, str):
        try:
            return DEFECTS.index(defect)
        except ValueError:
            raise ValueError("vigil: defect must be one of %s, got %r"
                             % (", ".join(DEFECTS), defect)) from None
    return int(defect)


class Diagnosis(CObject):
    """Streaming diagnosis of one accelerometer recording (``vigil_diagnosis``).

    Push the recording's samples in chunks of any size (:meth:`push`), then :meth:`decide`; the
    result is the same for any chunking. Frames are ``frame`` samples with a hop of half a frame,
    Hann-windowed; the envelope spectra of all frames are averaged before lines are measured.

    Args:
        rate: sample rate in Hz (finite, > 0).
        bearing: geometry of the bearing: a :class:`vigil.Bearing`,
            ``"n=9,d=0.3126,D=1.537,angle=0"``, ``(n, d, D[, angle])`` or a dict (required).
        frame: frame length in samples (16 .. 2**20); ``None`` takes the smallest power of two
            >= rate (bins of at most 1 Hz), as ``vigil diagnose`` does.
        shaft_hz: shaft rate in Hz (0 < f < rate/2); ``None`` or 0 estimates it from the
            recording's mean amplitude spectrum (docs/DIAGNOSTICS.md, "Shaft-rate estimate"):
            give the rate whenever it is known, or at least ``shaft_range``.
        shaft_range: where the estimate looks for the 1x line, ``"LO-HI"`` or ``(lo, hi)`` in
            Hz (e.g. ``(28, 30.5)`` for a 4-pole motor on 60 Hz); ``None``: 5-100 Hz.
        band: demodulation band: ``"full"`` (default: the whole spectrum, prewhitened),
            ``"auto"`` (spectral-kurtosis choice per frame), ``"LO-HI"`` or ``(lo, hi)`` in Hz.
        units: unit of the samples, ``"g"`` (default) or ``"m/s2"``; enables the velocity RMS,
            the ISO zone and the imbalance rule. ``None`` disables them (velocity and zone 0).
        machine_class: ISO 10816-3 class ``"1r"``, ``"1f"``, ``"2r"`` (default) or ``"2f"``.
        hop: samples between frame starts, 1..frame; ``None``: half a frame.

    Raises:
        VigilError: a setting out of range (the message says which).
        ValueError, TypeError: a spelling the binding does not know.

    Use it as a context manager, or call :meth:`close`, to free the C object at once. One
    diagnosis must not be used by two threads at once; distinct ones may run in parallel.
    """

    _destroy = "vigil_diagnosis_destroy"

    def __init__(self, rate, bearing, frame=None, shaft_hz=None, band="full", units="g",
                 machine_class="2r", shaft_range=None, hop=None):
        self._ptr = None
        b = bearing_arg(bearing)
        pair = envelope_band(band)
        shaft_lo, shaft_hi = shaft_range_arg(shaft_range)
        u = None if units is None else units_arg(units)
        c = machine_class_arg(machine_class)
        n = default_frame(float(rate)) if frame is None else _buffers.size_arg(frame, "frame")
        ptr = DiagnosisP()
        lib.vigil_diagnosis_create(float(rate), n, ctypes.byref(ptr))
        self._ptr = ptr
        try:
            if hop is not None:
                lib.vigil_diagnosis_set_hop(ptr, _buffers.size_arg(hop, "hop"))
            lib.vigil_diagnosis_set_bearing(ptr, b.n, b.d, b.D, b.angle)
            lib.vigil_diagnosis_set_shaft_hz(ptr, float(shaft_hz or 0.0))
            lib.vigil_diagnosis_set_shaft_range(ptr, shaft_lo, shaft_hi)
            if pair is not None:
                lib.vigil_diagnosis_set_band(ptr, pair[0], pair[1])
            if u is not None:
                lib.vigil_diagnosis_set_severity(ptr, u, c)
        except BaseException:
            self.close()
            raise
        self._bearing, self._frame, self._rate = b, n, float(rate)
        self._fault = None

    # -- life cycle ---------------------------------------------------------------------------

    def reset(self):
        """Forget the pushed samples and the decision, keeping the configuration: the next
        recording can be pushed."""
        lib.vigil_diagnosis_reset(self._handle())
        self._fault = None

    # -- configuration (read-only) ------------------------------------------------------------
    @property
    def bearing(self):
        """The bearing geometry (a :class:`vigil.Bearing`)."""
        return self._bearing

    @property
    def rate(self):
        """Sample rate in Hz."""
        return self._rate

    @property
    def frame(self):
        """Frame length in samples (the hop is half of it)."""
        return self._frame

    # -- data and decision --------------------------------------------------------------------
    def push(self, x):
        """Feed samples of the recording (any chunk size).

        Args:
            x: samples in the configured units: a numpy array (contiguous float64 or float32
               is used without a copy; other dtypes are converted), ``array.array``, a list, or any
               iterable of numbers.

        Raises:
            VigilError: ``Status.ENONFINITE`` if a sample is NaN or infinite (the chunk is
                rejected whole, nothing pushed before is lost).
            TypeError, ValueError: ``x`` is not a 1-D run of real numbers.
        """
        s = _buffers.samples(x)
        push = lib.vigil_diagnosis_push_f32 if s.f32 else lib.vigil_diagnosis_push
        push(self._handle(), s.pointer(), s.n)

    def decide(self):
        """Decide from the frames pushed so far (may be called again after more pushes).

        Returns:
            The fault name: one of :data:`FAULTS` (``"normal"``, ``"outer_race"``,
            ``"inner_race"``, ``"ball"``, ``"cage"``, ``"imbalance"``, ``"inconclusive"``: a
            bearing line above the noise that does not name a part; ``result()["candidate"]``
            says which part it points to).

        Raises:
            VigilError: ``Status.ENODATA`` when no complete frame was pushed yet.
        """
        self._fault = FAULTS[lib.vigil_diagnosis_decide(self._handle())]
        return self._fault

    @property
    def fault(self):
        """The fault name of the last :meth:`decide`, or ``None`` before it."""
        self._handle()
        return self._fault

    @property
    def reason(self):
        """Why the last decision was made: one English sentence group naming the deciding line,
        its prominence and the severity ("" before the first decision)."""
        return lib.vigil_diagnosis_reason(self._handle()).decode("utf-8", "replace")

    def line(self, defect, harmonic=1):
        """One line of the averaged envelope spectrum measured at the last decision.

        Args:
            defect: ``"ftf"``, ``"bpfo"``, ``"bpfi"``, ``"bsf"`` or its index 0..3.
            harmonic: 1, 2 or 3.

        Returns:
            ``{"freq": Hz, "amp": envelope amplitude (unitless, prewhitened), "prom":
            amplitude / local floor (1 = no line; 3 is the decision threshold)}``.

        Raises:
            VigilError: ``Status.ESTATE`` before :meth:`decide`; ``Status.EINVAL`` for a
                harmonic out of 1..3.
            ValueError: unknown defect name.
        """
        f, a, p = ctypes.c_double(), ctypes.c_double(), ctypes.c_double()
        lib.vigil_diagnosis_line(self._handle(), _defect_index(defect), int(harmonic),
                                 ctypes.byref(f), ctypes.byref(a), ctypes.byref(p))
        return {"freq": f.value, "amp": a.value, "prom": p.value}

    def envelope_spectrum(self):
        """The averaged envelope spectrum of the frames pushed so far (the one the decision
        measures its lines in; no decision needed).

        Returns:
            ``(freqs, amps)``: bin frequencies k * rate / frame in Hz and the mean envelope
            amplitudes (unitless with the default prewhitening), k = 0 .. frame/2; numpy arrays
            when numpy is present, else lists.

        Raises:
            VigilError: ``Status.ENODATA`` before the first complete frame.
        """
        ptr = self._handle()
        nb = self._frame // 2 + 1
        amps, address = _buffers.matrix(1, nb)
        df = ctypes.c_double()
        lib.vigil_diagnosis_envelope_spectrum(ptr, ctypes.cast(address, DoubleP), nb, None,
                                              ctypes.byref(df))
        if _buffers.numpy is not None:
            return _buffers.numpy.arange(nb) * df.value, amps[0]
        return [k * df.value for k in range(nb)], amps.tolist()

    def defect_frequencies(self):
        """The frequencies the last decision looked for lines at: ``{"shaft_hz": fr, "ftf": Hz,
        "bpfo": Hz, "bpfi": Hz, "bsf": Hz}`` (fundamentals; the shaft rate given or
        estimated).

        Raises:
            VigilError: ``Status.ESTATE`` before :meth:`decide`.
        """
        out = {"shaft_hz": self.values()["shaft_hz"]}
        for i, q in enumerate(DEFECTS):
            out[q] = self.line(i, 1)["freq"]
        return out

    def evidence(self, fault=None):
        """The evidence lines measured at the last decision (``vigil_diagnosis_evidence``).

        Args:
            fault: ``"outer_race"``, ``"inner_race"``, ``"ball"`` or ``"cage"``; ``None``: all.

        Returns:
            A list of ``{"name", "freq", "prom", "threshold"}`` (the primary line first, then
            its harmonics and sidebands), or ``{fault: list}`` for ``fault=None``.

        Raises:
            VigilError: ``Status.ESTATE`` before :meth:`decide`.
            ValueError: an unknown fault name.
        """
        if fault is None:
            return {f: self.evidence(f) for f in BEARING_FAULTS}
        if fault not in BEARING_FAULTS:
            raise ValueError("vigil: fault must be one of %s, got %r"
                             % (", ".join(BEARING_FAULTS), fault))
        ptr = self._handle()
        out = []
        f, p, t, name = ctypes.c_double(), ctypes.c_double(), ctypes.c_double(), ctypes.c_char_p()
        count, i = 1, 0
        while i < count:  # the call returns the fault's number of lines
            count = lib.vigil_diagnosis_evidence(ptr, FAULTS.index(fault), i, ctypes.byref(f),
                                                 ctypes.byref(p), ctypes.byref(t),
                                                 ctypes.byref(name))
            out.append({"name": name.value.decode("ascii"), "freq": f.value, "prom": p.value,
                        "threshold": t.value})
            i += 1
        return out

    def lines(self):
        """Every line of the last decision: ``{"bpfo_h1": {"freq", "amp", "prom"}, ...}`` for the
        4 defects x harmonics 1-3, in the order of ``vigil diagnose``'s columns."""
        return {"%s_h%d" % (q, h): self.line(i, h)
                for i, q in enumerate(DEFECTS) for h in (1, 2, 3)}

    def values(self):
        """The scalars of the last decision, ``{name: float}`` with the names of :data:`VALUES`:
        frames averaged, shaft rate used (Hz), velocity RMS 10-1000 Hz (mm/s), ISO zone 1..4 (0
        without severity), mean order amplitudes 1x-3x (input units, peak), the 1x line as
        velocity RMS (mm/s), and the demodulation band of the last frame (Hz).

        Raises:
            VigilError: ``Status.ESTATE`` before :meth:`decide` (the library would report
                zeros).
        """
        ptr = self._handle()
        if self._fault is None:
            raise VigilError(Status.ESTATE, "call decide() first", "Diagnosis.values")
        return {name: lib.vigil_diagnosis_value(ptr, k) for k, name in enumerate(VALUES)}

    def result(self):
        """The last decision as one flat dict, the fields of a ``vigil diagnose`` row and more:
        ``fault``, ``shaft_hz``, ``frames`` (int), ``<defect>_h<k>_freq``, ``_amp``, ``_prom``
        for each defect and harmonic, ``order_1x`` .. ``order_3x``, ``order_1x_velocity``,
        ``velocity_rms_mm_s``, ``iso_zone`` (int 1..4, 0 without severity), ``iso_letter``
        ("A".."D", "-" without severity), ``band_lo``, ``band_hi``, ``confidence`` (0-1),
        ``candidate`` (fault name), ``strength``, ``support`` (int), ``shaft_confidence``,
        ``shaft_alt``, ``shaft_alt_share``, ``other_hz``/``_prom``/``_kind`` (strongest
        non-bearing envelope line), ``spectrum_hz``/``_prom``/``_kind`` (largest spectrum line),
        ``evidence`` (:meth:`evidence`), ``reason``.

        Raises:
            VigilError: ``Status.ESTATE`` before :meth:`decide`.
        """
        v = self.values()
        out = {"fault": self._fault, "shaft_hz": v["shaft_hz"], "frames": int(v["frames"])}
        for key, line in self.lines().items():
            for field in ("freq", "amp", "prom"):
                out["%s_%s" % (key, field)] = line[field]
        for key in ("order_1x", "order_2x", "order_3x", "order_1x_velocity",
                    "velocity_rms_mm_s"):
            out[key] = v[key]
        zone = int(v["iso_zone"])
        out["iso_zone"] = zone
        out["iso_letter"] = ZONE_LETTERS.get(zone, "-")
        out["band_lo"], out["band_hi"] = v["band_lo"], v["band_hi"]
        out["confidence"] = v["confidence"]
        out["candidate"] = FAULTS[int(v["candidate"])]
        out["strength"] = v["strength"]
        out["support"] = int(v["support"])
        out["shaft_confidence"] = v["shaft_confidence"]
        out["shaft_alt"], out["shaft_alt_share"] = v["shaft_alt"], v["shaft_alt_share"]
        for key in ("other", "spectrum"):
            out[key + "_hz"], out[key + "_prom"] = v[key + "_hz"], v[key + "_prom"]
            out[key + "_kind"] = LINE_KINDS[int(v[key + "_kind"])]
        out["evidence"] = self.evidence()
        out["reason"] = self.reason
        return out

    def __repr__(self):
        if not self._ptr:
            return "<vigil.Diagnosis (closed)>"
        return "<vigil.Diagnosis rate=%g frame=%d bearing=%s fault=%s>" % (
            self._rate, self._frame, self._bearing, self._fault)


def diagnose(x, rate, shaft_hz, bearing, units="g", machine_class="2r", band="full",
             frame=None, shaft_range=None):
    """Diagnose one recording at once (what ``vigil diagnose`` prints for a file).

    Args:
        x: samples of one accelerometer channel (see :meth:`Diagnosis.push`).
        rate: sample rate in Hz.
        shaft_hz: shaft rate in Hz (rpm / 60); ``None`` or 0 estimates it from the spectrum.
        bearing: a :class:`vigil.Bearing`, ``"n=9,d=0.3126,D=1.537,angle=0"``,
            ``(n, d, D[, angle])`` or a dict.
        units: ``"g"`` (default) or ``"m/s2"``; ``None`` skips severity and the imbalance rule.
        machine_class: ``"1r"``, ``"1f"``, ``"2r"`` (default) or ``"2f"`` (ISO 10816-3).
        band: ``"full"`` (default), ``"auto"``, ``"LO-HI"`` or ``(lo, hi)`` in Hz.
        frame: frame length; ``None``: the smallest power of two >= rate.
        shaft_range: ``"LO-HI"`` or ``(lo, hi)`` in Hz: where an estimated shaft rate is
            looked for; ``None``: 5-100 Hz.

    Returns:
        The dict of :meth:`Diagnosis.result` (``fault``, ``reason``, every line's frequency,
        amplitude and prominence, orders, velocity RMS, ISO zone, ...).

    Raises:
        VigilError: bad settings, a NaN/infinite sample, or ``Status.ENODATA`` when ``x`` is
            shorter than one frame.
    """
    with Diagnosis(rate, bearing, frame, shaft_hz, band, units, machine_class, shaft_range) as d:
        d.push(x)
        d.decide()
        return d.result()
