"""The demo province as data, before anything is sent: schools, people, communities, their
members, a year of meetings along the learning cycle, and one bimtek.

Pure: one seed, one province code, one scale and one date give the same plan every time.
Identifiers people type (NPSN, NUPTK) are derived from the kabupaten/kota code, so two
provinces never collide and a second run finds the first run's records.
"""

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from kombel_events.regions import regions

from reporting.demo import names

PHASES = ("refleksi_awal", "perencanaan", "implementasi", "evaluasi")
SCHOOL_JENJANG = ("PAUD/TK", "SD", "SD", "SD", "SMP", "SMP", "SMA", "SMK", "SLB")
# How often a community meets: its share of communities, and meetings in the year behind us.
# "quiet" communities met in the first months and then stopped; "dormant" never logged one.
LIVELINESS = (("lively", 0.35), ("regular", 0.33), ("quiet", 0.22), ("dormant", 0.10))


@dataclass(frozen=True)
class Scale:
    """How big a province the demo builds."""

    kabkotas: int | None  # None: every kabupaten/kota of the province
    schools: int  # per kabupaten/kota
    communities: int  # per kabupaten/kota, besides one per school for a few schools
    meetings_lively: int  # meetings in the year of a lively community


SCALES = {
    "full": Scale(kabkotas=None, schools=90, communities=40, meetings_lively=7),
    "small": Scale(kabkotas=2, schools=6, communities=4, meetings_lively=5),
}


@dataclass(frozen=True)
class School:
    npsn: str
    name: str
    jenjang: str
    status: str
    kabkota_code: str


@dataclass(frozen=True)
class Person:
    nuptk: str
    full_name: str
    position: str
    school_npsn: str
    kabkota_code: str
    email: str | None


@dataclass(frozen=True)
class Community:
    name: str
    kind: str
    forum_type: str
    jenjang: tuple[str, ...]
    kabkota_code: str
    subject_name: str | None
    host_npsn: str | None
    liveliness: str
    members: tuple[tuple[str, str, date], ...]  # (NUPTK, role, since)

    @property
    def lead(self) -> str:
        return next(nuptk for nuptk, role, _ in self.members if role == "penggerak")


@dataclass(frozen=True)
class Meeting:
    community: Community
    starts_at: datetime  # local time of the community's place
    phase: str
    title: str
    mode: str
    present: tuple[str, ...]  # NUPTKs of members who came
    guests: int
    good_practice: str | None


@dataclass(frozen=True)
class Bimtek:
    day: date
    capacity: dict[str, int]  # seats per kabupaten/kota
    roster: tuple[Person, ...]  # in the order of the roster file
    came: dict[str, str]  # NUPTK -> time on the paper attendance list ("07.52")


@dataclass
class ProvincePlan:
    province_code: str
    province_name: str
    kabkotas: list[str]
    today: date
    schools: list[School] = field(default_factory=list)
    people: list[Person] = field(default_factory=list)
    communities: list[Community] = field(default_factory=list)
    meetings: list[Meeting] = field(default_factory=list)
    bimtek: Bimtek | None = None

    @property
    def marker_npsn(self) -> str:
        """The first school: present once the demo has run (or begun) in this province."""
        return self.schools[0].npsn

    @property
    def bimtek_title(self) -> str:
        return f"Bimtek Penggerak Komunitas Belajar {self.province_name} {self.today.year}"


def plan_province(
    province_code: str,
    scale: Scale,
    today: date,
    *,
    seed: int = 2024,
    kabkotas: list[str] | None = None,
    now_local: datetime | None = None,
) -> ProvincePlan:
    directory = regions()
    province = directory.by_code[province_code]
    places = kabkotas or [r.code for r in directory.kabkota_of(province_code)]
    if scale.kabkotas is not None and kabkotas is None:
        places = places[: scale.kabkotas]
    rng = random.Random(f"{seed}:{province_code}:{','.join(places)}")
    plan = ProvincePlan(province_code, province.display_name, places, today)
    for kabkota in places:
        _kabkota(plan, rng, scale, kabkota, directory.by_code[kabkota].name)
    plan.meetings = [m for c in plan.communities for m in _meetings(rng, scale, c, today)]
    plan.meetings.sort(key=lambda m: m.starts_at)
    plan.bimtek = _bimtek(rng, plan, now_local or datetime.combine(today, time(12)))
    return plan


def _kabkota(plan: ProvincePlan, rng: random.Random, scale: Scale, code: str, place: str) -> None:
    digits = code.replace(".", "")
    schools = []
    counters: dict[tuple[str, str], int] = {}
    for serial in range(1, scale.schools + 1):
        jenjang = rng.choice(SCHOOL_JENJANG)
        status = "negeri" if rng.random() < 0.7 else "swasta"
        number = counters[(jenjang, status)] = counters.get((jenjang, status), 0) + 1
        name = names.school_name(rng, jenjang, status, number, place)
        schools.append(School(f"{digits}{serial:04d}", name, jenjang, status, code))
    plan.schools += schools
    people: dict[str, list[Person]] = {}
    serial = 0
    for school in schools:
        staff = rng.randint(4, 7) if school.jenjang != "PAUD/TK" else rng.randint(2, 4)
        for number in range(staff):
            serial += 1
            position = "kepala_sekolah" if number == 0 else "guru"
            people.setdefault(school.npsn, []).append(_person(rng, plan, school, position, serial))
    for _ in range(max(1, scale.schools // 30)):
        serial += 1
        school = rng.choice(schools)
        people.setdefault(school.npsn, []).append(_person(rng, plan, school, "pengawas", serial))
    plan.people += [p for staff in people.values() for p in staff]
    by_jenjang: dict[str, list[Person]] = {}
    for school in schools:
        by_jenjang.setdefault(school.jenjang, []).extend(people[school.npsn])
    plan.communities += _communities(rng, scale, code, place, schools, people, by_jenjang, plan)


def _person(
    rng: random.Random, plan: ProvincePlan, school: School, position: str, serial: int
) -> Person:
    name = names.person_name(rng, plan.province_code)
    nuptk = f"{school.kabkota_code.replace('.', '')}9{serial:011d}"
    email = None
    if rng.random() < 0.08:
        local = ".".join(name.split(",")[0].lower().split()[:2])
        email = f"{local}.{school.kabkota_code.replace('.', '')}{serial}@guru.example"
    return Person(nuptk, name, position, school.npsn, school.kabkota_code, email)


def _communities(
    rng: random.Random,
    scale: Scale,
    code: str,
    place: str,
    schools: list[School],
    people: dict[str, list[Person]],
    by_jenjang: dict[str, list[Person]],
    plan: ProvincePlan,
) -> list[Community]:
    founded = plan.today - timedelta(days=400)
    made: list[Community] = []

    def add(
        name: str,
        kind: str,
        forum: str,
        jenjang: tuple[str, ...],
        pool: list[Person],
        size: int,
        subject: str | None = None,
        host: str | None = None,
    ) -> None:
        chosen = rng.sample(pool, min(size, len(pool)))
        if len(chosen) < 3:
            return
        liveliness = _weighted(rng, LIVELINESS)
        members = []
        for number, person in enumerate(chosen):
            role = "penggerak" if number == 0 else "anggota"
            if number == 1:
                role = rng.choice(("koordinator", "narasumber", "anggota"))
            # Most joined at the start; some joined during the year.
            late = rng.random() < 0.15 and number > 2
            since = founded + timedelta(days=rng.randint(60, 300) if late else rng.randint(0, 20))
            members.append((person.nuptk, role, since))
        made.append(
            Community(name, kind, forum, jenjang, code, subject, host, liveliness, tuple(members))
        )

    inside = [s for s in schools if len(people[s.npsn]) >= 4]
    for school in rng.sample(inside, min(len(inside), max(1, scale.communities // 4))):
        name = f"Komunitas Belajar {names.short_school(school.name)}"
        jenjang = "TK" if school.jenjang == "PAUD/TK" else school.jenjang
        add(name, "dalam_sekolah", "organik", (jenjang,), people[school.npsn], 8, host=school.npsn)
    kinds = _antar_sekolah(scale.communities)
    gugus: dict[str, int] = {}
    for forum, jenjang in kinds:
        pool = _pool(forum, jenjang, by_jenjang)
        number = gugus[forum + jenjang] = gugus.get(forum + jenjang, 0) + 1
        subject = None
        if forum == "KKG":
            name = f"KKG Gugus {number} {place}"
        elif forum == "gugus_paud":
            name = f"Gugus PAUD {number} {place}"
        elif forum == "MGMP":
            subjects = names.SUBJECTS_SMP if jenjang == "SMP" else names.SUBJECTS_SMA
            subject = subjects[(number - 1) % len(subjects)]
            name = f"MGMP {subject} {jenjang} {place}"
            if number > len(subjects):
                name += f" Wilayah {(number - 1) // len(subjects) + 1}"
        elif forum == "KKS":
            name = f"KKS Gugus {number} {place}"
        elif forum == "daring":
            name = f"Komunitas Guru Penggerak {place} {number}"
        else:
            name = f"{forum} {jenjang} {place}" + (f" {number}" if number > 1 else "")
        kind = "daring" if forum == "daring" else "antar_sekolah"
        forum_type = "organik" if forum == "daring" else forum
        add(name, kind, forum_type, (jenjang,), pool, rng.randint(8, 18), subject)
    return made


def _antar_sekolah(count: int) -> list[tuple[str, str]]:
    """Which communities across schools a kabupaten/kota has, most common first."""
    cycle = [
        ("KKG", "SD"),
        ("MGMP", "SMP"),
        ("KKG", "SD"),
        ("MGMP", "SMA"),
        ("gugus_paud", "PAUD"),
        ("KKS", "SD"),
        ("MGMP", "SMP"),
        ("MGBK", "SMP"),
        ("MKKS", "SMP"),
        ("KKG", "SD"),
        ("MKKS", "SMA"),
        ("daring", "SD"),
        ("MKKS", "SMK"),
        ("MGMP", "SMA"),
        ("MKPS", "SD"),
    ]
    return [cycle[n % len(cycle)] for n in range(count)]


def _pool(forum: str, jenjang: str, by_jenjang: dict[str, list[Person]]) -> list[Person]:
    school_level = {"PAUD": "PAUD/TK"}.get(jenjang, jenjang)
    everyone = [p for staff in by_jenjang.values() for p in staff]
    if forum in ("KKS", "MKKS"):
        return [p for p in by_jenjang.get(school_level, []) if p.position == "kepala_sekolah"]
    if forum == "MKPS":
        return [p for p in everyone if p.position in ("pengawas", "kepala_sekolah")]
    pool = [p for p in by_jenjang.get(school_level, []) if p.position == "guru"]
    return pool or everyone


def _weighted(rng: random.Random, choices: tuple[tuple[str, float], ...]) -> str:
    return rng.choices([c for c, _ in choices], [w for _, w in choices])[0]


def _meetings(rng: random.Random, scale: Scale, community: Community, today: date) -> list[Meeting]:
    lively = scale.meetings_lively
    count, first, last = {
        "lively": (lively, 360, 3),
        "regular": (lively // 2, 350, 20),
        "quiet": (lively // 3, 360, 150),
        "dormant": (0, 0, 0),
    }[community.liveliness]
    if count == 0:
        return []
    span = first - last
    # Closer together lately (the programme took hold over the year), with a little jitter;
    # the cycle continues from meeting to meeting.
    days = sorted(
        last + round(span * (n / max(1, count - 1)) ** 2) + rng.randint(-3, 3) for n in range(count)
    )
    days = sorted({max(last, min(first, d)) for d in days}, reverse=True)
    phase = rng.randrange(len(PHASES))
    hour = rng.choice((8, 13, 14, 15, 16))
    mode = "daring" if community.kind == "daring" else "luring"
    meetings = []
    for days_ago in days:
        day = today - timedelta(days=days_ago)
        present = tuple(
            nuptk for nuptk, _, since in community.members if since <= day and rng.random() < 0.8
        )
        name = PHASES[phase]
        # Guests come to meetings that members fill: a count of attendees and one of members
        # present then judge a meeting alike against the active rule (three present).
        guests = rng.choice((0, 0, 0, 1, 2)) if len(present) >= 3 else 0
        good = rng.choice(names.GOOD_PRACTICE) if rng.random() < 0.08 else None
        meetings.append(
            Meeting(
                community,
                datetime.combine(day, time(hour)),
                name,
                rng.choice(names.MEETING_TITLES[name]),
                mode,
                present,
                guests,
                good,
            )
        )
        phase = (phase + 1) % len(PHASES)
    return meetings


def _bimtek(rng: random.Random, plan: ProvincePlan, now_local: datetime) -> Bimtek:
    """The province's bimtek for community drivers: today if its morning is over, else
    yesterday; one session in every kabupaten/kota, a little smaller than its roster, and a
    paper attendance list of those who came by now."""
    day = now_local.date() if now_local.time() >= time(9) else now_local.date() - timedelta(days=1)
    people = {p.nuptk: p for p in plan.people}
    drivers = list(dict.fromkeys(c.lead for c in plan.communities))
    roster = tuple(people[n] for n in drivers)
    capacity: dict[str, int] = {}
    for kabkota in plan.kabkotas:
        wanted = sum(1 for p in roster if p.kabkota_code == kabkota)
        capacity[kabkota] = max(1, wanted - max(1, wanted // 20))
    came = {}
    seated: dict[str, int] = {}
    for person in roster:
        seated[person.kabkota_code] = seated.get(person.kabkota_code, 0) + 1
        if seated[person.kabkota_code] <= capacity[person.kabkota_code] and rng.random() < 0.85:
            came[person.nuptk] = f"0{7 + rng.randint(0, 1)}.{rng.randint(0, 59):02d}"
    return Bimtek(day, capacity, roster, came)
