"""PEP 517 / PEP 660 build backend for itbound: CMake builds the extension, this file packs the wheel.

Standard library only (no build dependency is fetched: pyproject.toml's `requires` is empty), so
`pip install --no-build-isolation .` works offline with Debian's build dependencies.

build_wheel     configures a build tree for the running interpreter (-DPython3_EXECUTABLE=sys.executable),
                builds the targets _itbound, itbound_stubs and the itbound CLI, installs CMake's `python`
                component into a staging directory and packs it, with the CLI as the wheel's script
                `itbound` and a .dist-info (METADATA from pyproject.toml's [project], the version from
                CMakeLists.txt).
build_editable  the same build in a kept tree (default build-editable/); the wheel holds only a finder
                that loads the package from python/itbound and the extension from that tree.
build_sdist     the tracked files (git ls-files, else the tree without build directories) and PKG-INFO.

Config settings (pip -C KEY=VALUE):
  build-dir=DIR  build there and keep it (default for wheels: a temporary directory). A tree this backend
                 did not configure (say the developer's build/) is used as configured, after checking that
                 it builds these sources for this same interpreter; its targets are brought up to date.
  cmake-args=... extra configure arguments (shell-quoted), for trees this backend configures.
  jobs=N         parallel build jobs (default $CMAKE_BUILD_PARALLEL_LEVEL, else the number of CPUs).
ccache is used when CMAKE_CXX_COMPILER_LAUNCHER=ccache is in the environment (CMake reads it).
"""
import base64
import hashlib
import io
import os
import pathlib
import re
import shlex
import shutil
import stat
import subprocess
import sys
import sysconfig
import tarfile
import tempfile
import zipfile

try:
    import tomllib
except ModuleNotFoundError:  # Python < 3.11
    import tomli as tomllib

ROOT = pathlib.Path(__file__).resolve().parents[2]
MARKER = ".itbound-backend"  # in build trees this backend configured (and may reconfigure)
TARGETS = ["_itbound", "itbound_stubs", "itbound"]
ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # fixed timestamps: the same build packs the same bytes


# ---- metadata ----

def _version():
    text = (ROOT / "CMakeLists.txt").read_text()
    m = re.search(r"project\(\s*itbound\s+VERSION\s+([0-9][0-9.]*)", text)
    if not m:
        raise RuntimeError("CMakeLists.txt: no `project(itbound VERSION x.y.z`")
    return m.group(1)


def _project():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    if project.get("dynamic") != ["version"]:
        raise RuntimeError("pyproject.toml: [project] dynamic must be [\"version\"] (the version is CMakeLists.txt's)")
    return project


def _dist_name():
    """name-version as wheel and sdist file names spell it (PEP 427, PEP 625)."""
    return f"{re.sub(r'[-_.]+', '_', _project()['name']).lower()}-{_version()}"


def _metadata():
    """Core metadata 2.1 from pyproject.toml's [project]."""
    p = _project()
    lines = ["Metadata-Version: 2.1", f"Name: {p['name']}", f"Version: {_version()}"]
    if "description" in p:
        lines.append(f"Summary: {p['description']}")
    if "license" in p:
        lic = p["license"]
        text = lic.get("text") or (ROOT / lic["file"]).read_text().splitlines()[0] if isinstance(lic, dict) else lic
        lines.append(f"License: {text}")
    for a in p.get("authors", []):
        lines.append(f"Author: {a['name']}")
    if p.get("keywords"):
        lines.append("Keywords: " + ",".join(p["keywords"]))
    lines += [f"Classifier: {c}" for c in p.get("classifiers", [])]
    if "requires-python" in p:
        lines.append(f"Requires-Python: {p['requires-python']}")
    lines += [f"Requires-Dist: {d}" for d in p.get("dependencies", [])]
    for extra, deps in p.get("optional-dependencies", {}).items():
        lines.append(f"Provides-Extra: {extra}")
        lines += [f'Requires-Dist: {d}; extra == "{extra}"' for d in deps]
    body = ""
    if "readme" in p:
        lines.append("Description-Content-Type: text/markdown")
        body = "\n" + (ROOT / p["readme"]).read_text()
    return "\n".join(lines) + "\n" + body


def _license_files():
    lic = _project().get("license")
    return [ROOT / lic["file"]] if isinstance(lic, dict) and "file" in lic else []


def _tag():
    if sys.implementation.name != "cpython":
        raise RuntimeError(f"itbound's wheel is built for CPython; this is {sys.implementation.name}")
    version = f"{sys.version_info.major}{sys.version_info.minor}"
    platform = sysconfig.get_platform().replace("-", "_").replace(".", "_")
    return f"cp{version}-cp{version}{sys.abiflags}-{platform}"


# ---- CMake ----

def _run(command, **kwargs):
    print("itbound_backend:", shlex.join(str(c) for c in command), file=sys.stderr, flush=True)
    subprocess.run([str(c) for c in command], check=True, stdout=sys.stderr, **kwargs)


def _cache_value(build_dir, name):
    cache = build_dir / "CMakeCache.txt"
    for line in cache.read_text().splitlines():
        key, sep, value = line.partition("=")
        if sep and key.split(":")[0] == name:
            return value
    raise RuntimeError(f"{cache}: no {name}")


def _setting(settings, key, default=None):
    value = (settings or {}).get(key, default)
    return value[-1] if isinstance(value, list) else value  # a key given twice: the last one


def _build(settings, build_dir):
    """Configures (unless the tree is someone else's) and builds TARGETS in build_dir."""
    cmake = shutil.which("cmake")
    if not cmake:
        raise RuntimeError("cmake not found: install Debian's build dependencies (scripts/deps.sh)")
    build_dir.mkdir(parents=True, exist_ok=True)
    foreign = (build_dir / "CMakeCache.txt").exists() and not (build_dir / MARKER).exists()
    if foreign:
        source = _cache_value(build_dir, "CMAKE_HOME_DIRECTORY")
        if os.path.realpath(source) != os.path.realpath(ROOT):
            raise RuntimeError(f"{build_dir} builds the sources in {source}, not {ROOT}")
        configured = _cache_value(build_dir, "Python3_EXECUTABLE")
        if os.path.realpath(configured) != os.path.realpath(sys.executable):
            raise RuntimeError(f"{build_dir} was configured for {configured}, not {sys.executable}: "
                               "give another build-dir (or none) to build for this interpreter")
    else:
        extra = shlex.split(_setting(settings, "cmake-args", ""))
        _run([cmake, "-S", ROOT, "-B", build_dir, f"-DPython3_EXECUTABLE={sys.executable}",
              "-DCMAKE_BUILD_TYPE=Release", "-DBUILD_TESTING=OFF", "-DITBOUND_BUILD_BENCH=OFF", *extra])
        (build_dir / MARKER).write_text("configured by python/backend/itbound_backend.py\n")
    jobs = _setting(settings, "jobs") or os.environ.get("CMAKE_BUILD_PARALLEL_LEVEL") or str(os.cpu_count() or 1)
    _run([cmake, "--build", build_dir, "-j", jobs, "--target", *TARGETS])


def _staged_package(build_dir, staging):
    """CMake's `python` install component under staging; returns its itbound/ directory."""
    relative = _cache_value(build_dir, "ITBOUND_PYTHON_INSTALL_DIR")
    if os.path.isabs(relative):
        raise RuntimeError(f"ITBOUND_PYTHON_INSTALL_DIR is absolute ({relative}); the wheel needs it relative")
    _run(["cmake", "--install", build_dir, "--component", "python", "--prefix", staging])
    return staging / relative / "itbound"


# ---- wheel ----

def _zip_info(arcname, executable=False):
    info = zipfile.ZipInfo(arcname, ZIP_TIME)
    info.external_attr = (stat.S_IFREG | (0o755 if executable else 0o644)) << 16  # installers look for S_IFREG
    info.compress_type = zipfile.ZIP_DEFLATED
    return info


class _Wheel:
    """A wheel being written: files with their RECORD lines, then the .dist-info."""

    def __init__(self, directory, dist_name):
        self.name = f"{dist_name}-{_tag()}.whl"
        self.dist_info = f"{dist_name}.dist-info"
        self.data = f"{dist_name}.data"
        self.zip = zipfile.ZipFile(pathlib.Path(directory) / self.name, "w", zipfile.ZIP_DEFLATED)
        self.records = []

    def add(self, arcname, data, executable=False):
        self.zip.writestr(_zip_info(arcname, executable), data)
        digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
        self.records.append(f"{arcname},sha256={digest},{len(data)}")

    def add_file(self, arcname, path):
        self.add(arcname, pathlib.Path(path).read_bytes(), os.access(path, os.X_OK))

    def close(self):
        self.add(f"{self.dist_info}/METADATA", _metadata().encode())
        self.add(f"{self.dist_info}/WHEEL", (f"Wheel-Version: 1.0\nGenerator: itbound_backend\nRoot-Is-Purelib: false\n"
                                             f"Tag: {_tag()}\n").encode())
        for lic in _license_files():
            self.add(f"{self.dist_info}/{lic.name}", lic.read_bytes())
        record = f"{self.dist_info}/RECORD"
        self.zip.writestr(_zip_info(record), "\n".join(self.records + [f"{record},,"]) + "\n")
        self.zip.close()
        return self.name


def get_requires_for_build_wheel(config_settings=None):
    return []


def get_requires_for_build_editable(config_settings=None):
    return []


def get_requires_for_build_sdist(config_settings=None):
    return []


def _write_metadata(metadata_directory):
    dist_info = pathlib.Path(metadata_directory) / f"{_dist_name()}.dist-info"
    dist_info.mkdir(parents=True, exist_ok=True)
    (dist_info / "METADATA").write_text(_metadata())
    return dist_info.name


def prepare_metadata_for_build_wheel(metadata_directory, config_settings=None):
    return _write_metadata(metadata_directory)


def prepare_metadata_for_build_editable(metadata_directory, config_settings=None):
    return _write_metadata(metadata_directory)


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    given = _setting(config_settings, "build-dir")
    with tempfile.TemporaryDirectory(prefix="itbound-wheel-") as tmp:
        build_dir = pathlib.Path(given).resolve() if given else pathlib.Path(tmp) / "build"
        _build(config_settings, build_dir)
        package = _staged_package(build_dir, pathlib.Path(tmp) / "staging")
        wheel = _Wheel(wheel_directory, _dist_name())
        for path in sorted(package.rglob("*")):
            if path.is_file():
                wheel.add_file(f"itbound/{path.relative_to(package).as_posix()}", path)
        cli = build_dir / "bin" / "itbound"
        if cli.exists():  # the command line as the environment's `itbound` script
            wheel.add_file(f"{wheel.data}/scripts/itbound", cli)
        return wheel.close()


FINDER = '''\
"""Editable install of itbound, written by python/backend/itbound_backend.py: `import itbound` loads the
package from the source tree and its compiled extension from the build tree (rebuild it there with
`cmake --build {build} --target _itbound itbound_stubs`, or rerun `pip install -e`)."""
import importlib.abc
import importlib.util
import sys

SOURCE = {source!r}
BUILD = {package!r}


class _Finder(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name != "itbound":
            return None
        return importlib.util.spec_from_file_location(name, SOURCE + "/__init__.py",
                                                      submodule_search_locations=[SOURCE, BUILD])


sys.meta_path.append(_Finder())
'''


def build_editable(wheel_directory, config_settings=None, metadata_directory=None):
    build_dir = pathlib.Path(_setting(config_settings, "build-dir") or ROOT / "build-editable").resolve()
    _build(config_settings, build_dir)
    wheel = _Wheel(wheel_directory, _dist_name())
    finder = FINDER.format(build=build_dir, source=str(ROOT / "python" / "itbound"),
                           package=str(build_dir / "python" / "itbound"))
    wheel.add("_itbound_editable.py", finder.encode())
    wheel.add("_itbound_editable.pth", b"import _itbound_editable\n")
    cli = build_dir / "bin" / "itbound"
    if cli.exists():
        wheel.add(f"{wheel.data}/scripts/itbound", f'#!/bin/sh\nexec {shlex.quote(str(cli))} "$@"\n'.encode(), True)
    return wheel.close()


# ---- sdist ----

def _source_files():
    """Tracked and untracked-but-not-ignored files in a git checkout; else every file outside build trees."""
    if (ROOT / ".git").exists() and shutil.which("git"):
        out = subprocess.run(["git", "-C", str(ROOT), "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                             check=True, capture_output=True).stdout
        return sorted(p for p in {pathlib.Path(n.decode()) for n in out.split(b"\0") if n} if (ROOT / p).is_file())
    skip = re.compile(r"^(build.*|\.git|__pycache__|\.ipynb_checkpoints)$")
    files = []
    for directory, dirs, names in os.walk(ROOT):
        dirs[:] = [d for d in dirs if not skip.match(d)]
        files += [pathlib.Path(directory, n).relative_to(ROOT) for n in names if not n.endswith(".pyc")]
    return sorted(files)


def build_sdist(sdist_directory, config_settings=None):
    name = _dist_name()
    archive = pathlib.Path(sdist_directory) / f"{name}.tar.gz"
    with tarfile.open(archive, "w:gz", format=tarfile.PAX_FORMAT) as tar:
        for rel in _source_files():
            info = tar.gettarinfo(str(ROOT / rel), f"{name}/{rel.as_posix()}")
            info.uid = info.gid = 0
            info.uname = info.gname = ""
            info.mtime = 0
            with open(ROOT / rel, "rb") as f:
                tar.addfile(info, f)
        pkg_info = _metadata().encode()
        info = tarfile.TarInfo(f"{name}/PKG-INFO")
        info.size = len(pkg_info)
        tar.addfile(info, io.BytesIO(pkg_info))
    return archive.name
