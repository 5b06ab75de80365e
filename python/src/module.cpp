// The _itbound extension: every command as a Python function generated from its Param list, plus
// direct NumPy functions for the solvers and the bounds. No logic of its own: it converts and calls.
#include <pybind11/eigen.h>
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <Eigen/Core>
#include <cmath>
#include <limits>
#include <map>
#include <optional>
#include <span>
#include <sstream>
#include <stdexcept>
#include <string>

#include "itbound/bounds/cmi_report.hpp"
#include "itbound/bounds/test_set.hpp"
#include "itbound/cli/batch.hpp"
#include "itbound/cli/cmi.hpp"
#include "itbound/cli/command.hpp"
#include "itbound/cli/measures.hpp"
#include "itbound/data/render.hpp"
#include "itbound/data/rrm_io.hpp"
#include "itbound/data/report_json.hpp"
#include "itbound/data/supersample_io.hpp"
#include "itbound/data/trajectory.hpp"
#include "itbound/error.hpp"
#include "itbound/estimators/kl_divergence.hpp"
#include "itbound/estimators/knn_mi.hpp"
#include "itbound/estimators/supersample_stats.hpp"
#include "itbound/solvers/binomial.hpp"
#include "itbound/solvers/kl.hpp"
#include "itbound/solvers/maurer.hpp"

namespace py = pybind11;

// itbound.Result and itbound.Certificate (python/itbound/_result.py) as return types pybind11 can name in its
// signatures (and so in the generated stubs).
struct PyResult {
  py::object object;
};
struct PyCertificate {
  py::object object;
};

namespace pybind11::detail {
template <>
struct type_caster<PyResult> {
  PYBIND11_TYPE_CASTER(PyResult, const_name("itbound.Result"));
  bool load(handle, bool) { return false; }
  static handle cast(const PyResult& r, return_value_policy, handle) { return r.object.inc_ref(); }
};
template <>
struct type_caster<PyCertificate> {
  PYBIND11_TYPE_CASTER(PyCertificate, const_name("itbound.Certificate"));
  bool load(handle, bool) { return false; }
  static handle cast(const PyCertificate& c, return_value_policy, handle) { return c.object.inc_ref(); }
};
}  // namespace pybind11::detail
using itbound::InvalidArgument;
using itbound::cli::Json;

namespace {

// Python values in, as a command line would give them: bool before int (bool is an int in Python),
// NumPy scalars through __index__ / __float__, paths through os.fspath.
Json to_json(const py::handle& v, const std::string& field, int depth = 0) {
  if (depth > itbound::data::kMaxJsonDepth)
    throw InvalidArgument(field, "nests lists or dicts deeper than " + std::to_string(itbound::data::kMaxJsonDepth) + " levels");
  if (v.is_none()) return nullptr;
  if (py::isinstance<py::bool_>(v)) return v.cast<bool>();
  if (py::isinstance<py::str>(v)) return v.cast<std::string>();
  if (py::isinstance<py::dict>(v)) {
    Json out = Json::object();
    for (const auto& [key, value] : v.cast<py::dict>()) {
      const std::string name = py::str(key).cast<std::string>();
      out[name] = to_json(value, itbound::data::brief_text(name), depth + 1);
    }
    return out;
  }
  if (py::isinstance<py::list>(v) || py::isinstance<py::tuple>(v)) {
    Json out = Json::array();
    for (const auto& item : v) out.push_back(to_json(item, field, depth + 1));
    return out;
  }
  // NumPy arrays and scalars: their Python lists / numbers (inline-number parameters take arrays).
  if (py::hasattr(v, "tolist") && py::hasattr(v, "ndim")) return to_json(v.attr("tolist")(), field, depth);
  if (py::hasattr(v, "__fspath__")) return py::module_::import("os").attr("fspath")(v).cast<std::string>();
  if (py::hasattr(v, "__index__")) {
    const py::int_ n = py::reinterpret_steal<py::int_>(PyNumber_Index(v.ptr()));
    try {
      return n.cast<std::int64_t>();
    } catch (const py::cast_error&) {
      throw InvalidArgument(field, "integer out of range, got " + itbound::data::brief_text(py::str(v).cast<std::string>()));
    }
  }
  if (py::hasattr(v, "__float__")) return py::float_(v.cast<py::object>()).cast<double>();
  throw InvalidArgument(field, "unsupported Python type " + py::str(py::type::of(v).attr("__name__")).cast<std::string>());
}

py::str str_of(std::string_view s) { return py::str(s.data(), s.size()); }

// A result's fields as Python objects, from the core's own field list (no JSON in between): arrays become NumPy
// arrays, certificates itbound.Certificate, other objects itbound.Record (python/itbound/_result.py).
class PyBuilder final : public itbound::FieldVisitor {
public:
  explicit PyBuilder(py::dict& target) : at_(&target) {}

protected:
  void on_number(std::string_view name, double x, std::string_view, bool) override { put(name, py::float_(x)); }
  void on_integer(std::string_view name, std::int64_t x, std::string_view, bool) override { put(name, py::int_(x)); }
  void on_boolean(std::string_view name, bool x, std::string_view, bool) override { put(name, py::bool_(x)); }
  void on_text(std::string_view name, std::string_view x, std::string_view, bool) override { put(name, str_of(x)); }
  void on_texts(std::string_view name, std::span<const std::string> x, std::string_view) override {
    py::list out;
    for (const auto& t : x) out.append(str_of(t));
    put(name, out);
  }
  void on_array(std::string_view name, std::span<const double> x, std::span<const std::size_t> shape,
                std::string_view, bool) override {
    std::vector<py::ssize_t> dims(shape.begin(), shape.end());
    py::array_t<double> out(dims);
    std::copy(x.begin(), x.end(), out.mutable_data());
    put(name, out);
  }
  void on_object(std::string_view name, std::string_view type, std::string_view, const Fields& fields, bool present,
                 bool, bool open) override {
    if (!present) return put(name, py::none());
    py::dict child = build([&] { fields(*this); });
    put(name, open ? py::object(child) : wrap(type, child));
  }
  void on_list(std::string_view name, std::string_view type, std::string_view, std::size_t size,
               const Element& element) override {
    py::list out;
    for (std::size_t i = 0; i < size; ++i) out.append(wrap(type, build([&] { element(i, *this); })));
    put(name, out);
  }
  void on_null(std::string_view name, itbound::FieldType, std::string_view) override { put(name, py::none()); }

private:
  void put(std::string_view name, py::object value) { (*at_)[str_of(name)] = std::move(value); }
  template <class F>
  py::dict build(F&& f) {
    py::dict child;
    py::dict* saved = at_;
    at_ = &child;
    f();
    at_ = saved;
    return child;
  }
  static py::object wrap(std::string_view type, const py::dict& fields) {
    const py::module_ results = py::module_::import("itbound._result");
    if (type == "Certificate") return results.attr("Certificate")(fields);
    return results.attr("Record")(str_of(type), fields);
  }
  py::dict* at_;
};

py::dict fields_of(const itbound::Report& report) {
  py::dict fields;
  PyBuilder b(fields);
  report.visit(b);
  return fields;
}

// A command's result as itbound.Result.
PyResult to_python(const itbound::Report& report) {
  return {py::module_::import("itbound._result").attr("Result")(str_of(report.kind()), fields_of(report))};
}

PyCertificate to_python(const itbound::Certificate& c) {
  return {py::module_::import("itbound._result").attr("Certificate")(fields_of(itbound::Report("certificate", c)))};
}

const char* python_type(itbound::cli::Kind k) {
  using itbound::cli::Kind;
  switch (k) {
    case Kind::real: return "float";
    case Kind::integer: return "int";
    case Kind::text: return "str";
    case Kind::path: return "str | os.PathLike";
    case Kind::flag: return "bool";
  }
  return "";
}

std::string shown(const Json& v) {
  if (v.is_null()) return "None";
  if (v.is_boolean()) return v.get<bool>() ? "True" : "False";
  return v.is_string() ? "'" + itbound::data::brief_text(v.get<std::string>()) + "'" : itbound::data::brief(v);
}

// "name(*, a: float, b: int = 3) -> Result" then the summary and one entry per Param.
std::string command_doc(const itbound::cli::Command& c) {
  using namespace itbound::cli;
  std::string sig, params;
  for (const Param& p : c.params) {
    const std::string name = python_name(p.name);
    sig += ", " + name + ": " + python_type(p.kind);
    if (p.default_value) sig += " = " + shown(*p.default_value);
    else if (p.kind == Kind::flag) sig += " = False";
    std::string also;  // older spellings, accepted as keywords too
    for (const auto& alias : p.aliases) also += (also.empty() ? " Also spelt " : ", ") + python_name(alias);
    params += name + " : " + python_type(p.kind) + "\n    " + describe(p) + (also.empty() ? "" : also + ".") + "\n";
  }
  return python_name(c.name) + "(*" + sig + ") -> Result\n\n" + c.summary + "\n\nParameters\n----------\n" + params +
         "\nReturns\n-------\nResult\n    The same fields as `itbound " + c.name +
         "` prints, as attributes and through .to_dict().\n\nRaises\n------\nValueError\n    "
         "(itbound.InvalidArgument) naming the parameter, with the command line's message.\n";
}

PyResult run(const itbound::cli::Command& command, const py::dict& kwargs) {
  const Json raw = to_json(kwargs, "args");
  std::optional<itbound::Report> report;
  {
    py::gil_scoped_release release;
    report = itbound::cli::run_command(command, raw);
  }
  return to_python(*report);
}

using Array = py::array_t<double, py::array::c_style | py::array::forcecast>;

// kl inverses over arrays: contiguous float64 input is viewed in place (no copy); a scalar on either side is
// broadcast; the result has the shape of the array argument and is written into `out` when given (a writeable
// C-contiguous float64 array of that size: no allocation at all), else into a new array.
template <auto Inverse>
py::object kl_inverse(const py::object& q, const py::object& c, const py::object& out) {
  const bool q_array = py::isinstance<py::array>(q) || py::isinstance<py::list>(q) || py::isinstance<py::tuple>(q);
  const bool c_array = py::isinstance<py::array>(c) || py::isinstance<py::list>(c) || py::isinstance<py::tuple>(c);
  if (!q_array && !c_array && out.is_none()) return py::float_(Inverse(q.cast<double>(), c.cast<double>()).value);
  const Array qa = Array::ensure(q), ca = Array::ensure(c);
  if (!qa || !ca) throw py::type_error("q and c must be numbers or arrays of numbers");
  if (q_array && c_array && qa.size() != ca.size())
    throw InvalidArgument("c", "must have the length of q (" + std::to_string(qa.size()) + "), got " + std::to_string(ca.size()));
  py::array_t<double> result;
  if (out.is_none()) {
    const Array& shape_of = q_array ? qa : ca;
    result = py::array_t<double>(std::vector<py::ssize_t>(shape_of.shape(), shape_of.shape() + shape_of.ndim()));
  } else {
    const py::array given = py::array::ensure(out);
    const py::ssize_t n = q_array ? qa.size() : c_array ? ca.size() : given.size();
    if (!given || !given.dtype().is(py::dtype::of<double>()) || !given.writeable() ||
        !(given.flags() & py::array::c_style) || given.size() != n)
      throw InvalidArgument("out", "must be a writeable C-contiguous float64 array of " + std::to_string(n) + " elements");
    result = py::reinterpret_borrow<py::array_t<double>>(given);
  }
  const auto span = [](const Array& a) { return std::span<const double>(a.data(), static_cast<std::size_t>(a.size())); };
  const std::span<double> into(result.mutable_data(), static_cast<std::size_t>(result.size()));
  py::gil_scoped_release release;
  Inverse(span(qa), span(ca), into);
  return result;
}

// A one-dimensional sample for the k-NN estimators: float64 contiguous input is viewed in place (no copy),
// anything else converted once.
Array sample(const py::object& v, const char* field) {
  const Array a = Array::ensure(v);
  if (!a) throw InvalidArgument(field, "must be an array of numbers");
  if (a.ndim() != 1) throw InvalidArgument(field, "must be one-dimensional, got " + std::to_string(a.ndim()) + " dimensions");
  return a;
}

std::span<const double> view(const Array& a) { return {a.data(), static_cast<std::size_t>(a.size())}; }

// Labels for ross_mi: integer (or bool) arrays as int64, viewed in place when already int64 and contiguous;
// floating-point labels only when every one is a whole number (a silent truncation would merge classes).
using Labels = py::array_t<std::int64_t, py::array::c_style | py::array::forcecast>;
Labels labels(const py::object& v, const char* field) {
  const py::array raw = py::array::ensure(v);
  if (!raw) throw InvalidArgument(field, "must be an array of labels");
  if (raw.dtype().kind() == 'f') {
    const Array values = sample(raw, field);
    for (const double e : view(values))
      if (!(std::isfinite(e) && e == std::nearbyint(e) && std::fabs(e) < 9.2e18))
        throw InvalidArgument(field, "labels must be whole numbers, got " + itbound::format_number(e));
  } else if (raw.dtype().kind() != 'i' && raw.dtype().kind() != 'u' && raw.dtype().kind() != 'b') {
    throw InvalidArgument(field, "labels must be integers");
  }
  const Labels out = Labels::ensure(raw);
  if (out.ndim() != 1) throw InvalidArgument(field, "must be one-dimensional, got " + std::to_string(out.ndim()) + " dimensions");
  return out;
}

// A k-NN estimator of two samples, computed without the GIL.
template <class Estimate>
auto knn_estimate(const py::object& x, const py::object& y, const char* x_name, const char* y_name, Estimate estimate) {
  const Array xa = sample(x, x_name), ya = sample(y, y_name);
  py::gil_scoped_release release;
  return estimate(view(xa), view(ya));
}

// Both overloads of each inverse (scalar, Eigen::Ref arrays) behind one callable for kl_inverse<>.
struct UpperInverse {
  template <class... A>
  auto operator()(const A&... a) const { return itbound::kl_inverse_upper(a...); }
};
struct LowerInverse {
  template <class... A>
  auto operator()(const A&... a) const { return itbound::kl_inverse_lower(a...); }
};

// A trajectory streamed from a training loop: the header and every step go through the file readers' JSON
// vocabulary (itbound::step_fields), so keywords, checks and messages are those of a trajectory file.
struct Trajectory {
  itbound::data::TrajectoryRead read;
};

std::string trajectory_step_doc() {
  std::string sig, params;
  for (const auto& f : itbound::step_fields) {
    sig += std::string(", ") + f.name + (std::string(f.name) == "step_size" ? ": float" : ": float | None = None");
    params += std::string(f.name) + "\n    " + f.doc + "\n";
  }
  return "add_step(*" + sig + ")\n\nAdds one training step (O(1) memory). Absent or None = missing; bounds that need "
         "a missing field are reported as not applicable.\n\nParameters\n----------\n" + params +
         "\nRaises\n------\nValueError\n    naming the field, e.g. 'step[3].noise_std: must be a finite number > 0'.\n";
}

// ---- supersample runs as NumPy arrays ----

using itbound::estimators::Element;
using itbound::estimators::SupersampleStats;

// An array the estimators read in place when it is C-contiguous in native byte order with a dtype they know
// (bool, uint8, int16, int32, int64, float32, float64); other real dtypes are converted once to float64.
struct ArrayIn {
  py::array array;  // keeps the memory alive while the view is used
  itbound::estimators::ElementArray view;
  std::vector<std::int64_t> shape;
};

ArrayIn array_in(const py::handle& obj, const char* field) {
  py::array a = py::array::ensure(obj);
  if (!a) throw InvalidArgument(field, "must be an array");
  const auto dt = a.dtype();
  const char kind = dt.kind();
  if (kind != 'b' && kind != 'u' && kind != 'i' && kind != 'f')
    throw InvalidArgument(field, "unsupported dtype " + py::str(static_cast<const py::handle&>(dt)).cast<std::string>() + " (real numbers only)");
  const bool native = dt.attr("isnative").cast<bool>() && a.attr("flags")["C_CONTIGUOUS"].cast<bool>();
  const auto width = dt.itemsize();
  std::optional<Element> type;
  if ((kind == 'b' || kind == 'u') && width == 1) type = Element::u8;
  else if (kind == 'i' && width == 2) type = Element::i16;
  else if (kind == 'i' && width == 4) type = Element::i32;
  else if (kind == 'i' && width == 8) type = Element::i64;
  else if (kind == 'f' && width == 4) type = Element::f32;
  else if (kind == 'f' && width == 8) type = Element::f64;
  if (!native || !type) {
    a = py::array_t<double, py::array::c_style | py::array::forcecast>::ensure(a);
    type = Element::f64;
  }
  ArrayIn out{a, {a.data(), *type, static_cast<std::size_t>(a.size())}, {}};
  for (py::ssize_t d = 0; d < a.ndim(); ++d) out.shape.push_back(a.shape(d));
  return out;
}

itbound::cli::Args args_for(const std::string& what, std::vector<itbound::cli::Param> params, const py::kwargs& kwargs) {
  return itbound::cli::parse_args({what, "", std::move(params), {}, {}}, to_json(kwargs, "args"));
}

// The three arrays as a checked view; `keep` holds what the view points into.
itbound::estimators::SupersampleView runs_in(const py::handle& mask, const py::handle& loss, const py::handle& pred,
                                             double loss_min, double loss_max, std::vector<ArrayIn>& keep) {
  keep.push_back(array_in(mask, "mask"));
  keep.push_back(array_in(loss, "loss"));
  if (!pred.is_none()) keep.push_back(array_in(pred, "pred"));
  const ArrayIn none{};
  const ArrayIn& p = pred.is_none() ? none : keep[2];
  return itbound::data::runs_view(keep[0].view, keep[0].shape, keep[1].view, keep[1].shape, p.view, p.shape, loss_min,
                                  loss_max);
}

SupersampleStats supersample_stats(const py::handle& mask, const py::handle& loss, const py::handle& pred,
                                   const py::kwargs& kwargs) {
  const auto a = args_for("supersample_stats", itbound::cli::cmi_shard_params(), kwargs);
  std::vector<ArrayIn> keep;
  const auto runs = runs_in(mask, loss, pred, a.real("loss-min"), a.real("loss-max"), keep);
  const itbound::estimators::SupersampleOffsets at{a.integer("supersample-offset"), a.integer("run-offset"),
                                                   a.integer("pair-offset")};
  py::gil_scoped_release release;
  return SupersampleStats::accumulate(runs, at);
}

// itbound.cmi with the runs as arrays (mask=, loss=, pred=) instead of a file: the same result.
PyResult cmi_arrays(py::kwargs kwargs) {
  const py::object mask = kwargs["mask"], loss = kwargs.contains("loss") ? kwargs["loss"] : py::object(py::none());
  const py::object pred = kwargs.contains("pred") ? kwargs["pred"] : py::object(py::none());
  if (loss.is_none()) throw InvalidArgument("loss", "is required with mask");
  if (kwargs.contains("runs")) throw InvalidArgument("runs", "give either runs (a file) or mask and loss (arrays)");
  for (const char* key : {"mask", "loss", "pred"})
    if (kwargs.contains(key)) PyDict_DelItemString(kwargs.ptr(), key);
  const auto a = args_for("cmi", itbound::cli::cmi_array_params(), kwargs);
  std::vector<ArrayIn> keep;
  const auto runs = runs_in(mask, loss, pred, a.real("loss-min"), a.real("loss-max"), keep);
  std::optional<itbound::CmiReport> report;
  {
    py::gil_scoped_release release;
    report = itbound::evaluate_cmi(runs, itbound::cli::cmi_options(a));
  }
  return to_python(itbound::Report("cmi", std::move(*report)));
}

// A table of runs from a dict of columns or a pandas DataFrame: numeric columns as float64, any other as texts.
itbound::estimators::ColumnTable table_from_python(const py::handle& table) {
  std::vector<std::pair<std::string, py::object>> items;
  if (py::isinstance<py::dict>(table)) {
    for (const auto& [key, value] : table.cast<py::dict>())
      items.emplace_back(py::str(key).cast<std::string>(), py::reinterpret_borrow<py::object>(value));
  } else if (py::hasattr(table, "columns") && py::hasattr(table, "__getitem__")) {
    for (const auto& name : table.attr("columns")) items.emplace_back(py::str(name).cast<std::string>(), table[name]);
  } else {
    throw InvalidArgument("table", "must be a dict of columns, a pandas DataFrame or a file path");
  }
  const py::module_ np = py::module_::import("numpy");
  itbound::estimators::ColumnTable out;
  for (auto& [name, value] : items) {
    const py::array a = np.attr("asarray")(value);
    if (a.ndim() != 1) throw InvalidArgument("table", "column '" + name + "' must be one value per run (1-d)");
    itbound::estimators::Column c;
    c.name = name;
    const char kind = a.dtype().kind();
    if (kind == 'b' || kind == 'i' || kind == 'u' || kind == 'f') {
      const auto d = py::array_t<double, py::array::c_style | py::array::forcecast>::ensure(a);
      c.numbers.assign(d.data(), d.data() + d.size());
    } else {
      c.text = true;
      for (const auto& x : a.attr("tolist")()) c.texts.push_back(py::str(x).cast<std::string>());
    }
    out.columns.push_back(std::move(c));
  }
  return out;
}

// itbound.measures(table, ...): a dict of columns or a DataFrame goes straight to the core; a path runs the command.
// Lists of column names may be given as Python lists.
PyResult measures(const itbound::cli::Command& command, const py::object& table, const py::kwargs& kwargs) {
  py::dict args;
  for (const auto& [key, value] : kwargs) {
    if (py::isinstance<py::list>(value) || py::isinstance<py::tuple>(value)) {
      py::list texts;
      for (const auto& v : value) texts.append(py::str(v));
      args[key] = py::str(",").attr("join")(texts);
    } else {
      args[key] = value;
    }
  }
  if (table.is_none() || py::isinstance<py::str>(table) || py::hasattr(table, "__fspath__")) {
    if (!table.is_none()) {
      if (args.contains("runs")) throw InvalidArgument("runs", "give the table once (first argument or runs=)");
      args["runs"] = table;
    }
    return run(command, args);
  }
  if (args.contains("runs")) throw InvalidArgument("runs", "give either a file (runs=) or a table of columns");
  const auto a = args_for("measures", itbound::cli::measures_table_params(), py::kwargs(args));
  const auto columns = table_from_python(table);
  std::optional<itbound::MeasuresReport> report;
  {
    py::gil_scoped_release release;
    report = itbound::evaluate_measures(columns, itbound::cli::measures_options(a));
  }
  return to_python(itbound::Report("measures", std::move(*report)));
}

// itbound.rrm with the members as arrays (y=, clean_pred=, noisy_labels=, ...; data/RRM-SCHEMA.md) instead of a file:
// the same checks and result; `bootstrap` as for the file.
PyResult rrm_arrays(const itbound::cli::Command& command, const py::kwargs& kwargs) {
  if (kwargs.contains("runs")) throw InvalidArgument("runs", "give either runs (a file) or the arrays (y=, clean_pred=, ...)");
  std::vector<itbound::cli::Param> params;
  for (const auto& p : command.params)
    if (p.name != "runs") params.push_back(p);
  py::kwargs options;
  std::map<std::string, itbound::data::NdArray> arrays;
  for (const auto& [key, value] : kwargs) {
    const std::string name = py::str(key).cast<std::string>();
    if (name == "bootstrap") {
      options[key] = value;
      continue;
    }
    const Array a = Array::ensure(value);
    if (!a) throw InvalidArgument(name, "must be a number or an array of numbers");
    itbound::data::NdArray nd;
    for (py::ssize_t d = 0; d < a.ndim(); ++d) nd.shape.push_back(a.shape(d));
    nd.values.assign(a.data(), a.data() + a.size());
    arrays[name] = std::move(nd);
  }
  const auto args = args_for("rrm", params, options);
  std::optional<itbound::RrmReport> report;
  {
    py::gil_scoped_release release;
    report = itbound::evaluate_rrm(itbound::data::rrm_runs_from_arrays(arrays), {static_cast<int>(args.integer("bootstrap"))});
  }
  return to_python(itbound::Report("rrm", std::move(*report)));
}

py::bytes stats_to_bytes(const SupersampleStats& st) {
  const auto b = st.to_bytes();
  return py::bytes(reinterpret_cast<const char*>(b.data()), b.size());
}

SupersampleStats stats_from_bytes(const py::bytes& data) {
  const std::string s = data;
  return SupersampleStats::from_bytes(std::span(reinterpret_cast<const unsigned char*>(s.data()), s.size()));
}

py::object per_supersample(const std::vector<double>& v, std::int64_t rows, std::int64_t cols) {
  if (v.empty()) return py::none();
  py::array_t<double> out({rows, cols});
  std::copy(v.begin(), v.end(), out.mutable_data());
  return out;
}

}  // namespace

PYBIND11_MODULE(_itbound, m) {
  m.doc() = "itbound: generalization bounds and risk certificates (C++ core). See help(itbound).";
  m.attr("__version__") = ITBOUND_VERSION;
  py::register_exception<InvalidArgument>(m, "InvalidArgument", PyExc_ValueError);

  m.def("render", [](const py::handle& result, const std::string& format) {
    return itbound::data::render(to_json(result, "result"), itbound::data::parse_format(format));
  }, py::arg("result"), py::arg("format") = "table",
     "A result's fields (a dict, e.g. Result.to_dict()) as the command line prints them with --format: 'table', "
     "'markdown', 'latex' or 'json'.");
  m.def("json_text", [](const py::handle& result, int indent) {
    return itbound::data::to_json_text(to_json(result, "result"), indent);
  }, py::arg("result"), py::arg("indent") = 2, "A result's fields as JSON text (indent < 0: one line).");

  py::class_<Trajectory>(m, "TrajectoryAccumulator",
                         "TrajectoryAccumulator(*, dimension: int, n: int, prior_examples: int = 0, prior: str = None, "
                         "loss_min: float = 0, loss_max: float = 1, subgaussian: float = None, "
                         "gradient_bound_global: bool = False, smoothness: float = None, loss_smoothness: float = None, "
                         "sigma_scales: list = None, sigma_ratios: list = None)\n\nStreaming trajectory bounds (the "
                         "header keys of data/TRAJECTORY-SCHEMA.md). Call add_step(...) once per training step, "
                         "finish(...) once at the end (optional), and certificates() or result() at any time; result() "
                         "equals `itbound trajectory` on the same trajectory, with format 'python'. The recorders in "
                         "itbound.recorders drive it from a training loop.")
      .def(py::init([](const py::kwargs& kwargs) {
        const Json header = to_json(kwargs, "header");
        return Trajectory{{itbound::TrajectoryAccumulator(itbound::data::trajectory_info_from_json(header)), "python"}};
      }))
      .def("add_step", [](Trajectory& t, const py::kwargs& kwargs) {
        t.read.accumulator.add_step(itbound::data::step_from_json(to_json(kwargs, "step"), t.read.accumulator.steps()));
      }, trajectory_step_doc().c_str())
      .def("finish", [](Trajectory& t, const py::kwargs& kwargs) {
        t.read.accumulator.finish(itbound::data::final_from_json(to_json(kwargs, "final")));
      }, "finish(*, train_loss: float = None, test_loss: float = None, value_sensitivity: list = None)\n\nThe final "
         "record (data/TRAJECTORY-SCHEMA.md): the bounded loss of the output on the training set and on held-out data "
         "(the measured gap), and Neu et al.'s Delta terms as a list of {'level', 'train', 'test'} dicts. Once; no "
         "step after it.")
      .def("perturbation_levels", [](const Trajectory& t) {
        py::list out;
        for (const auto& p : t.read.accumulator.perturbation_levels()) out.append(py::make_tuple(p.schedule, p.level));
        return out;
      }, "(schedule, level) pairs: the perturbation levels sigma_{1:T+1} reached so far by the run's perturbation_std "
         "schedule and by each declared family member, where Neu et al.'s Delta terms are to be measured.")
      .def_property_readonly("steps", [](const Trajectory& t) { return t.read.accumulator.steps(); })
      .def("certificates", [](const Trajectory& t) {
        py::list out;
        for (const auto& c : t.read.accumulator.certificates()) out.append(to_python(c).object);
        return out;
      }, "One Certificate per bound (pensia, negrea, li, ...), as `itbound trajectory` prints them.")
      .def("result", [](const Trajectory& t, const std::string& bound) {
        return to_python(itbound::Report("trajectory", itbound::trajectory_report(t.read.accumulator, t.read.format, bound)));
      }, py::arg("bound") = "all", "The `itbound trajectory` result: summary, format, steps, header, bounds.");

  m.def("commands", [] {
    py::list out;
    for (const auto& c : itbound::cli::commands()) {
      py::list params;
      for (const auto& p : c.params) {
        py::dict d;
        d["name"] = itbound::cli::python_name(p.name);
        d["flag"] = "--" + p.name;
        d["type"] = python_type(p.kind);
        d["doc"] = p.doc;
        d["allowed"] = itbound::cli::describe_range(p);
        d["required"] = !p.default_value && p.kind != itbound::cli::Kind::flag;
        d["default"] = p.default_value ? py::module_::import("json").attr("loads")(p.default_value->dump()) : py::object(py::none());
        py::list choices;
        for (const auto& choice : p.choices) choices.append(choice);
        d["choices"] = choices;
        d["inline_numbers"] = p.inline_numbers;  // a path that may also be a list or array of numbers
        py::list aliases;
        for (const auto& alias : p.aliases) aliases.append(itbound::cli::python_name(alias));
        d["aliases"] = aliases;
        params.append(d);
      }
      py::dict d;
      d["name"] = itbound::cli::python_name(c.name);
      d["command"] = c.name;
      d["summary"] = c.summary;
      d["params"] = params;
      out.append(d);
    }
    return out;
  }, "The commands and their parameters (the same declarations as the CLI flags).");
  m.def("run", [](const std::string& name, const py::kwargs& kwargs) {
    const auto* c = itbound::cli::find_command(name);
    if (!c) throw InvalidArgument("command", "unknown command '" + name + "'");
    return run(*c, kwargs);
  }, py::arg("command"), "Runs a command by its CLI name (e.g. 'test-set') with keyword arguments.");
  m.def("batch", [](const py::list& jobs, unsigned threads) {
    std::vector<itbound::cli::BatchInput> inputs;
    for (const auto& job : jobs) {
      try {
        inputs.push_back({to_json(job, "job"), {}});
      } catch (const InvalidArgument& e) {  // a job that cannot be converted is that job's error record only
        inputs.push_back({nullptr, e.what()});
      }
    }
    std::vector<itbound::cli::BatchRecord> done;
    {
      py::gil_scoped_release release;
      done = itbound::cli::run_jobs(inputs, threads);
    }
    py::list records;
    const py::object loads = py::module_::import("json").attr("loads");
    for (const auto& r : done) {
      py::dict rec;
      rec["id"] = loads(r.id.dump());
      rec["ok"] = r.result.has_value();
      if (r.result) rec["result"] = to_python(*r.result).object;
      else rec["error"] = py::dict(py::arg("code") = r.code, py::arg("message") = r.message);
      records.append(rec);
    }
    return records;
  }, py::arg("jobs"), py::arg("threads") = 1,
     "Runs a list of jobs {id, command, args} like `itbound batch`; returns one record per job, in order: "
     "{id, ok: True, result: Result} or {id, ok: False, error: {code, message}}.");

  py::class_<SupersampleStats>(m, "SupersampleStats",
                               "Mergeable sufficient statistics of supersample runs (counts and exact sums): "
                               "shards by supersample, pair or run merge to exactly the single-pass result. "
                               "Picklable (for Dask and multiprocessing).")
      .def(py::init<>(), "Empty statistics: the identity of merge.")
      .def("merge", [](const SupersampleStats& a, const SupersampleStats& b) {
        py::gil_scoped_release release;
        return SupersampleStats::merged(a, b);
      }, py::arg("other"), "These statistics merged with another shard's (a new object); ValueError if they overlap.")
      .def("finalize", [](const SupersampleStats& st, const py::kwargs& kwargs) {
        std::vector<itbound::cli::Param> params;
        for (const auto& p : itbound::cli::cmi_stats_params())
          if (p.name == "correction") params.push_back(p);
        const auto est = st.finalize(itbound::cli::correction_of(args_for("finalize", params, kwargs)));
        py::dict d;
        d["fcmi"] = per_supersample(est.fcmi, st.k1(), st.n());
        d["ecmi"] = per_supersample(est.ecmi, st.k1(), st.n());
        d["ldcmi"] = per_supersample(est.ldcmi, st.k1(), st.n());
        d["ldmi"] = per_supersample(est.ldmi, 1, st.n()).attr("reshape")(st.n());
        d["slmi"] = per_supersample(est.slmi, 1, st.n()).attr("reshape")(st.n());
        d["emi"] = per_supersample(est.emi, 1, st.n()).attr("reshape")(st.n());
        d["supersample_train"] = per_supersample(est.supersample_train, 1, st.k1()).attr("reshape")(st.k1());
        d["supersample_heldout"] = per_supersample(est.supersample_heldout, 1, st.k1()).attr("reshape")(st.k1());
        d["run_gap"] = per_supersample(est.run_gap, st.k1(), st.k2());
        d["train_error"] = est.train_error;
        d["heldout_error"] = est.heldout_error;
        d["interpolating"] = est.interpolating;
        d["zero_one"] = est.zero_one;
        d["loss_follows_prediction"] = est.loss_follows_prediction;
        d["prediction_repeats"] = est.prediction_repeats;
        return d;
      }, "The per-pair estimates as arrays: fcmi/ecmi/ldcmi (k1, n) (fcmi None without predictions), ldmi, slmi "
         "and emi (n,), run_gap (k1, k2), supersample_train and supersample_heldout (k1,), train_error, heldout_error, interpolating, zero_one, "
         "loss_follows_prediction, prediction_repeats. Keyword: correction.")
      .def_property_readonly("shape", [](const SupersampleStats& st) { return py::make_tuple(st.k1(), st.k2(), st.n()); })
      .def_property_readonly("complete", &SupersampleStats::complete)
      .def_property_readonly("empty", &SupersampleStats::empty)
      .def_property_readonly("loss_min", &SupersampleStats::loss_min)
      .def_property_readonly("loss_max", &SupersampleStats::loss_max)
      .def_property_readonly("has_pred", &SupersampleStats::has_pred)
      .def("to_bytes", &stats_to_bytes, "The statistics as bytes (SupersampleStats.from_bytes reads them back).")
      .def_static("from_bytes", &stats_from_bytes, py::arg("data"))
      .def(py::pickle(&stats_to_bytes, &stats_from_bytes))
      .def("__repr__", [](const SupersampleStats& st) {
        return "SupersampleStats(shape=(" + std::to_string(st.k1()) + ", " + std::to_string(st.k2()) + ", " +
               std::to_string(st.n()) + "), complete=" + (st.complete() ? "True" : "False") + ")";
      });
  m.def("supersample_stats", &supersample_stats, py::arg("mask"), py::arg("loss"), py::arg("pred") = py::none(),
        "supersample_stats(mask, loss, pred=None, *, loss_min=0.0, loss_max=1.0, supersample_offset=0, run_offset=0, "
        "pair_offset=0) -> SupersampleStats\n\nStatistics of one shard of supersample runs: mask (k1, k2, n), loss and "
        "pred (k1, k2, n, 2) as in data/SCHEMA.md, placed at the offsets in the full run. C-contiguous arrays of dtype "
        "bool, uint8, int16, int32, int64, float32 or float64 are read in place (no copy); others are converted.");
  m.def("cmi_from_stats", [](const SupersampleStats& st, const py::kwargs& kwargs) {
    const auto a = args_for("cmi_from_stats", itbound::cli::cmi_stats_params(), kwargs);
    std::optional<itbound::CmiReport> report;
    {
      py::gil_scoped_release release;
      report = itbound::evaluate_cmi(st, nullptr, itbound::cli::cmi_options(a));
    }
    return to_python(itbound::Report("cmi", std::move(*report)));
  }, py::arg("stats"), "cmi_from_stats(stats, **kwargs) -> Result\n\n"
     "The result of `itbound cmi --bootstrap 0` from merged statistics (see supersample_stats). Keywords: those of "
     "cmi but runs, loss_min, loss_max and bootstrap; estimator='knn' is refused (k-NN needs the raw losses: give "
     "the arrays to cmi).");

  m.def("kl", py::vectorize(static_cast<double (*)(double, double)>(&itbound::kl)), py::arg("q"), py::arg("p"),
        "Binary relative entropy kl(q||p) in nats; element-wise over NumPy arrays.");
  m.def("kl_inverse_upper", &kl_inverse<UpperInverse{}>, py::arg("q"), py::arg("c"), py::arg("out") = py::none(),
        "sup{p : kl(q||p) <= c}, never below the exact value. Numbers give a float; arrays (float64, viewed "
        "without a copy when contiguous) give an array of that shape; a scalar q or c is broadcast. out: a "
        "writeable C-contiguous float64 array of that size to write into and return (nothing allocated; it must "
        "not overlap q or c).");
  m.def("kl_inverse_lower", &kl_inverse<LowerInverse{}>, py::arg("q"), py::arg("c"), py::arg("out") = py::none(),
        "inf{p : kl(q||p) <= c}, never above the exact value. Same argument rules as kl_inverse_upper.");
  m.def("ksg_mi", [](const py::object& x, const py::object& y, int k) {
    return knn_estimate(x, y, "x", "y", [k](auto xs, auto ys) { return itbound::ksg_mi(xs, ys, k); });
  }, py::arg("x"), py::arg("y"), py::arg("k") = 3,
     "Kraskov-Stoegbauer-Grassberger (2004) estimate of I(X;Y) in nats from paired 1-d samples (algorithm 1, "
     "max-norm), as scikit-learn 1.2 computes it internally; raw (not clamped at 0). float64 contiguous "
     "arrays are read without a copy.");
  m.def("mixed_ksg_mi", [](const py::object& x, const py::object& y, int k) {
    return knn_estimate(x, y, "x", "y", [k](auto xs, auto ys) { return itbound::mixed_ksg_mi(xs, ys, k); });
  }, py::arg("x"), py::arg("y"), py::arg("k") = 3,
     "Gao, Kannan, Oh & Viswanath (2017) estimate of I(X;Y) in nats for discrete-continuous mixtures "
     "(Algorithm 1: ties at distance 0 handled); raw.");
  m.def("ross_mi", [](const py::object& c, const py::object& d, int k) {
    const Array ca = sample(c, "c");
    const Labels da = labels(d, "d");
    py::gil_scoped_release release;
    return itbound::ross_mi(view(ca), {da.data(), static_cast<std::size_t>(da.size())}, k);
  }, py::arg("c"), py::arg("d"), py::arg("k") = 3,
     "Ross (2014) estimate of I(C;D) in nats between a continuous sample c and integer labels d, as "
     "scikit-learn 1.2 computes it internally (labels occurring once are dropped); raw.");
  py::class_<itbound::BinnedMi>(m, "BinnedMi", "Binned plug-in mutual information and its Miller-Madow correction.")
      .def_readonly("plug_in", &itbound::BinnedMi::plug_in)
      .def_readonly("miller_madow", &itbound::BinnedMi::miller_madow)
      .def_readonly("occupied_x", &itbound::BinnedMi::occupied_x)
      .def_readonly("occupied_y", &itbound::BinnedMi::occupied_y)
      .def_readonly("occupied_xy", &itbound::BinnedMi::occupied_xy)
      .def("__repr__", [](const itbound::BinnedMi& b) {
        return "BinnedMi(plug_in=" + itbound::format_number(b.plug_in) + ", miller_madow=" +
               itbound::format_number(b.miller_madow) + ")";
      });
  m.def("binned_mi", [](const py::object& x, const py::object& y, int bins_x, int bins_y) {
    return knn_estimate(x, y, "x", "y", [=](auto xs, auto ys) { return itbound::binned_mi(xs, ys, bins_x, bins_y); });
  }, py::arg("x"), py::arg("y"), py::arg("bins_x"), py::arg("bins_y"),
     "I(X;Y) in nats of the equal-width histogram over [min, max] of each sample (plug-in and Miller 1955 "
     "corrected); returns a BinnedMi.");
  m.def("binomial_upper_limit", [](std::int64_t k, std::int64_t n, double delta) {
    return itbound::binomial_upper_limit(k, n, delta).value;
  }, py::arg("k"), py::arg("m"), py::arg("delta"), "max{p : P[Bin(m,p) <= k] >= delta} (one-sided Clopper-Pearson), never below the exact limit.");
  m.def("binomial_lower_limit", [](std::int64_t k, std::int64_t n, double delta) {
    return itbound::binomial_lower_limit(k, n, delta).value;
  }, py::arg("k"), py::arg("m"), py::arg("delta"), "min{p : P[Bin(m,p) >= k] >= delta}, never above the exact limit.");
  m.def("log_maurer_xi", &itbound::log_maurer_xi, py::arg("n"), "An upper bound on ln xi(n), Maurer (2004): E exp(n kl) <= xi(n) (Lemma 3), xi(n) <= 2 sqrt(n) (Theorem 1).");
  m.def("test_set_bound", [](std::int64_t errors, std::int64_t trials, double delta) {
    return to_python(itbound::test_set_bound({errors, trials, delta}));
  }, py::arg("errors"), py::arg("trials"), py::arg("delta") = 0.05,
     "Langford's test-set bound (JMLR 2005, Theorem 3.3) as a Certificate.");
  // KL terms from NumPy arrays (float64, contiguous arrays are viewed without a copy), rounded up.
  using Vec = Eigen::Ref<const Eigen::ArrayXd>;
  using Mat = Eigen::Ref<const Eigen::MatrixXd>;
  m.def("kl_diag_gaussian", py::overload_cast<Vec, Vec, Vec, Vec>(&itbound::kl_diag_gaussian), py::arg("mean_q"),
        py::arg("std_q"), py::arg("mean_p"), py::arg("std_p"),
        "KL(N(mean_q, diag std_q^2) || N(mean_p, diag std_p^2)) in nats; std_p may be a number (isotropic prior).");
  m.def("kl_diag_gaussian", py::overload_cast<Vec, Vec, Vec, double>(&itbound::kl_diag_gaussian), py::arg("mean_q"),
        py::arg("std_q"), py::arg("mean_p"), py::arg("std_p"));
  m.def("std_from_log_var", &itbound::std_from_log_var, py::arg("log_var"), "exp(log_var / 2), checked finite.");
  m.def("kl_gaussian", [](Vec mq, Mat cq, Vec mp, Mat cp) { return itbound::kl_gaussian(mq, cq, mp, cp); },
        py::arg("mean_q"), py::arg("cov_q"), py::arg("mean_p"), py::arg("cov_p"),
        "KL between full-covariance Gaussians through Cholesky factors, in nats.");
  m.def("kl_bernoulli", &itbound::kl_bernoulli, py::arg("prob_q"), py::arg("prob_p"),
        "Sum over independent Bernoulli coordinates of kl(q_i || p_i) (e.g. pruning masks, Hayou et al. 2021).");
  m.def("kl_categorical", &itbound::kl_categorical, py::arg("prob_q"), py::arg("prob_p"),
        "KL between two categorical distributions (each summing to 1).");
  m.def("kl_compression", &itbound::kl_compression, py::arg("code_length_bits"),
        "KL of a point mass under a prefix-free-code prior 2^-bits (Lotfi et al. 2022): bits x ln 2.");
  m.def("prior_variance_grid_point", [](double variance, double delta, double c, double b, bool snap) {
    const itbound::PriorGridPoint g = itbound::prior_variance_grid_point(variance, delta, {c, b, snap});
    py::dict d;
    d["j"] = g.j;
    d["variance"] = g.variance;
    d["charge_nats"] = g.charge_nats;
    d["delta_j"] = g.delta_j;
    return d;
  }, py::arg("variance"), py::arg("delta"), py::arg("c") = 0.1, py::arg("b") = 100.0, py::arg("snap") = false,
     "The index j of a prior variance on Dziugaite & Roy's grid c exp(-j/b) and its charge: off the grid or j <= 0 is "
     "an error unless snap=True (nearest j >= 1).");
  // Every command of the CLI, generated from its Param list (after the direct functions, to detect clashes).
  {
    py::options options;
    options.disable_function_signatures();  // the docstring carries the keyword signature
    for (const auto& command : itbound::cli::commands()) {
      const itbound::cli::Command* c = &command;  // the registry is static: the pointer stays valid
      // A command named like a direct function would silently become an overload of it.
      if (py::hasattr(m, itbound::cli::python_name(c->name).c_str()))
        throw std::logic_error("command '" + c->name + "' collides with the Python function of the same name");
      if (c->name == "cmi") {
        // The runs may also come as NumPy arrays: mask=, loss=, pred= instead of runs=.
        m.def("cmi", [c](const py::kwargs& kwargs) { return kwargs.contains("mask") ? cmi_arrays(kwargs) : run(*c, kwargs); },
              (command_doc(*c) + "\nThe runs may instead be given as arrays: mask=, loss= and optionally pred= (as in "
                                 "supersample_stats), with every other parameter as above.\n").c_str());
        continue;
      }
      if (c->name == "measures") {
        // The table may also be a dict of columns or a pandas DataFrame, as the first argument.
        m.def("measures", [c](const py::object& table, const py::kwargs& kwargs) { return measures(*c, table, kwargs); },
              py::arg("table") = py::none(),
              (command_doc(*c) + "\nThe table may instead be given as the first argument: a dict of columns (arrays "
                                 "or lists) or a pandas DataFrame, with every other parameter as above; hparams, "
                                 "measures and negate may be lists.\n").c_str());
        continue;
      }
      if (c->name == "rrm") {
        // The members may also come as NumPy arrays: y=, clean_pred=, ... instead of runs=.
        m.def("rrm", [c](const py::kwargs& kwargs) { return kwargs.contains("y") ? rrm_arrays(*c, kwargs) : run(*c, kwargs); },
              (command_doc(*c) + "\nThe members may instead be given as arrays and numbers: y=, clean_pred=, noisy_labels=, "
                                 "noisy_pred=, num_classes=, eta=, test_accuracy= or test_pred= and test_y=, optionally "
                                 "noised= (data/RRM-SCHEMA.md).\n").c_str());
        continue;
      }
      m.def(itbound::cli::python_name(c->name).c_str(), [c](const py::kwargs& kwargs) { return run(*c, kwargs); },
            command_doc(*c).c_str());
    }
  }
}
