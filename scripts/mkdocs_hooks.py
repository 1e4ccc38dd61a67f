"""MkDocs hook (mkdocs.yml `hooks:`): render the docs' tables the way GitHub does.

Inside a table, GitHub needs a pipe in a code span escaped (`` `a \\| b` ``) or the row splits there;
Python-Markdown splits rows around code spans by itself and would print the backslash. So the pages
keep GitHub's form, and this hook drops the backslash inside code spans of table rows before MkDocs
renders them.
"""

import re

_CODE_SPAN = re.compile(r"`[^`\n]*`")


def _unescape_pipes(span: re.Match) -> str:
    return span.group(0).replace("\\|", "|")


def on_page_markdown(markdown: str, **_kwargs) -> str:
    return "\n".join(_CODE_SPAN.sub(_unescape_pipes, line) if line.lstrip().startswith("|") else line
                     for line in markdown.split("\n"))
