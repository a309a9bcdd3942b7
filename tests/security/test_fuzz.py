"""Property-based fuzzing of every service's API from its own OpenAPI document (schemathesis),
in-process through the WSGI app, authenticated as a real organizer: whatever the input, the
answer is never a 5xx, never carries a stack trace or a source path, and conforms to the
document (status code, content type, body schema).

Path ids are sometimes replaced by the ids of real records (an event with registrations,
messages), so that the generated bodies and queries reach the code behind the 404s too.
"""
from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (content_type_conformance, negative_data_rejection,
                                               response_schema_conformance, status_code_conformance)

from tests.security.conftest import ORGANIZER_A, ORGANIZER_B, leaks

EXAMPLES = 30
FUZZ_SETTINGS = settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
                         suppress_health_check=list(HealthCheck))
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance,
          negative_data_rejection]


@pytest.fixture()
def fuzz_world(stack):
    """A published event of organizer A with a confirmed registration and its mails; B exists too."""
    a = stack.organizer(ORGANIZER_A)
    stack.organizer(ORGANIZER_B)
    event = stack.create_event(a)
    signed = stack.sign_up(event["id"], email="jana@example.org", name="Jana Petersen")
    assert signed.status_code == 202
    stack.reg.post("/api/v1/registrations/confirm", json={"token": stack.confirm_token("jana@example.org")})
    stack.relay_mails()
    series = stack.events.post("/api/v1/series", json={"title": "Reihe"}, headers=a.headers).json
    stack.real_ids = {"event_id": event["id"], "id": event["id"], "series_id": series["id"],
                      "reg_id": signed.json["id"], "email": "jana@example.org"}
    stack.token = a.token
    return stack


SERVICES = {"events": "events_app", "registrations": "reg_app", "notifications": "notif_app"}


def run_case(stack, case, use_real_ids: bool):
    if use_real_ids and case.path_parameters:
        for name in list(case.path_parameters):
            if name in stack.real_ids:
                case.path_parameters[name] = stack.real_ids[name]
    response = case.call(headers={"Authorization": f"Bearer {stack.token}"})
    case.validate_response(response, checks=CHECKS)
    text = response.text
    found = leaks(text)
    assert not found, f"{case.method} {case.formatted_path} leaked {found}: {text[:500]}"


# schemathesis' own pytest integration (schema.parametrize) does not run under pytest 9.2
# (it rewrites a node id pytest no longer has); its strategies and checks are used directly.
@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=str)
@pytest.mark.parametrize("service", sorted(SERVICES))
def test_api_from_its_openapi_document(fuzz_world, service, mode):
    schema = schemathesis.openapi.from_wsgi("/openapi.json", getattr(fuzz_world, SERVICES[service]))
    # the organizer's real token goes with every request (below); schemathesis generating (or
    # leaving out) the Authorization header itself would only ever test the 401 path
    schema.config.generation.update(with_security_parameters=False)
    failures = []
    operations = [result.ok() for result in schema.get_all_operations()]
    assert operations, "the OpenAPI document lists no operations"
    for operation in operations:
        @FUZZ_SETTINGS
        # real ids only for valid data: a negative case whose id was replaced would be valid again
        @given(case=operation.as_strategy(mode), use_real_ids=st.booleans() if mode.is_positive else st.just(False))
        def fuzz(case, use_real_ids):
            run_case(fuzz_world, case, use_real_ids)

        try:
            fuzz()
        except Unsatisfiable:
            # nothing of this operation can be made invalid (no parameters, no body, or a free-text
            # path segment): there is no negative case to send
            if mode.is_positive:
                raise
        except Exception as exc:  # one failing operation must not hide the others
            failures.append(f"{operation.method.upper()} {operation.path}: {type(exc).__name__}: {exc}"[:3000])
    assert not failures, "\n\n".join(failures)
