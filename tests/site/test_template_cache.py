"""The compiled-template cache (site/render.py template_cache): a shortcut that never decides
what a page says and never fails a build."""
import pytest

from kutse_rdf.site.render import make_environment

NAME = "competence.html"


@pytest.fixture
def cache_home(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    return tmp_path / "kutse-rdf" / "templates"


def compiled_code(env):
    return env.get_template(NAME).root_render_func.__code__


def test_a_second_environment_reads_what_the_first_compiled(cache_home):
    first = compiled_code(make_environment())
    assert len(list(cache_home.iterdir())) >= 1
    # the same code object's bytes: loaded from the cache, not compiled anew
    assert compiled_code(make_environment()).co_code == first.co_code


def test_an_overriding_template_is_compiled_not_taken_from_the_cache(cache_home, tmp_path):
    make_environment().get_template(NAME)
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / NAME).write_text("own page {{ 1 + 1 }}", encoding="utf-8")
    assert make_environment(folder).get_template(NAME).render() == "own page 2"


def test_a_damaged_entry_is_compiled_again_and_rewritten(cache_home):
    first = compiled_code(make_environment())
    damage = b"\x00not a cache entry"
    for entry in cache_home.iterdir():
        entry.write_bytes(damage)
    assert compiled_code(make_environment()).co_code == first.co_code
    assert all(entry.read_bytes() != damage for entry in cache_home.iterdir())


def test_a_cache_that_cannot_be_written_only_costs_compiling(cache_home, monkeypatch):
    import errno

    import jinja2.bccache

    def full_disk(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(jinja2.bccache.tempfile, "NamedTemporaryFile", full_disk)
    assert compiled_code(make_environment()) is not None
    assert not cache_home.exists() or list(cache_home.iterdir()) == []


def test_no_cache_where_the_folder_cannot_be_made(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))  # a file: no folder below it
    env = make_environment()
    assert env.bytecode_cache is None
    assert env.get_template(NAME) is not None
