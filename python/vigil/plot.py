"""Pictures of vigil's numbers (matplotlib, optional: Debian's python3-matplotlib).

Three plots, each drawn from the library's own results and nothing else:

- :func:`health_trend`: the anomaly score against its threshold, the warn and alarm periods and
  the state changes, the health index, and the remaining life with its interval when the
  results carry one (``rul``, ``rul_lo``, ``rul_hi`` columns);
- :func:`envelope_spectrum`: the averaged envelope spectrum of a :class:`vigil.Diagnosis` with
  the bearing's defect frequencies (FTF, BPFO, BPFI, BSF) and their harmonics where the
  diagnosis measured them;
- :func:`feature_trends`: feature columns over a history (:func:`vigil.features` output, or
  any dict of columns).

Each returns a :class:`matplotlib.figure.Figure` and, given ``path``, also saves it (the format
from the file name: ``.png``, ``.svg``, ``.pdf``). The figures are made without ``pyplot``, so
they never open a window, need no display and leave pyplot's global state alone; show one in a
notebook by returning it from a cell. ``examples/python/plots.py`` makes PNGs from the demo data
and from a PRONOSTIA history; ``docs/img/make.sh`` regenerates the README's pictures.

Importing this module does not need matplotlib; calling a plot without it raises ImportError
with the package to install.
"""

import math

from .diagnose import Diagnosis

__all__ = ["health_trend", "envelope_spectrum", "feature_trends", "state_periods"]

#: Colours of the states (the warn/alarm periods, the state line) and of the defect markers.
STATE_COLORS = {"learning": "#bdbdbd", "ok": "#4caf50", "warn": "#ff9800", "alarm": "#d32f2f"}
DEFECT_COLORS = {"ftf": "#7b1fa2", "bpfo": "#d32f2f", "bpfi": "#1565c0", "bsf": "#2e7d32"}
DEFECT_LABELS = {"ftf": "FTF (cage)", "bpfo": "BPFO (outer race)", "bpfi": "BPFI (inner race)",
                 "bsf": "BSF (ball)"}


def _figure(nrows, height, width=8.0, sharex=True, ratios=None):
    try:
        from matplotlib.figure import Figure
    except ImportError as e:  # pragma: no cover - depends on the machine
        raise ImportError("vigil.plot needs matplotlib (Debian: apt-get install "
                          "python3-matplotlib)") from e
    fig = Figure(figsize=(width, height), layout="constrained")
    kw = {"height_ratios": ratios} if ratios else {}
    axes = fig.subplots(nrows, 1, sharex=sharex, squeeze=False, gridspec_kw=kw)[:, 0]
    return fig, list(axes)


def _finish(fig, path, dpi):
    if path is not None:
        fig.savefig(path, dpi=dpi)
    return fig


def _floats(values):
    return [float(v) for v in values]


def state_periods(t, state):
    """Runs of one state: a list of ``(state, t_first, t_last)`` in time order, from per-row
    times and state names (what :func:`health_trend` shades)."""
    out = []
    for ti, s in zip(_floats(t), state):
        if out and out[-1][0] == s:
            out[-1][2] = ti
        else:
            out.append([s, ti, ti])
    return [tuple(p) for p in out]


def _time_axis(t, time_unit):
    scale = {"s": 1.0, "min": 60.0, "h": 3600.0, "d": 86400.0}
    if time_unit not in scale:
        raise ValueError("vigil: time_unit must be one of s, min, h, d, got %r" % (time_unit,))
    return [v / scale[time_unit] for v in _floats(t)], scale[time_unit]


def health_trend(result, *, events=None, title=None, time_unit="s", log_score=None, path=None,
                 dpi=100, max_events=20):
    """The score against its threshold, the warn/alarm periods and state changes, the health
    index, and the remaining life with its interval.

    Args:
        result: per-row columns as :meth:`vigil.Monitor.score` and :func:`vigil.monitor_rows`
            return them: ``t`` (seconds), ``score``, ``threshold``, ``health``, ``state``; with
            ``rul``, ``rul_lo``, ``rul_hi`` (seconds; NaN where there is no estimate, those rows
            are left out) a third panel shows the remaining life and its interval.
        events: state changes ``[{"t", "from", "to", "kind", "onset"}, ...]``
            (:meth:`vigil.Monitor.events`); ``None`` takes ``result["events"]`` when present.
            A change to warn or alarm also marks its episode's onset (dash-dotted, once per
            onset); a ``"transient"`` event is a triangle at the top. Drawn as dotted vertical lines
            when there are at most ``max_events`` (more would hide the trend; the shaded
            periods show the same changes).
        title: the figure's title.
        time_unit: unit of the time axis: ``"s"``, ``"min"``, ``"h"`` or ``"d"`` (the RUL panel
            uses the same unit).
        log_score: logarithmic score axis; ``None`` chooses it when the scores span more than
            two decades.
        path: save the figure there too.
        dpi: resolution when saving.

    Returns:
        The :class:`matplotlib.figure.Figure`. Its lines carry labels (``"score"``,
        ``"threshold"``, ``"health"``, ``"RUL"``) and their data are the result's own numbers.
    """
    t, scale = _time_axis(result["t"], time_unit)
    score = _floats(result["score"])
    thr = _floats(result["threshold"])
    health = _floats(result["health"])
    state = list(result["state"])
    if not (len(t) == len(score) == len(thr) == len(health) == len(state)):
        raise ValueError("vigil: the result's columns differ in length")
    if events is None:
        events = result.get("events", [])
    has_rul = "rul" in result
    nrows = 3 if has_rul else 2
    fig, axes = _figure(nrows, 2.2 * nrows + 0.8, ratios=[2, 1, 1.4][:nrows])
    ax = axes[0]

    # warn and alarm periods first, so the lines are drawn over them; a state holds from its
    # first row until the next state's first row (the last period ends at the last row)
    periods = state_periods(t, state)
    labelled = set()
    for i, (s, a, b) in enumerate(periods):
        if s in ("warn", "alarm"):
            end = periods[i + 1][1] if i + 1 < len(periods) else b
            for x in axes:
                x.axvspan(a, end, color=STATE_COLORS[s], alpha=0.18, lw=0,
                          label=s if x is ax and s not in labelled else None)
            labelled.add(s)
    ax.plot(t, score, color="#263238", lw=1.0, label="score")
    ax.plot(t, thr, color="#d32f2f", lw=1.2, ls="--", label="threshold", drawstyle="steps-post")
    finite = [v for v in score if v > 0 and math.isfinite(v)]
    if log_score is None:
        log_score = bool(finite) and max(finite) > 100.0 * max(min(finite), 1e-300)
    if log_score:
        ax.set_yscale("log")
    ax.set_ylabel("anomaly score")
    onsets = set()
    for e in events if len(events) <= max_events else ():
        if e.get("kind") == "transient":  # a burst that cleared by itself: a mark, no period
            ax.plot([float(e["t"]) / scale], [1.0], marker="v", ms=7, color="#6d4c41",
                    transform=ax.get_xaxis_transform(), clip_on=False, ls="none",
                    label=None if "transient" in labelled else "transient event")
            labelled.add("transient")
            continue
        ax.axvline(float(e["t"]) / scale, color=STATE_COLORS.get(e["to"], "k"), lw=1.0, ls=":",
                   label=None if ("to", e["to"]) in labelled else "change to %s" % e["to"])
        labelled.add(("to", e["to"]))
        onset = float(e.get("onset", math.nan))
        if e["to"] in ("warn", "alarm") and math.isfinite(onset) and onset not in onsets:
            onsets.add(onset)  # when the episode began, as the monitor estimated it
            ax.axvline(onset / scale, color="#6d4c41", lw=1.2, ls="-.",
                       label=None if "onset" in labelled else "onset (estimated)")
            labelled.add("onset")
    ax.legend(loc="lower left", bbox_to_anchor=(0.0, 1.0), fontsize=8, ncol=4, frameon=False)

    ax = axes[1]
    ax.plot(t, health, color="#1565c0", lw=1.0, label="health")
    ax.set_ylim(-0.03, 1.03)
    ax.set_ylabel("health index")
    ax.legend(loc="lower left", fontsize=8)

    if has_rul:
        ax = axes[2]
        # rows without an estimate (NaN) are left out, so the estimates that exist connect
        has = [i for i, v in enumerate(_floats(result["rul"])) if math.isfinite(v)]
        rt = [t[i] for i in has]
        rul = [float(result["rul"][i]) / scale for i in has]
        ax.plot(rt, rul, color="#6a1b9a", lw=1.2, marker=".", ms=3, label="RUL")
        if "rul_lo" in result and "rul_hi" in result:
            lo = [float(result["rul_lo"][i]) / scale for i in has]
            hi = [float(result["rul_hi"][i]) / scale for i in has]
            ax.fill_between(rt, lo, hi, color="#6a1b9a", alpha=0.2, lw=0,
                            label="95 % interval")
        ax.set_ylabel("remaining life [%s]" % time_unit)
        ax.set_ylim(bottom=0)
        ax.legend(loc="upper right", fontsize=8)
    axes[-1].set_xlabel("time [%s]" % time_unit)
    for x in axes:
        x.grid(True, alpha=0.3)
    if title:
        fig.suptitle(title, fontsize=11)
    return _finish(fig, path, dpi)


def envelope_spectrum(diagnosis, *, fmax=None, harmonics=3, title=None, path=None, dpi=100):
    """The averaged envelope spectrum of a decided :class:`vigil.Diagnosis`, with the bearing's
    defect frequencies and their harmonics.

    Args:
        diagnosis: a :class:`vigil.Diagnosis` after :meth:`~vigil.Diagnosis.decide`.
        fmax: right end of the frequency axis in Hz; ``None``: 1.15 x the highest marked line.
        harmonics: harmonics marked per defect (1..3: the lines the diagnosis measured).
        title: the figure's title; ``None``: the verdict and the shaft rate.
        path: save the figure there too.
        dpi: resolution when saving.

    Returns:
        The :class:`matplotlib.figure.Figure`. The spectrum line (label ``"envelope
        spectrum"``) is :meth:`vigil.Diagnosis.envelope_spectrum`'s frequencies and amplitudes
        (0 < f <= fmax); each defect has vertical markers at h x its frequency
        (:meth:`vigil.Diagnosis.defect_frequencies`) and dots (label its name) at the lines
        :meth:`vigil.Diagnosis.line` measured.
    """
    if not isinstance(diagnosis, Diagnosis):
        raise TypeError("vigil: envelope_spectrum() takes a vigil.Diagnosis")
    if not 1 <= int(harmonics) <= 3:
        raise ValueError("vigil: harmonics must be 1..3 (the lines the diagnosis measures)")
    freq, amp = diagnosis.envelope_spectrum()
    freq, amp = _floats(freq), _floats(amp)
    values = diagnosis.values()
    fundamentals = diagnosis.defect_frequencies()
    hs = range(1, int(harmonics) + 1)
    lines = {q: [diagnosis.line(q, h) for h in hs] for q in DEFECT_COLORS}
    top = max(h * fundamentals[q] for q in DEFECT_COLORS for h in hs)
    if fmax is None:
        fmax = 1.15 * top
    fig, (ax,) = _figure(1, 4.2)
    keep = [i for i, f in enumerate(freq) if 0.0 < f <= fmax]  # the DC bin says nothing
    ax.plot([freq[i] for i in keep], [amp[i] for i in keep], color="#37474f", lw=0.8,
            label="envelope spectrum")
    for q, ls in lines.items():
        for h in hs:  # where the diagnosis looked: h x the defect frequency
            ax.axvline(h * fundamentals[q], color=DEFECT_COLORS[q], lw=1.0 if h == 1 else 0.7,
                       ls="-" if h == 1 else "--", alpha=0.7)
        # what it found there: the line's frequency and amplitude
        ax.plot([ln["freq"] for ln in ls], [ln["amp"] for ln in ls], "o", ms=5,
                color=DEFECT_COLORS[q], label="%s %.1f Hz" % (DEFECT_LABELS[q], fundamentals[q]))
    ax.set_xlim(0, fmax)
    ax.set_ylim(bottom=0)
    ax.set_xlabel("frequency [Hz]")
    ax.set_ylabel("envelope amplitude (prewhitened)")
    ax.grid(True, alpha=0.3)
    ax.legend(loc="upper right", fontsize=8, title="1x solid, harmonics dashed",
              title_fontsize=8)
    if title is None:
        frames = int(values["frames"])
        title = "diagnosis: %s (shaft %.2f Hz, %d frame%s averaged)" % (
            diagnosis.fault, values["shaft_hz"], frames, "" if frames == 1 else "s")
    ax.set_title(title, fontsize=10)
    return _finish(fig, path, dpi)


def feature_trends(columns, names=None, *, t=None, time_unit="s", title=None, path=None,
                   dpi=100, units=None):
    """Feature columns over a history, one panel per feature on a shared time axis.

    Args:
        columns: a dict of columns (:func:`vigil.features` output, a feature table read with
            :func:`vigil.read_csv`, ...).
        names: the columns to draw (at most 8); ``None``: every column but ``frame``,
            ``t_start``, ``time`` and ``timestamp``, up to 8.
        t: seconds per row; ``None``: the ``t_start`` column when present, else the row index.
        time_unit: ``"s"``, ``"min"``, ``"h"`` or ``"d"``.
        units: ``{name: unit}`` shown on the y labels (e.g. ``{"rms": "g"}``).
        title, path, dpi: as :func:`health_trend`.

    Returns:
        The :class:`matplotlib.figure.Figure`; panel i's line (label the feature's name) is
        ``columns[names[i]]``.
    """
    skip = {"frame", "t_start", "time", "timestamp"}
    if names is None:
        names = [k for k in columns if k not in skip][:8]
    names = list(names)
    if not 1 <= len(names) <= 8:
        raise ValueError("vigil: feature_trends draws 1..8 features, got %d" % len(names))
    for n in names:
        if n not in columns:
            raise KeyError(n)
    count = len(columns[names[0]])
    if t is None:
        t = columns["t_start"] if "t_start" in columns else list(range(count))
        xlabel = "time [%s]" % time_unit if "t_start" in columns else "row"
    else:
        xlabel = "time [%s]" % time_unit
    x, _ = _time_axis(t, time_unit) if xlabel != "row" else (_floats(t), 1.0)
    units = units or {}
    fig, axes = _figure(len(names), 1.1 + 1.3 * len(names))
    for ax, n in zip(axes, names):
        ax.plot(x, _floats(columns[n]), lw=0.9, color="#1565c0", label=n)
        ax.set_ylabel(n + (" [%s]" % units[n] if n in units else ""), fontsize=8)
        ax.grid(True, alpha=0.3)
    axes[-1].set_xlabel(xlabel)
    if title:
        fig.suptitle(title, fontsize=11)
    return _finish(fig, path, dpi)
