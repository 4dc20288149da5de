import pytest

from feedbackml.config import Config, load_config
from feedbackml.errors import UsageError


def test_defaults_are_auto_themes_and_seed_zero():
    cfg = Config()
    assert cfg.n_themes == "auto" and cfg.random_state == 0 and cfg.metric is None  # inferred


def test_file_then_environment_then_arguments_take_precedence(tmp_path):
    path = tmp_path / "feedbackml.toml"
    path.write_text('n_themes = 5\nrandom_state = 3\nmin_theme_n = 10\n')
    env = {"FEEDBACKML_RANDOM_STATE": "7", "FEEDBACKML_MIN_THEME_N": "20"}
    cfg = load_config(path, env=env, min_theme_n=40)
    assert (cfg.n_themes, cfg.random_state, cfg.min_theme_n) == (5, 7, 40)


def test_unknown_option_in_file_is_a_usage_error(tmp_path):
    path = tmp_path / "f.toml"
    path.write_text("colour = 'red'\n")
    with pytest.raises(UsageError, match="colour"):
        load_config(path, env={})


def test_bad_number_of_themes_is_a_usage_error():
    with pytest.raises(UsageError, match="n_themes"):
        load_config(None, env={}, n_themes="many")


def test_missing_config_file_is_a_usage_error(tmp_path):
    with pytest.raises(UsageError, match="does not exist"):
        load_config(tmp_path / "nope.toml", env={})


def test_min_difference_and_min_segment_n_come_from_file_or_environment_and_are_checked(tmp_path):
    path = tmp_path / "feedbackml.toml"
    path.write_text("min_difference = 2.5\nmin_segment_n = 50\n")
    cfg = load_config(path, env={"FEEDBACKML_MIN_DIFFERENCE": "3"})
    assert cfg.min_difference == 3.0 and cfg.min_segment_n == 50
    for bad in ({"min_difference": -1.0}, {"min_segment_n": 0}):
        with pytest.raises(UsageError):
            Config().replace(**bad)
