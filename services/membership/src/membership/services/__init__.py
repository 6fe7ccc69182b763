"""Use cases of membership, one module per aggregate: functions that take a session, the
caller and a command, apply the domain's rules, write, audit and record their events in the
caller's transaction, and return the result. Routers call them, and so would consumers; bulk
imports decide whole chunks in a few set queries instead, through the same domain rules."""
