#!/usr/bin/env python3
"""Score a fleet's recorded history in parallel with Dask distributed.

A plant with hundreds of machines keeps a recording per machine per inspection; replaying that
history (to tune thresholds, or to check a new model) is embarrassingly parallel: one task per
recording. This example hands the tasks to an existing engine, Dask's distributed scheduler,
instead of a home-made process pool: the same script runs on a laptop (LocalCluster, below) or
on a cluster (pass --scheduler tcp://host:8786 of a running `dask scheduler`, with vigil
installed on the workers). Tasks carry file paths, not samples: each worker reads its own file,
so nothing large crosses the network.

Two stages, both on the cluster. First one task per machine trains a vigil.Monitor on the first
half of that machine's healthy reference recording (frame features -> robust baseline ->
Mahalanobis detector with a cross-fitted threshold; docs/MODELS.md). A fitted monitor pickles
as its saved bytes (a few hundred bytes), so Dask ships it to the scoring tasks. Then one task
per recording scores every frame against its machine's monitor and reduces the result to one
row: the fraction of frames in alarm, the median score over the threshold, the time of the first
alarm and the feature that most often explains the score. The reference recording itself is
scored on its second half only, frames the monitor never saw: its alarm fraction is the false
alarm rate on healthy data.

Machines: with the shared CWRU files, the test rig at each sample rate is one machine whose
reference is its `normal` recording (12 kHz: the decimated normal file); with --repeat N, the
demo files make N machines, each with healthy.csv.gz as reference.

    # Debian: apt-get install python3-distributed (installs into /usr/bin/python3)
    /usr/bin/python3 examples/python/fleet_dask.py                  # CWRU files, or demo files
    /usr/bin/python3 examples/python/fleet_dask.py --repeat 50      # demo files x 50 "machines"
    /usr/bin/python3 examples/python/fleet_dask.py --manifest ../shared/datasets/MANIFEST.tsv
"""

import argparse
import csv
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
PYTHON_DIR = os.path.abspath(os.path.join(HERE, "..", "..", "python"))
DEMO = os.path.abspath(os.path.join(HERE, "..", "..", "datasets", "demo"))
SHARED = os.path.abspath(os.path.join(HERE, "..", "..", "..", "shared", "datasets"))

# Workers are separate processes: give them the source checkout's binding too (an installed
# vigil needs nothing). Set before the cluster starts so the worker processes inherit it.
if os.path.isdir(os.path.join(PYTHON_DIR, "vigil")):
    sys.path.insert(0, PYTHON_DIR)
    os.environ["PYTHONPATH"] = os.pathsep.join(
        p for p in (PYTHON_DIR, os.environ.get("PYTHONPATH")) if p)


# Framing shared by training and scoring: 2048-sample frames with half overlap (~0.17 s at
# 12 kHz), and two bands: the shaft/structural range and the bearing-resonance range.
FRAME, HOP, BANDS = 2048, 1024, "0-1000,2000-4000"


def frame_features(path, rate, column):
    import vigil

    x = vigil.read_csv(path, columns=[column])[column]
    return vigil.features(x, rate, frame=FRAME, hop=HOP, bands=BANDS), len(x) / rate


def train_machine(machine):
    """Worker side: a monitor fitted on the first half of the machine's reference recording."""
    import vigil

    name, (path, rate, column) = machine
    cols, _ = frame_features(path, rate, column)
    half = len(cols["rms"]) // 2
    with vigil.FeatureExtractor(rate, FRAME, HOP, BANDS) as ex:
        monitor = vigil.Monitor(ex)  # columns and framing of these features
    monitor.learn({k: v[:half] for k, v in cols.items()})
    return monitor.fit()


def score_recording(task, monitor):
    """Worker side: every frame of one recording scored by its machine's monitor, reduced to a
    summary row (a plain dict)."""
    import collections
    import statistics

    import vigil

    path, rate, column, machine, reference = task
    started = time.perf_counter()
    cols, seconds = frame_features(path, rate, column)
    if path == reference:  # only the held-out half of the training recording
        half = len(cols["rms"]) // 2
        cols = {k: v[half:] for k, v in cols.items()}
    # A private copy: the monitor object may be shared by tasks of one worker, and scoring
    # changes its stream state.
    with vigil.Monitor.from_bytes(monitor.to_bytes()) as m:
        res = m.score(cols)
    n = len(res["state"])
    alarms = [i for i, s in enumerate(res["state"]) if s == "alarm"]
    ratio = [float(s) / float(t) for s, t in zip(res["score"], res["threshold"])]
    return {
        "machine": machine,
        "file": os.path.basename(path) + (" (held out)" if path == reference else ""),
        "seconds": seconds,
        "frames": n,
        "alarm_pct": 100.0 * len(alarms) / n if n else float("nan"),
        "score_over_thr": statistics.median(ratio) if ratio else float("nan"),
        "first_alarm_s": float(res["t"][alarms[0]]) if alarms else float("nan"),
        "top_feature": collections.Counter(res["top_feature"]).most_common(1)[0][0]
        if n else "",
        "task_s": time.perf_counter() - started,
    }


def tasks_from_manifest(manifest, prefix):
    """(tasks, machines) from a manifest: one machine per sample rate, whose reference is its
    `normal` recording; rates without one are left out."""
    root = os.path.dirname(manifest)
    with open(manifest) as f:
        rows = [r for r in csv.DictReader(f, delimiter="\t") if r["path"].startswith(prefix)]
    machines = {}
    for r in rows:
        if r["label"] == "normal":
            machines["rig-%gk" % (float(r["rate_hz"]) / 1000)] = (
                os.path.join(root, r["path"]), float(r["rate_hz"]), r["channels"].split(",")[0])
    tasks = []
    for r in rows:
        name = "rig-%gk" % (float(r["rate_hz"]) / 1000)
        if name not in machines:
            print("skipped (no normal recording at its rate): " + r["path"], file=sys.stderr)
            continue
        tasks.append((os.path.join(root, r["path"]), float(r["rate_hz"]),
                      r["channels"].split(",")[0], name, machines[name][0]))
    return tasks, machines


def demo_tasks(repeat):
    names = ("healthy", "outer_race", "inner_race", "ball")
    ref = os.path.join(DEMO, "healthy.csv.gz")
    machines = {"m%03d" % i: (ref, 12000.0, "de") for i in range(repeat)}
    tasks = [(os.path.join(DEMO, n + ".csv.gz"), 12000.0, "de", "m%03d" % i, ref)
             for i in range(repeat) for n in names]
    return tasks, machines


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--manifest", help="MANIFEST.tsv of recordings (default: shared CWRU)")
    ap.add_argument("--prefix", default="cwru/", help="manifest paths to take (default cwru/)")
    ap.add_argument("--repeat", type=int, default=0,
                    help="use the demo files, repeated N times as N groups of machines")
    ap.add_argument("--workers", type=int, default=2, help="LocalCluster worker processes")
    ap.add_argument("--scheduler", help="address of an existing Dask scheduler instead")
    args = ap.parse_args(argv)

    try:
        from dask.distributed import Client, LocalCluster
    except ImportError:
        print("needs Dask distributed: apt-get install python3-distributed "
              "(then run with /usr/bin/python3)", file=sys.stderr)
        return 2

    manifest = args.manifest or os.path.join(SHARED, "MANIFEST.tsv")
    if args.repeat or not os.path.exists(manifest):
        tasks, machines = demo_tasks(args.repeat or 25)
    else:
        tasks, machines = tasks_from_manifest(manifest, args.prefix)
    if not tasks:
        print("no recordings selected", file=sys.stderr)
        return 1

    started = time.perf_counter()
    if args.scheduler:
        client, cluster = Client(args.scheduler), None
    else:
        # One thread per worker process: vigil releases the GIL in C, but reading CSV is mostly
        # in C too, so processes and threads both scale; processes also isolate a bad file.
        cluster = LocalCluster(n_workers=args.workers, threads_per_worker=1,
                               processes=True, dashboard_address=None)
        client = Client(cluster)
    try:
        monitors = {name: client.submit(train_machine, (name, ref), pure=False)
                    for name, ref in machines.items()}
        futures = [client.submit(score_recording, t, monitors[t[3]], pure=False)
                   for t in tasks]
        rows = client.gather(futures)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
    wall = time.perf_counter() - started

    rows.sort(key=lambda r: (r["machine"], -r["alarm_pct"], r["file"]))
    head = ("machine", "file", "frames", "alarm_pct", "score_over_thr", "first_alarm_s",
            "top_feature")
    print("%-8s %-46s %6s %9s %14s %13s  %s" % head)
    for r in rows:
        print("%-8s %-46s %6d %9.1f %14.4g %13.3g  %s" % tuple(r[k] for k in head))
    held = [r for r in rows if r["file"].endswith("(held out)")]
    faults = [r for r in rows if not r["file"].endswith("(held out)")]
    busy = sum(r["task_s"] for r in rows)
    print("\nheld-out healthy halves: %.1f %% of frames in alarm; other recordings: %d of %d "
          "with any alarm" % (sum(r["alarm_pct"] * r["frames"] for r in held) /
                             max(sum(r["frames"] for r in held), 1),
                             sum(r["alarm_pct"] > 0 for r in faults), len(faults)))
    print("%d machines, %d recordings, %.1f s of signal, %d workers: %.2f s wall, "
          "%.2f s of task time" % (len(machines), len(rows), sum(r["seconds"] for r in rows),
                                   args.workers, wall, busy))
    return 0


if __name__ == "__main__":
    sys.exit(main())
