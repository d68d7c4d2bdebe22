#!/usr/bin/env python3
"""The gateway serves a machine's model `<machine>.vgm` (issue 16) without a broker
(`vigil_gateway --input`): a machine trained by `vigil monitor --channels de,fe -o` serves its
channel de from the first frame (no learning), with the health rows' model id equal to the one
`vigil inspect` prints for channel de; the file is saved back whole (both channels, de's stream
state), no per-channel file appears, and a second run continues from the saved state. A
machine saved with common mode is refused with a message (its channels need rows of every
channel at once), and the channel learns instead.

    check_gateway_machine.py VIGIL_GATEWAY VIGIL DEMO_DIR
Exits 77 (skip) when the gateway was not built.
"""
import gzip
import json
import os
import re
import subprocess
import sys
import tempfile

RATE, FRAME, HOP, LEARN = 12000, 1024, 512, 30


def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


def run(argv):
    p = subprocess.run(argv, capture_output=True, text=True, timeout=60)
    if p.returncode != 0:
        fail("%s exited %d: %s" % (argv[0], p.returncode, p.stderr))
    return p


def two_columns(path, a, b):
    """de from recording a, fe from recording b (first 60000 samples each)."""
    def col(p):
        with gzip.open(p, "rt") as f:
            next(f)
            return [line.strip() for _, line in zip(range(60000), f)]
    x, y = col(a), col(b)
    with open(path, "w") as f:
        f.write("de,fe\n")
        for u, v in zip(x, y):
            f.write("%s,%s\n" % (u, v))


def channel_ids(vigil, model):
    out = run([vigil, "inspect", model]).stdout
    return dict(re.findall(r"# channel (\w+)\n# model [^\n]*\n# model id: (\w+)", out)), out


def main():
    gateway, vigil, demo = sys.argv[1:4]
    if not os.path.exists(gateway):
        print("SKIP: %s not built" % gateway)
        return 77
    with tempfile.TemporaryDirectory() as tmp:
        models = os.path.join(tmp, "models")
        os.mkdir(models)
        train = os.path.join(tmp, "train.csv")
        two_columns(train, os.path.join(demo, "healthy.csv.gz"),
                    os.path.join(demo, "healthy.csv.gz"))
        model = os.path.join(models, "press.vgm")
        run([vigil, "monitor", "--rate", str(RATE), "--frame", str(FRAME), "--hop", str(HOP),
             "--channels", "de,fe", "--learn", str(LEARN), "-o", model, train])
        ids, text = channel_ids(vigil, model)
        if "common mode off" not in text or sorted(ids) != ["de", "fe"]:
            fail("the machine model: %s" % text[:300])
        gw = [gateway, "--models", models, "--input",
              os.path.join(demo, "outer_race.csv.gz"), "--machine", "press", "--channel", "de",
              "--rate", str(RATE), "--column", "de"]
        p = run(gw)
        health = [json.loads(line.split(" ", 1)[1]) for line in p.stdout.splitlines()
                  if "/health " in line]
        if not health:
            fail("no health rows: %s" % p.stdout[:300])
        if any(h.get("state") == "learning" for h in health):
            fail("the channel learnt instead of using the machine's model")
        if {h.get("model") for h in health} != {ids["de"]}:
            fail("model ids %r, inspect says %s" % ({h.get("model") for h in health}, ids["de"]))
        if not any(h.get("state") == "alarm" for h in health):
            fail("no alarm on the outer-race recording")
        if sorted(os.listdir(models)) != ["press.vgm"]:
            fail("model folder after the run: %r" % os.listdir(models))
        ids2, text2 = channel_ids(vigil, model)
        if ids2 != ids:  # the model id does not depend on the stream state
            fail("channel ids changed: %r -> %r" % (ids, ids2))
        if "# state: alarm" not in text2.split("# channel fe")[0]:
            fail("channel de's stream state (alarm) was not saved back")
        if "# state: ok" not in text2.split("# channel fe")[1]:
            fail("channel fe changed")
        # a machine saved with common mode cannot be served per message
        cm = os.path.join(models, "line.vgm")
        run([vigil, "monitor", "--rate", str(RATE), "--frame", str(FRAME), "--hop", str(HOP),
             "--channels", "de,fe", "--common-mode", "on", "--learn", str(LEARN), "-o", cm,
             train])
        p = run([gateway, "--models", models, "--input", os.path.join(demo, "healthy.csv.gz"),
                 "--machine", "line", "--channel", "de", "--rate", str(RATE), "--column", "de",
                 "--learn", "20", "--frame", str(FRAME)])
        if "common mode" not in p.stderr:
            fail("no message for a common-mode machine: %s" % p.stderr[:300])
        if "learning" not in p.stdout:
            fail("the refused machine's channel did not learn")
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
