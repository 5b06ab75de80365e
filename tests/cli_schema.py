"""The output schema: `itbound docs --schema DIR` writes one JSON Schema per command (generated from the report structs'
field lists); each is a valid draft 2020-12 schema, and the real output of every command on the bundled examples
(tests/command_examples.py), from the command line and from a batch job, validates against its command's schema.
Validated with Debian's python3-jsonschema."""
import json
import pathlib
import sys
import tempfile

import jsonschema

from cli_check import Checks
from command_examples import examples

checks = Checks(sys.argv[1])
run, check = checks.run, checks.check
data = pathlib.Path(sys.argv[2])

with tempfile.TemporaryDirectory() as tmp:
    tmp = pathlib.Path(tmp)
    r = run("docs", "--schema", tmp / "schema", "--output", tmp / "commands.md")
    check(r.returncode == 0, f"docs --schema: {r.returncode} {r.stderr}")
    schemas = {p.name[: -len(".schema.json")]: json.loads(p.read_text()) for p in (tmp / "schema").glob("*.schema.json")}
    reference = (tmp / "commands.md").read_text()
    for command, schema in schemas.items():
        jsonschema.Draft202012Validator.check_schema(schema)
        # The reference lists each command's output fields with their docs.
        for field, s in schema["properties"].items():
            check(f"| `{field}` |" in reference, f"{command}: field {field} missing from the reference")
            check(bool(s.get("description")), f"{command}: field {field} has no doc")
    validated = set()
    jobs = []
    for label, args in examples(sys.argv[1], data, tmp):
        command = args[0]
        if command not in schemas:
            check(False, f"{label}: no schema for {command}")
            continue
        r = run(*args)
        if r.returncode != 0:
            check(False, f"{label}: exit {r.returncode}: {r.stderr}")
            continue
        errors = sorted(jsonschema.Draft202012Validator(schemas[command]).iter_errors(json.loads(r.stdout)), key=str)
        check(not errors, f"{label}: {[f'{list(e.path)}: {e.message}' for e in errors[:3]]}")
        validated.add(command)
        # The same job through batch (args as a JSON object: --flag value pairs; the positional input by name).
        positional = {"cmi": "runs", "loo-cmi": "runs", "trajectory": "file", "rrm": "runs", "measures": "runs"}
        job_args, rest = {}, args[1:]
        if command in positional and not rest[0].startswith("--"):
            job_args[positional[command]], rest = rest[0], rest[1:]
        i = 0
        while i < len(rest):
            name = rest[i][2:]
            if i + 1 < len(rest) and not rest[i + 1].startswith("--"):
                job_args[name], i = rest[i + 1], i + 2
            else:
                job_args[name], i = True, i + 1
        jobs.append({"id": label, "command": command, "args": job_args})
    check(validated == set(schemas), f"commands without a validated output: {set(schemas) - validated}")
    r = run("batch", "-", stdin="\n".join(json.dumps(j) for j in jobs))
    for line in r.stdout.splitlines():
        rec = json.loads(line)
        if not rec.get("ok"):
            check(False, f"batch {rec.get('id')}: {rec.get('error')}")
            continue
        command = next(j["command"] for j in jobs if j["id"] == rec["id"])
        errors = list(jsonschema.Draft202012Validator(schemas[command]).iter_errors(rec["result"]))
        check(not errors, f"batch {rec['id']}: {[e.message for e in errors[:3]]}")
    check(len(r.stdout.splitlines()) == len(jobs), f"batch: {len(r.stdout.splitlines())} records for {len(jobs)} jobs")

if not checks.failures:
    print(f"schema: {len(schemas)} commands, {len(jobs)} outputs validated twice: ok")
checks.finish()
