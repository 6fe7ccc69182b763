"""Fixtures shared by every test folder: real servers and the running platform."""

pytest_plugins = ["kombel_runtime.testing.plugin"]
