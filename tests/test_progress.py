"""Progress bars: drawn on a terminal's stderr only, silent everywhere else."""

import io
import logging

from feedbackml.run import progress


class Terminal(io.StringIO):
    def isatty(self):
        return True


def test_bar_shows_each_step_on_a_terminal_and_erases_itself():
    stream = Terminal()
    with progress.bar(stream, label="analyze"):
        progress.step("reading input", 1, 2)
        progress.step("fitting themes", 2, 2)
    out = stream.getvalue()
    assert "analyze [" in out and "1/2 reading input" in out and "2/2 fitting themes" in out
    assert out.endswith("\r\x1b[K")


def test_bar_draws_nothing_when_stderr_is_not_a_terminal():
    stream = io.StringIO()
    with progress.bar(stream):
        progress.step("reading input", 1, 1)
    assert stream.getvalue() == ""


def test_disabled_bar_draws_nothing_even_on_a_terminal():
    stream = Terminal()
    with progress.bar(stream, enabled=False):
        progress.step("reading input", 1, 1)
    assert stream.getvalue() == ""


def test_step_outside_a_bar_does_nothing(capsys):
    assert progress.step("reading input", 1, 1) is None  # no bar open: no error
    assert capsys.readouterr() == ("", "")


def test_log_line_erases_the_bar_before_it_is_written():
    stream = Terminal()
    logger = logging.getLogger("feedbackml.test_progress")
    handler = progress.ProgressAwareHandler(stream)
    logger.addHandler(handler)
    try:
        with progress.bar(stream):
            progress.step("reading input", 1, 2)
            logger.warning("a message")
    finally:
        logger.removeHandler(handler)
    out = stream.getvalue()
    before = out[: out.index("a message")]
    assert before.endswith("\r\x1b[K")
    assert out.count("1/2 reading input") >= 2  # drawn again after the message
