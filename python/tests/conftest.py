"""Shared fixtures: the repository, the CLI the package is compared with, one detector."""

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO.parent / "shared"


def load_script(name):
    """A module of scripts/ (corpus conversion), imported by path."""
    spec = importlib.util.spec_from_file_location(name, REPO / "scripts" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def cli():
    """The `scamscan` binary of this checkout: $SCAMSCAN_CLI, or built now (a no-op when
    it is up to date), so that the comparison is never with a stale binary."""
    given = os.environ.get("SCAMSCAN_CLI")
    if given:
        return given
    subprocess.run(
        ["cargo", "build", "--release", "--quiet", "--bin", "scamscan"], cwd=REPO, check=True
    )
    return str(REPO / "target" / "release" / "scamscan")


@pytest.fixture(scope="session")
def scan_cli(cli):
    """Runs `scamscan scan --all` on a JSON Lines file and returns its records."""

    def run(path, *args):
        done = subprocess.run(
            [cli, "scan", "--all", "--quiet", *args, str(path)],
            capture_output=True,
            text=True,
        )
        assert done.returncode in (0, 1), done.stderr
        return [json.loads(line) for line in done.stdout.splitlines()]

    return run


@pytest.fixture(scope="session")
def detector():
    import scamscan

    return scamscan.Detector()


@pytest.fixture(scope="session")
def shared():
    """../shared beside the repository (the eval set and corpora); required, not optional."""
    assert SHARED.is_dir(), f"{SHARED} is missing: the tests need ../shared"
    return SHARED


def write_jsonl(path, records):
    with open(path, "w", encoding="utf-8") as f:
        for record in records:
            f.write(json.dumps(record, ensure_ascii=False) + "\n")
    return path


def read_jsonl(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


sys.path.insert(0, str(Path(__file__).parent))
