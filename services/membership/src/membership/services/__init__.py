"""Use cases of membership: functions that take a session, the caller and a command, apply
the rules, write, and record their events; routers and jobs call them alike."""
