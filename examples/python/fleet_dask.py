#!/usr/bin/env python3
"""Score a fleet's recorded history in parallel with Dask distributed.

A plant with hundreds of machines keeps a recording per machine per inspection; replaying that
history (to tune thresholds, or to check a new model) is embarrassingly parallel: one task per
recording. This example hands the tasks to an existing engine, Dask's distributed scheduler,
instead of a home-made process pool: the same script runs on a laptop (LocalCluster, below) or
on a cluster (pass --scheduler tcp://host:8786 of a running `dask scheduler`, with vigil
installed on the workers). Tasks carry file paths, not samples: each worker reads its own file,
so nothing large crosses the network.

Each task computes vigil's frame features for one recording and reduces them to one summary
row; the table is sorted by median kurtosis, a classic bearing-damage indicator (a healthy
bearing's vibration is near-Gaussian, kurtosis about 3). When vigil's monitor API lands, the
same task will return monitor scores and alarms instead.

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


def score_recording(task):
    """Worker side: features of one recording reduced to a summary row (a plain dict)."""
    import statistics

    import vigil

    path, rate, column, machine = task
    started = time.perf_counter()
    x = vigil.read_csv(path, columns=[column])[column]
    cols = vigil.features(x, rate, frame=4096, bands="0-1000,2000-4000")
    kurt = [float(v) for v in cols["kurtosis"]]
    rms = [float(v) for v in cols["rms"]]
    hf = [float(h) / max(float(lo), 1e-300)
          for h, lo in zip(cols["band_2000_4000"], cols["band_0_1000"])]
    return {
        "machine": machine,
        "file": os.path.basename(path),
        "seconds": len(x) / rate,
        "frames": len(kurt),
        "rms_median": statistics.median(rms) if rms else float("nan"),
        "kurtosis_median": statistics.median(kurt) if kurt else float("nan"),
        "kurtosis_max": max(kurt, default=float("nan")),
        "hf_ratio_median": statistics.median(hf) if hf else float("nan"),
        "task_s": time.perf_counter() - started,
    }


def tasks_from_manifest(manifest, prefix):
    root = os.path.dirname(manifest)
    with open(manifest) as f:
        rows = [r for r in csv.DictReader(f, delimiter="\t") if r["path"].startswith(prefix)]
    return [(os.path.join(root, r["path"]), float(r["rate_hz"]), r["channels"].split(",")[0],
             os.path.splitext(os.path.splitext(os.path.basename(r["path"]))[0])[0])
            for r in rows]


def demo_tasks(repeat):
    names = ("healthy", "outer_race", "inner_race", "ball")
    return [(os.path.join(DEMO, n + ".csv.gz"), 12000.0, "de", "m%03d-%s" % (i, n))
            for i in range(repeat) for n in names]


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
        tasks = demo_tasks(args.repeat or 25)
    else:
        tasks = tasks_from_manifest(manifest, args.prefix)
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
        futures = client.map(score_recording, tasks, pure=False)
        rows = client.gather(futures)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
    wall = time.perf_counter() - started

    rows.sort(key=lambda r: -r["kurtosis_median"])
    head = ("machine", "seconds", "frames", "rms_median", "kurtosis_median", "kurtosis_max",
            "hf_ratio_median")
    print("%-28s %8s %7s %11s %16s %13s %16s" % head)
    for r in rows:
        print("%-28s %8.2f %7d %11.4g %16.4g %13.4g %16.4g"
              % tuple(r[k] for k in head))
    busy = sum(r["task_s"] for r in rows)
    print("\n%d recordings, %.1f s of signal, %d workers: %.2f s wall, %.2f s of task time"
          % (len(rows), sum(r["seconds"] for r in rows), args.workers, wall, busy))
    return 0


if __name__ == "__main__":
    sys.exit(main())
