"""The weekly digest of quiet communities for district and province staff: their
subscriptions, the messages a digest plans, and how those messages find their reader."""
