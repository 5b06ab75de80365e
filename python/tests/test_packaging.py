"""The package as installed: the generated stubs cover every function with the parameter table's
signatures, and the version is the same in CMakeLists.txt, the module, the wheel metadata and CITATION.cff."""
import ast
import pathlib
import re
import sys

import pytest

import itbound

ROOT = pathlib.Path(__file__).resolve().parents[2]
STUB = pathlib.Path(itbound.__file__).parent / "_itbound.pyi"


@pytest.fixture(scope="module")
def stub():
    return ast.parse(STUB.read_text())


def definitions(tree, name):
    return [node for node in tree.body if isinstance(node, ast.FunctionDef) and node.name == name]


def test_stub_names_every_public_name(stub):
    named = {n.name for n in stub.body if isinstance(n, (ast.FunctionDef, ast.ClassDef))}
    named |= {n.target.id for n in stub.body if isinstance(n, ast.AnnAssign)}
    public = {n for n in dir(itbound._itbound) if not n.startswith("_")}
    assert public <= named, sorted(public - named)


def test_command_stubs_follow_the_parameter_table(stub):
    for command in itbound.commands():
        defs = definitions(stub, command["name"])
        assert defs, command["name"]
        table = {p["name"]: p for p in command["params"]}
        # cmi has a second overload with the runs as arrays (mask=, loss=, pred=) instead of runs=.
        first = defs[0].args
        assert not first.args and not first.kwarg, f"{command['name']}: parameters must be keyword-only"
        assert [a.arg for a in first.kwonlyargs] == list(table)
        for arg, default in zip(first.kwonlyargs, first.kw_defaults):
            p = table[arg.arg]
            assert (default is None) == p["required"], f"{command['name']}.{arg.arg}"
            if p["choices"]:
                assert all(repr(c) in ast.unparse(arg.annotation) for c in p["choices"])
            if default is not None and p["default"] is not None:
                assert ast.literal_eval(default) == p["default"]
        assert ast.unparse(defs[0].returns) == "Result"


def test_cmi_array_overload(stub):
    arrays = definitions(stub, "cmi")[1].args
    names = [a.arg for a in arrays.kwonlyargs]
    assert names[:3] == ["mask", "loss", "pred"] and "runs" not in names


def test_direct_function_signatures(stub):
    (kl_diag,) = definitions(stub, "kl_diag_gaussian")  # the float overload is covered by ArrayLike
    assert [a.arg for a in kl_diag.args.args] == ["mean_q", "std_q", "mean_p", "std_p"]
    (bound,) = definitions(stub, "test_set_bound")
    assert ast.unparse(bound.returns) == "Certificate"
    # **kwargs functions get the keywords their docstrings spell out (the trajectory step fields here).
    (accumulator,) = [n for n in stub.body if isinstance(n, ast.ClassDef) and n.name == "TrajectoryAccumulator"]
    (add_step,) = definitions(accumulator, "add_step")
    assert add_step.args.kwonlyargs[0].arg == "step_size" and add_step.args.kwarg is None
    (stats,) = definitions(stub, "supersample_stats")
    assert "supersample_offset" in [a.arg for a in stats.args.kwonlyargs]


def cmake_version():
    return re.search(r"project\(\s*itbound\s+VERSION\s+([0-9.]+)", (ROOT / "CMakeLists.txt").read_text()).group(1)


def test_versions_agree():
    yaml = pytest.importorskip("yaml")
    citation = yaml.safe_load((ROOT / "CITATION.cff").read_text())
    assert citation["cff-version"] == "1.2.0"
    assert {"message", "title", "authors", "type"} <= set(citation)
    assert citation["version"] == cmake_version() == itbound.__version__


def test_wheel_metadata():
    sys.path.insert(0, str(ROOT / "python" / "backend"))
    try:
        import itbound_backend
    finally:
        sys.path.pop(0)
    metadata = itbound_backend._metadata()
    assert f"Version: {cmake_version()}\n" in metadata
    assert "Name: itbound\n" in metadata and "Requires-Dist: numpy\n" in metadata
    assert re.fullmatch(r"cp3\d+-cp3\d+\w*-linux_\w+", itbound_backend._tag())
