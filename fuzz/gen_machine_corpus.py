#!/usr/bin/env python3
"""Seeds of the machine fuzz target (fuzz/fuzz_machine.c): machines saved by `vigil monitor
--rows --channels ... -o` (2-4 channels, each detector, common mode on and off, with and without
the stream state), each as a whole blob (mode byte 0) and as its payload (mode byte 1).

  fuzz/gen_machine_corpus.py build/tools/vigil fuzz/corpus/machine

The -fit and -stream seeds were made by earlier builds (machine layout 1, monitor stream layout
3) and are kept as they are: those layouts still load. The -stream4 seeds (machine layout 2 with
the step rule's rows, monitor stream layout 4) were made by this program as it is now; a run
also rewrites the -fit seeds with today's bytes.
"""
import os
import random
import subprocess
import sys
import tempfile
import zlib


def table(path, chans, width, rows, seed):
    rnd = random.Random(seed)
    stats = ["rms", "kurtosis", "max", "crest"][:width]
    with open(path, "w") as f:
        f.write("timestamp," + ",".join("%s_x_%s" % (c, s) for c in chans for s in stats) + "\n")
        for i in range(rows):
            vals = ["%.6g" % ((1 + 0.1 * g) * (1 + 0.05 * rnd.gauss(0, 1)) * (3 if s == "kurtosis" else 1))
                    for g in range(len(chans)) for s in stats]
            f.write("%d,%s\n" % (600 * i, ",".join(vals)))


def main():
    vigil, out = sys.argv[1:3]
    os.makedirs(out, exist_ok=True)
    cases = [("B1,B2", 2, "mahalanobis", "auto"), ("B1,B2,B3", 2, "zscore", "auto"),
             ("B1,B2,B3,B4", 3, "pca", "auto"), ("de,fe", 1, "zscore", "on"),
             ("B1,B2,B3", 4, "mahalanobis", "off"), ("solo", 2, "zscore", "auto")]
    with tempfile.TemporaryDirectory() as d:
        for k, (chans, width, det, cm) in enumerate(cases):
            t = os.path.join(d, "t.csv")
            table(t, chans.split(","), width, 40, k)
            m = os.path.join(d, "m.vgm")
            m2 = os.path.join(d, "m2.vgm")
            args = [vigil, "monitor", "--rows", "--time-column", "timestamp", "--learn", "20",
                    "--detector", det, "--channels", chans, "-o", m]
            if cm != "auto":
                args += ["--common-mode", cm]
            subprocess.run(args + [t], check=True, stdout=subprocess.DEVNULL)
            subprocess.run([vigil, "monitor", "--model", m, "-o", m2, t], check=True,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            for tag, path in (("fit", m), ("stream4", m2)):
                blob = open(path, "rb").read()
                name = "%s-%s-%s" % (chans.replace(",", ""), det, tag)
                with open(os.path.join(out, name), "wb") as f:
                    f.write(b"\x00" + blob)
                with open(os.path.join(out, name + "-payload"), "wb") as f:
                    f.write(b"\x01" + zlib.decompress(blob[44:]))


if __name__ == "__main__":
    main()
