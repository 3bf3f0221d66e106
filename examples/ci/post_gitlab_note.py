"""Post COMMENT.md as the merge request's speko-review note, or update the earlier one.

Used by gitlab-ci.yml; standard library only. Reads GitLab's predefined variables
(CI_API_V4_URL, CI_PROJECT_ID, CI_MERGE_REQUEST_IID) and GITLAB_REVIEW_TOKEN.
"""

from __future__ import annotations

import json
import os
import sys
import urllib.request
from typing import Any

MARKER = "<!-- pulumi-speko review -->"  # the first line of every review comment


def _call(method: str, url: str, body: dict[str, Any] | None = None) -> Any:
    request = urllib.request.Request(
        url,
        method=method,
        data=json.dumps(body).encode() if body is not None else None,
        headers={
            "PRIVATE-TOKEN": os.environ["GITLAB_REVIEW_TOKEN"],
            "Content-Type": "application/json",
        },
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.load(response)


def main(path: str) -> None:
    """Create or update the note."""
    with open(path, encoding="utf-8") as handle:
        body = handle.read()
    notes_url = (
        f"{os.environ['CI_API_V4_URL']}/projects/{os.environ['CI_PROJECT_ID']}"
        f"/merge_requests/{os.environ['CI_MERGE_REQUEST_IID']}/notes"
    )
    notes = _call("GET", f"{notes_url}?per_page=100&sort=asc")
    previous = next((n for n in notes if n.get("body", "").startswith(MARKER)), None)
    if previous is None:
        _call("POST", notes_url, {"body": body})
    else:
        _call("PUT", f"{notes_url}/{previous['id']}", {"body": body})


if __name__ == "__main__":
    main(sys.argv[1])
