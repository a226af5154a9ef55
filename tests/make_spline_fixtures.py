#!/usr/bin/python3
"""Expected values for the smoothing-spline and ODYNN-preparation tests, from scipy's FITPACK.

Run from the repository root with Debian's python3-scipy (1.10):
    /usr/bin/python3 tests/make_spline_fixtures.py
It rewrites tests/data/spline/*.json and tests/data/odynn_preset/*.csv; the tests read those
files and need no Python.
"""
import csv
import json
import os

import numpy as np
from scipy.interpolate import splev, splrep

ROOT = os.path.dirname(os.path.abspath(__file__))
SPLINE_DIR = os.path.join(ROOT, 'data', 'spline')
PRESET_DIR = os.path.join(ROOT, 'data', 'odynn_preset')


def aval(name='AVAL1.csv'):
    with open(os.path.join(ROOT, 'data', name)) as fh:
        rows = list(csv.DictReader(fh))
    return (np.array([float(r['timeVector']) for r in rows]), np.array([float(r['trace']) for r in rows]),
            np.array([float(r['inputCurrent']) for r in rows]))


def spline_case(name, x, y, s, queries, keep_samples=True):
    tck, fp, ier, _ = splrep(x, y, s=s, full_output=1)
    case = {'scipy': '1.10 splrep(x, y, s=s) / splev(q, tck)', 's': s, 'q': list(map(float, queries)),
            'value': list(map(float, splev(queries, tck))), 'knots': int(len(tck[0])), 'fp': float(fp), 'ier': int(ier)}
    if keep_samples:  # else the test rebuilds them
        case['x'] = list(map(float, x))
        case['y'] = list(map(float, y))
    with open(os.path.join(SPLINE_DIR, name + '.json'), 'w') as fh:
        json.dump(case, fh)


def spline_cases():
    t, trace, current = aval()
    x = np.arange(500) * 8.0  # ODYNN's first training window: 8 ms a sample
    q = np.arange(0.0, 4000.0, 0.7)  # inside the samples and a little past the last one
    for s in (0.25, 1.0, 5.0, 0.0):
        spline_case('aval_trace_s%g' % s, x, 10 * trace[:500], s, q)
    spline_case('aval_current_s0', x, 10 * current[:500], 0.0, q)
    # Scaled time as import-trace uses by default (s -> ms), samples 1000..1399.
    spline_case('aval_ms_s0.25', t[1000:1400] * 1000, 10 * trace[1000:1400], 0.25,
                np.linspace(t[1000] * 1000, t[1399] * 1000, 777))
    rng = np.random.RandomState(11)
    xs = np.sort(rng.uniform(0, 10, 300))
    ys = np.sin(xs) + 0.05 * rng.standard_normal(300)
    for s in (0.3, 0.75, 2.0):
        spline_case('noisy_sine_s%g' % s, xs, ys, s, np.linspace(0, 10, 401))
    # Larger than the least-squares cubic's residual: the cubic itself (ier -2).
    spline_case('cubic_polynomial', xs, ys, 1e4, np.linspace(0, 10, 51))
    # Fewest samples.
    spline_case('four_samples', np.array([0, 1, 4, 5.]), np.array([0.1, 0.2, 0.12, 0.1]), 0.25, [0.5, 2.5, 4.9])
    spline_case('five_samples', np.array([0, 1, 2, 4, 5.]), np.array([0.1, 0.2, 0.15, 0.12, 0.1]), 1e-4,
                [0.5, 1.5, 3.0, 4.5])
    spline_case('seven_samples_s0', np.array([0, 1, 2.5, 3, 4.5, 6, 7]),
                np.sin([0, 1, 2.5, 3, 4.5, 6, 7]) + 0.1 * np.array([0, 1, 2.5, 3, 4.5, 6, 7]), 0.0,
                [0.5, 2.0, 3.7, 6.9])


def long_recording(m=250000):
    """A long recording built from exact arithmetic only (the test rebuilds it bit for bit):
    a Lorentzian bump plus LCG noise, so the knot placement runs on several threads."""
    i = np.arange(m, dtype=np.int64)
    x = i * 0.5
    noise = ((1664525 * i + 1013904223) % 4294967296).astype(np.float64) / 4294967296.0 - 0.5
    u = (x - 40000.0) / 9000.0
    y = 3.0 / (1.0 + u * u) + 0.2 * noise
    return x, y


def long_case():
    x, y = long_recording()
    spline_case('long_250k_s790', x, y, 790.0, np.linspace(0.0, x[-1], 301), keep_samples=False)


def odynn_preset(dt):
    """datas.get_real_data(delta=500, final_time=4000., dt) on AVAL1.csv."""
    _, trace, current = aval()
    trace = 10 * trace[:3100]
    current = 10 * current[:3100]
    unit = 4000.0 / 500
    t = np.arange(3100) * unit
    ts = np.arange(0.0, 4000.0, dt)
    for k, start in enumerate([0, 0, 420, 1140, 2400]):
        td = t[start:start + 500] - t[start]
        cac = splev(ts, splrep(td, trace[start:start + 500], s=0.25))
        cur = splev(ts, splrep(td, current[start:start + 500], s=0))
        write(os.path.join(PRESET_DIR, 'train_%d.csv' % k), ts, cur, cac)
    tt = np.arange(0.0, 3100 * unit, dt)
    write(os.path.join(PRESET_DIR, 'test.csv'), tt, splev(tt, splrep(t, current, s=0)),
          splev(tt, splrep(t, trace, s=0.25)))


def write(path, t, i, cac):
    with open(path, 'w') as fh:
        fh.write('t,i_inj,cac\n')
        for row in zip(t, i, cac):
            fh.write(','.join(repr(float(v)) for v in row) + '\n')


if __name__ == '__main__':
    os.makedirs(SPLINE_DIR, exist_ok=True)
    os.makedirs(PRESET_DIR, exist_ok=True)
    spline_cases()
    long_case()
    odynn_preset(dt=5.0)
