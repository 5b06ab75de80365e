"""Result objects: what every itbound function returns.

The C++ core lists each result's fields (bounds/*.hpp, visit()); the extension turns them into these objects:
fields as attributes, arrays as NumPy arrays, nested objects as Records, bounds as Certificates. They are plain
Python objects, so they pickle, compare and convert (to_dict, to_frame) without the extension's help; rendering
(table, Markdown, LaTeX) goes through the same C++ renderer as the command line.
"""

import numpy as np

__all__ = ["Record", "Result", "Certificate"]


def _plain(value):
    """A field value with Records turned into dicts (arrays stay NumPy arrays)."""
    if isinstance(value, Record):
        return value.to_dict()
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def _equal(a, b):
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return np.array_equal(np.asarray(a), np.asarray(b), equal_nan=True)
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_equal(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_equal(x, y) for x, y in zip(a, b))
    if isinstance(a, float) and isinstance(b, float) and a != a and b != b:
        return True  # NaN fields compare equal: the results are the same
    return a == b


class Record:
    """A nested object of a result: its fields as attributes and items, in output order."""

    def __init__(self, type_name, fields):
        self.__dict__["_type"] = type_name
        self.__dict__["_fields"] = dict(fields)

    def __getattr__(self, name):
        fields = self.__dict__.get("_fields")
        if fields is not None:
            if name in fields:
                return fields[name]
            details = fields.get("details")  # a certificate's side results read as attributes too
            if isinstance(details, dict) and name in details:
                return details[name]
        raise AttributeError(f"{type(self).__name__} has no field {name!r}")

    def __setattr__(self, name, value):
        raise AttributeError("results are read-only")

    def __getitem__(self, name):
        return self._fields[name]

    def __contains__(self, name):
        return name in self._fields

    def __iter__(self):
        return iter(self._fields)

    def keys(self):
        return self._fields.keys()

    def __dir__(self):
        details = self._fields.get("details")
        return list(self._fields) + (list(details) if isinstance(details, dict) else []) + ["to_dict", "keys"]

    def __eq__(self, other):
        if isinstance(other, dict):  # a nested object equals the dict of its fields
            return _equal(self.to_dict(), other)
        return type(self) is type(other) and _equal(self.to_dict(), other.to_dict())

    __hash__ = None

    def __getstate__(self):
        return dict(self.__dict__)

    def __setstate__(self, state):
        self.__dict__.update(state)

    def to_dict(self):
        """The fields as a dict of plain values (nested objects as dicts, arrays as NumPy arrays)."""
        return {k: _plain(v) for k, v in self._fields.items()}

    def __repr__(self):
        shown = []
        for k, v in self._fields.items():
            if isinstance(v, (int, float, str, bool)) or v is None:
                shown.append(f"{k}={v!r}")
            if len(shown) == 4:
                break
        return f"{self._type}({', '.join(shown)}{', ...' if len(self._fields) > len(shown) else ''})"


class Certificate(Record):
    """A bound: value, what it guarantees (guarantee, statement), valid / applicable, delta and its ledger,
    assumptions, inputs, details (also reachable as attributes: cert.kl_relaxation) and the reference."""

    def __init__(self, fields):
        super().__init__("Certificate", fields)

    def __repr__(self):
        f = self._fields
        valid = "" if f.get("valid") is None else f", valid={f['valid']}"
        return (f"Certificate(name={f.get('name')!r}, value={f.get('value')!r}, "
                f"guarantee={f.get('guarantee')!r}{valid}, applicable={f.get('applicable')!r})")

    def render(self, format="table"):
        from . import _itbound
        return _itbound.render(self.to_dict(), format)

    def _repr_markdown_(self):
        return self.render("markdown")


class Result(Record):
    """What a command returns: fields as attributes (result.bounds, result.per_pair.ecmi), arrays as NumPy arrays.

    repr() is one line (the summary); render('table' | 'markdown' | 'latex') and to_json() give the command line's
    outputs; to_frame() a pandas table of the bounds (pandas optional)."""

    def __init__(self, command, fields):
        super().__init__("Result", fields)
        self.__dict__["command"] = command

    def __eq__(self, other):
        return isinstance(other, Result) and self.command == other.command and super().__eq__(other)

    def __repr__(self):
        f = self._fields
        if "summary" in f:
            head = f["summary"]
        elif "name" in f and "value" in f:
            head = f"{f['name']} = {f['value']!r} ({f.get('guarantee')})"
        else:
            head = ", ".join(f"{k}={v!r}" for k, v in list(f.items())[:3])
        return f"<itbound {self.command}: {head}>"

    def render(self, format="table"):
        """The command line's --format output: 'table', 'markdown', 'latex' or 'json'."""
        from . import _itbound
        return _itbound.render(self.to_dict(), format)

    def to_json(self, indent=2):
        from . import _itbound
        return _itbound.render(self.to_dict(), "json") if indent == 2 else _itbound.json_text(self.to_dict(), indent)

    def _repr_markdown_(self):
        return self.render("markdown")

    def certificates(self):
        """Every Certificate of the result (the result itself when it is one), in output order."""
        if "guarantee" in self._fields and "reference" in self._fields:
            return [Certificate(self._fields)]
        found = []
        for v in self._fields.values():
            if isinstance(v, Certificate):
                found.append(v)
            elif isinstance(v, list):
                found.extend(c for c in v if isinstance(c, Certificate))
        return found

    def to_frame(self, field=None):
        """A pandas DataFrame: by default one row per bound (name, value, guarantee, valid, applicable, delta,
        reason, source); with field='per_pair' (or any object of equal-length arrays) one column per array."""
        import pandas as pd

        if field is not None:
            value = self._fields[field]
            if isinstance(value, Record):
                return pd.DataFrame({k: v for k, v in value.to_dict().items() if isinstance(v, np.ndarray)})
            if isinstance(value, list):
                return pd.DataFrame([_plain(v) for v in value])
            raise TypeError(f"{field!r} is not a table")
        rows = []
        for c in self.certificates():
            rows.append({"name": c.name, "value": c.value, "guarantee": c.guarantee, "direction": c.direction,
                         "valid": c.valid, "applicable": c.applicable, "delta": c.delta, "reason": c.reason,
                         "source": c.reference["paper"]})
        return pd.DataFrame(rows).set_index("name")
