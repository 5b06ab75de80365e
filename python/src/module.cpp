// The _itbound extension: every command as a Python function generated from its Param list, plus
// direct NumPy functions for the solvers and the bounds. No logic of its own: it converts and calls.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <Eigen/Core>
#include <cmath>
#include <limits>
#include <span>
#include <sstream>
#include <stdexcept>
#include <string>

#include "itbound/bounds/test_set.hpp"
#include "itbound/cli/batch.hpp"
#include "itbound/cli/command.hpp"
#include "itbound/data/certificate_json.hpp"
#include "itbound/estimators/knn_mi.hpp"
#include "itbound/error.hpp"
#include "itbound/solvers/binomial.hpp"
#include "itbound/solvers/kl.hpp"
#include "itbound/solvers/maurer.hpp"

namespace py = pybind11;
using itbound::InvalidArgument;
using itbound::cli::Json;

namespace {

// Python values in, as a command line would give them: bool before int (bool is an int in Python),
// NumPy scalars through __index__ / __float__, paths through os.fspath.
Json to_json(const py::handle& v, const std::string& field) {
  if (v.is_none()) return nullptr;
  if (py::isinstance<py::bool_>(v)) return v.cast<bool>();
  if (py::isinstance<py::str>(v)) return v.cast<std::string>();
  if (py::isinstance<py::dict>(v)) {
    Json out = Json::object();
    for (const auto& [key, value] : v.cast<py::dict>()) {
      const std::string name = py::str(key).cast<std::string>();
      out[name] = to_json(value, name);
    }
    return out;
  }
  if (py::isinstance<py::list>(v) || py::isinstance<py::tuple>(v)) {
    Json out = Json::array();
    for (const auto& item : v) out.push_back(to_json(item, field));
    return out;
  }
  if (py::hasattr(v, "__fspath__")) return py::module_::import("os").attr("fspath")(v).cast<std::string>();
  if (py::hasattr(v, "__index__")) {
    const py::int_ n = py::reinterpret_steal<py::int_>(PyNumber_Index(v.ptr()));
    try {
      return n.cast<std::int64_t>();
    } catch (const py::cast_error&) {
      throw InvalidArgument(field, "integer out of range, got " + py::str(v).cast<std::string>());
    }
  }
  if (py::hasattr(v, "__float__")) return py::float_(v.cast<py::object>()).cast<double>();
  throw InvalidArgument(field, "unsupported Python type " + py::str(py::type::of(v).attr("__name__")).cast<std::string>());
}

py::object to_python(const Json& v) {
  switch (v.type()) {
    case Json::value_t::null: return py::none();
    case Json::value_t::boolean: return py::bool_(v.get<bool>());
    case Json::value_t::number_integer: return py::int_(v.get<std::int64_t>());
    case Json::value_t::number_unsigned: return py::int_(v.get<std::uint64_t>());
    case Json::value_t::number_float: return py::float_(v.get<double>());
    case Json::value_t::string: return py::str(v.get<std::string>());
    case Json::value_t::array: {
      py::list out;
      for (const Json& item : v) out.append(to_python(item));
      return out;
    }
    case Json::value_t::object: {
      py::dict out;
      for (auto it = v.begin(); it != v.end(); ++it) out[py::str(it.key())] = to_python(it.value());
      return out;
    }
    default: return py::none();
  }
}

// A command's JSON result with attribute access (result.value) and to_dict().
struct Result {
  Json json;
};

// Certificates from the direct functions: fields as attributes, details too (cert.kl_relaxation).
py::object certificate_attribute(const itbound::Certificate& c, const std::string& name) {
  const Json j = itbound::data::to_json(c);
  if (!j.contains(name)) throw py::attribute_error("Certificate has no field '" + name + "'");
  return to_python(j.at(name));
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

std::string shown(const Json& v) { return v.is_string() ? "'" + v.get<std::string>() + "'" : v.dump(); }

// "name(*, a: float, b: int = 3) -> Result" then the summary and one entry per Param.
std::string command_doc(const itbound::cli::Command& c) {
  using namespace itbound::cli;
  std::string sig, params;
  for (const Param& p : c.params) {
    const std::string name = python_name(p.name);
    sig += ", " + name + ": " + python_type(p.kind);
    if (p.default_value) sig += " = " + shown(*p.default_value);
    else if (p.kind == Kind::flag) sig += " = False";
    params += name + " : " + python_type(p.kind) + "\n    " + describe(p) + "\n";
  }
  return python_name(c.name) + "(*" + sig + ") -> Result\n\n" + c.summary + "\n\nParameters\n----------\n" + params +
         "\nReturns\n-------\nResult\n    The same fields as `itbound " + c.name +
         "` prints, as attributes and through .to_dict().\n\nRaises\n------\nValueError\n    "
         "(itbound.InvalidArgument) naming the parameter, with the command line's message.\n";
}

Result run(const itbound::cli::Command& command, const py::dict& kwargs) {
  const Json raw = to_json(kwargs, "args");
  Json out;
  {
    py::gil_scoped_release release;
    out = itbound::cli::run_command(command, raw);
  }
  return Result{std::move(out)};
}

using Array = py::array_t<double, py::array::c_style | py::array::forcecast>;

// kl inverses over arrays: contiguous float64 input is viewed in place (no copy); a scalar on either
// side is broadcast; the result has the shape of the array argument.
template <auto Inverse>
py::object kl_inverse(const py::object& q, const py::object& c) {
  const bool q_array = py::isinstance<py::array>(q) || py::isinstance<py::list>(q) || py::isinstance<py::tuple>(q);
  const bool c_array = py::isinstance<py::array>(c) || py::isinstance<py::list>(c) || py::isinstance<py::tuple>(c);
  if (!q_array && !c_array) {
    const double qs = q.cast<double>(), cs = c.cast<double>();
    return py::float_(Inverse(qs, cs).value);
  }
  const Array qa = Array::ensure(q), ca = Array::ensure(c);
  if (!qa || !ca) throw py::type_error("q and c must be numbers or arrays of numbers");
  const Array& shape_of = q_array ? qa : ca;
  const py::ssize_t n = shape_of.size();
  if (q_array && c_array && qa.size() != ca.size())
    throw InvalidArgument("c", "must have the length of q (" + std::to_string(qa.size()) + "), got " + std::to_string(ca.size()));
  using Map = Eigen::Map<const Eigen::ArrayXd>;
  const Eigen::ArrayXd q_fill = q_array ? Eigen::ArrayXd() : Eigen::ArrayXd::Constant(n, qa.at());
  const Eigen::ArrayXd c_fill = c_array ? Eigen::ArrayXd() : Eigen::ArrayXd::Constant(n, ca.at());
  const Map qm = q_array ? Map(qa.data(), n) : Map(q_fill.data(), n);
  const Map cm = c_array ? Map(ca.data(), n) : Map(c_fill.data(), n);
  Eigen::ArrayXd value;
  {
    py::gil_scoped_release release;
    value = Inverse(qm, cm).value;
  }
  py::array_t<double> out(std::vector<py::ssize_t>(shape_of.shape(), shape_of.shape() + shape_of.ndim()));
  std::copy(value.data(), value.data() + n, out.mutable_data());
  return out;
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
  template <class Q, class C>
  auto operator()(const Q& q, const C& c) const { return itbound::kl_inverse_upper(q, c); }
};
struct LowerInverse {
  template <class Q, class C>
  auto operator()(const Q& q, const C& c) const { return itbound::kl_inverse_lower(q, c); }
};

}  // namespace

PYBIND11_MODULE(_itbound, m) {
  m.doc() = "itbound: generalization bounds and risk certificates (C++ core). See help(itbound).";
  m.attr("__version__") = ITBOUND_VERSION;
  py::register_exception<InvalidArgument>(m, "InvalidArgument", PyExc_ValueError);

  py::class_<Result>(m, "Result", "A command's result: fields as attributes, .to_dict() for the JSON object.")
      .def("to_dict", [](const Result& r) { return to_python(r.json); })
      .def("keys", [](const Result& r) {
        py::list keys;
        for (auto it = r.json.begin(); it != r.json.end(); ++it) keys.append(it.key());
        return keys;
      })
      .def("__getattr__", [](const Result& r, const std::string& name) {
        if (!r.json.is_object() || !r.json.contains(name)) throw py::attribute_error("Result has no field '" + name + "'");
        return to_python(r.json.at(name));
      })
      .def("__getitem__", [](const Result& r, const std::string& name) {
        if (!r.json.is_object() || !r.json.contains(name)) throw py::key_error(name);
        return to_python(r.json.at(name));
      })
      .def("__dir__", [](const Result& r) {
        py::list keys;
        for (auto it = r.json.begin(); it != r.json.end(); ++it) keys.append(it.key());
        keys.append("to_dict");
        keys.append("keys");
        return keys;
      })
      .def("__eq__", [](const Result& a, const Result& b) { return a.json == b.json; })
      .def("__repr__", [](const Result& r) { return "Result(" + itbound::data::to_json_text(r.json, -1) + ")"; });

  py::class_<itbound::Certificate>(m, "Certificate",
                                   "A risk certificate: value (capped), raw_value, valid, inputs, delta ledger, "
                                   "assumptions, details, reference, status. Details are attributes too.")
      .def_readonly("name", &itbound::Certificate::name)
      .def_readonly("value", &itbound::Certificate::value)
      .def_readonly("raw_value", &itbound::Certificate::raw_value)
      .def_readonly("valid", &itbound::Certificate::valid)
      .def_readonly("invalid_reason", &itbound::Certificate::invalid_reason)
      .def_property_readonly("status", [](const itbound::Certificate& c) { return std::string(to_string(c.status)); })
      .def_property_readonly("delta", &itbound::Certificate::delta_spent)
      .def("to_dict", [](const itbound::Certificate& c) { return to_python(itbound::data::to_json(c)); })
      .def("__getattr__", &certificate_attribute)
      .def("__repr__", [](const itbound::Certificate& c) {
        return "Certificate(name='" + c.name + "', value=" + itbound::format_number(c.value) +
               ", valid=" + (c.valid ? "True" : "False") + ")";
      });

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
        d["default"] = p.default_value ? to_python(*p.default_value) : py::none();
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
    for (const auto& job : jobs) inputs.push_back({to_json(job, "job"), {}});
    std::ostringstream out;
    {
      py::gil_scoped_release release;
      itbound::cli::run_batch(inputs, out, {.threads = threads});
    }
    py::list records;
    std::istringstream lines(out.str());
    for (std::string line; std::getline(lines, line);) records.append(to_python(Json::parse(line)));
    return records;
  }, py::arg("jobs"), py::arg("threads") = 1,
     "Runs a list of jobs {id, command, args} like `itbound batch`; returns one record dict per job, in order.");

  m.def("kl", py::vectorize(static_cast<double (*)(double, double)>(&itbound::kl)), py::arg("q"), py::arg("p"),
        "Binary relative entropy kl(q||p) in nats; element-wise over NumPy arrays.");
  m.def("kl_inverse_upper", &kl_inverse<UpperInverse{}>, py::arg("q"), py::arg("c"),
        "sup{p : kl(q||p) <= c}, never below the exact value. Numbers give a float; arrays (float64, viewed "
        "without a copy when contiguous) give an array of that shape; a scalar q or c is broadcast.");
  m.def("kl_inverse_lower", &kl_inverse<LowerInverse{}>, py::arg("q"), py::arg("c"),
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
  m.def("log_maurer_xi", &itbound::log_maurer_xi, py::arg("n"), "An upper bound on ln xi(n), Maurer (2004) Theorem 1.");
  m.def("test_set_bound", [](std::int64_t errors, std::int64_t trials, double delta) {
    return itbound::test_set_bound({errors, trials, delta});
  }, py::arg("errors"), py::arg("trials"), py::arg("delta") = 0.05,
     "Langford's test-set bound (JMLR 2005, Theorem 3.3) as a Certificate.");
  // Every command of the CLI, generated from its Param list (after the direct functions, to detect clashes).
  {
    py::options options;
    options.disable_function_signatures();  // the docstring carries the keyword signature
    for (const auto& command : itbound::cli::commands()) {
      const itbound::cli::Command* c = &command;  // the registry is static: the pointer stays valid
      // A command named like a direct function would silently become an overload of it.
      if (py::hasattr(m, itbound::cli::python_name(c->name).c_str()))
        throw std::logic_error("command '" + c->name + "' collides with the Python function of the same name");
      m.def(itbound::cli::python_name(c->name).c_str(), [c](const py::kwargs& kwargs) { return run(*c, kwargs); },
            command_doc(*c).c_str());
    }
  }
}
