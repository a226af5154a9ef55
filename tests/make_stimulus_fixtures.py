#!/usr/bin/python3
"""ODYNN's standard protocols (datas.give_train without its unseeded noise, datas.give_test with
all 5 columns) computed with numpy / scipy as ODYNN writes them, for the stimulus tests.

Run from the repository root:  /usr/bin/python3 tests/make_stimulus_fixtures.py
Writes tests/data/stimuli/give_train_dt1.csv and give_test_dt1.csv (t, i0 .. i4).
"""
import os

import numpy as np
from scipy import signal

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'data', 'stimuli')


def give_train(dt=1.0, max_t=1200.):
    t = np.array(np.arange(0.0, max_t, dt))
    i = 10. * ((t > 100) & (t < 300)) + 20. * ((t > 400) & (t < 600)) + 40. * ((t > 800) & (t < 950))
    i2 = 30. * ((t > 100) & (t < 500)) + 25. * ((t > 800) & (t < 900))
    i3 = np.sum([(10. + (n * 2 / 100)) * ((t > n) & (t < n + 50)) for n in range(100, 1100, 100)], axis=0)
    i4 = 15. * ((t > 400) & (t < 800))
    i5 = (t - 450) * (8. / 550) * ((t > 100) & (t <= 1100))
    return t, np.stack([i, i2, i3, i4, i5], axis=1)


def give_test(dt=1.0, max_t=1200.):
    t = np.array(np.arange(0.0, max_t, dt))
    i1 = (t - 100) * (30. / 100) * ((t > 100) & (t <= 200)) + 30 * ((t > 200) & (t <= 1100)) - (t - 1000) * (
            30. / 100) * ((t > 1000) & (t <= 1100))
    i2 = 30. * ((t > 100) & (t < 300)) + 15. * ((t > 400) & (t < 500)) + 10. * ((t > 700) & (t < 1000))
    i3 = (t - 600) * (1. / 500) * ((t > 100) & (t <= 600)) + (1100 - t) * (1. / 500) * ((t > 600) & (t <= 1100))
    i4 = np.sum([(30. - (n * 4 / 100)) * ((t > n) & (t < n + 50)) for n in range(100, 1100, 100)], axis=0)
    i5 = signal.gaussian(len(t), std=len(t) / 5) * 20.
    return t, np.stack([i1, i2, i3, i4, i5], axis=1)


def write(name, t, cur):
    with open(os.path.join(OUT, name), 'w') as fh:
        fh.write('t,i0,i1,i2,i3,i4\n')
        for k in range(len(t)):
            fh.write(','.join(repr(float(v)) for v in [t[k]] + list(cur[k])) + '\n')


if __name__ == '__main__':
    os.makedirs(OUT, exist_ok=True)
    write('give_train_dt1.csv', *give_train())
    write('give_test_dt1.csv', *give_test())
