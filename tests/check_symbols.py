#!/usr/bin/env python3
"""The exported symbols of libvigil are exactly the functions declared VIGIL_API in the public
headers: nothing internal leaks (vigil__*, static helpers, GSL/FFTW symbols), nothing declared is
missing. Uses nm from binutils; standard library only."""
import glob
import os
import re
import subprocess
import sys


def declared(include_dir):
    names = set()
    for path in glob.glob(os.path.join(include_dir, "vigil", "*.h*")):
        text = open(path).read()
        # VIGIL_API <return type> <name>(   possibly over several lines
        for m in re.finditer(r"VIGIL_API\s+[^;(]*?\b(vigil_[a-z0-9_]+)\s*\(", text, re.S):
            names.add(m.group(1))
    return names


def exported(lib):
    out = subprocess.run(["nm", "-D", "--defined-only", lib], capture_output=True, text=True,
                         check=True).stdout
    names = set()
    for line in out.splitlines():
        parts = line.split()
        if len(parts) >= 3 and parts[1] in "TDBRtdbr" and not parts[2].startswith("VIGIL_"):
            names.add(parts[2].split("@")[0])
    return names


def main():
    include_dir, lib = sys.argv[1], sys.argv[2]
    want, have = declared(include_dir), exported(lib)
    ok = True
    for name in sorted(have - want):
        print("exported but not declared VIGIL_API in include/vigil/*.h:", name)
        ok = False
    for name in sorted(want - have):
        print("declared VIGIL_API but not exported:", name)
        ok = False
    print("%d symbols declared, %d exported" % (len(want), len(have)))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
