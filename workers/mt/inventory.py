"""Which engine serves each configured language pair, with what, and whether it is installed.

Used by `tarjama models list` and `tarjama check`, so that a pair with nothing installed is
found before a post fails on it. The configured pairs are the source locale to every other
locale, plus any pair named in TARJAMA_MT_ENGINES whose two locales are configured.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from service.settings import Settings
from workers.mt import EngineError, apertium, argos
from workers.mt.packages import directory_size

APERTIUM_MODE_DIRS = (Path("/usr/share/apertium/modes"), Path("/usr/local/share/apertium/modes"))


@dataclass(frozen=True)
class PairStatus:
    source: str
    target: str
    engine: str
    installed: bool
    serves: str  # the package(s) or mode(s), or what to install
    version: str = ""
    size: int | None = None  # bytes on disk

    @property
    def pair(self) -> str:
        return f"{self.source}->{self.target}"


def configured_pairs(settings: Settings) -> list[tuple[str, str]]:
    pairs = [(settings.source_locale, target) for target in settings.target_locales]
    for pattern, _engine in settings.mt_engines:
        source, _, target = pattern.partition("-")
        named = (source, target)
        if source in settings.locales and target in settings.locales and source != target and named not in pairs:
            pairs.append(named)
    return pairs


def inventory(settings: Settings) -> list[PairStatus]:
    packages = argos.installed_packages(settings)
    return [status(settings, source, target, packages) for source, target in configured_pairs(settings)]


def status(settings: Settings, source: str, target: str, packages: list | None = None) -> PairStatus:
    if settings.engine_for(source, target) == "apertium":
        return _apertium(source, target)
    return _argos(settings, source, target, argos.installed_packages(settings) if packages is None else packages)


def _argos(settings: Settings, source: str, target: str, packages: list) -> PairStatus:
    by_pair = {(p.from_code, p.to_code): p for p in packages if p.type == "translate"}
    try:
        hops = argos.route(settings, source, target)
    except EngineError:
        return PairStatus(
            source, target, "argos", False, f"no Argos package: run 'tarjama models install {source} {target}'"
        )
    used = [by_pair[hop] for hop in hops]
    serves = " + ".join(Path(p.package_path).name for p in used) + (" (through en)" if len(used) > 1 else "")
    version = " + ".join(p.package_version or "?" for p in used)
    return PairStatus(source, target, "argos", True, serves, version, sum(directory_size(p.package_path) for p in used))


def _apertium(source: str, target: str) -> PairStatus:
    modes = apertium.MODES.get((source, target))
    if not modes:
        pairs = ", ".join(f"{s}-{t}" for s, t in apertium.MODES)
        return PairStatus(source, target, "apertium", False, f"Apertium has no {source}-{target} pair (it has {pairs})")
    available = installed_modes()
    missing = [mode for mode in modes if mode not in available]
    if missing:
        return PairStatus(
            source, target, "apertium", False, f"Apertium mode {', '.join(missing)} missing: {apertium.INSTALL_HINT}"
        )
    files = [path for mode in modes for path in _mode_files(mode)]
    versions = sorted({v for v in (_debian_version(path) for path in files[:1] + files[-1:]) if v})
    size = sum(path.stat().st_size for path in set(files) if path.is_file()) or None
    return PairStatus(source, target, "apertium", True, " + ".join(modes), " + ".join(versions), size)


@cache
def installed_modes() -> frozenset[str]:
    """Modes `apertium -l` lists (empty when Apertium is not installed)."""
    if shutil.which("apertium") is None:
        return frozenset()
    result = subprocess.run(["apertium", "-l"], capture_output=True, text=True, timeout=30, check=False)
    return frozenset(line.strip() for line in result.stdout.splitlines() if line.strip())


def _mode_files(mode: str) -> list[Path]:
    """The data files a mode runs on, read from its .mode pipeline (for their size and package)."""
    for directory in APERTIUM_MODE_DIRS:
        mode_file = directory / f"{mode}.mode"
        if mode_file.is_file():
            paths = re.findall(r"'(/[^']+)'", mode_file.read_text())
            return [Path(p) for p in dict.fromkeys(paths) if Path(p).is_file()]
    return []


def _debian_version(path: Path) -> str:
    """The version of the Debian package that installed `path` ("" where dpkg cannot tell)."""
    if shutil.which("dpkg-query") is None:
        return ""
    owner = subprocess.run(["dpkg-query", "-S", str(path)], capture_output=True, text=True, check=False)
    package = owner.stdout.split(":", 1)[0].strip() if owner.returncode == 0 else ""
    if not package:
        return ""
    version = subprocess.run(
        ["dpkg-query", "-W", "-f=${Version}", package], capture_output=True, text=True, check=False
    ).stdout
    return f"{package} {version}".strip()


def human_size(size: int | None) -> str:
    if size is None:
        return "-"
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return "-"
