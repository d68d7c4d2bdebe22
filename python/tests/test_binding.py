"""The loader and the prototype table: library search order, version check, and every bound
C function's argtypes/restype checked against the public headers."""

import ctypes
import os
import re
import shutil
import subprocess
import sys
import unittest

import support

import vigil
from vigil import _lib

# Headers the binding covers fully; a module joins this list when its wrapper is written.
COVERED = ["status.h", "version.h.in", "extractor.h", "reader.h", "parse.h", "bearing.h",
           "envelope.h", "orders.h", "severity.h", "rul.h", "diagnose.h", "drift.h", "alarm.h",
           "monitor.h", "pipeline.h", "planner.h", "prognosis.h", "snapshot.h",
           "machine.h"]

C_TYPES = {
    "int": ctypes.c_int, "double": ctypes.c_double, "size_t": ctypes.c_size_t,
    "const char *": ctypes.c_char_p, "char *": ctypes.c_char_p, "void": None,
    "double *": _lib.DoubleP, "const double *": _lib.DoubleP,
    "const float *": _lib.FloatP, "size_t *": _lib.SizeP,
    "vigil_extractor *": _lib.ExtractorP, "const vigil_extractor *": _lib.ExtractorP,
    "vigil_extractor **": ctypes.POINTER(_lib.ExtractorP),
    "vigil_reader *": _lib.ReaderP, "const vigil_reader *": _lib.ReaderP,
    "vigil_reader **": ctypes.POINTER(_lib.ReaderP),
    "vigil_diagnosis *": _lib.DiagnosisP, "const vigil_diagnosis *": _lib.DiagnosisP,
    "vigil_diagnosis **": ctypes.POINTER(_lib.DiagnosisP),
    "vigil_drift *": _lib.DriftP, "const vigil_drift *": _lib.DriftP,
    "vigil_drift **": ctypes.POINTER(_lib.DriftP),
    "vigil_alarm *": _lib.AlarmP, "const vigil_alarm *": _lib.AlarmP,
    "vigil_alarm **": ctypes.POINTER(_lib.AlarmP), "vigil_alarm_event *": _lib.AlarmEventP,
    "vigil_monitor *": _lib.MonitorP, "const vigil_monitor *": _lib.MonitorP,
    "vigil_monitor **": ctypes.POINTER(_lib.MonitorP),
    "const char * const *": ctypes.POINTER(ctypes.c_char_p), "uint64_t": ctypes.c_uint64,
    "vigil_pipeline *": _lib.PipelineP, "const vigil_pipeline *": _lib.PipelineP,
    "vigil_pipeline **": ctypes.POINTER(_lib.PipelineP),
    "const char **": ctypes.POINTER(ctypes.c_char_p),
    "vigil_prognoser *": _lib.PrognoserP, "const vigil_prognoser *": _lib.PrognoserP,
    "vigil_prognoser **": ctypes.POINTER(_lib.PrognoserP),
    "vigil_prognosis_prior *": _lib.PriorP, "const vigil_prognosis_prior *": _lib.PriorP,
    "vigil_prognosis_prior **": ctypes.POINTER(_lib.PriorP),
    "vigil_snapshot_index *": _lib.SnapshotIndexP,
    "const vigil_snapshot_index *": _lib.SnapshotIndexP,
    "vigil_snapshot_index **": ctypes.POINTER(_lib.SnapshotIndexP),
    "int *": _lib.IntP, "void *": ctypes.c_void_p, "const void *": ctypes.c_void_p,
    # machine.h (issue 16)
    "vigil_machine *": _lib.MachineP, "const vigil_machine *": _lib.MachineP,
    "vigil_machine **": ctypes.POINTER(_lib.MachineP),
    # event explanations (issue 16)
    "vigil_event_explanation *": _lib.EventExplanationP,
    "const vigil_event_explanation *": _lib.EventExplanationP,
}


def header_text(name):
    with open(os.path.join(support.SOURCE_ROOT, "include", "vigil", name)) as f:
        return f.read()


def norm(c_type):
    """Canonical spelling of a C type: single spaces, stars joined ("const char *")."""
    t = " ".join(c_type.replace("*", " * ").split())
    return t.replace("* *", "**")


def declarations():
    """{function: (return type, [parameter types])} read from the covered headers."""
    decl = {}
    pattern = re.compile(r"VIGIL_API\s+([^;(]*?)\b(vigil_\w+)\s*\(([^)]*)\)\s*;", re.S)
    for h in COVERED:
        text = re.sub(r"/\*.*?\*/", "", header_text(h), flags=re.S)
        for ret, name, params in pattern.findall(text):
            types = []
            for p in params.split(","):
                p = p.strip()
                if p not in ("", "void"):
                    types.append(norm(re.sub(r"\w+$", "", p)))  # drop the parameter name
            decl[name] = (norm(ret), types)
    return decl


class TestPrototypes(unittest.TestCase):
    def test_table_matches_headers(self):
        decl = declarations()
        self.assertGreater(len(decl), 30)  # the regex really read the headers
        self.assertEqual(sorted(decl), sorted(_lib.PROTOTYPES),
                         "functions of the covered headers vs the binding's table")
        for name, (ret, params) in decl.items():
            restype, argtypes, _ = _lib.PROTOTYPES[name]
            self.assertIs(restype, C_TYPES[norm(ret)], name + " restype")
            self.assertEqual(len(argtypes), len(params), name + " argument count")
            for i, (a, p) in enumerate(zip(argtypes, params)):
                self.assertIs(a, C_TYPES[norm(p)], "%s argument %d (%s)" % (name, i, p))

    def test_every_function_configured(self):
        for name, (restype, argtypes, check) in _lib.PROTOTYPES.items():
            f = getattr(_lib.lib, name)
            self.assertIs(f.restype, restype, name)
            self.assertEqual(list(f.argtypes), list(argtypes), name)
            if check == _lib.STATUS:
                self.assertIs(f.errcheck, _lib._check_status, name)

    def test_status_codes_match_header(self):
        text = header_text("status.h")
        codes = dict((n, int(v)) for n, v in re.findall(r"VIGIL_(E\w+|OK)\s*=\s*(-?\d+)", text))
        self.assertEqual(codes, {s.name: int(s) for s in vigil.Status})

    def test_strerror_from_library(self):
        self.assertEqual(vigil.strerror(0), "success")
        self.assertEqual(vigil.strerror(12345), "unknown error")


class TestLoader(unittest.TestCase):
    def run_python(self, code, **env):
        e = dict(os.environ)
        e.update(env)
        return subprocess.run([sys.executable, "-c", code], env=e, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, universal_newlines=True)

    def test_version_is_the_projects(self):
        want = os.environ.get("VIGIL_PROJECT_VERSION")
        out = subprocess.run([support.EXE, "--version"], stdout=subprocess.PIPE,
                             universal_newlines=True, check=True).stdout.split()
        self.assertEqual(out, ["vigil", vigil.__version__])
        if want:
            self.assertEqual(vigil.__version__, want)

    def test_vigil_lib_is_honoured(self):
        lib = os.environ.get("VIGIL_LIB")
        if lib:
            self.assertEqual(os.path.realpath(vigil.library_path), os.path.realpath(lib))
        r = self.run_python("import vigil", VIGIL_LIB="/nonexistent/libvigil.so")
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("ImportError", r.stderr)
        self.assertIn("VIGIL_LIB", r.stderr)

    def test_build_tree_then_system(self):
        env = dict(os.environ)
        env.pop("VIGIL_LIB", None)
        code = "from vigil import _lib; print([o for o, p in _lib.candidates()])"
        r = subprocess.run([sys.executable, "-c", code], env=env, stdout=subprocess.PIPE,
                           universal_newlines=True, check=True)
        origins = eval(r.stdout)
        # Build-tree candidates (this checkout's build*/lib), then the system's.
        self.assertIn("system", origins)
        first_system = origins.index("system")
        self.assertEqual(set(origins[:first_system]) | {"build tree"}, {"build tree"})
        self.assertEqual(set(origins[first_system:]), {"system"})

    def test_dangling_build_link_is_passed_over(self):
        # a build folder whose libvigil.so link outlived its library (seen: a half-built tree
        # beside the real one) must not break the import
        root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(vigil.__file__))))
        stale = os.path.join(root, "build-stale-link-%d" % os.getpid())
        os.makedirs(os.path.join(stale, "lib"))
        try:
            link = os.path.join(stale, "lib", "libvigil.so")
            os.symlink("libvigil.so.0", link)
            env = dict(os.environ)
            env.pop("VIGIL_LIB", None)
            code = "from vigil import _lib; print([p for o, p in _lib.candidates()])"
            r = subprocess.run([sys.executable, "-c", code], env=env, stdout=subprocess.PIPE,
                               universal_newlines=True, check=True)
            self.assertNotIn(link, eval(r.stdout))
        finally:
            shutil.rmtree(stale)

    def test_version_check_refuses_other_abi(self):
        class Fake:
            def __init__(self, number, text):
                self.vigil_version_number = lambda: number
                self.vigil_version_string = lambda: text
        self.assertEqual(_lib._check_version(Fake(100, b"0.1.0"), "x"), "0.1.0")
        for number, text in ((10000, b"1.0.0"), (99, b"0.0.99")):
            with self.assertRaises(ImportError) as cm:
                _lib._check_version(Fake(number, text), "libx.so")
            self.assertIn(text.decode(), str(cm.exception))


class TestErrors(unittest.TestCase):
    def test_error_carries_library_message_and_code(self):
        with self.assertRaises(vigil.VigilError) as cm:
            vigil.parse_time("2024-13-01")
        e = cm.exception
        self.assertEqual(e.code, -4)
        self.assertIs(e.status, vigil.Status.EFORMAT)
        self.assertEqual(e.function, "vigil_parse_time")
        self.assertTrue(e.message)
        self.assertEqual(e.message, vigil.last_error())
        self.assertIn(e.message, str(e))

    def test_errors_are_per_thread(self):
        import threading
        seen = {}

        def fail(tag, text):
            try:
                vigil.parse_number(text)
            except vigil.VigilError as e:
                seen[tag] = e.message
        threads = [threading.Thread(target=fail, args=(i, "bad%d" % i)) for i in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        for i in range(8):
            self.assertIn("bad%d" % i, seen[i])


if __name__ == "__main__":
    unittest.main()
