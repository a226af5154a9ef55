#pragma once
// Recordings in Neurodata Without Borders (NWB 2, HDF5) files as fitting data, read with the
// HDF5 C library.
//
// A TimeSeries is a group whose `neurodata_type` attribute names one of NWB's TimeSeries types
// (other types are skipped). Its physical values are data x conversion + offset (attributes of
// `data`); its times come from `timestamps` (s) or from `starting_time` (s) and its `rate`
// attribute (Hz). A CurrentClampSeries (volts) becomes the target V in mV, a RoiResponseSeries
// (under Fluorescence or DfOverF; one ROI) the target cac as stored; a CurrentClampStimulusSeries
// (amperes) becomes i_inj in amperes x currentScale (1e12: pA).
#include <optional>
#include <string>
#include <vector>

namespace odynn {

struct NwbSeriesInfo {
    std::string path;           // e.g. /acquisition/cc_response
    std::string neurodataType;  // e.g. CurrentClampSeries
    std::string unit;           // data's unit attribute
    double conversion = 1, offset = 0;
    bool hasTimestamps = false;
    double startingTime = 0, rate = 0;  // s and Hz, when there are no timestamps
    std::vector<unsigned long long> shape;  // data's dimensions, time first
    // For a RoiResponseSeries whose rois reference a segmentation table with a text column
    // `labels`, `label` or `neuron`: the label of each data column.
    std::vector<std::string> roiLabels;

    std::string name() const { return path.substr(path.find_last_of('/') + 1); }
};

// Every TimeSeries in the file, in path order. Throws InputError (file) for a file HDF5 cannot open.
std::vector<NwbSeriesInfo> listNwbSeries(const std::string& file);

struct NwbImportOptions {
    std::string series;              // name or path of the target series (required)
    std::string roi;                 // column: 0-based index or ROI label; empty when the data has one column
    std::string stimulus;            // name or path of the injected current; empty: i_inj = 0
    std::optional<double> dt;        // ms; absent or equal to the native interval: samples as they are
    double currentScale = 1e12;      // amperes -> model units (pA)
    double smoothing = 0.25;         // splrep s of the target when resampling (the current uses 0)
};

struct NwbFittingData {
    std::vector<double> t, current, target;  // t in ms from the first sample
    std::string targetColumn;                // "V" or "cac"
};

// Throws InputError naming the file, the dataset or option, and what is wrong: a series or ROI
// that is not there (listing what is), a type that cannot be a target or a stimulus, a dataset
// compressed with a filter the HDF5 library lacks, unreadable or non-finite data.
NwbFittingData importNwb(const std::string& file, const NwbImportOptions& options);

}  // namespace odynn
