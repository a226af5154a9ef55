#include "odynn/nwb_import.hpp"

#include <hdf5.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <mutex>
#include <set>

#include "odynn/errors.hpp"
#include "odynn/trace_import.hpp"

namespace odynn {

namespace {

// NWB 2 core TimeSeries types; groups of any other neurodata_type are skipped.
const std::set<std::string> kSeriesTypes = {
    "TimeSeries", "PatchClampSeries", "CurrentClampSeries", "IZeroClampSeries", "CurrentClampStimulusSeries",
    "VoltageClampSeries", "VoltageClampStimulusSeries", "RoiResponseSeries", "ElectricalSeries", "SpikeEventSeries",
    "SpatialSeries", "AbstractFeatureSeries", "AnnotationSeries", "IntervalSeries", "DecompositionSeries",
    "ImageSeries", "ImageMaskSeries", "OpticalSeries", "TwoPhotonSeries", "OnePhotonSeries", "IndexSeries",
    "OptogeneticSeries"};

// Owns an HDF5 identifier and closes it with the matching function.
class Handle {
public:
    Handle() = default;
    Handle(hid_t id, herr_t (*close)(hid_t)) : id_(id), close_(close) {}
    Handle(Handle&& o) noexcept : id_(o.id_), close_(o.close_) { o.id_ = H5I_INVALID_HID; }
    Handle& operator=(Handle&& o) noexcept {
        std::swap(id_, o.id_);
        std::swap(close_, o.close_);
        return *this;
    }
    Handle(const Handle&) = delete;
    Handle& operator=(const Handle&) = delete;
    ~Handle() {
        if (id_ >= 0 && close_) close_(id_);
    }
    hid_t get() const { return id_; }
    bool valid() const { return id_ >= 0; }

private:
    hid_t id_ = H5I_INVALID_HID;
    herr_t (*close_)(hid_t) = nullptr;
};

void quietHdf5() {
    // HDF5 prints its error stack on stderr by default; every status is checked here instead.
    static std::once_flag once;
    std::call_once(once, [] { H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr); });
}

Handle openFile(const std::string& file) {
    quietHdf5();
    if (H5Fis_hdf5(file.c_str()) <= 0) throw InputError(file, 0, {}, "not an HDF5 (NWB) file, or it cannot be read");
    Handle f(H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose);
    if (!f.valid()) throw InputError(file, 0, {}, "HDF5 cannot open the file");
    return f;
}

bool exists(hid_t loc, const std::string& name) { return H5Lexists(loc, name.c_str(), H5P_DEFAULT) > 0; }

std::optional<std::string> stringAttribute(hid_t obj, const char* name) {
    if (H5Aexists(obj, name) <= 0) return std::nullopt;
    Handle attr(H5Aopen(obj, name, H5P_DEFAULT), H5Aclose);
    Handle type(H5Aget_type(attr.get()), H5Tclose);
    if (H5Tget_class(type.get()) != H5T_STRING) return std::nullopt;
    Handle space(H5Aget_space(attr.get()), H5Sclose);
    if (H5Sget_simple_extent_npoints(space.get()) != 1) return std::nullopt;
    if (H5Tis_variable_str(type.get()) > 0) {
        Handle mem(H5Tcopy(H5T_C_S1), H5Tclose);
        H5Tset_size(mem.get(), H5T_VARIABLE);
        H5Tset_cset(mem.get(), H5Tget_cset(type.get()));
        char* value = nullptr;
        if (H5Aread(attr.get(), mem.get(), &value) < 0 || !value) return std::nullopt;
        std::string out(value);
        H5free_memory(value);
        return out;
    }
    const size_t size = H5Tget_size(type.get());
    std::string out(size, '\0');
    if (H5Aread(attr.get(), type.get(), out.data()) < 0) return std::nullopt;
    out.resize(std::min(out.find('\0'), out.size()));
    while (!out.empty() && out.back() == ' ') out.pop_back();
    return out;
}

std::optional<double> numberAttribute(hid_t obj, const char* name) {
    if (H5Aexists(obj, name) <= 0) return std::nullopt;
    Handle attr(H5Aopen(obj, name, H5P_DEFAULT), H5Aclose);
    Handle type(H5Aget_type(attr.get()), H5Tclose);
    const H5T_class_t cls = H5Tget_class(type.get());
    if (cls != H5T_FLOAT && cls != H5T_INTEGER) return std::nullopt;
    double v = 0;
    if (H5Aread(attr.get(), H5T_NATIVE_DOUBLE, &v) < 0) return std::nullopt;
    return v;
}

// The dataset's filters must all be present in this HDF5 library.
void checkFilters(const std::string& file, const std::string& path, hid_t dataset) {
    Handle plist(H5Dget_create_plist(dataset), H5Pclose);
    const int n = H5Pget_nfilters(plist.get());
    for (int k = 0; k < n; ++k) {
        unsigned flags = 0, config = 0;
        size_t nvalues = 0;
        char name[128] = {0};
        const H5Z_filter_t id = H5Pget_filter2(plist.get(), unsigned(k), &flags, &nvalues, nullptr, sizeof name, name, &config);
        if (id < 0) continue;
        if (H5Zfilter_avail(id) <= 0)
            throw InputError(file, 0, path,
                             "compressed with filter " + std::to_string(id) + (name[0] ? std::string(" (") + name + ")" : "") +
                                 ", which this HDF5 library does not have; decompress the file (e.g. h5repack -f NONE) "
                                 "or install the filter plugin");
    }
}

struct Array {
    std::vector<double> values;
    std::vector<unsigned long long> shape;
};

Array readNumbers(const std::string& file, const std::string& path, hid_t loc, const std::string& name) {
    const std::string full = path + "/" + name;
    Handle ds(H5Dopen2(loc, name.c_str(), H5P_DEFAULT), H5Dclose);
    if (!ds.valid()) throw InputError(file, 0, full, "cannot open the dataset");
    Handle type(H5Dget_type(ds.get()), H5Tclose);
    const H5T_class_t cls = H5Tget_class(type.get());
    if (cls != H5T_FLOAT && cls != H5T_INTEGER) throw InputError(file, 0, full, "is not numeric");
    checkFilters(file, full, ds.get());
    Handle space(H5Dget_space(ds.get()), H5Sclose);
    const int rank = H5Sget_simple_extent_ndims(space.get());
    if (rank < 0 || rank > 2) throw InputError(file, 0, full, "has " + std::to_string(rank) + " dimensions; 0, 1 or 2 are read");
    Array a;
    a.shape.resize(size_t(rank));
    std::vector<hsize_t> dims(static_cast<size_t>(rank));
    if (rank > 0) H5Sget_simple_extent_dims(space.get(), dims.data(), nullptr);
    size_t count = 1;
    for (int d = 0; d < rank; ++d) {
        a.shape[size_t(d)] = dims[size_t(d)];
        count *= dims[size_t(d)];
    }
    a.values.resize(count);
    if (count && H5Dread(ds.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, a.values.data()) < 0)
        throw InputError(file, 0, full, "HDF5 could not read the values");
    return a;
}

std::vector<std::string> readStrings(hid_t ds) {
    Handle type(H5Dget_type(ds), H5Tclose);
    if (H5Tget_class(type.get()) != H5T_STRING) return {};
    Handle space(H5Dget_space(ds), H5Sclose);
    const hssize_t n = H5Sget_simple_extent_npoints(space.get());
    if (n <= 0) return {};
    std::vector<std::string> out;
    if (H5Tis_variable_str(type.get()) > 0) {
        Handle mem(H5Tcopy(H5T_C_S1), H5Tclose);
        H5Tset_size(mem.get(), H5T_VARIABLE);
        H5Tset_cset(mem.get(), H5Tget_cset(type.get()));
        std::vector<char*> values(size_t(n), nullptr);
        if (H5Dread(ds, mem.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()) < 0) return {};
        for (char* v : values) out.emplace_back(v ? v : "");
        H5Dvlen_reclaim(mem.get(), space.get(), H5P_DEFAULT, values.data());
        return out;
    }
    const size_t size = H5Tget_size(type.get());
    std::vector<char> buffer(size * size_t(n));
    if (H5Dread(ds, type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, buffer.data()) < 0) return {};
    for (hssize_t k = 0; k < n; ++k) {
        std::string s(buffer.data() + size_t(k) * size, size);
        s.resize(std::min(s.find('\0'), s.size()));
        out.push_back(s);
    }
    return out;
}

// Labels of a RoiResponseSeries' columns: rois holds row indices into the table its `table`
// attribute references; the table's text column labels / label / neuron names them.
std::vector<std::string> roiLabels(hid_t group) {
    if (!exists(group, "rois")) return {};
    Handle rois(H5Dopen2(group, "rois", H5P_DEFAULT), H5Dclose);
    if (!rois.valid() || H5Aexists(rois.get(), "table") <= 0) return {};
    Handle attr(H5Aopen(rois.get(), "table", H5P_DEFAULT), H5Aclose);
    Handle atype(H5Aget_type(attr.get()), H5Tclose);
    if (H5Tget_class(atype.get()) != H5T_REFERENCE) return {};
    hobj_ref_t ref{};
    if (H5Aread(attr.get(), H5T_STD_REF_OBJ, &ref) < 0) return {};
    Handle table(H5Rdereference2(rois.get(), H5P_DEFAULT, H5R_OBJECT, &ref), H5Oclose);
    if (!table.valid()) return {};
    std::vector<std::string> names;
    for (const char* column : {"labels", "label", "neuron"}) {
        if (!exists(table.get(), column)) continue;
        Handle ds(H5Dopen2(table.get(), column, H5P_DEFAULT), H5Dclose);
        names = readStrings(ds.get());
        if (!names.empty()) break;
    }
    if (names.empty()) return {};
    Handle type(H5Dget_type(rois.get()), H5Tclose);
    if (H5Tget_class(type.get()) != H5T_INTEGER) return {};
    Handle space(H5Dget_space(rois.get()), H5Sclose);
    const hssize_t n = H5Sget_simple_extent_npoints(space.get());
    std::vector<long long> index(size_t(std::max<hssize_t>(n, 0)));
    if (n <= 0 || H5Dread(rois.get(), H5T_NATIVE_LLONG, H5S_ALL, H5S_ALL, H5P_DEFAULT, index.data()) < 0) return {};
    std::vector<std::string> out;
    for (long long i : index) out.push_back(i >= 0 && size_t(i) < names.size() ? names[size_t(i)] : std::to_string(i));
    return out;
}

NwbSeriesInfo describe(hid_t group, const std::string& path, const std::string& type) {
    NwbSeriesInfo s;
    s.path = path;
    s.neurodataType = type;
    if (exists(group, "data")) {
        Handle data(H5Dopen2(group, "data", H5P_DEFAULT), H5Dclose);
        if (data.valid()) {
            s.unit = stringAttribute(data.get(), "unit").value_or("");
            s.conversion = numberAttribute(data.get(), "conversion").value_or(1.0);
            s.offset = numberAttribute(data.get(), "offset").value_or(0.0);
            Handle space(H5Dget_space(data.get()), H5Sclose);
            const int rank = H5Sget_simple_extent_ndims(space.get());
            std::vector<hsize_t> dims(size_t(std::max(rank, 0)));
            if (rank > 0) H5Sget_simple_extent_dims(space.get(), dims.data(), nullptr);
            s.shape.assign(dims.begin(), dims.end());
        }
    }
    s.hasTimestamps = exists(group, "timestamps");
    if (!s.hasTimestamps && exists(group, "starting_time")) {
        Handle st(H5Dopen2(group, "starting_time", H5P_DEFAULT), H5Dclose);
        if (st.valid()) {
            double v = 0;
            if (H5Dread(st.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, &v) >= 0) s.startingTime = v;
            s.rate = numberAttribute(st.get(), "rate").value_or(0.0);
        }
    }
    if (type == "RoiResponseSeries") s.roiLabels = roiLabels(group);
    return s;
}

std::vector<NwbSeriesInfo> listOpen(hid_t file) {
    struct Visit {
        hid_t file;
        std::vector<NwbSeriesInfo> found;
    } visit{file, {}};
    auto callback = [](hid_t root, const char* name, const H5L_info_t* info, void* data) -> herr_t {
        auto* v = static_cast<Visit*>(data);
        if (info->type != H5L_TYPE_HARD) return 0;
        H5O_info_t object{};
        if (H5Oget_info_by_name(root, name, &object, H5P_DEFAULT) < 0 || object.type != H5O_TYPE_GROUP) return 0;
        Handle group(H5Gopen2(root, name, H5P_DEFAULT), H5Gclose);
        if (!group.valid()) return 0;
        const auto type = stringAttribute(group.get(), "neurodata_type");
        if (!type || !kSeriesTypes.count(*type) || !exists(group.get(), "data")) return 0;
        v->found.push_back(describe(group.get(), std::string("/") + name, *type));
        return 0;
    };
    H5Lvisit(file, H5_INDEX_NAME, H5_ITER_INC, callback, &visit);
    std::sort(visit.found.begin(), visit.found.end(),
              [](const NwbSeriesInfo& a, const NwbSeriesInfo& b) { return a.path < b.path; });
    return visit.found;
}

const NwbSeriesInfo& findSeries(const std::string& file, const std::vector<NwbSeriesInfo>& all, const std::string& key,
                                const std::string& option) {
    std::vector<const NwbSeriesInfo*> hits;
    const std::string path = key.empty() || key[0] == '/' ? key : "/" + key;
    for (const auto& s : all)
        if (s.path == path) return s;
    for (const auto& s : all)
        if (s.name() == key) hits.push_back(&s);
    if (hits.size() == 1) return *hits.front();
    std::string names;
    if (!hits.empty()) {
        for (const NwbSeriesInfo* s : hits) names += (names.empty() ? "" : ", ") + s->path;
        throw InputError(file, 0, option, "'" + key + "' names several series: " + names + "; give the path");
    }
    for (const auto& s : all) names += (names.empty() ? "" : ", ") + s.path;
    throw InputError(file, 0, option,
                     "no TimeSeries '" + key + "' in the file" + (names.empty() ? "" : "; it has " + names));
}

// Physical values of one column and the absolute sample times (s).
struct Samples {
    std::vector<double> time, value;
};

Samples readSeries(const std::string& file, hid_t root, const NwbSeriesInfo& info, const std::string& roi,
                   const std::string& option) {
    Handle group(H5Gopen2(root, info.path.c_str(), H5P_DEFAULT), H5Gclose);
    if (!group.valid()) throw InputError(file, 0, info.path, "cannot open the group");
    const Array data = readNumbers(file, info.path, group.get(), "data");
    const std::string dataPath = info.path + "/data";
    if (data.shape.empty() || data.shape[0] < 1) throw InputError(file, 0, dataPath, "holds no samples");
    const size_t rows = data.shape[0], cols = data.shape.size() == 2 ? data.shape[1] : 1;
    size_t column = 0;
    if (!roi.empty()) {
        const bool numeric = roi.find_first_not_of("0123456789") == std::string::npos;
        if (numeric) {
            column = std::strtoull(roi.c_str(), nullptr, 10);
        } else {
            const auto it = std::find(info.roiLabels.begin(), info.roiLabels.end(), roi);
            column = it == info.roiLabels.end() ? cols : size_t(it - info.roiLabels.begin());
        }
        if (column >= cols) {
            std::string known;
            for (size_t k = 0; k < cols; ++k)
                known += (k ? ", " : "") + std::to_string(k) +
                         (k < info.roiLabels.size() ? " (" + info.roiLabels[k] + ")" : std::string());
            throw InputError(file, 0, option, "no ROI '" + roi + "' in " + info.path + "; columns: " + known);
        }
    } else if (cols > 1) {
        std::string known;
        for (size_t k = 0; k < std::min<size_t>(cols, 8); ++k)
            known += (k ? ", " : "") + (k < info.roiLabels.size() ? info.roiLabels[k] : std::to_string(k));
        throw InputError(file, 0, option,
                         info.path + " has " + std::to_string(cols) + " ROIs (" + known + (cols > 8 ? ", ..." : "") +
                             "); choose one with --roi INDEX or LABEL");
    }
    Samples s;
    s.value.resize(rows);
    for (size_t r = 0; r < rows; ++r) {
        const double v = data.values[r * cols + column] * info.conversion + info.offset;
        if (!std::isfinite(v)) throw InputError(file, 0, dataPath, "sample " + std::to_string(r) + " is not finite");
        s.value[r] = v;
    }
    if (info.hasTimestamps) {
        const Array ts = readNumbers(file, info.path, group.get(), "timestamps");
        if (ts.values.size() != rows)
            throw InputError(file, 0, info.path + "/timestamps",
                             std::to_string(ts.values.size()) + " timestamps for " + std::to_string(rows) + " samples");
        s.time = ts.values;
        for (size_t r = 1; r < rows; ++r)
            if (!(s.time[r] > s.time[r - 1]))
                throw InputError(file, 0, info.path + "/timestamps", "time must increase strictly (sample " +
                                                                         std::to_string(r) + ")");
    } else {
        if (!(info.rate > 0) || !std::isfinite(info.rate))
            throw InputError(file, 0, info.path + "/starting_time", "needs timestamps or a positive rate attribute");
        s.time.resize(rows);
        for (size_t r = 0; r < rows; ++r) s.time[r] = info.startingTime + double(r) / info.rate;
    }
    return s;
}

bool isVolts(const std::string& unit) { return unit == "volts" || unit == "volt" || unit == "V"; }
bool isAmperes(const std::string& unit) { return unit == "amperes" || unit == "ampere" || unit == "A"; }

// The stimulus at the target's sample times (s): as it is when both share their times, else
// linearly interpolated, 0 outside the stimulus.
std::vector<double> alignStimulus(const Samples& stim, const std::vector<double>& times) {
    bool same = stim.time.size() == times.size();
    for (size_t r = 0; same && r < times.size(); ++r)
        same = std::abs(stim.time[r] - times[r]) <= 1e-9 * std::max(1.0, std::abs(times[r]));
    if (same) return stim.value;
    std::vector<double> out(times.size(), 0.0);
    for (size_t r = 0; r < times.size(); ++r) {
        const double t = times[r];
        if (t < stim.time.front() || t > stim.time.back()) continue;
        const size_t hi = size_t(std::lower_bound(stim.time.begin(), stim.time.end(), t) - stim.time.begin());
        if (hi == 0 || stim.time[hi] == t) {
            out[r] = stim.value[hi];
            continue;
        }
        const double w = (t - stim.time[hi - 1]) / (stim.time[hi] - stim.time[hi - 1]);
        out[r] = stim.value[hi - 1] + w * (stim.value[hi] - stim.value[hi - 1]);
    }
    return out;
}

}  // namespace

std::vector<NwbSeriesInfo> listNwbSeries(const std::string& file) {
    const Handle f = openFile(file);
    return listOpen(f.get());
}

NwbFittingData importNwb(const std::string& file, const NwbImportOptions& o) {
    if (o.series.empty()) throw InputError(file, 0, "--series", "name the series to import (see --list)");
    if (o.dt && (!(*o.dt > 0) || !std::isfinite(*o.dt))) throw InputError(file, 0, "--dt", "the time step must be positive");
    if (!std::isfinite(o.currentScale)) throw InputError(file, 0, "--current-scale", "must be finite");
    const Handle f = openFile(file);
    const std::vector<NwbSeriesInfo> all = listOpen(f.get());
    const NwbSeriesInfo& target = findSeries(file, all, o.series, "--series");

    NwbFittingData out;
    double targetScale = 1;
    const std::string& type = target.neurodataType;
    if (type == "RoiResponseSeries") {
        out.targetColumn = "cac";
    } else if (type == "CurrentClampSeries" || type == "IZeroClampSeries" || type == "PatchClampSeries" ||
               (type == "TimeSeries" && isVolts(target.unit))) {
        if (!isVolts(target.unit) && target.unit != "mV")
            throw InputError(file, 0, target.path + "/data", "unit '" + target.unit + "' is not volts");
        out.targetColumn = "V";
        targetScale = isVolts(target.unit) ? 1000.0 : 1.0;  // V -> mV
    } else {
        throw InputError(file, 0, "--series",
                         target.path + " is a " + type +
                             ", not a fitting target: choose a CurrentClampSeries (V) or a RoiResponseSeries (cac)");
    }
    const Samples main = readSeries(file, f.get(), target, o.roi, "--roi");
    std::vector<double> value = main.value;
    for (double& v : value) v *= targetScale;

    std::vector<double> current(value.size(), 0.0);
    if (!o.stimulus.empty()) {
        const NwbSeriesInfo& stimInfo = findSeries(file, all, o.stimulus, "--stimulus");
        if (stimInfo.neurodataType != "CurrentClampStimulusSeries" && !isAmperes(stimInfo.unit))
            throw InputError(file, 0, "--stimulus",
                             stimInfo.path + " is a " + stimInfo.neurodataType + " in '" + stimInfo.unit +
                                 "', not an injected current (CurrentClampStimulusSeries, amperes)");
        const Samples stim = readSeries(file, f.get(), stimInfo, "", "--stimulus");
        current = alignStimulus(stim, main.time);
        for (double& c : current) c *= o.currentScale;
    }

    // ms from the first sample; at a fixed rate sample r is at r x the interval exactly.
    const bool uniform = !target.hasTimestamps;
    const double native = uniform ? 1000.0 / target.rate : 0.0;
    std::vector<double> t(main.time.size());
    for (size_t r = 0; r < t.size(); ++r)
        t[r] = uniform ? double(r) * native : (main.time[r] - main.time.front()) * 1000.0;
    if (!o.dt || (uniform && std::abs(*o.dt - native) <= 1e-9 * native)) {
        out.t = std::move(t);
        out.target = std::move(value);
        out.current = std::move(current);
        return out;
    }
    if (t.size() < 4) throw InputError(file, 0, target.path + "/data", "resampling needs at least 4 samples");
    out.target = resample(t, value, *o.dt, o.smoothing);
    out.current = resample(t, current, *o.dt, 0.0);
    out.t.resize(out.target.size());
    for (size_t k = 0; k < out.t.size(); ++k) out.t[k] = double(k) * *o.dt;
    return out;
}

}  // namespace odynn
