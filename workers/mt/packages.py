"""Argos packages on disk: download with progress, verify before installing, install atomically, remove.

A `.argosmodel` is a zip of one directory holding `metadata.json`, a CTranslate2 model
(`model/model.bin`) and a tokenizer (`sentencepiece.model` or `bpe.model`). Tarjama checks all
of that, every member's CRC, and that the package translates the pair that was asked for,
before anything reaches the packages directory; the extracted directory then moves into place
with one rename, so a worker never loads half a package.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import urllib.request
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from service.settings import Settings
from workers.mt import EngineError, argos

CHUNK = 1 << 16
Progress = Callable[[int, int | None], None]


class PackageError(EngineError):
    """An archive that is not a usable Argos package, or a download that failed."""


@dataclass(frozen=True)
class ArchiveInfo:
    directory: str
    from_code: str
    to_code: str
    version: str
    size: int  # bytes once extracted


def open_url(url: str, timeout: float):
    """Open one URL (the only place Tarjama reaches the internet; tests replace it)."""
    return urllib.request.urlopen(url, timeout=timeout)  # noqa: S310 - https links from the Argos index


def fetch(url: str, timeout: float = 30) -> bytes:
    with open_url(url, timeout) as response:
        return response.read()


def download(url: str, destination: Path, progress: Progress | None = None, timeout: float = 60) -> None:
    """Stream `url` into `destination`, reporting (bytes so far, total or None) as it goes."""
    partial = destination.with_name(destination.name + ".part")
    with open_url(url, timeout) as response, open(partial, "wb") as out:
        total = int(response.headers.get("Content-Length") or 0) or None
        done = 0
        while chunk := response.read(CHUNK):
            out.write(chunk)
            done += len(chunk)
            if progress:
                progress(done, total)
    if total is not None and done != total:
        partial.unlink(missing_ok=True)
        raise PackageError(f"download of {url} stopped after {done} of {total} bytes")
    partial.replace(destination)


def verify(path: Path, source: str | None = None, target: str | None = None) -> ArchiveInfo:
    """Check an archive without extracting it; raises PackageError saying what is wrong."""
    if not zipfile.is_zipfile(path):
        raise PackageError(f"{path.name} is not a zip archive (an .argosmodel is one)")
    with zipfile.ZipFile(path) as archive:
        corrupt = archive.testzip()
        if corrupt is not None:
            raise PackageError(f"{path.name} is damaged: {corrupt} fails its checksum; download it again")
        names = [info.filename for info in archive.infolist()]
        unsafe = [n for n in names if n.startswith("/") or ".." in PurePosixPath(n).parts]
        if unsafe:
            raise PackageError(f"{path.name} has paths outside its directory ({unsafe[0]})")
        roots = {PurePosixPath(n).parts[0] for n in names if n.strip("/")}
        if len(roots) != 1:
            raise PackageError(f"{path.name} must hold exactly one directory, it holds {len(roots)} entries")
        root = roots.pop()
        metadata = _metadata(archive, root, path.name)
        missing = [
            what
            for what, candidates in (
                ("model/model.bin", ["model/model.bin"]),
                ("sentencepiece.model or bpe.model", ["sentencepiece.model", "bpe.model"]),
            )
            if not any(f"{root}/{candidate}" in names for candidate in candidates)
        ]
        if missing:
            raise PackageError(f"{path.name} has no {' and no '.join(missing)}: not a CTranslate2 Argos package")
        size = sum(info.file_size for info in archive.infolist())
    pair = (metadata["from_code"], metadata["to_code"])
    if (source or pair[0], target or pair[1]) != pair:
        raise PackageError(f"{path.name} translates {pair[0]}->{pair[1]}, not {source}->{target}")
    return ArchiveInfo(root, pair[0], pair[1], str(metadata.get("package_version", "")), size)


def _metadata(archive: zipfile.ZipFile, root: str, name: str) -> dict[str, Any]:
    try:
        metadata = json.loads(archive.read(f"{root}/metadata.json"))
    except KeyError:
        raise PackageError(f"{name} has no metadata.json") from None
    except ValueError as error:
        raise PackageError(f"{name}: metadata.json is not valid JSON ({error})") from None
    if not isinstance(metadata, dict) or not all(
        isinstance(metadata.get(key), str) and metadata[key] for key in ("from_code", "to_code")
    ):
        raise PackageError(f"{name}: metadata.json must name from_code and to_code")
    if metadata.get("type", "translate") != "translate":
        raise PackageError(f"{name} is a {metadata['type']!r} package, not a translation package")
    return metadata


def install(settings: Settings, path: Path, source: str | None = None, target: str | None = None) -> ArchiveInfo:
    """Verify, extract beside the packages directory, then swap it in (replacing the same pair)."""
    info = verify(path, source, target)
    packages_dir = settings.effective_argos_dir
    packages_dir.mkdir(parents=True, exist_ok=True)
    if shutil.disk_usage(packages_dir).free < info.size:
        raise PackageError(f"not enough disk space in {packages_dir}: the package needs {info.size} bytes")
    staging = Path(tempfile.mkdtemp(prefix=".tarjama-installing-", dir=packages_dir.parent))
    try:
        with zipfile.ZipFile(path) as archive:
            archive.extractall(staging)
        for old in _installed(settings, info.from_code, info.to_code):
            shutil.rmtree(old.package_path)
        destination = packages_dir / info.directory
        if destination.exists():
            shutil.rmtree(destination)
        os.replace(staging / info.directory, destination)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    argos.forget_loaded()
    return info


def install_from_index(
    settings: Settings, source: str, target: str, progress: Progress | None = None
) -> tuple[ArchiveInfo, str]:
    """Download the pair's package from the Argos index (needs the internet), verify, install.

    Argos's own downloader retries without end when offline, so Tarjama fetches the index and
    the package itself, with timeouts and clear messages. Returns the package and its link.
    """
    import argostranslate.settings

    argos.package_module(settings)
    index_url = argostranslate.settings.remote_package_index
    try:
        index = json.loads(fetch(index_url))
    except (OSError, ValueError) as error:
        raise PackageError(
            f"could not read the Argos package index at {index_url} ({error}); download the .argosmodel on a "
            "machine with internet and run 'tarjama models install --file PATH.argosmodel'"
        ) from None
    entry = next((e for e in index if e.get("from_code") == source and e.get("to_code") == target), None)
    if entry is None:
        pairs = ", ".join(sorted(f"{e.get('from_code')}-{e.get('to_code')}" for e in index)) or "none"
        raise PackageError(f"the Argos index has no {source}->{target} package (it has: {pairs})")
    downloads = settings.data_dir / "downloads"
    downloads.mkdir(parents=True, exist_ok=True)
    archive = downloads / f"translate-{source}_{target}.argosmodel"
    errors = []
    for link in entry.get("links", []):
        try:
            download(link, archive, progress, timeout=60)
            break
        except (OSError, PackageError) as error:
            errors.append(f"{link}: {error}")
    else:
        raise PackageError(f"could not download the {source}->{target} package: {'; '.join(errors) or 'no links'}")
    try:
        return install(settings, archive, source, target), link
    finally:
        archive.unlink(missing_ok=True)


def remove(settings: Settings, source: str, target: str) -> list[Path]:
    """Delete the installed package(s) for a pair; returns the directories removed."""
    removed = []
    for package in _installed(settings, source, target):
        shutil.rmtree(package.package_path)
        removed.append(Path(package.package_path))
    argos.forget_loaded()
    return removed


def _installed(settings: Settings, source: str, target: str) -> list[Any]:
    return [p for p in argos.installed_packages(settings) if (p.from_code, p.to_code) == (source, target)]


def directory_size(path: Path) -> int:
    return sum(f.stat().st_size for f in Path(path).rglob("*") if f.is_file())
