#!/bin/sh
# The version-1 model files of tests/data/models_v1, made by the hosts as they were before the
# pipeline specification (commit 3c483b9): each host's note format, and the notes that cannot
# rebuild their rows. Run from a build of that commit:
#   gen_v1_models.sh OLD_SOURCE_DIR OLD_BUILD_DIR OUT_DIR
set -eu
src=$1 build=$2 out=$3
demo=$src/datasets/demo
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# the command, samples: hop and bands given
"$build/tools/vigil" train --rate 12000 --frame 1024 --hop 512 --bands 0-1000,1000-3000 \
    --column de -o "$out/cli_samples.vgm" "$demo/healthy.csv.gz"
# the command, feature rows with a time column
"$build/tools/vigil" features --rate 12000 --frame 512 --column de "$demo/healthy.csv.gz" \
    > "$tmp/rows.csv"
"$build/tools/vigil" train --rows --time-column t_start --detector zscore -o "$out/cli_rows.vgm" \
    "$tmp/rows.csv" 2>/dev/null ||
"$build/tools/vigil" train --rows --time-column t_start --model zscore -o "$out/cli_rows.vgm" \
    "$tmp/rows.csv"
# the gateway, stdin mode (hop N/4 and its default octave bands)
"$build/examples/gateway/vigil_gateway" --input "$demo/healthy.csv.gz" --machine press-1 \
    --channel de --rate 12000 --column de --frame 1024 --hop 256 --learn 60 \
    --models "$tmp/gw" > /dev/null
cp "$tmp/gw/press-1@de.vgm" "$out/gateway.vgm"
# Python: a free-text note (rows source), a framing note without a rate, and a framing note
# whose framing does not make the monitor's columns (the orders columns are missing)
VIGIL_LIB=$build/lib/libvigil.so PYTHONPATH=$src/python /usr/bin/python3 - "$out" <<'PY'
import sys, numpy as np, vigil
out = sys.argv[1]
rng = np.random.default_rng(7)
rows = rng.normal(1.0, 0.1, (40, 3))
m = vigil.Monitor(["a_rms", "b_kurtosis", "c"], detector="zscore", note="line 3 of plant B")
m.learn(rows); m.fit(); m.save(out + "/free_note.vgm")
ex = vigil.FeatureExtractor(12000, 1024, orders=True)
x = rng.normal(0, 1, 1024 * 20)
ex.push(x)
cols = ex.drain()
feats = np.column_stack([np.asarray(cols[n], dtype=float) for n in ex.names])
for name, note in (("no_rate.vgm", "rows=0\nframe=1024\nhop=1024\nhop_given=1\n"),
                   ("wrong_layout.vgm", "rows=0\nrate=12000\nframe=1024\nhop=1024\nhop_given=1\n")):
    m = vigil.Monitor(list(ex.names), detector="zscore", note=note)
    m.learn(feats); m.fit(); m.save(out + "/" + name)
PY
