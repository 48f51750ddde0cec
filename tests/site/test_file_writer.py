"""render.FileWriter: the site's files written in a thread of their own."""
from __future__ import annotations

import pytest

from kutse_rdf.site.render import FileWriter


def test_files_are_written_in_order_with_their_folders_by_flush(tmp_path):
    files = FileWriter()
    try:
        files.write(tmp_path / "a" / "b" / "index.html", b"first")
        files.write(tmp_path / "a" / "b" / "index.html", b"second")  # the later one stays
        files.write(tmp_path / "c" / "x.ttl", "õ".encode())
        files.flush()
        assert (tmp_path / "a" / "b" / "index.html").read_bytes() == b"second"
        assert (tmp_path / "c" / "x.ttl").read_text(encoding="utf-8") == "õ"
    finally:
        files.close()


def test_the_first_error_is_raised_by_flush_and_nothing_after_it_is_written(tmp_path):
    (tmp_path / "file").write_bytes(b"")
    files = FileWriter()
    try:
        files.write(tmp_path / "file" / "index.html", b"x")  # a file where a folder must be
        files.write(tmp_path / "later" / "index.html", b"y")
        with pytest.raises(FileExistsError):  # mkdir of the folder
            files.flush()
        assert not (tmp_path / "later").exists()
        files.write(tmp_path / "after" / "index.html", b"z")  # after flush: written again
        files.flush()
        assert (tmp_path / "after" / "index.html").read_bytes() == b"z"
    finally:
        files.close()


def test_close_writes_what_was_given_and_ends_the_thread(tmp_path):
    files = FileWriter()
    files.write(tmp_path / "index.html", b"x")
    files.close()
    assert (tmp_path / "index.html").read_bytes() == b"x"
    assert not files._thread.is_alive()


def test_at_most_ahead_files_wait_and_a_write_waits_for_room(tmp_path, monkeypatch):
    """With the thread held at its first file, the writes beyond `ahead` wait for room."""
    import threading

    from kutse_rdf.site import render

    started, release = threading.Event(), threading.Event()
    real = render.write_file

    def held(path, data):
        started.set()
        release.wait()
        real(path, data)

    monkeypatch.setattr(render, "write_file", held)
    files = FileWriter(ahead=2)
    try:
        files.write(tmp_path / "0", b"0")
        started.wait()  # the thread holds file 0: two more fit, the third waits
        files.write(tmp_path / "1", b"1")
        files.write(tmp_path / "2", b"2")
        third = threading.Thread(target=files.write, args=(tmp_path / "3", b"3"))
        third.start()
        third.join(0.3)
        assert third.is_alive()
        release.set()
        third.join(5)
        assert not third.is_alive()
        files.flush()
        assert sorted(p.name for p in tmp_path.iterdir()) == ["0", "1", "2", "3"]
    finally:
        release.set()
        files.close()
