"""Shared helpers of the binding's tests: where things are, and the reference command's output.

Meson sets VIGIL_LIB (the built library), VIGIL_EXE (the built `vigil` command),
VIGIL_SOURCE_ROOT and VIGIL_DATASETS_DEFAULT; VIGIL_DATASETS overrides the latter. Run by hand
from the repository root after building: `VIGIL_EXE=build/tools/vigil PYTHONPATH=python
python3 python/tests/test_features.py`.
"""

import csv
import io
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE_ROOT = os.environ.get("VIGIL_SOURCE_ROOT",
                             os.path.dirname(os.path.dirname(HERE)))
DEMO = os.path.join(SOURCE_ROOT, "datasets", "demo")
EXE = os.environ.get("VIGIL_EXE", os.path.join(SOURCE_ROOT, "build", "tools", "vigil"))
SKIP = 77  # meson's exit status for a skipped test


def datasets_dir():
    """The public datasets folder, or None when it is absent."""
    d = os.environ.get("VIGIL_DATASETS") or os.environ.get("VIGIL_DATASETS_DEFAULT") or \
        os.path.join(SOURCE_ROOT, "..", "shared", "datasets")
    return d if os.path.isdir(d) else None


def skip_module(message):
    """Skip the whole test program (meson counts exit 77 as SKIP)."""
    print("SKIP: " + message)
    sys.exit(SKIP)


def cli_features(path, *options):
    """Run `vigil features OPTIONS PATH` and return (header, rows of strings)."""
    out = subprocess.run([EXE, "features"] + [str(o) for o in options] + [path],
                         check=True, stdout=subprocess.PIPE, universal_newlines=True).stdout
    rows = list(csv.reader(io.StringIO(out)))
    return rows[0], rows[1:]


def printed(v):
    """A value as the command prints it: C's %.17g (Python's % operator formats the same way,
    correctly rounded)."""
    return "%.17g" % v


def assert_equals_cli(test, cols, header, rows):
    """Assert that binding columns print exactly as the command's CSV, digit for digit."""
    test.assertEqual(list(cols), header)
    n = len(cols[header[0]])
    test.assertEqual(n, len(rows))
    for j, name in enumerate(header):
        got = [printed(v) for v in cols[name]]
        want = [r[j] for r in rows]
        test.assertEqual(got, want, "column %s differs" % name)
