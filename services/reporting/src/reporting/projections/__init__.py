"""The projections of the reporting service, for its consumer and for rebuilds.

`COMMUNITIES` keeps one set of tables from membership's community events and activities'
activity events: the directory (with members, last activity and `active_until`), members,
activity facts and day buckets. They are one projection because the directory's columns are
computed from the others: a rebuild replays all of their topics into one fresh set.
"""

from kombel_runtime.consumer import Subscription
from kombel_runtime.projections import Projection, TableNames

from reporting.projections import activities, communities, members


def _communities(tables: TableNames) -> list[Subscription]:
    return [
        *communities.subscriptions(tables),
        *members.subscriptions(tables),
        *activities.subscriptions(tables),
    ]


COMMUNITIES = Projection(
    name="communities",
    tables=(
        "community_directory",
        "region_community_counts",
        "community_members",
        "activity_facts",
        "community_activity_days",
        "region_activity_days",
    ),
    subscriptions=_communities,
)

PROJECTIONS: tuple[Projection, ...] = (COMMUNITIES,)
