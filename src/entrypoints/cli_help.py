"""`payments --help` says each command on one line, and every option says what it is for
(tests/unit/test_cli_help.py walks them all)."""

from __future__ import annotations

import argparse


class OneLineHelp(argparse.HelpFormatter):
    """Wide enough that no command's or option's help goes under its name. argparse measures a
    subcommand's name two columns short (it is indented once more when printed), so a long
    one (`operators (operator)`) had its help pushed onto the next line."""

    def __init__(self, prog: str) -> None:
        super().__init__(prog, max_help_position=34, width=110)

    def add_argument(self, action: argparse.Action) -> None:
        super().add_argument(action)
        if isinstance(action, argparse._SubParsersAction):
            self._action_max_length += 2


def wide_help(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """`parser` and all its subcommands' parsers format their help with `OneLineHelp`."""
    parser.formatter_class = OneLineHelp
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                wide_help(sub)
    return parser
