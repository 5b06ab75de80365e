"""Every command's --format table, markdown and latex on the bundled examples (tests/command_examples.py): the answer
first, one row per bound with its value rounded outward (checked against the JSON value), no null or empty field, no
long line; Markdown rows as wide as their header; all the LaTeX compiled in one document by pdflatex when it is
installed (Debian's texlive-latex-base), else checked for balanced braces and table cells."""
import json
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile

from cli_check import Checks
from command_examples import examples

checks = Checks(sys.argv[1])
run, check = checks.run, checks.check
data = pathlib.Path(sys.argv[2])


def certificates(result):
    """(name, value, direction) of every bound in the JSON result, in output order."""
    def is_cert(j):
        return isinstance(j, dict) and {"name", "value", "guarantee", "reference"} <= j.keys()
    found = [result] if is_cert(result) else []
    for v in result.values():
        if is_cert(v):
            found.append(v)
        elif isinstance(v, list) and v and all(is_cert(c) for c in v):
            found.extend(v)
    return found


def significant(text):
    digits = re.sub(r"[^0-9]", "", text.split("e")[0]).lstrip("0")
    return len(digits)


latex_parts = []
with tempfile.TemporaryDirectory() as tmp:
    cases = examples(sys.argv[1], data, tmp)
    commands = {args[0] for _, args in cases}
    described = subprocess.run([sys.argv[1], "docs"], capture_output=True, text=True).stdout
    for name in re.findall(r"^## `([a-z-]+)`$", described, re.M):
        check(name in commands, f"no example of {name} in tests/command_examples.py")
    for label, args in cases:
        r = run(*args)
        if r.returncode != 0:
            check(False, f"{label}: exit {r.returncode}: {r.stderr}")
            continue
        result = json.loads(r.stdout)
        outputs = {}
        for fmt in ["table", "markdown", "latex"]:
            o = run(*args, "--format", fmt)
            check(o.returncode == 0 and o.stderr == "", f"{label} --format {fmt}: exit {o.returncode}: {o.stderr}")
            outputs[fmt] = o.stdout
        table = outputs["table"]
        lines = table.splitlines()
        if "summary" in result:
            check(lines[0] == result["summary"], f"{label}: the table does not lead with the summary: {lines[0]!r}")
        else:
            check(lines[0].startswith(certificates(result)[0]["name"] if certificates(result) else ""), f"{label}: {lines[0]}")
        # One row per bound: name, value rounded outward (never below an upper bound, above a lower one), 4 digits.
        for c in certificates(result):
            shown = c["name"] + (" (>=)" if c["direction"] == "lower" else "")
            row = next((ln for ln in lines if re.match(re.escape(shown) + r"\s{2,}", ln)), None)
            if row is None:
                check(False, f"{label}: no row for {shown}")
                continue
            cells = re.split(r"\s{2,}", row)
            value = float(c["value"])  # JSON writes non-finite numbers as "nan", "inf", "-inf": float() reads them
            if value != value:
                check(cells[1] == "-", f"{label}: {shown} shows {cells[1]} for NaN")
                continue
            v = float(cells[1])
            ok = v >= value if c["direction"] == "upper" else v <= value
            check(ok and significant(cells[1]) <= 4, f"{label}: {shown} value {cells[1]} for {c['value']} ({c['direction']})")
            check(cells[2] == c["guarantee"], f"{label}: {shown} guarantee {cells[2]}")
            check(" (" in cells[-1] or "," not in cells[-1], f"{label}: {shown} source not short: {cells[-1]}")
        for ln in lines:
            check("null" not in ln.split(), f"{label}: a null shown: {ln!r}")
            check(len(ln) <= 240, f"{label}: line of {len(ln)} characters: {ln[:80]}...")
        # Markdown: every table row as wide as its header (escaped pipes are not separators).
        width = None
        for ln in outputs["markdown"].splitlines():
            if not ln.startswith("|"):
                width = None
                continue
            n = len(re.findall(r"(?<!\\)\|", ln))
            width = width or n
            check(n == width, f"{label} markdown: row of {n} separators under a header of {width}: {ln}")
        check(outputs["markdown"].startswith("**") or "summary" not in result, f"{label}: markdown without summary")
        latex_parts.append(f"% {label}\n" + outputs["latex"])

    document = ("\\documentclass{article}\n\\usepackage[margin=1cm,landscape]{geometry}\n"
                "\\IfFileExists{booktabs.sty}{\\usepackage{booktabs}}"
                "{\\newcommand{\\toprule}{\\hline}\\newcommand{\\midrule}{\\hline}\\newcommand{\\bottomrule}{\\hline}}\n"
                "\\begin{document}\n" + "\n\\clearpage\n".join(latex_parts) + "\\end{document}\n")
    tex = pathlib.Path(tmp) / "outputs.tex"
    tex.write_text(document)
    if shutil.which("pdflatex"):
        r = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", tex.name], cwd=tmp,
                           capture_output=True, text=True)
        errors = [ln for ln in r.stdout.splitlines() if ln.startswith("!") or "Unicode character" in ln]
        check(r.returncode == 0 and not errors, f"pdflatex failed: {errors or r.stdout[-2000:]}")
    else:
        print("pdflatex not installed (texlive-latex-base): LaTeX checked by structure only")
    for part in latex_parts:
        depth = 0
        for i, ch in enumerate(part):
            if ch in "{}" and (i == 0 or part[i - 1] != "\\"):
                depth += 1 if ch == "{" else -1
                check(depth >= 0, "unbalanced } in LaTeX")
        check(depth == 0, f"unbalanced braces in LaTeX: {part[:60]}")
        for block in re.findall(r"\\begin\{tabular\}\{((?:[^{}]|\{[^{}]*\})*)\}(.*?)\\end\{tabular\}", part, re.S):
            spec, body = block
            columns = len(re.findall(r"[lrcp]", re.sub(r"\{[^}]*\}", "", spec)))
            for ln in body.splitlines():
                if ln.endswith("\\\\"):
                    check(len(re.findall(r"(?<!\\)&", ln)) == columns - 1, f"LaTeX row of the wrong width: {ln}")

if not checks.failures:
    print(f"formats: {len(latex_parts)} examples in table, Markdown and LaTeX: ok")
checks.finish()
