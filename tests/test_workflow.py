"""The shipped GitHub Pages workflow: valid YAML, current actions, the documented build."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
WORKFLOW = REPO / ".github" / "workflows" / "pages.yml"
BUILD_COMMAND = 'sitegen build --base-url "${{ steps.pages.outputs.base_url }}/"'
CURRENT_MAJORS = {
    "actions/checkout": "v6",
    "actions/setup-python": "v6",
    "actions/configure-pages": "v6",
    "actions/upload-pages-artifact": "v5",
    "actions/deploy-pages": "v5",
}


@pytest.fixture(scope="module")
def workflow() -> dict[str, Any]:
    return yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))


def steps(workflow: dict[str, Any], job: str) -> list[dict[str, Any]]:
    return workflow["jobs"][job]["steps"]


def step_using(workflow: dict[str, Any], job: str, action: str) -> dict[str, Any]:
    found = [s for s in steps(workflow, job) if s.get("uses", "").split("@")[0] == action]
    assert len(found) == 1, f"{job} should use {action} once"
    return found[0]


def test_triggers(workflow: dict[str, Any]) -> None:
    on = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` as true
    assert on["push"]["branches"] == ["main"]
    assert "workflow_dispatch" in on


def test_permissions_and_concurrency(workflow: dict[str, Any]) -> None:
    assert workflow["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}
    assert workflow["concurrency"] == {"group": "pages", "cancel-in-progress": False}


def test_actions_at_current_majors(workflow: dict[str, Any]) -> None:
    used = {
        s["uses"].split("@")[0]: s["uses"].split("@")[1]
        for job in workflow["jobs"]
        for s in steps(workflow, job)
        if "uses" in s
    }
    assert used == CURRENT_MAJORS


def test_build_job(workflow: dict[str, Any]) -> None:
    build = steps(workflow, "build")
    runs = [s.get("run", "") for s in build]
    assert "pip install ." in runs
    assert BUILD_COMMAND in runs
    python = step_using(workflow, "build", "actions/setup-python")["with"]["python-version"]
    assert tuple(int(p) for p in str(python).split(".")) >= (3, 11)
    configure = step_using(workflow, "build", "actions/configure-pages")
    assert configure["id"] == "pages"
    order = [s.get("id") or s.get("run") or s["uses"].split("@")[0] for s in build]
    assert order.index("pages") < order.index(BUILD_COMMAND)
    assert order.index(BUILD_COMMAND) < order.index("actions/upload-pages-artifact")


def test_upload_keeps_dotfiles(workflow: dict[str, Any]) -> None:
    upload = step_using(workflow, "build", "actions/upload-pages-artifact")["with"]
    assert upload["path"].rstrip("/") == "public"
    assert upload["include-hidden-files"] is True


def test_deploy_job(workflow: dict[str, Any]) -> None:
    deploy = workflow["jobs"]["deploy"]
    assert deploy["needs"] == "build"
    assert deploy["environment"] == {
        "name": "github-pages",
        "url": "${{ steps.deployment.outputs.page_url }}",
    }
    assert step_using(workflow, "deploy", "actions/deploy-pages")["id"] == "deployment"


def test_docs_show_the_same_build_command() -> None:
    docs = REPO / "docs" / "deploy.md"
    assert BUILD_COMMAND in docs.read_text(encoding="utf-8")
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    if "pages.yml" in readme:
        assert BUILD_COMMAND in readme or "docs/deploy.md" in readme
