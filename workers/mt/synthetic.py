"""Build synthetic Argos Translate packages: real format, real CTranslate2 compute, random weights.

No real Argos model can be downloaded in tests, CI or the offline demo, yet the argos engine
must run for real there. A package built here has a sentencepiece model trained on a few
sentences and a Transformer whose weights are random numbers: its output is nonsense, but it
loads, tokenises, batches and decodes exactly like a real package, and its speed equals a
real model of the same size (speed does not depend on what the weights learned).
"""

from __future__ import annotations

import json
import shutil
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

SAMPLE_TEXT = """\
The minister said on Tuesday that three new schools will open in the city next year.
Officials expect more than 1,200 pupils to enrol in the first term.
Read the full report on our website, or follow the debate in parliament.
Heavy rain flooded several streets in the old town on Monday night.
The football club announced a new coach after a difficult season.
Scientists have found a new species of frog in the northern mountains.
Prices of bread and rice rose by 4 percent in October, the statistics office said.
Voters will choose a new mayor in the election on 12 March.
The museum reopens its doors after two years of renovation work.
Farmers say the drought has cut the wheat harvest by almost half.
"""


@dataclass(frozen=True)
class ModelSize:
    """Transformer dimensions; `tiny` for tests, `base` matches real Argos packages."""

    layers: int
    d_model: int
    heads: int
    ffn: int
    vocab: int


TINY = ModelSize(layers=2, d_model=64, heads=4, ffn=128, vocab=200)
BASE = ModelSize(layers=6, d_model=512, heads=8, ffn=2048, vocab=32000)


def build_package(
    output: Path,
    source: str,
    target: str,
    size: ModelSize = TINY,
    corpus: str = SAMPLE_TEXT,
    seed: int = 0,
) -> Path:
    """Write `<source>_<target>.argosmodel` into `output` and return its path."""
    output.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / f"translate-{source}_{target}-synthetic"
        root.mkdir()
        vocabulary = _train_sentencepiece(root, corpus, size.vocab)
        _write_model(root / "model", vocabulary, size, seed)
        _write_metadata(root, source, target)
        archive = output / f"translate-{source}_{target}-synthetic.argosmodel"
        _zip_dir(root, archive)
    return archive


def _train_sentencepiece(root: Path, corpus: str, vocab_size: int) -> list[str]:
    import sentencepiece as spm

    lines = [line for line in corpus.splitlines() if line.strip()]
    if vocab_size > 2000:
        lines = _enlarge_corpus(lines, vocab_size)
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(lines),
        model_prefix=str(root / "sentencepiece"),
        vocab_size=vocab_size,
        model_type="bpe" if vocab_size > 2000 else "unigram",
        hard_vocab_limit=False,
        character_coverage=1.0,
        minloglevel=2,
    )
    processor = spm.SentencePieceProcessor(model_file=str(root / "sentencepiece.model"))
    (root / "sentencepiece.vocab").unlink(missing_ok=True)
    return [processor.id_to_piece(i) for i in range(processor.get_piece_size())]


def _enlarge_corpus(lines: list[str], vocab_size: int) -> list[str]:
    """Add random pseudo-words so that BPE can reach a real-sized vocabulary."""
    rng = np.random.default_rng(1)
    letters = list("abcdefghijklmnopqrstuvwxyz")
    words = ["".join(rng.choice(letters, rng.integers(3, 10))) for _ in range(vocab_size * 2)]
    extra = [" ".join(rng.choice(words, 12)) for _ in range(vocab_size // 2)]
    return lines + extra


def _write_model(model_dir: Path, vocabulary: list[str], size: ModelSize, seed: int) -> None:
    from ctranslate2.specs import TransformerSpec

    spec = TransformerSpec.from_config(size.layers, size.heads)
    rng = np.random.default_rng(seed)
    d, v, f = size.d_model, len(vocabulary), size.ffn

    def weight(rows: int, cols: int) -> np.ndarray:
        return (rng.standard_normal((rows, cols)) / np.sqrt(cols)).astype(np.float32)

    def linear(spec_linear, rows: int, cols: int) -> None:
        spec_linear.weight = weight(rows, cols)
        spec_linear.bias = np.zeros(rows, dtype=np.float32)

    def norm(spec_norm) -> None:
        spec_norm.gamma = np.ones(d, dtype=np.float32)
        spec_norm.beta = np.zeros(d, dtype=np.float32)

    spec.encoder.embeddings[0].weight = weight(v, d)
    spec.encoder.position_encodings.encodings = _sinusoids(1024, d)
    norm(spec.encoder.layer_norm)
    for layer in spec.encoder.layer:
        norm(layer.self_attention.layer_norm)
        linear(layer.self_attention.linear[0], 3 * d, d)
        linear(layer.self_attention.linear[1], d, d)
        _feed_forward(layer.ffn, linear, norm, d, f)

    spec.decoder.embeddings.weight = weight(v, d)
    spec.decoder.position_encodings.encodings = _sinusoids(1024, d)
    norm(spec.decoder.layer_norm)
    linear(spec.decoder.projection, v, d)
    spec.decoder.projection.bias[[vocabulary.index("<unk>"), vocabulary.index("<s>")]] = -1e4  # never emitted
    for layer in spec.decoder.layer:
        norm(layer.self_attention.layer_norm)
        linear(layer.self_attention.linear[0], 3 * d, d)
        linear(layer.self_attention.linear[1], d, d)
        norm(layer.attention.layer_norm)
        linear(layer.attention.linear[0], d, d)
        linear(layer.attention.linear[1], 2 * d, d)
        linear(layer.attention.linear[2], d, d)
        _feed_forward(layer.ffn, linear, norm, d, f)

    spec.register_source_vocabulary(vocabulary)
    spec.register_target_vocabulary(vocabulary)
    spec.validate()
    spec.optimize(quantization="int8")
    model_dir.mkdir()
    spec.save(str(model_dir))


def _feed_forward(ffn, linear, norm, d: int, f: int) -> None:
    norm(ffn.layer_norm)
    linear(ffn.linear_0, f, d)
    linear(ffn.linear_1, d, f)


def _sinusoids(length: int, depth: int) -> np.ndarray:
    positions = np.arange(length)[:, None]
    rates = np.exp(-np.log(10000.0) * np.arange(depth // 2) / (depth // 2))
    angles = positions * rates[None, :]
    return np.concatenate([np.sin(angles), np.cos(angles)], axis=1).astype(np.float32)


def _write_metadata(root: Path, source: str, target: str) -> None:
    metadata = {
        "package_version": "0.0-synthetic",
        "argos_version": "1.9",
        "from_code": source,
        "from_name": source,
        "to_code": target,
        "to_name": target,
        "links": [],
    }
    (root / "metadata.json").write_text(json.dumps(metadata, indent=2))
    (root / "README.md").write_text(
        "Synthetic package with random weights, built by Tarjama for tests and demos.\n"
        "Its translations are nonsense by design.\n"
    )


def _zip_dir(root: Path, archive: Path) -> None:
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_STORED) as zipf:
        for path in sorted(root.rglob("*")):
            zipf.write(path, path.relative_to(root.parent))


def remove_installed(packages_dir: Path) -> None:
    """Delete every installed package directory (test clean-up helper)."""
    shutil.rmtree(packages_dir, ignore_errors=True)


def ensure_installed(settings, archives: Path, source: str, target: str, size: ModelSize = TINY) -> None:
    """Build and install a package for the pair unless one is installed (benchmarks keep theirs)."""
    from workers.mt import argos

    if not any(p.from_code == source and p.to_code == target for p in argos.installed_packages(settings)):
        argos.install_file(settings, build_package(archives, source, target, size=size))
