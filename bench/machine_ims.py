#!/usr/bin/env python3
"""IMS test 1 per bearing through `vigil monitor --rows --channels B1,B2,B3,B4` (issue 16).

Runs the command (library defaults unless extra options are given after --), reads its
per-row output and prints, per channel: alarm within 24 h after the longest gap (the six-day
pause), the time the lasting alarm (the ALARM that stays up to the last row) is raised, its lead
before the end, the alarm episodes before it and the hours spent in them.

  bench/machine_ims.py [--check] VIGIL DATASETS [-- extra vigil monitor options]
--check: exit 1 unless the targets met today still are (lasting alarms on B3 and B4 at least
48 h before the end, none on B1 and B2, no alarm on any bearing within 24 h after the
six-day pause): the data suite runs it so that they cannot regress
unnoticed. Exit 77 when the dataset is absent.
"""
import csv
import datetime
import io
import os
import subprocess
import sys


def main():
    args = sys.argv[1:]
    extra = []
    if "--" in args:
        k = args.index("--")
        args, extra = args[:k], args[k + 1:]
    check = "--check" in args
    args = [a for a in args if a != "--check"]
    if len(args) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    vigil, datasets = args
    path = os.path.join(datasets, "ims_features", "test1_timefeatures.csv.gz")
    if not os.path.exists(path):
        print("SKIP: %s is absent" % path)
        return 77
    cmd = [vigil, "monitor", "--rows", "--time-column", "timestamp", "--channels",
           "B1,B2,B3,B4", "--learn", "100"] + extra + [path]
    out = subprocess.run(cmd, check=True, stdout=subprocess.PIPE).stdout.decode()
    rows = {}
    for r in csv.DictReader(io.StringIO(out)):
        rows.setdefault(r["channel"], []).append((float(r["t_start"]), r["state"]))
    print("command: " + " ".join(cmd[:1] + ["monitor"] + cmd[2:-1] + ["test1_timefeatures.csv.gz"]))
    print("%-4s %6s %12s %8s %8s %9s" % ("brg", "pause", "alarm at", "lead h", "earlier",
                                          "earlier h"))
    leads, restart = {}, []
    for ch in sorted(rows):
        seq = rows[ch]
        times = [t for t, _ in seq]
        gaps = [(times[i] - times[i - 1], i) for i in range(1, len(times))]
        pause = max(gaps)[1]
        at_pause = any(s == "alarm" for t, s in seq[pause:] if t < times[pause] + 86400)
        # the lasting alarm: the last run of ALARM rows, if it reaches the last row
        on = len(seq)
        while on > 0 and seq[on - 1][1] == "alarm":
            on -= 1
        lasting = on < len(seq)
        # alarm episodes before it: OK/WARN -> ALARM transitions
        earlier, hours = 0, 0.0
        prev = "ok"
        for i, (t, s) in enumerate(seq[:on]):
            earlier += s == "alarm" and prev != "alarm"
            if s == "alarm" and i + 1 < len(seq):
                hours += min(seq[i + 1][0] - t, 3600.0) / 3600  # a pause counts 1 h at most
            prev = s
        when = datetime.datetime.fromtimestamp(times[on], datetime.timezone.utc).strftime(
            "%m-%d %H:%M") if lasting else "none"
        lead = "%.1f" % ((times[-1] - times[on]) / 3600) if lasting else "-"
        leads[ch] = (times[-1] - times[on]) / 3600 if lasting else None
        if at_pause:
            restart.append(ch)
        print("%-4s %6s %12s %8s %8d %9.1f" % (ch, "ALARM" if at_pause else "-", when, lead,
                                                earlier, hours))
    if check:
        bad = [ch for ch in ("B3", "B4") if not (leads.get(ch) or 0) >= 48] + \
              [ch for ch in ("B1", "B2") if leads.get(ch) is not None] + \
              [ch + " (alarm at the restart)" for ch in restart]
        if bad:
            print("FAIL: the IMS targets no longer met on %s" % ", ".join(bad))
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
