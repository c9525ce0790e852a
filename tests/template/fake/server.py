"""The fake plugin's composition root: `python tests/template/fake/server.py [command]`.

The plugin root (identity.toml, manifest.json) is `FAKE_PLUGIN_ROOT`, else this folder.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from plugin.server.parts import PluginParts

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[2]


def parts() -> PluginParts:
    from plugin.config.identity import load_identity
    from plugin.server.parts import PluginParts
    from tests.template.fake.adapter import FakeAdapter
    from tests.template.fake.tools import REGISTRY

    root = Path(os.environ.get("FAKE_PLUGIN_ROOT") or HERE)
    return PluginParts(root=root, identity=load_identity(root), tools=REGISTRY, adapter=FakeAdapter())


def main(argv: list[str]) -> int:
    from plugin.observability.logging import configure_logging

    configure_logging()
    from plugin.cli.commands import run

    return run(argv, parts)


if __name__ == "__main__":
    if str(REPO) not in sys.path:
        sys.path.insert(0, str(REPO))
    sys.exit(main(sys.argv[1:]))
