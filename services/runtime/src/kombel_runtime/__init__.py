"""Shared runtime of the Kombel services.

Envelope, outbox and relay, consumer runner with inbox and dead letters, topic creation,
telemetry, auth, health checks and the embedded stack used by `kombel up` and by the tests.
"""
