"""What pyproject.toml installs matches what hashchat uses: every runtime dependency
is imported by the packaged code (or is one Django loads by name, listed below with
the reason), nothing used only by tests, the demo's tests or the benchmarks is in
the runtime set, and every package pattern names a package that exists."""

import ast
import re
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())

# Runtime dependencies that no module imports by name, and why they are needed.
LOADED_BY_NAME = {
    # PASSWORD_HASHERS names Django's Argon2PasswordHasher, which imports argon2.
    "argon2-cffi": "hashchat/settings.py PASSWORD_HASHERS",
    # INSTALLED_APPS and TASKS name django_tasks_db.
    "django-tasks-db": "hashchat/settings.py INSTALLED_APPS",
    # LOGGING names pythonjsonlogger's formatter for HASHCHAT_LOG_FORMAT=json.
    "python-json-logger": "hashchat/settings.py LOGGING",
}


def requirement_name(spec: str) -> str:
    return re.split(r"[\[<>=~!; ]", spec, maxsplit=1)[0].lower().replace("_", "-")


def packaged_modules() -> list[Path]:
    patterns = PYPROJECT["tool"]["setuptools"]["packages"]["find"]["include"]
    files = []
    for pattern in patterns:
        assert pattern.endswith("*"), pattern
        package = ROOT / pattern[:-1]
        assert (package / "__init__.py").exists(), f"{pattern} names no package"
        files += [p for p in package.rglob("*.py") if "migrations" not in p.parts]
    return files


def imported_distributions() -> set[str]:
    owners = packages_distributions()
    found: set[str] = set()
    for path in packaged_modules():
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            for name in names:
                for dist in owners.get(name.split(".")[0], []):
                    found.add(dist.lower().replace("_", "-"))
    return found


def test_every_package_pattern_names_an_existing_package():
    assert packaged_modules()


def test_every_runtime_dependency_is_used_by_the_packaged_code():
    runtime = {requirement_name(spec) for spec in PYPROJECT["project"]["dependencies"]}
    settings_text = (ROOT / "hashchat" / "settings.py").read_text()
    used = imported_distributions()
    unused = sorted(
        name
        for name in runtime
        if name not in used
        and name not in LOADED_BY_NAME
        and name.replace("-", "_") not in settings_text
    )
    assert not unused, f"runtime dependencies nothing imports at run time: {unused}"


def test_test_and_benchmark_tools_are_not_runtime_dependencies():
    runtime = {requirement_name(spec) for spec in PYPROJECT["project"]["dependencies"]}
    dev = {requirement_name(spec) for spec in PYPROJECT["project"]["optional-dependencies"]["dev"]}
    # (httpx is a runtime dependency: federation's one outgoing client, federation/http.py.)
    for tool in ("markdown", "pytest", "hypothesis", "schemathesis"):
        assert tool not in runtime, tool
        assert tool in dev, tool
