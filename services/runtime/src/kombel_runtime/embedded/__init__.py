"""The embedded stack: PostgreSQL, Valkey and the Tansu broker from wheels, as child processes."""
