"""Activities' import kinds, run by the runtime's import machinery."""
