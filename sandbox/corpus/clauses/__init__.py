"""The clause library the corpus documents are assembled from (written for this project).

`sandbox.corpus.document.render_document` is the entry point; the modules here hold the
prose (`term`, `commercial`, `service`, `protection`, `risk`, `general`, `amendment`,
`preamble`, `schedules`, `adversarial`), the outlines per contract type (`outlines`), the
layout and numbering (`plan`), and the bookkeeping that records exact spans (`builder`).
"""
