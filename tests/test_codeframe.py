import pytest

from feedbackml.errors import UsageError
from feedbackml.themes.codeframe import (
    Codeframe,
    CodeframeTheme,
    codeframe_to_toml,
    parse_codeframe,
    read_codeframe,
    write_codeframe,
)

EXAMPLE = '''
n_themes = 7
exclude = ["thanks", "please"]

[[themes]]
id = 0
name = "Delivery"
seeds = ["late delivery", "courier", "parcel"]

[[themes]]
id = 3
name = "Billing \\"and\\" refunds"
seeds = ["charge", "refund"]
merge = [5]

[[themes]]
id = 5
seeds = ["invoice"]

[[themes]]
seeds = ["app", "crash"]
'''


def test_a_codeframe_file_is_read_with_names_seeds_merges_and_exclusions(tmp_path):
    path = tmp_path / "themes.toml"
    path.write_text(EXAMPLE, encoding="utf-8")
    cf = read_codeframe(path)
    assert cf.n_themes == 7 and cf.exclude == ("thanks", "please")
    assert [t.id for t in cf.themes] == [0, 3, 5, 6]  # an entry without id gets the next free one
    assert cf.themes[1].name == 'Billing "and" refunds' and cf.themes[1].merge == (5,)
    assert cf.merged_into == {5: 3}
    assert cf.themes[0].seeds == ("late delivery", "courier", "parcel")


def test_writing_then_reading_gives_the_same_codeframe(tmp_path):
    cf = Codeframe(themes=(CodeframeTheme(0, ("délai", 'say "hi"'), "Delivery\\late",
                                          note="label: x\nkeywords: y"),
                           CodeframeTheme(4, ("app",), merge=(9,)), CodeframeTheme(9, ("crash",))),
                   exclude=("thanks",), n_themes="auto")
    path = write_codeframe(tmp_path / "themes.toml", cf)
    back = read_codeframe(path)
    assert back.themes == tuple(t.__class__(t.id, t.seeds, t.name, t.merge) for t in cf.themes)
    assert (back.exclude, back.n_themes) == (cf.exclude, cf.n_themes)
    assert "# label: x" in codeframe_to_toml(cf)


@pytest.mark.parametrize("text, message", [
    ('[[themes]]\nid = 0\nname = "x"', "seeds must be a non-empty list"),
    ('[[themes]]\nid = 0\nseeds = ["a"]\n[[themes]]\nid = 0\nseeds = ["b"]', "unique"),
    ('[[themes]]\nid = 0\nseeds = ["a"]\nmerge = [4]', "merge refers to 4"),
    ('[[themes]]\nid = 0\nseeds = ["a"]\ncolour = "red"', "unknown key"),
    ('n_themes = 0', "n_themes"),
    ('[[themes]]\nid = 0\nseeds = ["a"]\nmerge = [1]\n[[themes]]\nid = 1\nseeds = ["b"]\nmerge = [2]\n'
     '[[themes]]\nid = 2\nseeds = ["c"]', "merge both into the same theme"),
    ('themes = [', "not a valid TOML file"),
])
def test_a_bad_codeframe_is_a_usage_error_naming_the_file(tmp_path, text, message):
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(UsageError, match=message) as err:
        read_codeframe(path)
    assert "bad.toml" in str(err.value) and err.value.exit_code == 2


def test_a_missing_codeframe_file_is_a_usage_error(tmp_path):
    with pytest.raises(UsageError, match="does not exist"):
        read_codeframe(tmp_path / "nope.toml")


def test_parse_codeframe_accepts_an_empty_table():
    assert parse_codeframe({}) == Codeframe()
