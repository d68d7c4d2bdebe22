#!/usr/bin/env python3
"""Every public header compiles on its own, as C11 and as C++ (when a C++ compiler exists),
under -Wall -Wextra -pedantic -Werror: users include one header without arranging others first.

  check_headers.py SRC_INCLUDE BUILD_INCLUDE CC [CXX]
"""
import glob
import os
import shutil
import subprocess
import sys
import tempfile


def main():
    src_inc, build_inc, cc = sys.argv[1], sys.argv[2], sys.argv[3]
    cxx = sys.argv[4] if len(sys.argv) > 4 else (shutil.which("c++") or shutil.which("g++"))
    headers = ["vigil.h"] + sorted("vigil/" + os.path.basename(h)
                                   for h in glob.glob(os.path.join(src_inc, "vigil", "*.h")))
    headers.append("vigil/version.h")  # generated
    failures = 0
    with tempfile.TemporaryDirectory() as tmp:
        for h in headers:
            for lang, compiler, std, ext in (("C", cc, "-std=c11", "c"), ("C++", cxx, "-std=c++11", "cpp")):
                if not compiler:
                    continue
                src = os.path.join(tmp, "one." + ext)
                with open(src, "w") as fh:
                    fh.write("#include <%s>\n#include <%s>\nint main(void) { return 0; }\n" % (h, h))
                cmd = [compiler, std, "-Wall", "-Wextra", "-pedantic", "-Werror", "-fsyntax-only",
                       "-I", src_inc, "-I", build_inc, src]
                r = subprocess.run(cmd, capture_output=True, text=True)
                if r.returncode:
                    failures += 1
                    print("FAIL %s as %s:\n%s" % (h, lang, r.stderr))
    print("%d headers checked as C11%s; %d failures" % (len(headers), " and C++" if cxx else
                                                       " (no C++ compiler found)", failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
