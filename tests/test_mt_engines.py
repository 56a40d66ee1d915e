"""The MT engines on real software: Apertium from Debian, Argos packages built by the tests."""

import pytest

from service.settings import SettingsError, load_settings
from workers import mt
from workers.mt import EngineError, argos


def test_apertium_gives_real_spanish_and_keeps_placeholders(settings):
    out = mt.translate_batch(
        settings, ["The cat is black.", "Read <g1>the report</g1> today.", "Hello world."], "en", "es"
    )
    assert out[0] == "El gato es negro."
    assert "<g1>" in out[1] and "</g1>" in out[1] and "informe" in out[1]
    assert out[2] == "Hola Mundo."


def test_apertium_reaches_french_through_spanish(settings):
    assert mt.translate_batch(settings, ["The cat is black."], "en", "fr") == ["Le chat est noir."]


def test_apertium_names_unsupported_pairs(settings):
    with pytest.raises(EngineError, match="Apertium has no en-ar pair"):
        mt.translate_batch(settings.with_(mt_engines=(("*", "apertium"),)), ["Hi."], "en", "ar")


def test_argos_translates_a_batch_with_one_output_per_segment(settings):
    texts = ["The minister said on Tuesday that schools will open.", "Heavy rain.", "", "Read <g1>the plan</g1>."]
    out = mt.translate_batch(settings, texts, "en", "de")
    assert len(out) == 4
    assert out[2] == ""
    assert all(isinstance(text, str) and text for i, text in enumerate(out) if i != 2)
    assert "<g1>" not in out[3]  # argos gets plain text; placeholders are re-inserted by the caller


def test_argos_is_deterministic_and_loads_each_model_once(settings):
    argos.forget_loaded()
    first = mt.translate_batch(settings, ["Heavy rain flooded the town."], "en", "de")
    loaded = dict(argos._loaded)
    second = mt.translate_batch(settings, ["Heavy rain flooded the town."], "en", "de")
    assert first == second
    assert argos._loaded == loaded and [key[:3] for key in loaded] == [("en", "de", "cpu")]


def test_argos_pivots_through_english_when_no_direct_package(settings):
    assert argos.route(settings, "fa", "de") == [("fa", "en"), ("en", "de")]
    out = mt.translate_batch(settings, ["سلام دنیا"], "fa", "de")
    assert len(out) == 1 and out[0]


def test_argos_missing_package_names_the_fix(settings):
    with pytest.raises(EngineError, match="tarjama models install en ar"):
        mt.translate_batch(settings, ["Hi."], "en", "ar")


def test_argos_gives_each_segment_its_own_translation_whatever_the_order_in_the_batch(settings):
    texts = ["Heavy rain.", "The minister said on Tuesday that three new schools will open next year.", "Hi."]
    forward = mt.translate_batch(settings, texts, "en", "de")
    backward = mt.translate_batch(settings, texts[::-1], "en", "de")
    assert forward == backward[::-1]


class CountingTranslator:
    """A CTranslate2 translator that records the size of each batch it is given, then runs it."""

    def __init__(self, translator) -> None:
        self.translator = translator
        self.batches: list[int] = []

    def translate_batch(self, batch, **options):
        self.batches.append(len(batch))
        return self.translator.translate_batch(batch, **options)


def test_a_model_runs_batches_side_by_side_on_the_cpu_and_one_post_keeps_them_all_busy(settings, monkeypatch):
    four = settings.with_(mt_threads=4)
    assert argos.layout(four) == (4, 1)  # by default: one thread per batch, up to 4 batches at once
    assert argos.layout(settings.with_(mt_threads=8)) == (4, 2)
    assert argos.layout(settings.with_(mt_threads=4, mt_parallel_batches=1)) == (1, 4)
    texts = [f"Heavy rain flooded {count} streets in the old town on Monday night." for count in range(1, 9)]
    one_by_one = mt.translate_batch(settings.with_(mt_parallel_batches=1, mt_batch_size=2), texts, "en", "de")
    model = argos._model(four, "en", "de")
    assert model.translator.num_translators == 4
    counting = CountingTranslator(model.translator)
    monkeypatch.setattr(model, "translator", counting)
    together = mt.translate_batch(four, texts, "en", "de")
    assert counting.batches == [2, 2, 2, 2]  # 8 segments of one post: a batch for each of the 4 at once
    assert together == one_by_one  # the same batches run one after another: each result in its place


def test_cuda_is_passed_to_ctranslate2_or_refused_with_a_sentence_saying_what_to_do(settings):
    import ctranslate2

    cuda = settings.with_(mt_device="cuda")
    if ctranslate2.get_cuda_device_count() == 0:
        with pytest.raises(EngineError, match="TARJAMA_MT_DEVICE is 'cuda', but CTranslate2 finds no CUDA GPU"):
            mt.translate_batch(cuda, ["Heavy rain."], "en", "de")
    else:
        assert len(mt.translate_batch(cuda, ["Heavy rain."], "en", "de")) == 1
        assert argos._loaded[("en", "de", "cuda", *argos.layout(cuda))].translator.device == "cuda"
    with pytest.raises(SettingsError, match="TARJAMA_MT_DEVICE must be one of auto, cpu, cuda, got 'gpu'"):
        load_settings({"TARJAMA_MT_DEVICE": "gpu"})
