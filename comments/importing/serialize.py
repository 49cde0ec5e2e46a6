"""SplitResult <-> JSON-safe dict, for the preview kept between edits and for `commentdesk split --json`."""

from __future__ import annotations

from datetime import date
from typing import Any

from comments.importing.document import PROVISION_KINDS, SplitProvision, SplitResult, SplitWarning


def provision_to_dict(provision: SplitProvision) -> dict[str, Any]:
    return {
        "kind": provision.kind,
        "number": provision.number,
        "label": provision.label,
        "heading": provision.heading,
        "text": provision.text,
    }


def result_to_dict(result: SplitResult) -> dict[str, Any]:
    return {
        "title": result.title,
        "deadline": result.deadline.isoformat() if result.deadline else None,
        "language": result.language,
        "warnings": [
            {"message": w.message, "provision_index": w.provision_index} for w in result.warnings
        ],
        "provisions": [provision_to_dict(p) for p in result.provisions],
    }


def result_from_dict(data: dict[str, Any]) -> SplitResult:
    provisions = []
    for item in data.get("provisions", []):
        kind = item["kind"]
        if kind not in PROVISION_KINDS:
            raise ValueError(f"unknown provision kind {kind!r}")
        provisions.append(
            SplitProvision(
                kind=kind, text=item.get("text") or "", number=item.get("number"),
                label=item.get("label"), heading=item.get("heading"),
            )
        )
    deadline = data.get("deadline")
    return SplitResult(
        provisions=provisions,
        warnings=[SplitWarning(w["message"], w.get("provision_index")) for w in data.get("warnings", [])],
        title=data.get("title"),
        deadline=date.fromisoformat(deadline) if deadline else None,
        language=data.get("language"),
    )
