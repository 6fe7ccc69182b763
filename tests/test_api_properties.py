"""Every service's API, as its OpenAPI describes it, tried with generated requests under each
role's token: no answer is a server error, and every answer is one the spec documents (status,
content type and body).

Requests are generated first (hypothesis, through schemathesis, a bounded number per operation,
valid and invalid ones), then sent to the running platform one at a time, so the platform's own
event loop serves them as it serves the other tests.
"""

import contextlib
import functools
import os
import random
import string
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from kombel_runtime.auth import Role
from kombel_runtime.testing.harness import RunningPlatform
from kombel_runtime.testing.regions import fresh_kabkota
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.core.result import Ok
from schemathesis.generation import GenerationMode

pytestmark = pytest.mark.infra

SERVICES = ("membership", "activities", "notifications", "reporting")
# Examples per operation, role and mode; KOMBEL_API_EXAMPLES raises it for a longer hunt.
EXAMPLES = int(os.environ.get("KOMBEL_API_EXAMPLES", "4"))
# Live streams that end only when their client leaves: the in-process client reads a body to
# its end, so it would wait for ever. Their own tests read them through a real HTTP server.
ENDLESS = frozenset({"/notifications/inbox/stream"})
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@functools.cache
def area() -> str:
    """One kabupaten/kota for every service's run: the requests are random and nothing is
    counted there."""
    return fresh_kabkota()


def tokens(platform: RunningPlatform) -> dict[str, dict[str, str]]:
    """One caller of each role, in one area (ids need not exist: the requests are random)."""
    kabkota = area()
    province = kabkota[:2]
    person = "0193a1b2-7c4d-7e8f-9a0b-1c2d3e4f5a70"
    return {
        "national_admin": platform.auth(Role.NATIONAL_ADMIN),
        "province_staff": platform.auth(Role.PROVINCE_STAFF, province=province),
        "district_staff": platform.auth(Role.DISTRICT_STAFF, kabkota=kabkota),
        "principal": platform.auth(
            Role.PRINCIPAL, npsn="".join(random.choices(string.digits, k=8))
        ),
        "community_lead": platform.auth(Role.COMMUNITY_LEAD, communities=[person], person=person),
        "member": platform.auth(Role.MEMBER, person=person),
    }


def generated(operation: Any, mode: GenerationMode) -> list[Any]:
    """Requests for one operation, drawn without sending anything."""
    cases: list[Any] = []

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(generation_mode=mode))
    def collect(case: Any) -> None:
        cases.append(case)

    # Unsatisfiable: e.g. no invalid request exists for an operation without inputs.
    with contextlib.suppress(Unsatisfiable):
        collect()
    return cases


async def send(platform: RunningPlatform, case: Any, headers: dict[str, str]) -> httpx.Response:
    request = case.as_transport_kwargs(base_url=str(platform.client.base_url), headers=headers)
    built = platform.client.build_request(
        request["method"],
        request["url"],
        params=request.get("params"),
        headers={**(request.get("headers") or {}), **headers},
        content=request.get("data") if isinstance(request.get("data"), bytes | str) else None,
        data=request.get("data") if isinstance(request.get("data"), dict) else None,
        json=request.get("json"),
        files=_files(request.get("files")),
    )
    built.read()  # a multipart body is a stream; the checks read the request again
    return await platform.client.send(built)


def _files(files: Any) -> Any:
    """Multipart parts as httpx sends them: an invalid request may carry a number for a file."""
    if not files:
        return None
    parts = files.items() if isinstance(files, dict) else files
    fixed = []
    for name, value in parts:
        filename, content, *rest = value if isinstance(value, tuple) else ("upload", value)
        if not isinstance(content, bytes | str):
            content = str(content).encode()
        fixed.append((name, (filename, content, *rest)))
    return fixed


@pytest.mark.parametrize("service", SERVICES)
async def test_no_request_breaks_the_service_or_its_spec(
    platform: RunningPlatform, service: str
) -> None:
    spec = (await platform.client.get(f"/{service}/openapi.json")).json()
    schema = schemathesis.openapi.from_dict(spec)
    failures: list[str] = []
    sent = 0
    callers = tokens(platform)
    for result in schema.get_all_operations():
        assert isinstance(result, Ok), f"the spec itself is broken: {result}"
        operation = result.ok()
        if operation.path in ENDLESS:
            continue
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            for role, headers in callers.items():
                for case in generated(operation, mode):
                    sent += 1
                    label = f"{case.method} {operation.path}"
                    try:
                        response = await send(platform, case, headers)
                    except Exception as error:  # the app raised: a 500 to a real client
                        failures.append(f"{label}: raised {type(error).__name__} ({role})")
                        continue
                    try:
                        case.validate_response(response, checks=CHECKS)
                    except (Exception, BaseExceptionGroup) as failure:
                        failures.append(f"{label}: {response.status_code} {_kinds(failure)}")
    assert sent > 0
    if service == "reporting":
        # Generated requests may have set the national active rule: the tests after this one
        # judge communities by the default again.
        restored = await platform.client.put(
            "/reporting/active-rule",
            json={"min_activities": 2, "window_days": 60, "min_members_present": 3},
            headers=platform.auth(Role.NATIONAL_ADMIN),
        )
        assert restored.status_code == 200, restored.text
    distinct = sorted(set(failures))
    assert not failures, f"{len(failures)} of {sent} requests failed:\n" + "\n".join(distinct)


def _kinds(failure: BaseException) -> str:
    """The checks a response failed, as schemathesis names them (ST103 Undocumented …)."""
    found = [line[2:] for line in str(failure).splitlines() if line.startswith("- ")]
    return "; ".join(found) or type(failure).__name__
