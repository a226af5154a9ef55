#!/usr/bin/python3
"""Small NWB-shaped HDF5 files for the NWB import tests, written with Debian's python3-h5py.

Run from the repository root:  /usr/bin/python3 tests/make_nwb_fixtures.py
It rewrites tests/data/nwb/*.nwb (kept in the repository; the tests need no Python). The files
follow NWB 2's layout (neurodata_type / namespace attributes, data with unit, conversion and
offset, timestamps or starting_time with rate, RoiResponseSeries.rois referencing a
PlaneSegmentation table) without the full schema.
"""
import os

import h5py
import numpy as np

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'data', 'nwb')
STR = h5py.string_dtype('utf-8')


def typed(obj, neurodata_type, namespace='core'):
    obj.attrs.create('neurodata_type', neurodata_type, dtype=STR)
    obj.attrs.create('namespace', namespace, dtype=STR)


def series(parent, name, neurodata_type, data, unit, conversion=1.0, offset=None, rate=None, start=0.0,
           timestamps=None, **dataset_options):
    g = parent.create_group(name)
    typed(g, neurodata_type)
    d = g.create_dataset('data', data=data, **dataset_options)
    d.attrs.create('unit', unit, dtype=STR)
    d.attrs['conversion'] = np.float32(conversion) if conversion == 1.0 else np.float64(conversion)
    d.attrs['resolution'] = -1.0
    if offset is not None:
        d.attrs['offset'] = offset
    if timestamps is not None:
        ts = g.create_dataset('timestamps', data=np.asarray(timestamps, dtype=np.float64))
        ts.attrs['interval'] = np.int32(1)
        ts.attrs.create('unit', 'seconds', dtype=STR)
    else:
        st = g.create_dataset('starting_time', data=np.float64(start))
        st.attrs['rate'] = np.float64(rate)
        st.attrs.create('unit', 'seconds', dtype=STR)
    return g


def root(f):
    typed(f, 'NWBFile')
    f.attrs.create('nwb_version', '2.6.0', dtype=STR)
    for path in ('acquisition', 'stimulus/presentation', 'stimulus/templates', 'processing', 'general'):
        f.require_group(path)


def patch_clamp():
    # 10 kHz current clamp: V stored as int16 counts (conversion 1e-4 V, offset -0.065 V),
    # stimulus in pA counts (conversion 1e-12 A) starting 0.5 s into the session.
    n = 2000
    k = np.arange(n)
    step = np.where((k >= 500) & (k < 1500), 20.0, 0.0)  # pA
    v = -0.065 + 0.010 * (1 - np.exp(-np.maximum(k - 500, 0) / 200.0)) * (k < 1500)  # V
    counts = np.round((v + 0.065) / 1e-4).astype(np.int16)
    with h5py.File(os.path.join(OUT, 'patch_clamp.nwb'), 'w') as f:
        root(f)
        acq = f['acquisition']
        cc = series(acq, 'cc_response', 'CurrentClampSeries', counts, 'volts', conversion=1e-4, offset=-0.065,
                    rate=10000.0, start=0.5)
        cc.create_dataset('bias_current', data=0.0)
        series(f['stimulus/presentation'], 'cc_stimulus', 'CurrentClampStimulusSeries', step.astype(np.float32),
               'amperes', conversion=1e-12, rate=10000.0, start=0.5)
        # A type this reader does not know, and a dataset compressed with a filter libhdf5 lacks
        # (h5py's own LZF).
        series(acq, 'mystery', 'MysterySeries', np.zeros(10), 'a.u.', rate=1.0)
        series(acq, 'lzf_response', 'CurrentClampSeries', v, 'volts', rate=10000.0, start=0.5, compression='lzf',
               chunks=(500,))
        series(acq, 'gzip_response', 'CurrentClampSeries', v, 'volts', rate=10000.0, start=0.5, compression='gzip',
               chunks=(500,))


def calcium():
    # Whole-brain imaging at ~4 Hz with irregular timestamps: 3 labelled ROIs in Fluorescence,
    # the same as dF/F, and a PlaneSegmentation whose text column is `labels`.
    n = 120
    ts = 10.0 + np.cumsum(np.r_[0.0, 0.25 + 0.01 * np.sin(np.arange(n - 1))])
    t = ts - ts[0]
    traces = np.stack([1 + 0.5 * np.sin(t / 3), 2 + 0.2 * np.cos(t / 5), 0.5 + 0.01 * t], axis=1)
    with h5py.File(os.path.join(OUT, 'calcium.nwb'), 'w') as f:
        root(f)
        ophys = f['processing'].create_group('ophys')
        typed(ophys, 'ProcessingModule')
        seg = ophys.create_group('ImageSegmentation')
        typed(seg, 'ImageSegmentation')
        plane = seg.create_group('PlaneSegmentation')
        typed(plane, 'PlaneSegmentation')
        plane.attrs['colnames'] = np.array(['labels'], dtype=object).astype(STR)
        plane.create_dataset('id', data=np.arange(3))
        plane.create_dataset('labels', data=np.array(['AVAL', 'AVAR', 'RIML'], dtype=object), dtype=STR)
        for container, name, scale in (('Fluorescence', 'RoiResponseSeries', 1.0), ('DfOverF', 'dff', 0.1)):
            c = ophys.create_group(container)
            typed(c, container)
            s = series(c, name, 'RoiResponseSeries', (traces * scale).astype(np.float32), 'a.u.', timestamps=ts)
            rois = s.create_dataset('rois', data=np.arange(3))
            typed(rois, 'DynamicTableRegion', 'hdmf-common')
            rois.attrs['table'] = plane.ref
            rois.attrs.create('description', 'all ROIs', dtype=STR)


if __name__ == '__main__':
    os.makedirs(OUT, exist_ok=True)
    patch_clamp()
    calcium()
