"""Compile the gettext catalogues as part of every install (plain or editable).

pyproject.toml holds the metadata; this file only hooks translation compilation into
setuptools' build_py, so `pip install` needs no manual `pybabel compile` step.
"""

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py


def compile_catalogues(root: Path) -> None:
    """Write messages.mo next to every messages.po under wellbeing/translations."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    for po_path in sorted((root / "wellbeing" / "translations").glob("*/LC_MESSAGES/messages.po")):
        with po_path.open("rb") as po_file:
            catalog = read_po(po_file)
        with po_path.with_suffix(".mo").open("wb") as mo_file:
            write_mo(mo_file, catalog)


class BuildWithTranslations(build_py):
    """build_py that compiles translations first (also runs for editable installs)."""

    def run(self) -> None:
        compile_catalogues(Path(__file__).resolve().parent)
        super().run()


setup(cmdclass={"build_py": BuildWithTranslations})
