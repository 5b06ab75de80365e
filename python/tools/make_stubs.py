#!/usr/bin/python3
"""Writes the type stub _itbound.pyi for the built extension, so that editors and type checkers see
every signature.

Usage: make_stubs.py PACKAGE_DIR   (the directory holding itbound/__init__.py and the built _itbound)

The command functions (itbound.test_set, itbound.cmi, ...) are written from itbound.commands(), i.e.
from the CLI's parameter table: keyword-only, required parameters without a default, choices as
Literal, optional ones as `T | None = None`. Everything else (direct functions, classes, properties)
is written from the signatures pybind11 puts in the docstrings. Run by the build after _itbound links.
"""
import inspect
import pathlib
import re
import sys

# Parameter kinds of the table (module.cpp's python_type) as stub types; ints and reals accept NumPy
# scalars at run time (through __index__ / __float__), so the protocols rather than int / float.
KIND_TYPES = {"float": "SupportsFloat", "int": "SupportsIndex", "str": "str", "bool": "bool",
              "str | os.PathLike": "str | os.PathLike[str]"}

SCALARS = {"float", "int", "bool"}

# module.cpp's cmi also takes the runs as arrays (mask=, loss=, pred=) in place of runs=.
ARRAY_RUNS = {"cmi": "runs"}

HEADER = '''\
# Generated at build time by python/tools/make_stubs.py from the built extension (command functions
# from the CLI parameter table via itbound.commands(); the rest from pybind11's signatures). Do not edit.
import os
from typing import Any, ClassVar, Literal, SupportsFloat, SupportsIndex, overload

import numpy
import numpy.typing

from ._result import Certificate, Record, Result

__version__: str

class InvalidArgument(ValueError): ...
'''


def split_top(text, sep=","):
    """Splits at `sep` outside brackets and quotes."""
    parts, depth, quote, start = [], 0, None, 0
    for i, ch in enumerate(text):
        if quote:
            quote = None if ch == quote else quote
        elif ch in "'\"":
            quote = ch
        elif ch in "[(":
            depth += 1
        elif ch in "])":
            depth -= 1
        elif ch == sep and depth == 0:
            parts.append(text[start:i].strip())
            start = i + 1
    if text[start:].strip():
        parts.append(text[start:].strip())
    return parts


def stub_type(t, returned=False):
    """A pybind11 type name as a stub type."""
    t = t.strip()
    if t.startswith("numpy.ndarray"):
        return "numpy.typing.NDArray[numpy.float64]" if returned else "numpy.typing.ArrayLike"
    t = t.replace("itbound._itbound.", "").replace("itbound.", "")
    simple = {"object": "Any", "handle": "Any", "list": "list[Any]", "dict": "dict[str, Any]",
              "tuple": "tuple[Any, ...]", "kwargs": "Any", "args": "Any"}
    if t in simple:
        return simple[t]
    if not t:
        return "Any"
    m = re.fullmatch(r"(List|Dict|Tuple|Optional)\[(.*)\]", t)
    if m:
        inner = [stub_type(x, returned) for x in split_top(m.group(2))]
        if m.group(1) == "Optional":
            return inner[0] + " | None"
        return m.group(1).lower() + "[" + ", ".join(inner) + "]"
    return t


def stub_default(d):
    """Simple literal defaults are kept (editors show them); anything else becomes `...`."""
    return d if re.fullmatch(r"None|True|False|-?[0-9.e+-]+|'[^']*'", d) else "..."


def parse_signature(line, method):
    """'name(a: int, b: float = 1.0) -> T' as ('name', 'a: int, b: float = 1.0', 'T')."""
    m = re.match(r"^\s*(?:\d+\.\s+)?(\w*)\((.*)\)(?:\s*->\s*(.+?))?\s*$", line)
    if not m:
        return None
    params = []
    for i, p in enumerate(split_top(m.group(2))):
        if p in ("*", "/"):  # keyword-only / positional-only markers
            params.append(p)
            continue
        if p.startswith("*"):
            name = p.split(":")[0]
            params.append(name + ": Any")
            continue
        if ":" in p:
            name, _, rest = p.partition(":")
            ann, _, default = rest.partition("=")
        else:  # untyped, as hand-written signatures in docstrings are
            name, _, default = p.partition("=")
            ann = ""
        if method and i == 0:
            params.append("self")
            continue
        if method and m.group(1) in ("__eq__", "__ne__"):  # object's signature, as type checkers require
            params.append("other: object")
            continue
        t = stub_type(ann) if ann.strip() else "Any"
        if default.strip() == "None" and "None" not in t and t != "Any":
            t += " | None"
        params.append(name.strip() + ": " + t + (" = " + stub_default(default.strip()) if default.strip() else ""))
    return m.group(1), ", ".join(params), stub_type(m.group(3) or "object", returned=True)


def doc_body(doc, skip_lines):
    return "\n".join(doc.splitlines()[skip_lines:]).strip()


def docstring(body, indent):
    if not body:
        return ""
    pad = " " * (indent + 4)
    body = body.replace("\\", "\\\\").replace('"""', '\\"\\"\\"')
    body = "\n".join(pad + line if line else "" for line in body.splitlines()).lstrip()
    return f'\n{pad}"""{body}\n{pad}"""'


def covers(wide, narrow):
    """Whether stub signature `wide` accepts every call `narrow` does (array-likes include numbers)."""
    a, b = split_top(wide[1]), split_top(narrow[1])
    if len(a) != len(b) or wide[2] != narrow[2]:
        return False
    for x, y in zip(a, b):
        (xn, _, xt), (yn, _, yt) = x.partition(": "), y.partition(": ")
        if xn != yn or not (xt == yt or (xt.startswith("numpy.typing.ArrayLike") and yt.split(" =")[0] in SCALARS)):
            return False
    return True


def keyword_signature(sig, line, method):
    """A pybind11 signature taking **kwargs, with the keywords the docstring spells out in `line`
    ("name(*, a: float, b: int = 3) -> T", written beside the function in module.cpp), if it does: the
    typed parameters pybind11 knows, then the spelled-out ones it does not, keyword-only."""
    spelled = parse_signature(line, False) if line else None
    if not sig or "**kwargs" not in sig[1] or not spelled:
        return sig
    known = [p for p in split_top(sig[1]) if not p.startswith("**")]
    names = {re.split(r"[:=]", p)[0].strip() for p in known}
    extra = [p for p in split_top(spelled[1]) if p != "*" and not p.startswith("**") and re.split(r"[:=]", p)[0].strip() not in names]
    if not extra:
        return sig
    return sig[0], ", ".join(known + ["*"] + extra), sig[2]


def function_stub(name, doc, indent=0, method=False, decorator=None, spelled_out=None):
    """The `def` of a pybind11 function; overloads (numbered signatures after "Overloaded function.") as
    @overload, less those another overload accepts anyway. A function taking **kwargs gets the keywords
    of the signature its docstring (or spelled_out) writes out, if any."""
    pad = " " * indent
    lines = (doc or "").splitlines()
    numbered = [parse_signature(line, method) for line in lines if re.match(rf"^\s*\d+\.\s+{re.escape(name)}\(", line)]
    if numbered:
        signatures = [s for i, s in enumerate(numbered)
                      if not any(j != i and covers(o, s) and (not covers(s, o) or j < i) for j, o in enumerate(numbered))]
        text = [line for line in lines[1:] if line.strip() != "Overloaded function." and not re.match(r"^\s*\d+\.\s", line)]
        body = docstring("\n".join(text).strip(), indent)
    else:
        sig = parse_signature(lines[0], method) if lines else None
        body_lines = [line for line in lines[1:] if line.strip()]
        if spelled_out is None and body_lines and re.match(rf"^{re.escape(name)}\(", body_lines[0]):
            spelled_out = body_lines[0]
        sig = keyword_signature(sig, spelled_out, method)
        fallback = "self, *args: Any, **kwargs: Any" if method else "*args: Any, **kwargs: Any"
        signatures, body = [sig or (name, fallback, "Any")], docstring(doc_body(doc, 1), indent)
    head = f"{pad}@overload\n" if len(signatures) > 1 else ""
    head += f"{pad}@{decorator}\n" if decorator else ""
    return "\n".join(f"{head}{pad}def {name}({s[1]}) -> {s[2]}:" + (body + "\n" + pad + "    ..." if body else " ...")
                     for s in signatures)


def class_stub(cls):
    base = "ValueError" if issubclass(cls, ValueError) else ""
    out = [f"class {cls.__name__}({base}):" if base else f"class {cls.__name__}:"]
    doc = cls.__doc__ or ""
    if doc:
        out.append(docstring(doc.strip(), 0).lstrip("\n"))
    for name, member in cls.__dict__.items():
        if name in ("__doc__", "__module__", "__dict__", "__weakref__"):
            continue
        if name == "__hash__" and member is None:
            out.append("    __hash__: ClassVar[None]  # type: ignore[assignment]")
        elif isinstance(member, property):
            sig = parse_signature("p" + (member.fget.__doc__ or "() -> Any").splitlines()[0].strip(), True)
            out.append(f"    @property\n    def {name}(self) -> {sig[2] if sig else 'Any'}: ...")
        elif isinstance(member, staticmethod):
            out.append(function_stub(name, member.__func__.__doc__, 4, decorator="staticmethod"))
        elif type(member).__name__ == "instancemethod":
            spelled = doc.splitlines()[0] if name == "__init__" and doc.startswith(cls.__name__ + "(") else None
            out.append(function_stub(name, member.__func__.__doc__, 4, method=True,
                                     spelled_out=spelled and "__init__" + spelled[len(cls.__name__):]))
    if len(out) == 1 or (len(out) == 2 and doc):
        out.append("    ...")
    return "\n".join(out)


def command_param(p):
    """A keyword parameter of a command function, from its row of the parameter table."""
    choices = p.get("choices") or []
    t = "Literal[" + ", ".join(repr(c) for c in choices) + "]" if choices else KIND_TYPES.get(p["type"], "Any")
    if p.get("inline_numbers"):
        t += " | numpy.typing.ArrayLike"
    if p["type"] == "bool":
        return f"{p['name']}: bool = False"
    if p["required"]:
        return f"{p['name']}: {t}"
    if p["default"] is None:
        return f"{p['name']}: {t} | None = None"
    return f"{p['name']}: {t} = {p['default']!r}"


def command_stub(command, function):
    doc = function.__doc__ or ""
    m = re.match(r"^\w+\(.*\)\s*->\s*([\w.]+)", doc)
    returns = stub_type(m.group(1), returned=True) if m else "Any"
    params = [command_param(p) for p in command["params"]]
    body = docstring(doc_body(doc, 2), 0)

    def define(ps, overload=False):
        return ("@overload\n" if overload else "") + f"def {command['name']}(*, {', '.join(ps)}) -> {returns}:" + \
               (body + "\n    ..." if body else " ...")

    if command["name"] not in ARRAY_RUNS:
        return define(params)
    file_param = ARRAY_RUNS[command["name"]]
    rest = [q for p, q in zip(command["params"], params) if p["name"] != file_param]
    arrays = ["mask: numpy.typing.ArrayLike", "loss: numpy.typing.ArrayLike", "pred: numpy.typing.ArrayLike | None = None"]
    return define(params, True) + "\n" + define(arrays + rest, True)


def main(argv):
    if len(argv) != 2:
        sys.exit(__doc__)
    package_dir = pathlib.Path(argv[1]).resolve()
    sys.path.insert(0, str(package_dir.parent))
    module = __import__("itbound._itbound", fromlist=["_itbound"])
    commands = {c["name"]: c for c in module.commands()}
    parts = [HEADER]
    for name, obj in sorted(vars(module).items()):
        if name.startswith("_") or name == "InvalidArgument":
            continue
        if name in commands:
            parts.append(command_stub(commands[name], obj))
        elif inspect.isclass(obj):
            parts.append(class_stub(obj))
        elif callable(obj):
            parts.append(function_stub(name, obj.__doc__))
        else:
            parts.append(f"{name}: {type(obj).__name__}")
    missing = set(commands) - set(vars(module))
    if missing:
        sys.exit(f"make_stubs: commands without a function: {sorted(missing)}")
    out = package_dir / "_itbound.pyi"
    text = "\n\n".join(parts) + "\n"
    compile(text, str(out), "exec")  # a stub that does not parse must fail the build, not the editor
    out.write_text(text)


if __name__ == "__main__":
    main(sys.argv)
