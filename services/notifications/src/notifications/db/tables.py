"""Tables of the service; its domain tables arrive with its own issue."""

import sqlalchemy as sa

metadata = sa.MetaData()
