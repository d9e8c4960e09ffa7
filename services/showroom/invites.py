"""The calendar invite (iCalendar, RFC 5545/5546) of a test drive, attached to its e-mails.

One drive is one calendar entry for its whole life: the UID is fixed per drive
(`test-drive-<id>@<sender domain>`) and SEQUENCE is the drive's version, which every reschedule and
cancel raises, so a calendar that got the first invite updates (or removes) that same entry.
A booked drive's invite is METHOD:REQUEST; a cancelled one's METHOD:CANCEL with STATUS:CANCELLED.
Times carry the store's TZID (with its VTIMEZONE), so the entry sits at the store's wall-clock
time on either side of a daylight-saving change.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, vCalAddress, vText
from sqlmodel import Session

from models import Location, Trim
from models.settings import Settings, get_settings
from models.showroom import TestDrive, TestDriveStatus
from models.types import utcnow
from services.i18n import translate
from services.platform.mail import sender_domain
from services.showroom import booking, manage_links

PRODID = "-//Automotive Portal//Test drives//EN"
REQUEST = "REQUEST"
CANCEL = "CANCEL"


@dataclass(frozen=True)
class InviteDetails:
    """What the invite says, read from the drive, its store and its trim."""

    drive_id: int
    version: int
    cancelled: bool
    starts_at: datetime  # aware
    ends_at: datetime  # the drive's end (the store's buffer is not the visitor's time)
    zone: ZoneInfo
    trim_name: str
    store_name: str
    store_address: str
    visitor_name: str
    visitor_email: str
    language: str
    manage_url: str = ""

    @property
    def method(self) -> str:
        return CANCEL if self.cancelled else REQUEST


def invite_uid(drive_id: int, settings: Settings | None = None) -> str:
    """The drive's calendar UID: the same for every version of it."""
    return f"test-drive-{drive_id}@{sender_domain(settings)}"


def details_for(session: Session, drive: TestDrive, manage_url: str = "") -> InviteDetails:
    store = session.get(Location, drive.location_id)
    trim = session.get(Trim, drive.trim_id)
    address = ", ".join(part for part in (store.address, store.city) if part)
    return InviteDetails(
        drive_id=drive.id,
        version=drive.version,
        cancelled=drive.status == TestDriveStatus.CANCELLED,
        starts_at=drive.starts_at,
        ends_at=drive.drive_ends_at,
        zone=ZoneInfo(store.time_zone),
        trim_name=trim.name,
        store_name=store.name,
        store_address=address,
        visitor_name=drive.visitor_name,
        visitor_email=drive.visitor_email,
        language=drive.language,
        manage_url=manage_url,
    )


def calendar_for(
    details: InviteDetails, settings: Settings | None = None, *, now: datetime | None = None
) -> Calendar:
    """The VCALENDAR with one VEVENT (and the store zone's VTIMEZONE)."""
    settings = settings or get_settings()
    language = details.language
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", details.method)
    event = Event()
    event.add("uid", invite_uid(details.drive_id, settings))
    event.add("sequence", details.version)
    event.add("dtstamp", (now or utcnow()).astimezone(UTC))
    event.add("dtstart", details.starts_at.astimezone(details.zone))
    event.add("dtend", details.ends_at.astimezone(details.zone))
    event.add("summary", translate("drive_mail.ics.summary", language, trim=details.trim_name))
    event.add("location", f"{details.store_name}, {details.store_address}")
    description = translate(
        "drive_mail.ics.description", language, trim=details.trim_name, store=details.store_name
    )
    if details.manage_url and not details.cancelled:
        description += "\n" + translate("drive_mail.ics.manage", language, url=details.manage_url)
    event.add("description", description)
    event.add("status", "CANCELLED" if details.cancelled else "CONFIRMED")
    event.add("transp", "OPAQUE")
    organizer = vCalAddress(f"mailto:{_address(settings.mail_sender)}")
    organizer.params["cn"] = vText(details.store_name)
    event.add("organizer", organizer)
    attendee = vCalAddress(f"mailto:{details.visitor_email}")
    attendee.params["cn"] = vText(details.visitor_name)
    attendee.params["role"] = vText("REQ-PARTICIPANT")
    attendee.params["partstat"] = vText("ACCEPTED")
    event.add("attendee", attendee)
    calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar


def invite_bytes(
    details: InviteDetails, settings: Settings | None = None, *, now: datetime | None = None
) -> bytes:
    """The invite as an .ics file's bytes (CRLF lines, UTF-8)."""
    return calendar_for(details, settings, now=now).to_ical()


def content_type(details: InviteDetails) -> str:
    """The MIME type of the attachment, with its iTIP method (what mail clients look at)."""
    return f"text/calendar; method={details.method}; charset=utf-8"


def _address(sender: str) -> str:
    return sender.rsplit("<", 1)[-1].rstrip(">").strip()


@dataclass(frozen=True)
class InviteFile:
    content: bytes
    content_type: str
    filename: str


def invite_for_token(session: Session, token: object, *, now: datetime | None = None) -> InviteFile:
    """The .ics of the drive behind a manage token (the "Add to calendar" link): its current
    version, a cancelling one for a cancelled drive. Raises PermissionDenied (403, tampered) or
    LinkGone (410, expired or replaced) like the other token routes. Commits."""
    booked = booking.view_by_token(session, token, now=now)
    drive = booked.drive
    cancelled = drive.status == TestDriveStatus.CANCELLED
    details = details_for(session, drive, "" if cancelled else manage_links.manage_url(booked.manage_token))
    content = invite_bytes(details, now=now)
    session.commit()
    return InviteFile(content, content_type(details), f"test-drive-{drive.id}.ics")
