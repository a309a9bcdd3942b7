"""The workers' KEDA ScaledObjects (deploy/k8s/<service>-worker.yaml) and their
TriggerAuthentication (deploy/k8s/keda-redis-auth.yaml), validated offline against the
OpenAPI schemas of KEDA's CRDs (vendored here, see README.md), in strict mode like the API
server's field validation: a field the CRD does not define is an error, not silently dropped."""
from __future__ import annotations

import copy
import json
from pathlib import Path

import jsonschema
import pytest

from tests.deploy.test_deploy_files import SERVICES, k8s_of_kind

HERE = Path(__file__).parent
SCHEMAS = {"ScaledObject": HERE / "keda-scaledobject-v1alpha1.json",
           "TriggerAuthentication": HERE / "keda-triggerauthentication-v1alpha1.json"}


def strict(schema):
    """Unknown fields refused wherever the CRD lists the fields of an object (as
    `kubectl apply --validate=strict` does), except where it keeps unknown fields on purpose."""
    if isinstance(schema, dict):
        schema = {key: strict(value) for key, value in schema.items()}
        if ("properties" in schema and "additionalProperties" not in schema
                and not schema.get("x-kubernetes-preserve-unknown-fields")):
            schema["additionalProperties"] = False
        return schema
    if isinstance(schema, list):
        return [strict(item) for item in schema]
    return schema


@pytest.fixture(scope="module")
def validators():
    # OpenAPI v3 schemas of CRDs are JSON Schema with a few extra keywords (x-kubernetes-*,
    # format: int32), which a draft-4 validator ignores
    return {kind: jsonschema.Draft4Validator(strict(json.loads(path.read_text())))
            for kind, path in SCHEMAS.items()}


def errors(validators, doc) -> list[str]:
    assert doc["apiVersion"] == "keda.sh/v1alpha1"
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validators[doc["kind"]].iter_errors(doc)]


def test_keda_resources_validate_against_the_crd_schemas(validators):
    docs = k8s_of_kind("ScaledObject") + k8s_of_kind("TriggerAuthentication")
    assert len(docs) == len(SERVICES) + 1
    for doc in docs:
        assert errors(validators, doc) == [], doc["metadata"]["name"]


def test_schema_validation_catches_mistakes(validators):
    scaled = k8s_of_kind("ScaledObject")[0]
    typo = copy.deepcopy(scaled)
    typo["spec"]["pollingIntervall"] = 15
    assert errors(validators, typo)
    wrong_type = copy.deepcopy(scaled)
    wrong_type["spec"]["maxReplicaCount"] = "ten"
    assert errors(validators, wrong_type)
    number_metadata = copy.deepcopy(scaled)
    number_metadata["spec"]["triggers"][0]["metadata"]["listLength"] = 20  # trigger metadata is strings only
    assert errors(validators, number_metadata)
    no_target = copy.deepcopy(scaled)
    del no_target["spec"]["scaleTargetRef"]
    assert errors(validators, no_target)


def test_each_worker_scales_on_the_length_of_its_own_queue():
    deployments = {d["metadata"]["name"]: d for d in k8s_of_kind("Deployment")}
    auths = {a["metadata"]["name"]: a for a in k8s_of_kind("TriggerAuthentication")}
    secret = k8s_of_kind("Secret")[0]
    for scaled in k8s_of_kind("ScaledObject"):
        service = scaled["metadata"]["labels"]["app.kubernetes.io/name"]
        spec = scaled["spec"]
        target = spec["scaleTargetRef"]
        assert (target["kind"], target["name"]) == ("Deployment", f"{service}-worker")
        assert target["name"] in deployments
        assert 1 <= spec["minReplicaCount"] <= spec["maxReplicaCount"]  # never zero: the first mail must not wait for a pod
        [trigger] = spec["triggers"]
        assert trigger["type"] == "redis"
        command = deployments[target["name"]]["spec"]["template"]["spec"]["containers"][0]["command"]
        assert trigger["metadata"]["listName"] == command[command.index("-Q") + 1] == service
        assert int(trigger["metadata"]["listLength"]) > 0
        auth = auths[trigger["authenticationRef"]["name"]]
        for ref in auth["spec"]["secretTargetRef"]:
            assert ref["name"] == secret["metadata"]["name"] and ref["key"] in secret["stringData"]
        assert {ref["parameter"] for ref in auth["spec"]["secretTargetRef"]} == {"address", "password"}
