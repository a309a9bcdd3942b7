"""`make run` (deploy/local/run.py) starts its SMTP sink only when mail goes to it."""
from __future__ import annotations

import socket

import pytest

from deploy.local.mail import plan_mail
from shared.embedded import free_port


@pytest.fixture()
def taken_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        yield sock.getsockname()[1]


def test_without_smtp_host_the_sink_receives_the_mail():
    port = free_port()
    plan = plan_mail({"SMTP_PORT": str(port)})
    assert plan.start_sink and (plan.host, plan.port, plan.bind) == ("127.0.0.1", port, "127.0.0.1")
    assert plan.env() == {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(port), "DEV_SMTP_SINK": "1"}


def test_without_smtp_host_a_taken_default_port_moves_the_sink(taken_port):
    plan = plan_mail({"SMTP_PORT": str(taken_port)})
    assert plan.start_sink and plan.port != taken_port and plan.host == "127.0.0.1"
    assert f"port {taken_port} is taken" in plan.note


def test_the_citys_own_server_gets_the_mail_and_no_sink_starts():
    plan = plan_mail({"SMTP_HOST": "smtp.kiel.example", "SMTP_PORT": "587"})
    assert not plan.start_sink and (plan.host, plan.port) == ("smtp.kiel.example", 587)
    assert plan.env()["DEV_SMTP_SINK"] == "0" and "smtp.kiel.example:587" in plan.note


def test_a_local_server_already_on_the_port_gets_the_mail(taken_port):
    plan = plan_mail({"SMTP_HOST": "localhost", "SMTP_PORT": str(taken_port)})
    assert not plan.start_sink and (plan.host, plan.port) == ("localhost", taken_port)


def test_this_machine_with_a_free_port_starts_the_sink_there():
    port = free_port()
    plan = plan_mail({"SMTP_HOST": "localhost", "SMTP_PORT": str(port)})
    assert plan.start_sink and plan.host == "localhost" and plan.port == port
    assert plan.bind in ("127.0.0.1", "::1")
