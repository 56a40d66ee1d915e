from pathlib import Path

import pytest

from service.settings import SettingsError, load_settings


def test_defaults_give_sqlite_under_var_and_six_locales():
    settings = load_settings({})
    assert settings.locales == ("en", "fa", "ar", "fr", "de", "es")
    assert settings.source_locale == "en"
    assert settings.target_locales == ("fa", "ar", "fr", "de", "es")
    assert settings.effective_database_url == f"sqlite:///{(Path('var') / 'tarjama.db').resolve()}"


def test_environment_overrides_every_documented_variable(tmp_path):
    settings = load_settings(
        {
            "TARJAMA_DATA_DIR": str(tmp_path),
            "TARJAMA_DATABASE_URL": "postgresql+psycopg://u@h/db",
            "TARJAMA_REDIS_URL": "redis://r:6379/3",
            "TARJAMA_LOCALES": "es, en ,fa",
            "TARJAMA_SOURCE_LOCALE": "es",
            "TARJAMA_MT_ENGINES": "es-en=apertium,*=argos",
            "TARJAMA_SECRET_KEY": "s3cret",
            "TARJAMA_MT_THREADS": "8",
            "TARJAMA_MT_PARALLEL_BATCHES": "2",
        }
    )
    assert settings.effective_database_url == "postgresql+psycopg://u@h/db"
    assert settings.effective_redis_url == "redis://r:6379/3"
    assert settings.locales == ("es", "en", "fa")
    assert settings.target_locales == ("en", "fa")
    assert settings.engine_for("es", "en") == "apertium"
    assert settings.engine_for("es", "fa") == "argos"
    assert settings.secret_key == "s3cret"
    assert (settings.mt_threads, settings.mt_parallel_batches) == (8, 2)


def test_engine_rules_match_in_order_with_wildcards():
    settings = load_settings({"TARJAMA_MT_ENGINES": "en-es=apertium,*-fr=apertium,*=argos"})
    assert settings.engine_for("en", "es") == "apertium"
    assert settings.engine_for("de", "fr") == "apertium"
    assert settings.engine_for("en", "de") == "argos"


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"TARJAMA_MT_ENGINES": "en-es=google"}, "TARJAMA_MT_ENGINES"),
        ({"TARJAMA_SOURCE_LOCALE": "it"}, "TARJAMA_SOURCE_LOCALE"),
        ({"TARJAMA_STUCK_AFTER": "soon"}, "TARJAMA_STUCK_AFTER"),
        ({"TARJAMA_MT_PARALLEL_BATCHES": "-2"}, "TARJAMA_MT_PARALLEL_BATCHES must be 0 or more, got -2"),
        ({"TARJAMA_MT_THREADS": "-1"}, "TARJAMA_MT_THREADS must be 0 or more, got -1"),
    ],
)
def test_bad_values_are_named_in_the_error(env, message):
    with pytest.raises(SettingsError, match=message):
        load_settings(env)


def test_operations_settings_have_defaults_and_name_the_variable_when_wrong(tmp_path):
    defaults = load_settings({"TARJAMA_DATA_DIR": str(tmp_path)})
    assert defaults.log_format == "text" and defaults.metrics_token == ""
    assert defaults.effective_metrics_dir == (tmp_path / "metrics").resolve()
    chosen = load_settings({"TARJAMA_LOG_FORMAT": "JSON", "TARJAMA_METRICS_DIR": str(tmp_path / "m")})
    assert chosen.log_format == "json" and chosen.effective_metrics_dir == (tmp_path / "m").resolve()
    with pytest.raises(SettingsError, match="TARJAMA_LOG_FORMAT must be one of json, text, got 'xml'"):
        load_settings({"TARJAMA_LOG_FORMAT": "xml"})
    with pytest.raises(SettingsError, match="TARJAMA_WORKER_STALE_AFTER must be a whole number"):
        load_settings({"TARJAMA_WORKER_STALE_AFTER": "soon"})
