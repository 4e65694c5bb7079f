"""MkDocs hooks (mkdocs.yml ``hooks:``): pages that live outside docs/.

The executed notebooks (notebooks/*.ipynb, rendered by mkdocs-jupyter) and the
benchmark results with their plots (benchmarks/RESULTS.md, benchmarks/*.png)
keep their one home in the repository; this adds them to the site as
``notebooks/...`` and ``benchmarks/...``, and rewrites the relative links between
docs/ and benchmarks/ that are right on GitHub to what is right on the site.
"""

from __future__ import annotations

import glob
import os

from mkdocs.plugins import event_priority
from mkdocs.structure.files import File

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUTSIDE = ("notebooks/*.ipynb", "benchmarks/RESULTS.md", "benchmarks/*.png")
# (page, link prefix as written in the repository, the same target on the site)
LINKS = (
    ("benchmarks/", "](../docs/", "](../"),
    ("", "](../benchmarks/", "](benchmarks/"),
)


@event_priority(100)  # before mkdocs-jupyter looks for notebooks among the files
def on_files(files, config):
    for pattern in OUTSIDE:
        for path in sorted(glob.glob(os.path.join(ROOT, pattern))):
            rel = os.path.relpath(path, ROOT).replace(os.sep, "/")
            files.append(File(rel, ROOT, config["site_dir"], config["use_directory_urls"]))
    return files


def on_page_markdown(markdown, page, config, files):
    for where, written, on_site in LINKS:
        here = os.path.dirname(page.file.src_uri)
        if (here + "/" if here else "") == where:
            markdown = markdown.replace(written, on_site)
    return markdown
