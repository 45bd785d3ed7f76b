import ast
from pathlib import Path

import app.domain

DOMAIN = Path(app.domain.__file__).parent
FORBIDDEN = {"flask", "flask_sqlalchemy", "sqlalchemy", "werkzeug", "wtforms", "flask_wtf", "flask_login"}


def _imported_roots(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            yield node.module.split(".")[0]


def test_domain_imports_no_web_or_database_code():
    modules = sorted(DOMAIN.glob("*.py"))
    assert len(modules) >= 9
    for module in modules:
        assert not set(_imported_roots(module)) & FORBIDDEN, module.name
