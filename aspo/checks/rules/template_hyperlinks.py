"""C801: hyperlinks in the layout templates, which every deck or document built from them carries."""

from __future__ import annotations

from typing import Iterator

from aspo.checks.rule import Context, check_rule
from aspo.core.errors import AspoError, Problem

TEMPLATE_HYPERLINK = "C801"


@check_rule(TEMPLATE_HYPERLINK, "template-hyperlink", "warning",
            "A hyperlink in a template file, which every deck or document built from it carries.")
def template_hyperlink(context: Context) -> Iterator[Problem]:
    """Every hyperlink the template files carry: each output carries them too."""
    from aspo.core.bounded import open_zip, zip_errors
    from aspo.office.hygiene import findings
    from aspo.office.safety import template_data

    library = context.library
    for path, kind in ((library.deck_template, "PowerPoint"), (library.document_template, "Word")):
        try:  # read within the template limits: what they refuse is reported as E203 already
            data = template_data(path, kind)
            with open_zip(data) as package:
                found = findings(package, kind)
        except (AspoError, *zip_errors()):  # OverBudget is a ValueError
            continue
        for finding in found:
            if not finding.refused:
                yield Problem(path, None, finding.part, finding.message, TEMPLATE_HYPERLINK)
