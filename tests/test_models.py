"""`tarjama models`: what serves each pair, verified installs, downloads with progress, removal."""

from __future__ import annotations

import io
import json
import shutil
import zipfile
from pathlib import Path

import pytest

from tests.test_cli import cli_env, invoke  # noqa: F401 - the fixture is shared with the CLI tests
from workers.mt import packages
from workers.mt.synthetic import build_package

ENGINES = "en-es=apertium,*=argos"


@pytest.fixture
def env(cli_env):  # noqa: F811
    return {**cli_env, "TARJAMA_LOCALES": "en,es,ar", "TARJAMA_MT_ENGINES": ENGINES}


def installed_dirs(env) -> list[str]:
    directory = Path(env["TARJAMA_ARGOS_PACKAGES_DIR"])
    return sorted(p.name for p in directory.iterdir()) if directory.exists() else []


def pair_line(output: str, pair: str) -> str:
    return next(line for line in output.splitlines() if line.startswith(pair + " "))


def test_list_shows_each_pair_with_its_engine_version_and_size(env, tmp_path):
    before = invoke(env, "models", "list").output
    assert "NOT INSTALLED: no Argos package: run 'tarjama models install en ar'" in pair_line(before, "en->ar")
    spanish = pair_line(before, "en->es")
    assert "apertium" in spanish and "eng-spa" in spanish and "apertium-eng-spa" in spanish and "MB" in spanish
    assert "no Argos packages installed" in before

    archive = build_package(tmp_path / "archives", "en", "ar")
    installed = invoke(env, "models", "install", "--file", str(archive))
    assert installed.exit_code == 0, installed.output
    assert "verified translate-en_ar-synthetic.argosmodel: en->ar, version 0.0-synthetic" in installed.output

    after = invoke(env, "models", "list").output
    arabic = pair_line(after, "en->ar")
    assert "argos" in arabic and "translate-en_ar-synthetic" in arabic and "0.0-synthetic" in arabic
    assert "NOT INSTALLED" not in arabic and ("KB" in arabic or "MB" in arabic)
    assert "en -> ar  version 0.0-synthetic" in after


def rewrite_zip(source: Path, target: Path, change) -> Path:
    """Copy an archive member by member; `change(name, data)` returns new data, or None to drop it."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_STORED) as new:
        for info in old.infolist():
            data = change(info.filename, old.read(info))
            if data is not None:
                new.writestr(info, data)
    return target


def corrupt_member(source: Path, target: Path, member: str) -> Path:
    """Flip bytes inside one stored member, after the zip was written: its CRC no longer matches."""
    shutil.copy(source, target)
    with zipfile.ZipFile(target) as archive:
        info = archive.getinfo(member)
    with open(target, "r+b") as raw:
        raw.seek(info.header_offset + 30 + len(info.filename.encode()) + len(info.extra) + info.file_size // 2)
        raw.write(b"\x00\xff\x00\xff")
    return target


def test_damaged_or_wrong_archives_are_refused_before_anything_is_installed(env, tmp_path):
    good = build_package(tmp_path / "archives", "en", "ar")
    root = "translate-en_ar-synthetic"
    not_zip = tmp_path / "notzip.argosmodel"
    not_zip.write_text("not a zip")
    metadata = json.dumps({"from_code": "en", "to_code": "de", "package_version": "1"}).encode()
    cases = {
        "not a zip archive": not_zip,
        "is damaged: translate-en_ar-synthetic/model/model.bin fails its checksum": corrupt_member(
            good, tmp_path / "damaged.argosmodel", f"{root}/model/model.bin"
        ),
        "has no model/model.bin": rewrite_zip(
            good, tmp_path / "nomodel.argosmodel", lambda name, data: None if name.endswith("model.bin") else data
        ),
        "has no metadata.json": rewrite_zip(
            good, tmp_path / "nometa.argosmodel", lambda name, data: None if name.endswith("metadata.json") else data
        ),
        "translates en->de, not en->ar": rewrite_zip(
            good,
            tmp_path / "wrongpair.argosmodel",
            lambda name, data: metadata if name.endswith("metadata.json") else data,
        ),
    }
    for message, archive in cases.items():
        result = invoke(env, "models", "install", "en", "ar", "--file", str(archive))
        assert result.exit_code == 1 and "nothing installed" in result.output and message in result.output, (
            message,
            result.output,
        )
        assert installed_dirs(env) == []
    assert "NOT INSTALLED" in pair_line(invoke(env, "models", "list").output, "en->ar")


class FakeResponse(io.BytesIO):
    """What urlopen returns, for the one remote edge faked here (no internet on these machines)."""

    def __init__(self, data: bytes, length: int | None = None) -> None:
        super().__init__(data)
        self.headers = {"Content-Length": str(len(data) if length is None else length)}


def fake_remote(monkeypatch, files: dict[str, bytes], lengths: dict[str, int] | None = None) -> list[str]:
    opened = []

    def open_url(url: str, timeout: float):
        opened.append(url)
        name = url.rsplit("/", 1)[1]
        return FakeResponse(files[name], (lengths or {}).get(name))

    monkeypatch.setattr(packages, "open_url", open_url)
    return opened


def index_entry(source: str, target: str) -> dict:
    return {
        "from_code": source,
        "to_code": target,
        "package_version": "1.9",
        "links": [f"https://example.invalid/{source}_{target}.argosmodel"],
    }


def test_install_from_the_index_shows_progress_and_verifies_the_download(env, tmp_path, monkeypatch):
    archive = build_package(tmp_path / "remote", "en", "ar").read_bytes()
    index = json.dumps([index_entry("en", "ar"), index_entry("en", "de")]).encode()
    wrong = build_package(tmp_path / "remote-wrong", "en", "fr").read_bytes()
    opened = fake_remote(monkeypatch, {"index.json": index, "en_ar.argosmodel": archive, "en_de.argosmodel": wrong})

    result = invoke(env, "models", "install", "en", "ar")
    assert result.exit_code == 0, result.output
    assert "downloading en->ar" in result.stderr
    assert "verified" in result.stdout and "installed Argos en->ar 0.0-synthetic" in result.stdout
    assert opened[-1] == "https://example.invalid/en_ar.argosmodel"
    assert "NOT INSTALLED" not in pair_line(invoke(env, "models", "list").output, "en->ar")
    assert not list((Path(env["TARJAMA_DATA_DIR"]) / "downloads").iterdir())  # the download is not kept

    mislabelled = invoke(env, "models", "install", "en", "de")
    assert mislabelled.exit_code == 1 and "translates en->fr, not en->de" in mislabelled.output
    assert "has no en->xx package (it has: en-ar, en-de)" in invoke(env, "models", "install", "en", "xx").output


def test_a_cut_download_is_not_installed(env, tmp_path, monkeypatch):
    archive = build_package(tmp_path / "remote", "en", "ar").read_bytes()
    index = json.dumps([index_entry("en", "ar")]).encode()
    half = archive[: len(archive) // 2]
    fake_remote(monkeypatch, {"index.json": index, "en_ar.argosmodel": half}, {"en_ar.argosmodel": len(archive)})
    result = invoke(env, "models", "install", "en", "ar")
    assert result.exit_code == 1 and f"stopped after {len(half)} of {len(archive)} bytes" in result.output
    assert installed_dirs(env) == []


def test_models_install_offline_says_how_to_install_a_file(env):
    result = invoke(env, "models", "install", "en", "fr")
    assert result.exit_code == 1 and "tarjama models install --file" in result.output


def test_remove_deletes_the_package_and_check_then_reports_the_pair(env, tmp_path):
    invoke(env, "init")
    invoke(env, "models", "install", "--file", str(build_package(tmp_path / "archives", "en", "ar")))
    assert installed_dirs(env) == ["translate-en_ar-synthetic"]
    assert "ok    en->ar" in invoke(env, "check").output

    removed = invoke(env, "models", "remove", "en", "ar")
    assert removed.exit_code == 0 and "removed" in removed.output
    assert "en->ar is configured but nothing serves it now" in removed.stderr
    assert installed_dirs(env) == []
    checked = invoke(env, "check")
    assert checked.exit_code == 1
    assert "FAIL  en->ar          argos: no Argos package: run 'tarjama models install en ar'" in checked.output
    assert "no Argos package for en->ar is installed" in invoke(env, "models", "remove", "en", "ar").output
