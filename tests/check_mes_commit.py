#!/usr/bin/env python3
"""The MES feed commits while it runs (issue 17 item 6): 40 gateway lines on --stdin, the pipe
left open, then kill -9: every row is in the database. Before, --stdin committed only at the
end of its input and this left 0 rows. Also checks the row cap (2500 lines in one burst with a
long --commit-ms: at least 2000 committed before the kill). Skips (77) when vigil_mes was not
built.  check_mes_commit.py MES"""
import json
import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time

MES = sys.argv[1]


def line(i):
    payload = {"t": 100.0 + i, "frame": i, "state": "ok", "score": 1.0 + i * 0.01,
               "threshold": 5.0, "health": 0.9, "top": [{"feature": "rms", "contribution": 0.5}]}
    return "vigil/press1/de/health " + json.dumps(payload) + "\n"


def count(db):
    with sqlite3.connect(db) as c:
        return c.execute("SELECT count(*) FROM health").fetchone()[0]


def killed_after(db, n, wait_s, commit_ms):
    p = subprocess.Popen([MES, "--db", db, "--stdin", "--commit-ms", str(commit_ms)],
                         stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL, text=True)
    p.stdin.write("".join(line(i) for i in range(n)))
    p.stdin.flush()
    time.sleep(wait_s)
    p.send_signal(signal.SIGKILL)
    p.wait()
    p.stdin.close()
    return count(db)


def main():
    if not MES or not os.path.exists(MES):
        print("SKIP: vigil_mes was not built (libmosquitto-dev, libsqlite3-dev)")
        sys.exit(77)
    with tempfile.TemporaryDirectory() as tmp:
        got = killed_after(os.path.join(tmp, "a.db"), 40, 4.0, 1000)
        print("40 lines, kill -9 after 4 s: %d rows" % got)
        if got != 40:
            raise SystemExit("FAIL: %d of 40 rows survived kill -9" % got)
        got = killed_after(os.path.join(tmp, "b.db"), 2500, 3.0, 3600000)
        print("2500 lines, --commit-ms 3600000, kill -9 after 3 s: %d rows" % got)
        if got < 2000:
            raise SystemExit("FAIL: the 1000-row cap did not commit (%d rows)" % got)
    print("ok")


if __name__ == "__main__":
    main()
