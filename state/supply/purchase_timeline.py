"""The words of a purchase order's timeline entries, in the viewer's language."""

from __future__ import annotations

from state.supply.view import fmt_date, fmt_int


def timeline_detail(kind: str, details: dict, translate, language: str) -> str:
    """One line of plain words for a timeline entry's details (tolerant of missing keys)."""
    line = details.get("line_no")
    if kind == "line_acknowledged":
        return translate(
            "purchase.detail.acknowledged", line=line, date=fmt_date(details.get("promised_date"), language)
        )
    if kind == "line_rejected":
        return translate("purchase.detail.rejected", line=line, reason=details.get("reason") or "")
    if kind in ("line_proposed", "proposal_accepted", "proposal_declined"):
        parts = []
        if details.get("quantity") is not None:
            parts.append(
                translate("purchase.detail.quantity", quantity=fmt_int(details["quantity"], language))
            )
        if details.get("promised_date"):
            parts.append(translate("purchase.detail.date", date=fmt_date(details["promised_date"], language)))
        note = details.get("note") or details.get("reason") or ""
        text = translate("purchase.detail.line", line=line) + " " + ", ".join(parts)
        return f"{text} — {note}" if note else text
    if kind == "asn_created":
        shipped = "; ".join(
            translate(
                "purchase.detail.shipped_line",
                line=item.get("line_no"),
                quantity=fmt_int(item.get("quantity"), language),
                lot=item.get("lot_number", ""),
            )
            for item in details.get("lines", [])
        )
        head = " · ".join(
            value
            for value in (details.get("number"), details.get("carrier"), details.get("tracking_number"))
            if value
        )
        return f"{head} — {shipped}" if shipped else head
    if kind == "goods_received":
        text = details.get("number") or ""
        if "accepted" in details:
            text += " — " + translate(
                "purchase.detail.received",
                accepted=fmt_int(details.get("accepted"), language),
                rejected=fmt_int(details.get("rejected"), language),
            )
        return text
    if kind == "issued":
        return (
            translate(
                "purchase.detail.lines",
                count=int(details["lines"]),
                lines=fmt_int(details["lines"], language),
            )
            if details.get("lines")
            else ""
        )
    if details.get("reason") and details["reason"] != "all_lines_rejected":
        return str(details["reason"])
    if details.get("short_quantity"):
        return translate("purchase.detail.short", quantity=fmt_int(details["short_quantity"], language))
    return str(details.get("note") or "")
