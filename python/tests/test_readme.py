"""The Python examples of the READMEs run as written."""

import re

import pytest

from conftest import REPO

BLOCK = re.compile(r"```python\n(.*?)```", re.S)


def blocks(path):
    return BLOCK.findall(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("readme", ["README.md", "python/README.md"])
def test_python_examples_run(readme, tmp_path, monkeypatch):
    found = [b for b in blocks(REPO / readme) if "spark" not in b]
    assert found
    monkeypatch.chdir(tmp_path)
    (tmp_path / "my_rules").mkdir()
    (tmp_path / "my_rules" / "shop.toml").write_text(
        'category = "off_platform_contact"\n\n[[rules]]\nid = "mine/line"\n'
        'explanation = "asks to move to LINE"\npatterns = ["加 ~0..2 line"]\n'
        'examples = ["加我line聊"]\n',
        encoding="utf-8",
    )
    namespace = {}
    for block in found:
        exec(compile(block, readme, "exec"), namespace)
