"""The build step pyproject.toml cannot say: a wheel carries the sample library (templates/ and accounts/) as
aspo/sample/, for `aspo init --from-sample`. An editable install reads it from the checkout instead."""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

SAMPLE = ("templates", "accounts")


class BuildWithSample(build_py):
    def run(self):
        super().run()
        if getattr(self, "editable_mode", False):
            return
        here = Path(__file__).parent
        target = Path(self.build_lib) / "aspo" / "sample"
        shutil.rmtree(target, ignore_errors=True)  # nothing left from an earlier build's sample
        for name in SAMPLE:
            shutil.copytree(here / name, target / name, ignore=shutil.ignore_patterns(".*", "__pycache__"))


setup(cmdclass={"build_py": BuildWithSample})
