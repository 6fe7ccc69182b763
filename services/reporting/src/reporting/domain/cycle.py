"""The phases of the learning cycle as bits, so a day bucket keeps the phases it met in one
small integer and a period's phases are their bitwise OR."""

from kombel_events.activities import Phase

ORDER: tuple[Phase, ...] = (
    Phase.REFLEKSI_AWAL,
    Phase.PERENCANAAN,
    Phase.IMPLEMENTASI,
    Phase.EVALUASI,
)


def phase_bit(phase: Phase | str) -> int:
    return 1 << ORDER.index(Phase(phase))


def phases_of(mask: int) -> list[str]:
    """The phases a mask names, in cycle order."""
    return [phase.value for index, phase in enumerate(ORDER) if mask & (1 << index)]
