"""Exactly once across crashes (issue 13, finding 2): kill -9 after the CLM committed, before the answer arrived.

Before: the confirmation key was random per process and the idempotency key included the token's nonce, so
after the restart the old token was refused and following the message (preview again, confirm) wrote a second
note. The N=50 random-kill figure is measured by `python bench/crash_exactly_once.py --runs 50`.
"""

from __future__ import annotations

import random
import subprocess
import uuid
from typing import Any

import pytest

from bench.crash_exactly_once import HoldingProxy, one_process, run_crash_trials
from tests.client.stdio import notes_with_body, one_session, sandbox_env, structured

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("after_crash", ["re-preview", "old token"])
def test_kill_after_commit_then_confirm_again_writes_once(sandbox_url: str, after_crash: str) -> None:
    body = f"kill-after-commit {after_crash} {uuid.uuid4().hex[:8]}"
    args: dict[str, Any] = {"contract_id": "ctr_000010", "body": body}
    with HoldingProxy(sandbox_url, max_hold=5.0, rng=random.Random(0)) as proxy:
        env = sandbox_env(proxy.url)
        with one_session(env) as first:  # the preview, in its own process
            token = structured(first.call("clm__annotate_contract", args))["confirmation_token"]
        current: list[subprocess.Popen[str]] = []
        proxy.on_commit = lambda: current[-1].kill()  # SIGKILL the moment the CLM has committed the note
        with pytest.raises(ConnectionError):
            one_process(env, args, token, False, None, ["confirm"], on_start=current.append)
        assert proxy.stats.posts == 1 and notes_with_body(sandbox_url, "ctr_000010", body) == 1
        proxy.on_commit = None
        # The old design refused the old token and told the model to preview again; both paths must find the note.
        _, created = one_process(env, args, token, after_crash == "re-preview", None, ["restart"])
    assert created
    assert notes_with_body(sandbox_url, "ctr_000010", body) == 1


def test_random_kills_during_preview_confirm_and_post(sandbox_url: str) -> None:
    result = run_crash_trials(sandbox_url, runs=3, seed=3)
    assert result.runs == 3 and result.kills >= 1
    assert result.notes == [1, 1, 1]  # 0 duplicates, 0 lost
