import os
import subprocess
import sys

import click
from click.testing import CliRunner

from kg.cli import cli


def walk(group, prefix=()):
    for name, cmd in group.commands.items():
        yield prefix + (name,), cmd
        if isinstance(cmd, click.Group):
            yield from walk(cmd, prefix + (name,))


def test_every_command_has_help_with_an_example():
    runner = CliRunner()
    for path, cmd in walk(cli):
        result = runner.invoke(cli, [*path, "--help"])
        assert result.exit_code == 0, path
        assert cmd.help and "Example" in cmd.help, path


def test_console_script_and_module_run():
    for argv in (["kg", "--version"], [sys.executable, "-m", "kg", "--version"]):
        exe = argv if argv[0] != "kg" else [os.path.join(os.path.dirname(sys.executable), "kg"), *argv[1:]]
        out = subprocess.run(exe, capture_output=True, text=True, timeout=60)
        assert out.returncode == 0, out.stderr
        assert "kg" in out.stdout


def test_missing_path_is_a_one_line_usage_error(tmp_path):
    result = CliRunner().invoke(cli, ["build", str(tmp_path / "nope"), "--out", str(tmp_path / "b")])
    assert result.exit_code == 2
    assert "nope" in result.output and "Traceback" not in result.output


def test_build_summary_and_strict(tmp_path):
    arts = tmp_path / "arts"
    arts.mkdir()
    (arts / "a.txt").write_text("---\npublished: 2025-01-13\n---\nCho Tae-yul and Takeshi Iwaya met in Seoul on Monday.\n")
    (arts / "empty.txt").write_text("")
    runner = CliRunner()
    result = runner.invoke(cli, ["build", str(arts), "--out", str(tmp_path / "b")])
    assert result.exit_code == 0, result.output
    assert "1 article(s)" in result.output and "skipped 1 file" in result.output
    assert (tmp_path / "b" / "graph.ttl").exists()
    strict = runner.invoke(cli, ["build", str(arts), "--out", str(tmp_path / "c"), "--strict"])
    assert strict.exit_code == 1
