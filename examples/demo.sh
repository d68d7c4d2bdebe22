#!/bin/sh
# The README's demo: on the synthetic recordings bundled in datasets/demo (12 kHz, column `de`,
# a CWRU-like rig: SKF 6205 bearing, shaft 29.95 Hz), show the three things vigil does:
# frame features, a learned healthy baseline that raises alarms, and a fault diagnosis.
# Run from the repository root after `meson setup build && ninja -C build`.
set -eu
BUILD=${BUILD:-build}
VIGIL="$BUILD/tools/vigil"
D=datasets/demo

echo "== 1. Frame features (examples/quickstart.c): averages per recording"
"$BUILD/examples/quickstart" $D/healthy.csv.gz $D/outer_race.csv.gz $D/inner_race.csv.gz \
    $D/ball.csv.gz

echo
echo "== 2. vigil monitor: learn the first 30 frames of the healthy recording, then score the"
echo "      rest and the faulty recordings as one machine's history"
"$VIGIL" monitor --rate 12000 --frame 1024 --hop 512 --column de --learn 30 --summary \
    $D/healthy.csv.gz $D/outer_race.csv.gz $D/inner_race.csv.gz $D/ball.csv.gz
echo "   the same run, one row per alarm event: raised at t, since (onset), and the features"
echo "   that drove it, in baseline scales"
"$VIGIL" monitor --rate 12000 --frame 1024 --hop 512 --column de --learn 30 --events \
    $D/healthy.csv.gz $D/outer_race.csv.gz $D/inner_race.csv.gz $D/ball.csv.gz

echo
echo "== 3. vigil diagnose: which part is failing, and how bad (ISO 10816-3 zone)"
"$VIGIL" diagnose --rate 12000 --shaft-hz 29.95 --bearing n=9,d=0.3126,D=1.537,angle=0 \
    $D/healthy.csv.gz $D/outer_race.csv.gz $D/inner_race.csv.gz $D/ball.csv.gz |
    awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
             { printf "%-32s %-11s velocity %6.3f mm/s, zone %s\n", $col["source"],
               $col["fault"], $col["velocity_rms_mm_s"], $col["iso_zone"] }'
