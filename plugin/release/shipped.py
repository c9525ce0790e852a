"""The files a plugin installation consists of: what the packages contain and what the signature covers.

One list, so the zip, the MCP bundle and the signature can never disagree about what "the plugin" is.
It is defined in `plugin.release.integrity`, the start-up verifier, which must import nothing else of
the plugin; this module is its public face for packaging and signing.
"""

from __future__ import annotations

from plugin.release.integrity import (
    DEVELOPMENT_PACKAGES,
    SHIPPED_DATA_DIRS,
    SHIPPED_FILES,
    SIGNATURE_NAME,
    importable_files,
    shipped_dirs,
    shipped_files,
)

__all__ = [
    "DEVELOPMENT_PACKAGES",
    "SHIPPED_DATA_DIRS",
    "SHIPPED_FILES",
    "SIGNATURE_NAME",
    "importable_files",
    "shipped_dirs",
    "shipped_files",
]
