#!/usr/bin/env bash
# Measures odynn-cli's speed workloads side by side with the reference implementations in
# ../shared/bench (ODYNN's numpy path, PyTorch autograd of ODYNN's epoch, PyTorch LSTM) and
# prints the ratios. Run on a quiet machine; results go to out/bench/.
# usage: scripts/bench.sh [--threads N]   (default: every core; `population` is also run on 1 thread)
# Needs: a build (scripts/build.sh) and Debian's python3-numpy, python3-scipy, python3-torch.
set -euo pipefail
cd "$(dirname "$0")/.."
threads=()
if [ "${1:-}" = --threads ]; then
  threads=(--threads "${2:?--threads needs a number}")
fi
ref=${ODYNN_BENCH_REF:-../shared/bench}  # the references; override for another checkout layout
out=out/bench
mkdir -p "$out"
py=/usr/bin/python3

echo "== odynn-cli bench"
build/app/odynn-cli bench --json "${threads[@]}" > "$out/odynn.json"
build/app/odynn-cli bench --json --workload population --threads 1 > "$out/odynn_1thread.json"
echo "== ODYNN numpy reference"
$py "$ref/odynn_ref.py" bench "$out/ref_numpy.json" > /dev/null
if $py -c "import torch" 2>/dev/null; then
  echo "== PyTorch reference of ODYNN's optimization epoch"
  $py "$ref/torch_ref.py" bench "$out/ref_torch.json" > /dev/null
  echo "== PyTorch LSTM reference"
  $py "$ref/lstm_ref.py" bench "$out/ref_lstm.json" > /dev/null
fi
$py - "$out" <<'PY'
import json, os, sys
out = sys.argv[1]
ours = {w['name']: w for w in json.load(open(os.path.join(out, 'odynn.json')))['workloads']}
one = {w['name']: w for w in json.load(open(os.path.join(out, 'odynn_1thread.json')))['workloads']}
def load(name):
    p = os.path.join(out, name)
    return json.load(open(p)) if os.path.exists(p) else None
rows = []
numpy = load('ref_numpy.json')
if numpy:
    r = {x['what']: x for x in numpy['results']}
    single = next(x for k, x in r.items() if 'single' in k)
    pop = next(x for k, x in r.items() if 'population' in k and 'float64' in k)
    rows.append(('single', ours['single']['seconds'], single['median_s'], 'ODYNN numpy'))
    rows.append(('population', ours['population']['seconds'], pop['median_s'], 'ODYNN numpy (float64)'))
    rows.append(('population/1', one['population']['seconds'], pop['median_s'], 'ODYNN numpy (float64), ours on 1 thread'))
torch = load('ref_torch.json')
if torch:
    for n in (1, 10, 100):
        cands = [x for x in torch['results'] if x['N_models'] == n and x['dtype'] == 'float32']
        best = min(cands, key=lambda x: x['median_s_per_epoch'])
        name = 'epoch%d' % n
        if name in ours:
            rows.append((name, ours[name]['seconds'], best['median_s_per_epoch'], 'PyTorch float32 (fastest variant)'))
lstm = load('ref_lstm.json')
if lstm and 'lstm_epoch' in ours:
    rows.append(('lstm_epoch', ours['lstm_epoch']['seconds'], lstm['median_s_per_epoch'], 'PyTorch float32 LSTM'))
print('%-12s %12s %12s %9s  %s' % ('workload', 'ours (s)', 'ref (s)', 'speed-up', 'reference'))
for name, a, b, what in rows:
    print('%-12s %12.5f %12.5f %8.1fx  %s' % (name, a, b, b / a, what))
for name, w in (('population', ours), ('population/1', one)):
    p = w['population']
    print('%-12s %.3g neuron-steps/s' % (name, p['neuron_steps_per_s']))
for name in ('circuit300', 'worm'):
    if name in ours:
        print('%-12s %12.5f s for 1 s of biological time (%.3g neuron-steps/s)' %
              (name, ours[name]['seconds'], ours[name]['neuron_steps_per_s']))
for name in ('epoch1', 'epoch10', 'epoch100'):
    if name in ours:
        print('%-12s %s' % (name, ours[name]['description'].split('; ', 1)[-1]))
PY
