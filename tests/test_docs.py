"""The README stays true: every command is documented with an example, and has help text."""

import re
from pathlib import Path

import pytest

from cold_war_cli.cli import cli

COMMANDS = {name: cli.get_command(None, name) for name in cli.list_commands(None)}  # lazy ones too

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_command_has_a_readme_section_with_an_example(name):
    assert re.search(rf"^###.*`cwc {name}\b", README, re.M), f"README has no section for cwc {name}"
    assert re.search(rf"^\$ cwc {name}\b", README, re.M), f"README shows no example of cwc {name}"


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_command_has_help_that_leads_with_examples(name):
    command = COMMANDS[name]
    assert command.help and command.short_help != ""
    assert "Examples:" in command.help


def test_readme_documents_every_option_of_events():
    for param in COMMANDS["events"].params:
        for opt in param.opts:
            if opt.startswith("--") and opt not in ("--help",):
                assert f"`{opt}" in README, f"{opt} is not in the README"


def test_readme_names_the_two_setup_commands():
    assert "pip install . && cwc events --from 1959 --to 1961" in README
    assert "pip install -e '.[test]' && pytest" in README
