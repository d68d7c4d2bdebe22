#!/usr/bin/env python3
"""Remaining life in the gateway's health messages (issue 15): `vigil_gateway --input` on a
generated recording whose vibration is flat, then grows exponentially, with
`--failure rms:LEVEL`: messages carry rul, rul_lo, rul_hi (null, reason "healthy", before the
onset; numbers with 0 <= lo <= rul <= hi after it) and rul_reason; the model saved in
--models carries the prognoser, so a second run without --failure still reports it. With a
fleet prior (`vigil prior` on generated histories), the first scored frame's remaining life is
the fleet's survival answer for the unit's age counted from the first learnt frame, as
`vigil monitor --learn` counts it: the gateway and the command give the same number.
Standard library only.  check_gateway_rul.py VIGIL_GATEWAY VIGIL (empty: skip, 77)"""
import json
import math
import os
import random
import subprocess
import sys
import tempfile

RATE, FRAME = 12000, 512


def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


def health(gateway, path, models, *extra):
    p = subprocess.run([gateway, "--input", path, "--column", "x", "--machine", "m",
                        "--channel", "c", "--rate", str(RATE), "--frame", str(FRAME),
                        "--hop", str(FRAME), "--learn", "20", "--models", models] + list(extra),
                       capture_output=True, text=True, timeout=60)
    if p.returncode != 0:
        fail("gateway exited %d: %s" % (p.returncode, p.stderr))
    out = []
    for line in p.stdout.splitlines():
        topic, _, payload = line.partition(" ")
        if topic.endswith("/health"):
            out.append(json.loads(payload))
    return out


def write_history(folder, rng, healthy):
    """Snapshots of 512 samples every 10 s: flat, then the rms grows 5 % per snapshot until it
    passes 2 (the failure)."""
    os.makedirs(folder)
    k = 0
    while True:
        amp = 0.1 * math.exp(0.05 * max(0, k - healthy))
        xs = [amp * (math.sin(2 * math.pi * 50 * i / RATE) + 0.3 * rng.gauss(0, 1))
              for i in range(FRAME)]
        with open(os.path.join(folder, "%05d.csv" % k), "w") as f:
            f.write("x\n" + "".join("%.6f\n" % x for x in xs))
        k += 1
        if math.sqrt(sum(x * x for x in xs) / len(xs)) >= 2.0:
            return


def check_age_from_learning(gateway, vigil, d, path, rng):
    fleet = []
    for i, healthy in enumerate((30, 45, 60)):
        fleet.append(os.path.join(d, "unit%d" % i))
        write_history(fleet[-1], rng, healthy)
    prior = os.path.join(d, "fleet.prior")
    p = subprocess.run([vigil, "prior", "--rate", str(RATE), "--column", "x", "--interval",
                        "10", "--failure", "rms:2", "-o", prior] + fleet,
                       capture_output=True, text=True, timeout=60)
    if p.returncode != 0:
        fail("vigil prior: %s" % p.stderr)
    models = os.path.join(d, "models_prior")
    msgs = health(gateway, path, models, "--failure", "rms:2", "--prior", prior)
    first = [m for m in msgs if m.get("state") != "learning"][0]
    p = subprocess.run([vigil, "monitor", "--rate", str(RATE), "--frame", str(FRAME), "--hop",
                        str(FRAME), "--column", "x", "--learn", "20", "--failure", "rms:2",
                        "--prior", prior, path], capture_output=True, text=True, timeout=60)
    if p.returncode != 0:
        fail("vigil monitor: %s" % p.stderr)
    header, row = p.stdout.splitlines()[:2]
    cli = dict(zip(header.split(","), row.split(",")))
    if first["rul_model"] != "survival" or not first["rul"] or not cli["rul"]:
        fail("no survival answer before the onset: gateway %s, command %s" % (first, cli))
    if abs(first["rul"] - float(cli["rul"])) > 1e-6 * float(cli["rul"]):
        fail("first remaining life: gateway %.9g s, vigil monitor %s s (the age must count "
             "from the first learnt frame in both)" % (first["rul"], cli["rul"]))
    return first["rul"]


def main():
    gateway = sys.argv[1]
    if not gateway:
        print("SKIP: examples/gateway was not built")
        return 77
    rng = random.Random(15)
    n = 300 * FRAME  # 300 frames: 150 flat, then the rms grows 1 % per frame
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "run.csv")
        with open(path, "w") as f:
            f.write("x\n")
            for i in range(n):
                k = i // FRAME
                amp = 0.1 * math.exp(0.01 * max(0, k - 150))
                f.write("%.6f\n" % (amp * (math.sin(2 * math.pi * 50 * i / RATE) +
                                           0.3 * rng.gauss(0, 1))))
        models = os.path.join(d, "models")
        msgs = health(gateway, path, models, "--failure", "rms:2")
        scored = [m for m in msgs if m.get("state") != "learning"]
        if not scored or any("rul_reason" not in m for m in scored):
            fail("scored health messages without rul_reason")
        first = scored[0]
        if first["rul"] is not None or first["rul_reason"] not in ("baseline", "healthy"):
            fail("an estimate before the onset: %s" % first)
        est = [m for m in scored if m["rul_reason"] == "estimate"]
        if len(est) < 50:
            fail("only %d estimates" % len(est))
        for m in est:
            if not (0 <= m["rul_lo"] <= m["rul"] and (m["rul_hi"] is None or
                                                       m["rul"] <= m["rul_hi"])):
                fail("interval out of order: %s" % m)
        # the saved model carries the prognoser (learnt frames + its history at exit)
        again = health(gateway, path, models)
        if not all("rul_reason" in m for m in again if m.get("state") != "learning"):
            fail("the loaded model lost its prognoser")
        print("ok: %d scored, %d estimates, last rul %.1f s [%.1f, %s]" % (
            len(scored), len(est), est[-1]["rul"], est[-1]["rul_lo"], est[-1]["rul_hi"]))
        if len(sys.argv) > 2 and sys.argv[2]:
            r = check_age_from_learning(gateway, sys.argv[2], d, path, rng)
            print("ok: the first scored frame's survival answer %.6g s in both hosts" % r)
    return 0


if __name__ == "__main__":
    sys.exit(main())
