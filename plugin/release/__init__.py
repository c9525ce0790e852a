"""Release: the manifest, the identity files, packaging and signing."""
