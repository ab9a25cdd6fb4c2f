"""The follow-up e-mail as an RFC 5322 draft (.eml): plain text and HTML, the customer's PDFs attached when made."""

from __future__ import annotations

import email.policy
import email.utils
import hashlib
import html
from email.header import Header
from email.headerregistry import Address
from email.message import EmailMessage
from typing import Mapping

from aspo.compose.document import Document, FollowUp, Mailbox

#: CRLF line ends and lines folded at 78, as RFC 5322 writes a message.
POLICY = email.policy.SMTP
#: For an address whose local part is not ASCII ("jürgen@…"): headers in UTF-8, as RFC 6532 writes them, since
#: RFC 2047's encoded words may not stand inside an address.
POLICY_UTF8 = POLICY.clone(utf8=True)


def render_mail(document: Document, attachments: Mapping[str, bytes] | None = None) -> bytes:
    """The e-mail as a draft a mail program opens for editing (X-Unsent), with `attachments` (PDF name -> bytes).

    Deterministic: its Date is the document's (the meeting's, or SOURCE_DATE_EPOCH's), and its Message-ID and MIME
    boundaries are hashes of what it says, so the same inputs give the same bytes."""
    mail = document.follow_up
    if mail is None:
        raise ValueError("the document model has no follow-up e-mail")
    attachments = dict(sorted((attachments or {}).items()))
    text, page = plain_body(mail), html_body(mail, document.language, document.right_to_left)
    fingerprint = hashlib.sha256()
    for part in (mail.subject, *(str(box) for box in (mail.sender, *mail.recipients)), text, page):
        fingerprint.update(part.encode("utf-8") + b"\0")
    for name, data in attachments.items():
        fingerprint.update(name.encode("utf-8") + b"\0" + hashlib.sha256(data).digest())
    token = fingerprint.hexdigest()
    sender, recipients = _address(mail.sender), [_address(box) for box in mail.recipients]
    policy = POLICY if all(box.addr_spec.isascii() for box in (sender, *recipients)) else POLICY_UTF8
    message = EmailMessage(policy=policy)
    message["From"] = sender
    if recipients:  # none with an address: the rep fills in To
        message["To"] = recipients
    message.set_raw("Subject", _subject(mail.subject))
    message["Date"] = email.utils.format_datetime(document.properties.created)
    domain = sender.domain if sender.domain.isascii() else "aspo.invalid"
    message["Message-ID"] = f"<aspo.{token[:32]}@{domain}>"
    message["X-Unsent"] = "1"  # Outlook and others open it as a draft to edit and send, not as mail received
    message.set_content(text, cte="quoted-printable")
    message.add_alternative(page, subtype="html", cte="quoted-printable")
    for name, data in attachments.items():
        message.add_attachment(data, maintype="application", subtype="pdf", filename=name)
    message["Content-Language"] = document.language  # after the parts: adding one moves Content-* headers into it
    for number, part in enumerate(message.walk()):
        if part.is_multipart():
            part.set_boundary(f"aspo-{number}-{token[:24]}")
    return message.as_bytes(policy=policy)


def plain_body(mail: FollowUp) -> str:
    """The plain-text body: paragraphs between blank lines, the answers as a list, the signature line by line."""
    blocks = [mail.opening.text]
    if mail.answers:
        blocks.append("\n".join(f"- {answer.line}" for answer in mail.answers))
    blocks += [p.text for p in (mail.result, mail.closing) if p is not None]
    blocks.append("\n".join(mail.signature))
    return "\n\n".join(" ".join(b.split()) if "\n" not in b else b for b in blocks) + "\n"


def html_body(mail: FollowUp, language: str, right_to_left: bool = False) -> str:
    """The HTML body: the same paragraphs, list and signature, with no style, script or remote content."""
    def para(text: str) -> str:
        return f"<p>{html.escape(text)}</p>"

    direction = ' dir="rtl"' if right_to_left else ""  # Arabic, Hebrew: read from the right in any mail program
    lines = ["<!DOCTYPE html>", f'<html lang="{html.escape(language)}"{direction}>',
             f'<head><meta charset="utf-8"><title>{html.escape(mail.subject)}</title></head>', "<body>",
             para(mail.opening.text)]
    if mail.answers:
        lines += ["<ul>", *(f"<li>{html.escape(answer.line)}</li>" for answer in mail.answers), "</ul>"]
    lines += [para(p.text) for p in (mail.result, mail.closing) if p is not None]
    lines.append("<p>" + "<br>\n".join(html.escape(line) for line in mail.signature) + "</p>")
    lines += ["</body>", "</html>"]
    return "\n".join(lines) + "\n"


def _subject(subject: str) -> str:
    """The Subject as it is written: ASCII as it is; otherwise as RFC 2047 encoded words of at most 75 characters
    each, folded between them, where whitespace means nothing (Python's own folding would leave a space before an
    encoded word at a line's end, which readers show twice)."""
    if subject.isascii():
        return subject
    # a folded line is a space and one word: 76 keeps each word within RFC 2047's 75 characters
    return Header(subject, "utf-8", maxlinelen=76, header_name="Subject").encode(linesep="\r\n")


def _address(box: Mailbox) -> Address:
    # split at the last @ rather than parsed: an address the account file accepts never fails here
    username, _, domain = box.address.rpartition("@")
    return Address(display_name=box.name, username=username, domain=_ascii_domain(domain))


def _ascii_domain(domain: str) -> str:
    """The domain as DNS and every mail program read it: "müller.example" as "xn--mller-kva.example"."""
    if domain.isascii():
        return domain or "aspo.invalid"
    try:
        return domain.encode("idna").decode("ascii")
    except UnicodeError:  # not a name IDNA can write (an empty label): left as typed, in a UTF-8 header
        return domain
