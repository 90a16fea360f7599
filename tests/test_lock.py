"""The lock files in requirements/ agree with pyproject.toml.

scripts/setup.sh installs from the lock, so a dependency added to or changed in
pyproject.toml without running scripts/lock.sh would silently not be installed (or be
installed at a version pyproject.toml forbids). These checks fail CI when that happens.
"""

import json
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import NormalizedName, canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
# How scripts/lock.sh's uv annotates a requirement that pyproject.toml asks for.
DIRECT = "backoffice (pyproject.toml)"


@dataclass
class Pin:
    version: Version
    hashes: list[str] = field(default_factory=list)
    via: list[str] = field(default_factory=list)


def parse_lock(text: str) -> dict[NormalizedName, Pin]:
    pins: dict[NormalizedName, Pin] = {}
    current: Pin | None = None
    for raw in text.splitlines():
        line = raw.strip()
        if match := re.match(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?==(\S+)", raw):
            current = Pin(Version(match[2]))
            pins[canonicalize_name(match[1])] = current
        elif current is not None and line.startswith("--hash="):
            current.hashes.append(line.removeprefix("--hash=").rstrip(" \\"))
        elif current is not None and line.startswith("# via"):
            if via := line.removeprefix("# via").strip():
                current.via.append(via)
        elif current is not None and line.startswith("#   "):
            current.via.append(line.removeprefix("#").strip())
        elif raw and not raw.startswith((" ", "#")):
            raise AssertionError(f"unexpected line in a lock file: {raw!r}")
    return pins


def lock(name: str) -> dict[NormalizedName, Pin]:
    return parse_lock((ROOT / "requirements" / f"{name}.txt").read_text(encoding="utf-8"))


def declared(profile: str) -> list[Requirement]:
    """What pyproject.toml asks for in a profile, the build backend included (setup.sh
    builds the project without isolation, from the lock)."""
    requirements = [
        *PYPROJECT["project"]["dependencies"],
        *PYPROJECT["build-system"]["requires"],
    ]
    if profile == "test":
        requirements += PYPROJECT["project"]["optional-dependencies"]["test"]
    return [Requirement(text) for text in requirements]


@pytest.mark.parametrize("profile", ["runtime", "test"])
def test_every_declared_dependency_is_locked_at_an_allowed_version(profile: str) -> None:
    pins = lock(profile)
    for requirement in declared(profile):
        name = canonicalize_name(requirement.name)
        assert name in pins, (
            f"{requirement} is not in requirements/{profile}.txt: run scripts/lock.sh"
        )
        assert requirement.specifier.contains(pins[name].version, prereleases=True), (
            f"requirements/{profile}.txt pins {name}=={pins[name].version}, but pyproject.toml "
            f"asks for {requirement}: run scripts/lock.sh"
        )


@pytest.mark.parametrize("profile", ["runtime", "test"])
def test_nothing_is_locked_at_top_level_that_pyproject_does_not_ask_for(profile: str) -> None:
    asked = {canonicalize_name(requirement.name) for requirement in declared(profile)}
    top_level = {name for name, pin in lock(profile).items() if DIRECT in pin.via}
    assert top_level, "no top-level requirement found: has the lock's annotation changed?"
    assert top_level <= asked, f"locked but not in pyproject.toml: {sorted(top_level - asked)}"


@pytest.mark.parametrize("profile", ["runtime", "test"])
def test_every_pin_carries_hashes(profile: str) -> None:
    unhashed = [name for name, pin in lock(profile).items() if not pin.hashes]
    assert unhashed == []


def test_the_test_lock_installs_what_the_service_runs() -> None:
    runtime, test = lock("runtime"), lock("test")
    differing = {
        name: (pin.version, test[name].version if name in test else None)
        for name, pin in runtime.items()
        if name not in test or test[name].version != pin.version
    }
    assert differing == {}


def test_the_npm_lock_pins_what_the_browser_tests_ask_for() -> None:
    """scripts/setup.sh installs the browser tests' npm packages (axe-core) with `npm ci`,
    which refuses a lock that disagrees with package.json; this says so before CI does."""
    folder = ROOT / "tests" / "axe"
    asked = json.loads((folder / "package.json").read_text(encoding="utf-8"))["dependencies"]
    locked = json.loads((folder / "package-lock.json").read_text(encoding="utf-8"))["packages"]
    assert locked[""]["dependencies"] == asked, "run `npm install` in tests/axe"
    for name, version in asked.items():
        pin = locked[f"node_modules/{name}"]
        assert pin["version"] == version, f"{name} is locked at {pin['version']}, not {version}"
        assert pin["integrity"].startswith("sha512-")
