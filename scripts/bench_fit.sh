#!/usr/bin/env bash
# Fitting benchmark: ODYNN's method (700 epochs) against the robust method, same data, same
# starts, several seeds.
#  1. Synthetic data with a known answer (a perfect fit exists): tests/data/fit_synthetic (ODYNN's
#     DEFAULT_2 celegans neuron under its 5 training currents), and the same made with
#     scripts/make_fit_synthetic.sh for the hhsimple neuron (hhsimple/) and a two-neuron circuit
#     (pair/; with PAIR2=1 also pair_default2/, both neurons at DEFAULT_2). Per seed: the best
#     loss of the random starts (`fit --epochs 0`: the starts as drawn), each method's best loss
#     and the best set's test loss, the reductions, how many parameters lie within 1% of the
#     truth, and wall times.
#     The parameters the traces determine are those whose linearised standard error at the
#     truth (`odynn-cli uncertainty`, noise 0.1 mV a sample) is below 1% of their value; the
#     others lie along valleys of (nearly) equal loss, where any fit may stop.
#  2. The AVAL calcium recording (tests/data/AVAL1.csv) in ODYNN's own preparation (the data its
#     fits used): train and test loss of the best set of each method.
# usage: scripts/bench_fit.sh [BUILD_DIR] [SEEDS] [STARTS]     (the machine should be quiet)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cli=${1:-$root/build}/app/odynn-cli
seeds=${2:-10}
starts=${3:-20}
data=$root/tests/data/fit_synthetic
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

value() { sed -n "s/^ *\"$2\": \([^,]*\),\{0,1\}$/\1/p" "$1/summary.json"; }
# within RUN ONLY TRUTH: parameters of RUN/best.json within 1% of TRUTH (relative) and the names
# of the others; only those the file ONLY lists (one name a line) unless ONLY is empty.
within() {
  awk -F'[":, ]+' -v only="${2:-}" 'BEGIN { if (only != "") while ((getline l < only) > 0) keep[l] = 1 }
                   FNR==NR { if (NF >= 3) t[$2] = $3; next }
                   NF >= 3 && ($2 in t) && (only == "" || ($2 in keep)) {
                     n++; d = ($3 - t[$2]) / t[$2]; if (d < 0) d = -d;
                     if (d <= 0.01) ok++; else off = off " " $2 }
                   END { printf "%d/%d%s", ok, n, (off == "" ? "" : " (off:" off ")") }' "$3" "$1/best.json"
}

median() { printf "%s\n" "$@" | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }

# One synthetic problem: synthetic NAME DIR MODEL_ARGS... (DIR holds train_b0..4.csv, test_b0..1.csv
# and truth.json, or circuit.json whose values are the truth).
synthetic() {
  local name=$1 dir=$2; shift 2
  local model=("$@") train=() fit
  for b in 0 1 2 3 4; do train+=(--data "$dir/train_b$b.csv"); done
  fit=(fit "${model[@]}" --population "$starts" "${train[@]}" --test "$dir/test_b0.csv" --test "$dir/test_b1.csv")
  local params=()
  [ -f "$dir/truth.json" ] && params=(--params "$dir/truth.json")
  "$cli" uncertainty "${model[@]}" "${params[@]}" "${train[@]}" --noise-v 0.1 --out "$work/$name.uncertainty.json" > /dev/null
  awk '/^ "[^"]*": [{]/ { name = $1; gsub(/[":]/, "", name) } /"determined": true/ { print name }' \
    "$work/$name.uncertainty.json" > "$work/$name.determined.txt"
  # truth as {name: value} from the same file (the values it was computed at)
  awk '/^ "[^"]*": [{]/ { name = $1; gsub(/[":]/, "", name) } /"value":/ { v = $2; gsub(/,/, "", v); printf "%s \"%s\": %s", (n++ ? ",\n" : "{\n"), name, v }
       END { print "\n}" }' "$work/$name.uncertainty.json" > "$work/$name.truth.json"
  echo
  echo "$name, $starts starts: losses in mV^2; 'drop' = best random start / best fitted"
  echo "parameters the traces determine (1% at 0.1 mV noise): $(wc -l < "$work/$name.determined.txt") of $(grep -c '"value"' "$work/$name.uncertainty.json"): $(tr '\n' ' ' < "$work/$name.determined.txt")"
  printf "%4s | %9s %9s | %9s %8s %8s %6s | %9s %8s %8s %6s | %s\n" seed start test odynn drop "test" "s" robust drop "test" "s" "within 1%: determined (odynn, robust); all (robust)"
  local good=0 odynnGood=0 recovered=0 odynnRecovered=0 odynnTimes=() robustTimes=()
  for seed in $(seq 1 "$seeds"); do
    local w=$work/$name.$seed
    "$cli" "${fit[@]}" --seed "$seed" --epochs 0 --out "$w.start" > /dev/null
    "$cli" "${fit[@]}" --seed "$seed" --out "$w.odynn" > /dev/null
    "$cli" "${fit[@]}" --seed "$seed" --method robust --out "$w.robust" > /dev/null
    s=$(value "$w.start" best_loss); st=$(value "$w.start" best_test_loss)
    o=$(value "$w.odynn" best_loss); ot=$(value "$w.odynn" best_test_loss); os=$(value "$w.odynn" wall_seconds)
    r=$(value "$w.robust" best_loss); rt=$(value "$w.robust" best_test_loss); rs=$(value "$w.robust" wall_seconds)
    read -r od rd otd rtd <<< "$(awk -v s="$s" -v st="$st" -v o="$o" -v ot="$ot" -v r="$r" -v rt="$rt" \
      'BEGIN { printf "%.3g %.3g %.3g %.3g", s / o, s / r, st / ot, st / rt }')"
    awk -v d="$rd" -v t="$rtd" 'BEGIN { exit !(d >= 1000 && t >= 100) }' && good=$((good + 1))
    awk -v d="$od" -v t="$otd" 'BEGIN { exit !(d >= 1000 && t >= 100) }' && odynnGood=$((odynnGood + 1))
    odynnTimes+=("$os"); robustTimes+=("$rs")
    det=$(within "$w.robust" "$work/$name.determined.txt" "$work/$name.truth.json")
    odet=$(within "$w.odynn" "$work/$name.determined.txt" "$work/$name.truth.json")
    [ "${det%%/*}" = "$(echo "${det%% *}" | cut -d/ -f2)" ] && recovered=$((recovered + 1))
    [ "${odet%%/*}" = "$(echo "${odet%% *}" | cut -d/ -f2)" ] && odynnRecovered=$((odynnRecovered + 1))
    printf "%4d | %9.3g %9.3g | %9.3g %8s %8s %6.1f | %9.3g %8s %8s %6.1f | %s\n" "$seed" "$s" "$st" "$o" "$od" "$otd" "$os" \
      "$r" "$rd" "$rtd" "$rs" "${odet%% *}, $det; $(within "$w.robust" "" "$work/$name.truth.json" | cut -d' ' -f1)"
  done
  echo "seeds with loss drop >= 1000x and test drop >= 100x: robust $good/$seeds, odynn $odynnGood/$seeds"
  echo "seeds with every determined parameter within 1%: robust $recovered/$seeds, odynn $odynnRecovered/$seeds"
  echo "median wall time: odynn $(median "${odynnTimes[@]}") s, robust $(median "${robustTimes[@]}") s"
}

synthetic celegans "$data" --model celegans
synthetic hhsimple "$data/hhsimple" --model hhsimple
[ "${PAIR:-1}" = 1 ] && synthetic pair "$data/pair" --circuit "$data/pair/circuit.json"
[ "${PAIR2:-0}" = 1 ] && synthetic pair_default2 "$data/pair_default2" --circuit "$data/pair_default2/circuit.json"

echo
echo "AVAL1 calcium recording, ODYNN's preparation (import-trace --preset odynn --dt 1): 5 training windows of 4 s, test = the whole 24.8 s"
"$cli" import-trace "$root/tests/data/AVAL1.csv" --preset odynn --dt 1 --out "$work/aval" > /dev/null
aval=(fit --model celegans --population "$starts" --weights 0,1 --test "$work/aval/test.csv")
for b in 0 1 2 3 4; do aval+=(--data "$work/aval/train_$b.csv"); done
printf "%4s | %11s %11s %7s | %11s %11s %7s\n" seed "odynn loss" "odynn test" "s" "robust loss" "robust test" "s"
for seed in $(seq 1 "${AVAL_SEEDS:-3}"); do
  "$cli" "${aval[@]}" --seed "$seed" --out "$work/aval_odynn$seed" > /dev/null
  "$cli" "${aval[@]}" --seed "$seed" --method robust --out "$work/aval_robust$seed" > /dev/null
  printf "%4d | %11.4g %11.4g %7.1f | %11.4g %11.4g %7.1f\n" "$seed" "$(value "$work/aval_odynn$seed" best_loss)" \
    "$(value "$work/aval_odynn$seed" best_test_loss)" "$(value "$work/aval_odynn$seed" wall_seconds)" \
    "$(value "$work/aval_robust$seed" best_loss)" "$(value "$work/aval_robust$seed" best_test_loss)" \
    "$(value "$work/aval_robust$seed" wall_seconds)"
done
