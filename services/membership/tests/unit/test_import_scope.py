"""An import job keeps its importer as the token named them, person included, so that a
memberships import is checked against the importer's standing in the data while it runs."""

from kombel_runtime.auth import Principal, Role
from kombel_runtime.imports.worker import principal_of, scope_of


def test_the_job_keeps_the_importers_person_and_regions() -> None:
    importer = Principal(
        subject="guru-1",
        roles=frozenset({Role.MEMBER, Role.PRINCIPAL}),
        npsn="10210001",
        person="0193a1b2-7c4d-7e8f-9a0b-1c2d3e4f5a70",
        communities=frozenset({"0193a1b2-7c4d-7e8f-9a0b-1c2d3e4f5a71"}),
    )
    kept = principal_of(scope_of(importer))
    assert kept.person == importer.person
    assert (kept.subject, kept.roles, kept.npsn) == (
        importer.subject,
        importer.roles,
        importer.npsn,
    )
    assert kept.communities == frozenset(), "a claim the data replaces is not kept"


def test_a_job_queued_before_people_were_kept_runs_without_one() -> None:
    older = {"subject": "dinas", "roles": ["district_staff"], "kabkota": "12.11"}
    assert principal_of(older).person is None
