#!/usr/bin/python3
"""Deterministic synthetic bearing vibration for vigil's demos and tests.

Writes small gzip CSV files in the same format as the recorded data the project
reads (header row of channel names, one row per sample, plain decimal), so every
reader, example and test can run on data shipped in the repository:

    /usr/bin/python3 datasets/generate.py [--out datasets/demo]

Output (into --out):
    healthy.csv.gz, outer_race.csv.gz, inner_race.csv.gz, ball.csv.gz
        12000 Hz, 2 s (24000 samples), one channel `de` in g.
    healthy_machines/*.csv.gz + healthy_machines/machines.tsv
        Healthy machines of other rigs (other shaft rates and bearings), 12000 Hz, 6 s, one
        channel `de` in g, each with a strong source that is no bearing fault; machines.tsv
        gives each file's shaft rate, bearing geometry and what it holds (see HEALTHY below).
    run_to_failure/NNNNN.csv.gz + run_to_failure/index.tsv
        40 snapshots of 1024 samples at 12000 Hz, one every 10 minutes, channels
        `de` (g) and `temp` (bearing temperature, degC); healthy for the first
        half, then an outer-race fault that grows exponentially until failure.
        index.tsv mirrors the FEMTO folders: `snapshot<TAB>time<TAB>samples`.

Physical model (a CWRU-like rig: drive-end SKF 6205 bearing, 1797 rpm, no load)
-------------------------------------------------------------------------------
An accelerometer on a bearing housing sees the sum of

1. Shaft harmonics: 1x, 2x, 3x the shaft rate fr = 1797/60 = 29.95 Hz, amplitudes
   0.040, 0.015, 0.008 g (residual unbalance and misalignment), phases fixed
   (0, 0.7, 1.9 rad) plus a small random offset (normal, sigma 0.2 rad) per file.
2. Bearing defect impulses.  Each time a rolling element meets a localised defect
   it delivers a short blow; the blow is far shorter than the structure's period,
   so the sensor sees the structure ringing: one impulse response of a
   single-degree-of-freedom resonance, fn = 3000 Hz, damping ratio zeta = 0.05
   (decay time constant 1/(zeta 2 pi fn) = 1.06 ms), h(t) = exp(-zeta wn t)
   sin(wd t).  Impulse times are computed in continuous time (not rounded to a
   sample) and their spacing has ~1% random jitter (normal, sigma 1% of the
   period), the rolling elements' slip that makes real fault spectra smeared.
   Defect frequencies from the geometry (formulas in FEATURES.md), n = 9 balls,
   d = 0.3126 in, D = 1.537 in, contact angle 0:
       FTF  = 0.39831 fr = 11.93 Hz      BPFO = 3.5848 fr = 107.36 Hz
       BPFI = 5.4152 fr = 162.19 Hz      BSF  = 2.3567 fr =  70.58 Hz
   * outer race (defect fixed at 6 o'clock, inside the load zone): impulses at
     BPFO, amplitude 3.0 g each with 10% random scatter, no modulation;
   * inner race (defect turns with the shaft and passes through the load zone
     once per revolution): impulses at BPFI, amplitude 1.6 g times a load-zone
     envelope 0.25 + 0.75 * (0.5 + 0.5 cos(2 pi fr t + phase)), i.e. modulated at
     the shaft rate (sidebands at BPFI +- fr);
   * ball (a spot on one ball): the ball spins at BSF and its defect strikes the
     inner and the outer race once each per spin revolution, so impulses come at
     2 x BSF, alternately 0.8 g (outer race contact) and 0.5 g (inner race
     contact, a longer transmission path); the ball is carried round by the cage,
     so amplitudes are modulated at FTF with the same load-zone envelope
     (spectrum: lines at BSF and 2 x BSF with FTF sidebands).
3. Gaussian noise, sigma 0.060 g (sensor, amplifier and broadband machine noise).
4. Quantisation: a 16-bit ADC over +-32.768 g, i.e. steps of exactly 1 mg, and
   clipping at the range, as in a real acquisition (CWRU's values are also ADC
   steps).  This also keeps the files small: values are written with %.6g, and
   1-mg steps need at most 3 decimals.

Run to failure (40 snapshots, k = 1..40, every 10 min):
   snapshots 1-20 are healthy (items 1 and 3, with the noise level and the 1x
   amplitude scattering 5% between snapshots); at k = 21 an outer-race fault
   appears with impulse amplitude 0.05 g that grows exponentially,
   A(k) = 0.05 g * exp(r (k - 21)), r = ln(24 / 0.05) / 19, to 24 g at the last
   snapshot; as the spall spreads, the broadband noise grows (sigma 0.060 g *
   (1 + 4 A(k)/24 g)) and so does 1x (looseness: 0.040 g * (1 + 2 A(k)/24 g)).
   The fault impulses use the outer-race model above with amplitude A(k).
   The last snapshot is the failure: its peak passes 20 g, FEMTO's (and the IEEE
   PHM 2012 challenge's) end-of-life criterion.  Temperature: 38.0 degC plus a
   slow ambient drift of 0.3 degC amplitude over the run, plus frictional heating
   of 12 degC * (exp(r (k - 21)) - 1) / (exp(19 r) - 1) from k = 21 (almost all of
   it in the last few snapshots), plus sensor noise (sigma 0.05 degC), read out at
   0.1 degC resolution.

Determinism: each output has its own seed (SEEDS below) for
numpy.random.default_rng, so changing one file leaves the others alone; gzip is
written with mtime 0 and no file name in the header, so the bytes depend only on
the numbers (and on zlib's compressor, which has been stable for years).
"""

import argparse
import datetime
import gzip
import math
import os
import sys

import numpy as np

# ---- machine and bearing ---------------------------------------------------
FS = 12000.0                      # sample rate, Hz (CWRU's fault files)
RPM = 1797.0
FR = RPM / 60.0                   # shaft rate, Hz
N_BALLS = 9                       # SKF 6205 drive-end bearing (CWRU)
BALL_D = 0.3126                   # in
PITCH_D = 1.537                   # in
CONTACT = 0.0                     # rad

RATIO = BALL_D / PITCH_D * math.cos(CONTACT)
FTF = FR / 2.0 * (1.0 - RATIO)
BPFO = N_BALLS * FR / 2.0 * (1.0 - RATIO)
BPFI = N_BALLS * FR / 2.0 * (1.0 + RATIO)
BSF = PITCH_D * FR / (2.0 * BALL_D) * (1.0 - RATIO * RATIO)

# ---- structure, sensor, acquisition ----------------------------------------
RES_HZ = 3000.0                   # structural resonance excited by each impulse
RES_ZETA = 0.05                   # its damping ratio
HARMONIC_AMPS = (0.040, 0.015, 0.008)   # g at 1x, 2x, 3x
HARMONIC_PHASES = (0.0, 0.7, 1.9)       # rad, plus normal(0, 0.2) per file
NOISE_G = 0.060                   # Gaussian noise sigma, g
JITTER = 0.01                     # impulse spacing scatter, fraction of period
ADC_STEP = 0.001                  # g: 16-bit ADC over +-32.768 g
ADC_RANGE = 32.768                # g

# ---- fault severities ------------------------------------------------------
OUTER_AMP = 3.0                   # g per impulse (10% scatter)
INNER_AMP = 1.6                   # g per impulse, times the load-zone envelope
BALL_AMPS = (0.8, 0.5)            # g: outer-race contact, inner-race contact

# ---- demo files ------------------------------------------------------------
DURATION = 2.0                    # s per fault-class file
RTF_SNAPSHOTS = 40
RTF_SAMPLES = 1024
RTF_INTERVAL_S = 600              # 10 minutes
RTF_ONSET = 21                    # first faulty snapshot (1-based)
RTF_A0, RTF_AEND = 0.05, 24.0     # g: fault impulse amplitude at onset and at failure
RTF_START = datetime.datetime(2024, 1, 1, 8, 0, 0)   # clock time of snapshot 1
TEMP_BASE, TEMP_DRIFT, TEMP_RISE = 38.0, 0.3, 12.0   # degC
TEMP_NOISE, TEMP_STEP = 0.05, 0.1                    # degC

SEEDS = {"healthy": 1001, "outer_race": 1002, "inner_race": 1003, "ball": 1004,
         "run_to_failure": 1005, "gear": 1006, "looseness": 1007, "mains": 1008,
         "resonance": 1009}

# ---- healthy machines of other rigs ----------------------------------------
# name: (shaft rate Hz, bearing "n=..,d=..,D=..,angle=..", what the file holds). Each has
# Gaussian noise NOISE_G and 1x-3x shaft harmonics (HARMONIC_AMPS) at its own shaft rate.
HEALTHY_DURATION = 6.0
HEALTHY = {
    # a 31-tooth pinion on the shaft: mesh 762.6 Hz (1.0 g) and 2x mesh (0.4 g), amplitude-
    # modulated 30 % and phase-modulated 0.5 rad at 1x (sidebands mesh +- k fr)
    "gear": (24.6, "n=8,d=0.2656,D=1.122,angle=0",
             "gear mesh 762.6 Hz with 1x sidebands, 6203 bearing"),
    # mechanical looseness: one impact per turn (1.5 g on the 3 kHz resonance, shaft-locked:
    # 0.1 % jitter) and 2x-6x harmonics of 0.03-0.01 g more (zone B); the bearing's BPFO is exactly 3x and its
    # BPFI 5x the shaft rate, so shaft harmonics sit on the defect lines
    "looseness": (25.0, "n=8,d=0.25,D=1,angle=0",
                  "looseness (impact once per turn, 1x-6x), BPFO = 3x, BPFI = 5x"),
    # a 4-pole motor on 50 Hz: lines at 50, 100 (0.3 g), 150, 200, 300 Hz and magnetic noise
    # (1-3 kHz band) amplitude-modulated 80 % at 100 Hz
    "mains": (24.65, "n=9,d=0.3126,D=1.537,angle=0",
              "electrical lines 50-300 Hz, 100 Hz modulated noise, 6205 bearing"),
    # two lightly damped structural resonances (1330 Hz, zeta 0.01; 4200 Hz, zeta 0.02)
    # driven by broadband force, 0.3 g each
    "resonance": (49.6, "n=9,d=0.3126,D=1.537,angle=0",
                  "structural resonances 1330 Hz and 4200 Hz, 2-pole motor"),
}


def load_zone(t, freq, phase):
    """Amplitude envelope of a defect passing through the load zone at `freq` Hz.

    Never zero (the unloaded side still transmits a little), maximal once per
    period; a smooth stand-in for the Stribeck load distribution.
    """
    return 0.25 + 0.75 * (0.5 + 0.5 * np.cos(2.0 * np.pi * freq * t + phase))


def impulse_times(rng, freq, duration):
    """Defect strike times in [0, duration): period 1/freq with JITTER scatter.

    Each interval is drawn independently (slip accumulates, as in a real bearing,
    so the train drifts rather than wobbling around a perfect grid); the first
    strike is at a random phase so files do not all start with an impulse.
    """
    period = 1.0 / freq
    count = int(duration * freq) + 3
    gaps = period * (1.0 + JITTER * rng.standard_normal(count))
    times = rng.uniform(0.0, period) + np.concatenate(([0.0], np.cumsum(gaps[:-1])))
    return times[times < duration]


def ring(n, times, amps):
    """Sum of resonance impulse responses, one per (time, amplitude), n samples.

    Evaluated in continuous time at the sample instants; each response is cut after
    12 decay time constants (exp(-12) = 6e-6 of its peak, far below one ADC step).
    """
    out = np.zeros(n)
    if len(times) == 0:
        return out
    wn = 2.0 * np.pi * RES_HZ
    wd = wn * math.sqrt(1.0 - RES_ZETA ** 2)
    span = int(math.ceil(12.0 / (RES_ZETA * wn) * FS))
    first = np.ceil(np.asarray(times) * FS).astype(np.int64)          # first sample >= t_i
    idx = first[:, None] + np.arange(span)[None, :]                     # (nimp, span)
    tau = idx / FS - np.asarray(times)[:, None]                         # time since strike
    resp = np.asarray(amps)[:, None] * np.exp(-RES_ZETA * wn * tau) * np.sin(wd * tau)
    keep = idx < n
    np.add.at(out, idx[keep], resp[keep])
    return out


def shaft(rng, t, scale1x=1.0):
    """1x, 2x, 3x shaft harmonics with a small random phase offset."""
    x = np.zeros_like(t)
    for h, (a, ph) in enumerate(zip(HARMONIC_AMPS, HARMONIC_PHASES), start=1):
        if h == 1:
            a *= scale1x
        x += a * np.sin(2.0 * np.pi * h * FR * t + ph + rng.normal(0.0, 0.2))
    return x


def fault(rng, kind, t, amp_scale=1.0):
    """Defect impulse train of one kind ('outer_race', 'inner_race', 'ball')."""
    n, duration = len(t), len(t) / FS
    if kind == "outer_race":
        times = impulse_times(rng, BPFO, duration)
        amps = OUTER_AMP * (1.0 + 0.1 * rng.standard_normal(len(times)))
    elif kind == "inner_race":
        times = impulse_times(rng, BPFI, duration)
        amps = INNER_AMP * load_zone(times, FR, rng.uniform(0, 2 * np.pi))
    elif kind == "ball":
        times = impulse_times(rng, 2.0 * BSF, duration)
        alternate = np.where(np.arange(len(times)) % 2 == 0, BALL_AMPS[0], BALL_AMPS[1])
        amps = alternate * load_zone(times, FTF, rng.uniform(0, 2 * np.pi))
    else:
        raise ValueError(kind)
    return ring(n, times, amp_scale * amps)


def adc(x, step=ADC_STEP, limit=ADC_RANGE):
    """Quantise to the ADC step and clip to its range; + 0.0 turns -0.0 into 0.0."""
    return np.clip(np.round(x / step) * step, -limit, limit) + 0.0


def make_file_signal(kind):
    """2 s of `de` for one class: 'healthy' or a fault kind."""
    rng = np.random.default_rng(SEEDS[kind])
    n = int(round(DURATION * FS))
    t = np.arange(n) / FS
    x = shaft(rng, t) + rng.normal(0.0, NOISE_G, n)
    if kind != "healthy":
        x += fault(rng, kind, t)
    return adc(x)


def resonance(rng, n, fn, zeta, rms):
    """Broadband force through one lightly damped resonance (second-order recursion), scaled to
    `rms` g."""
    w = 2.0 * np.pi * fn / FS
    r = math.exp(-zeta * w)
    a1, a2 = 2.0 * r * math.cos(w * math.sqrt(1.0 - zeta * zeta)), -r * r
    f = rng.standard_normal(n)
    y = np.zeros(n)
    for i in range(2, n):
        y[i] = f[i] + a1 * y[i - 1] + a2 * y[i - 2]
    return rms * y / y.std()


def make_healthy_machine(name):
    """HEALTHY_DURATION s of `de` for one healthy machine of HEALTHY."""
    rng = np.random.default_rng(SEEDS[name])
    fr = HEALTHY[name][0]
    n = int(round(HEALTHY_DURATION * FS))
    t = np.arange(n) / FS
    x = rng.normal(0.0, NOISE_G, n)
    for h, (a, ph) in enumerate(zip(HARMONIC_AMPS, HARMONIC_PHASES), start=1):
        x += a * np.sin(2.0 * np.pi * h * fr * t + ph + rng.normal(0.0, 0.2))
    if name == "gear":
        mesh = 31 * fr
        pm = 0.5 * np.sin(2.0 * np.pi * fr * t)
        am = 1.0 + 0.3 * np.cos(2.0 * np.pi * fr * t)
        x += am * (1.0 * np.sin(2.0 * np.pi * mesh * t + pm)
                   + 0.4 * np.sin(4.0 * np.pi * mesh * t + 2.0 * pm + 0.3))
    elif name == "looseness":
        period = 1.0 / fr
        count = int(HEALTHY_DURATION * fr) + 2
        times = 0.3 * period + period * np.arange(count) + 0.001 * period * rng.standard_normal(count)
        times = times[times < HEALTHY_DURATION]
        x += ring(n, times, 1.5 * (1.0 + 0.1 * rng.standard_normal(len(times))))
        for h, a in zip(range(2, 7), (0.03, 0.02, 0.015, 0.01, 0.01)):
            x += a * np.sin(2.0 * np.pi * h * fr * t + rng.uniform(0, 2 * np.pi))
    elif name == "mains":
        for f, a in ((50.0, 0.05), (100.0, 0.3), (150.0, 0.03), (200.0, 0.08), (300.0, 0.03)):
            x += a * np.sin(2.0 * np.pi * f * t + rng.uniform(0, 2 * np.pi))
        spec = np.fft.rfft(rng.standard_normal(n))
        fk = np.fft.rfftfreq(n, 1.0 / FS)
        spec[(fk < 1000.0) | (fk > 3000.0)] = 0.0
        band = np.fft.irfft(spec, n)
        x += 0.15 * band / band.std() * (1.0 + 0.8 * np.cos(2.0 * np.pi * 100.0 * t))
    elif name == "resonance":
        x += resonance(rng, n, 1330.0, 0.01, 0.3) + resonance(rng, n, 4200.0, 0.02, 0.3)
    else:
        raise ValueError(name)
    return adc(x)


def rtf_growth(k):
    """Fault growth factor exp(r (k - onset)), r set so that A reaches RTF_AEND."""
    r = math.log(RTF_AEND / RTF_A0) / (RTF_SNAPSHOTS - RTF_ONSET)
    return math.exp(r * (k - RTF_ONSET))


def make_rtf_snapshot(rng, k):
    """Snapshot k (1-based) of the run to failure: (de, temp) arrays."""
    t = np.arange(RTF_SAMPLES) / FS
    amp = RTF_A0 * rtf_growth(k) if k >= RTF_ONSET else 0.0
    sev = amp / RTF_AEND                      # 0 healthy .. 1 at failure
    scatter = 1.0 + 0.05 * rng.standard_normal(2)
    de = shaft(rng, t, scale1x=scatter[0] * (1.0 + 2.0 * sev))
    de += rng.normal(0.0, NOISE_G * scatter[1] * (1.0 + 4.0 * sev), RTF_SAMPLES)
    if amp > 0.0:
        de += fault(rng, "outer_race", t, amp_scale=amp / OUTER_AMP)
    if k >= RTF_ONSET:
        heat = (rtf_growth(k) - 1.0) / (rtf_growth(RTF_SNAPSHOTS) - 1.0)
    else:
        heat = 0.0
    temp_c = (TEMP_BASE + TEMP_DRIFT * math.sin(2.0 * math.pi * (k - 1) / RTF_SNAPSHOTS)
              + TEMP_RISE * heat)
    temp = temp_c + rng.normal(0.0, TEMP_NOISE, RTF_SAMPLES)
    return adc(de), adc(temp, step=TEMP_STEP, limit=1e9)


def csv_bytes(header, columns):
    """CSV text: header row, then one row per sample, each value '%.6g'."""
    lines = [",".join(header)]
    for row in zip(*columns):
        lines.append(",".join("%.6g" % v for v in row))
    return ("\n".join(lines) + "\n").encode("ascii")


def write_gz(path, data):
    """gzip with mtime 0 and no stored file name: byte-reproducible output."""
    with open(path, "wb") as fh:
        fh.write(gzip.compress(data, compresslevel=9, mtime=0))


def main(argv=None):
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(
        description="Write the deterministic synthetic demo data (see the module docstring).")
    ap.add_argument("--out", default=os.path.join(here, "demo"), help="output folder")
    args = ap.parse_args(argv)
    os.makedirs(args.out, exist_ok=True)

    for kind in ("healthy", "outer_race", "inner_race", "ball"):
        path = os.path.join(args.out, kind + ".csv.gz")
        write_gz(path, csv_bytes(["de"], [make_file_signal(kind)]))
        print("wrote %s" % path)

    folder = os.path.join(args.out, "healthy_machines")
    os.makedirs(folder, exist_ok=True)
    table = ["file\trate_hz\tshaft_hz\tbearing\tholds"]
    for name, (fr, bearing, holds) in HEALTHY.items():
        write_gz(os.path.join(folder, name + ".csv.gz"),
                 csv_bytes(["de"], [make_healthy_machine(name)]))
        table.append("%s.csv.gz\t%g\t%g\t%s\t%s" % (name, FS, fr, bearing, holds))
    with open(os.path.join(folder, "machines.tsv"), "w", newline="\n") as fh:
        fh.write("\n".join(table) + "\n")
    print("wrote %s (%d healthy machines)" % (folder, len(HEALTHY)))

    folder = os.path.join(args.out, "run_to_failure")
    os.makedirs(folder, exist_ok=True)
    rng = np.random.default_rng(SEEDS["run_to_failure"])
    index = ["snapshot\ttime\tsamples"]
    for k in range(1, RTF_SNAPSHOTS + 1):
        de, temp = make_rtf_snapshot(rng, k)
        name = "%05d.csv.gz" % k
        write_gz(os.path.join(folder, name), csv_bytes(["de", "temp"], [de, temp]))
        clock = RTF_START + datetime.timedelta(seconds=(k - 1) * RTF_INTERVAL_S)
        index.append("%s\t%s\t%d" % (name, clock.strftime("%H:%M:%S.%f"), RTF_SAMPLES))
    with open(os.path.join(folder, "index.tsv"), "w", newline="\n") as fh:
        fh.write("\n".join(index) + "\n")
    print("wrote %s (%d snapshots)" % (folder, RTF_SNAPSHOTS))
    return 0


if __name__ == "__main__":
    sys.exit(main())
