"""Golden samples guard the published language: an old version must always parse as it did."""

import json
from pathlib import Path

import pytest
from kombel_events import event_class, registered_event_types

GOLDEN = Path(__file__).parent.parent / "golden"


def test_every_registered_event_type_has_a_golden_sample() -> None:
    samples = {path.stem for path in GOLDEN.glob("*.json")}
    missing = set(registered_event_types()) - samples
    assert not missing, f"golden samples missing for {sorted(missing)}"


@pytest.mark.parametrize("path", sorted(GOLDEN.glob("*.json")), ids=lambda p: p.stem)
def test_golden_sample_round_trips(path: Path) -> None:
    raw = json.loads(path.read_text())
    model = event_class(path.stem).model_validate(raw)
    again = json.loads(model.to_json())
    # Fields added later within the version may appear; every field of the sample stays.
    assert {key: again[key] for key in raw} == raw
    assert event_class(path.stem).model_validate(again) == model


def test_readers_ignore_fields_added_later_in_the_same_version() -> None:
    path = GOLDEN / "kombel.membership.community.registered.v1.json"
    raw = json.loads(path.read_text()) | {"added_in_a_later_release": 1}
    model = event_class(path.stem).model_validate(raw)
    assert "added_in_a_later_release" not in model.model_dump()


def test_an_event_type_cannot_be_declared_twice() -> None:
    from typing import ClassVar

    from kombel_events import IntegrationEvent, Topic

    with pytest.raises(TypeError, match="declared twice"):

        class Duplicate(IntegrationEvent):
            event_type: ClassVar[str] = "kombel.membership.community.registered.v1"
            topic: ClassVar[Topic] = Topic("x")
