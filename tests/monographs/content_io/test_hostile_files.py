"""manage.py load_content on hostile files: NUL and other control characters, numbers too long for Python to read,
arrays nested past the parser's recursion limit. Each is a content error with the file and the line, like any other,
never a traceback; and nothing is written."""

import pytest
from django.core.management import CommandError, call_command

from tests.monographs.content_io.helpers import (
    MONO,
    RELATIVE_MONO,
    counts,
    find_line,
    minimal_tree,
    to_toml,
    write_tree,
)

pytestmark = pytest.mark.django_db


def _tree_with(tmp_path, old: str, new: str):
    files = minimal_tree()
    text = to_toml(files[MONO])
    assert old in text
    files[MONO] = text.replace(old, new, 1)
    return write_tree(tmp_path, files)


@pytest.mark.parametrize(
    ("new", "needle", "message"),
    [
        pytest.param('title = "Opi\x00oids"', 'title = "Opi', "control character '\\x00'", id="raw-nul"),
        pytest.param('title = "Opi\\u0000oids"', 'title = "Opi', "control character '\\x00'", id="nul-escape"),
        pytest.param('title = "Opi\\u0085oids"', 'title = "Opi', "control character '\\x85'", id="c1-next-line"),
        pytest.param('title = "Opi\\u000boids"', 'title = "Opi', "control character '\\x0b'", id="vertical-tab"),
        pytest.param(
            'title = "Opioids"\nextra = ' + "1" * 5000, "extra = 1111", "number far too long", id="5000-digits"
        ),
        pytest.param('title = "Opioids"\nx = ' + "[" * 2000 + "]" * 2000, "x = [[[", "nested far too deep", id="deep"),
    ],
)
def test_a_hostile_file_is_a_content_error_with_its_line_and_nothing_is_loaded(tmp_path, new, needle, message):
    root = _tree_with(tmp_path, 'title = "Opioids"', new)
    with pytest.raises(CommandError) as refused:
        call_command("load_content", str(root))
    text = str(refused.value)
    assert text.startswith("Content rejected; nothing was loaded")
    assert message in text
    assert f"{RELATIVE_MONO}:{find_line(root / MONO, needle)}: " in text
    assert set(counts().values()) == {0}
