"""What the tests share about this project: where it lives, the test users' password."""

import pathlib

HERE = pathlib.Path(__file__).resolve().parents[1]
"""The folder holding ``djproject`` (the servers' working directory)."""
PASSWORD = "correct horse battery"
