#!/usr/bin/env bash
# Fitting benchmark: ODYNN's method (700 epochs) against the robust method, same data, same
# starts, several seeds.
#  1. tests/data/fit_synthetic: ODYNN's DEFAULT_2 neuron under its 5 training currents (truth.json
#     holds the parameters, so a perfect fit exists). Per seed: the best loss of the random starts
#     (`fit --epochs 0`: the starts as drawn), each method's best loss and the best set's test
#     loss, the reductions, how many parameters lie within 1% of the truth, and wall times.
#     The parameters the traces determine are those whose linearised standard error at the
#     truth (`odynn-cli uncertainty`, noise 0.1 mV a sample) is below 1% of their value; the
#     others lie along valleys of (nearly) equal loss, where any fit may stop.
#  2. The AVAL calcium recording (tests/data/AVAL1.csv through `import-trace`): test loss of the
#     best set of each method.
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
# Parameters of best.json within 1% of truth.json (relative), and the names of the others;
# with a second argument, only the parameters that file lists (one name a line).
within() {
  awk -F'[":, ]+' -v only="${2:-}" 'BEGIN { if (only != "") while ((getline l < only) > 0) keep[l] = 1 }
                   FNR==NR { if (NF >= 3) t[$2] = $3; next }
                   NF >= 3 && ($2 in t) && (only == "" || ($2 in keep)) {
                     n++; d = ($3 - t[$2]) / t[$2]; if (d < 0) d = -d;
                     if (d <= 0.01) ok++; else off = off " " $2 }
                   END { printf "%d/%d%s", ok, n, (off == "" ? "" : " (off:" off ")") }' "$data/truth.json" "$1/best.json"
}

fit=(fit --model celegans --population "$starts")
train=()
for b in 0 1 2 3 4; do train+=(--data "$data/train_b$b.csv"); done
fit+=("${train[@]}" --test "$data/test_b0.csv" --test "$data/test_b1.csv")
"$cli" uncertainty --model celegans --params "$data/truth.json" "${train[@]}" --noise-v 0.1 --out "$work/uncertainty.json" > /dev/null
awk '/^ "[^"]*": [{]/ { name = $1; gsub(/[":]/, "", name) } /"determined": true/ { print name }' \
  "$work/uncertainty.json" > "$work/determined.txt"
echo "parameters the traces determine (1% at 0.1 mV noise): $(tr '\n' ' ' < "$work/determined.txt")"

echo "fit_synthetic, $starts starts: losses in mV^2; 'drop' = best random start / best fitted"
printf "%4s | %9s %9s | %9s %8s %8s %6s | %9s %8s %8s %6s | %s\n" seed start test odynn drop "test" "s" robust drop "test" "s" "within 1%: determined (odynn, robust); all (robust)"
good=0; goodTest=0; odynnGood=0; odynnTimes=(); robustTimes=(); recovered=0; odynnRecovered=0
for seed in $(seq 1 "$seeds"); do
  "$cli" "${fit[@]}" --seed "$seed" --epochs 0 --out "$work/start$seed" > /dev/null
  "$cli" "${fit[@]}" --seed "$seed" --out "$work/odynn$seed" > /dev/null
  "$cli" "${fit[@]}" --seed "$seed" --method robust --out "$work/robust$seed" > /dev/null
  s=$(value "$work/start$seed" best_loss); st=$(value "$work/start$seed" best_test_loss)
  o=$(value "$work/odynn$seed" best_loss); ot=$(value "$work/odynn$seed" best_test_loss); os=$(value "$work/odynn$seed" wall_seconds)
  r=$(value "$work/robust$seed" best_loss); rt=$(value "$work/robust$seed" best_test_loss); rs=$(value "$work/robust$seed" wall_seconds)
  read -r od rd otd rtd <<< "$(awk -v s="$s" -v st="$st" -v o="$o" -v ot="$ot" -v r="$r" -v rt="$rt" \
    'BEGIN { printf "%.3g %.3g %.3g %.3g", s / o, s / r, st / ot, st / rt }')"
  awk -v d="$rd" -v t="$rtd" 'BEGIN { exit !(d >= 1000 && t >= 100) }' && good=$((good + 1))
  awk -v d="$od" -v t="$otd" 'BEGIN { exit !(d >= 1000 && t >= 100) }' && odynnGood=$((odynnGood + 1))
  odynnTimes+=("$os"); robustTimes+=("$rs")
  det=$(within "$work/robust$seed" "$work/determined.txt"); odet=$(within "$work/odynn$seed" "$work/determined.txt")
  [ "${det%%/*}" = "$(echo "${det%% *}" | cut -d/ -f2)" ] && recovered=$((recovered + 1))
  [ "${odet%%/*}" = "$(echo "${odet%% *}" | cut -d/ -f2)" ] && odynnRecovered=$((odynnRecovered + 1))
  printf "%4d | %9.3g %9.3g | %9.3g %8s %8s %6.1f | %9.3g %8s %8s %6.1f | %s\n" "$seed" "$s" "$st" "$o" "$od" "$otd" "$os" \
    "$r" "$rd" "$rtd" "$rs" "${odet%% *}, $det; $(within "$work/robust$seed" | cut -d' ' -f1)"
done
median() { printf "%s\n" "$@" | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }
echo "seeds with loss drop >= 1000x and test drop >= 100x: robust $good/$seeds, odynn $odynnGood/$seeds"
echo "seeds with every determined parameter within 1%: robust $recovered/$seeds, odynn $odynnRecovered/$seeds"
echo "median wall time: odynn $(median "${odynnTimes[@]}") s, robust $(median "${robustTimes[@]}") s"

echo
echo "AVAL1 calcium recording (import-trace, 8 ms a sample, dt 1 ms): train 0-4000 ms, test 4000-12000 ms"
"$cli" import-trace "$root/tests/data/AVAL1.csv" --dt 1 --time-scale 23.2558 --window 0,4000 --out "$work/aval_train.csv" > /dev/null
"$cli" import-trace "$root/tests/data/AVAL1.csv" --dt 1 --time-scale 23.2558 --window 4000,12000 --out "$work/aval_test.csv" > /dev/null
aval=(fit --model celegans --population "$starts" --weights 0,1 --data "$work/aval_train.csv" --test "$work/aval_test.csv")
printf "%4s | %11s %11s | %11s %11s\n" seed "odynn loss" "odynn test" "robust loss" "robust test"
for seed in $(seq 1 "${AVAL_SEEDS:-3}"); do
  "$cli" "${aval[@]}" --seed "$seed" --out "$work/aval_odynn$seed" > /dev/null
  "$cli" "${aval[@]}" --seed "$seed" --method robust --out "$work/aval_robust$seed" > /dev/null
  printf "%4d | %11.4g %11.4g | %11.4g %11.4g\n" "$seed" "$(value "$work/aval_odynn$seed" best_loss)" \
    "$(value "$work/aval_odynn$seed" best_test_loss)" "$(value "$work/aval_robust$seed" best_loss)" \
    "$(value "$work/aval_robust$seed" best_test_loss)"
done
