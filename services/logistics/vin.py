"""Vehicle identification numbers in the real format: 17 characters, ISO 3779, with the
North-American check digit at position 9 (49 CFR 565), never I, O or Q.

The OEM's VINs are built from its world manufacturer identifier (WMI), a descriptor of the trim
(VDS, five characters), the model year, the plant and a six-digit serial number.
"""

from __future__ import annotations

import hashlib
import re

VIN_LENGTH = 17
ALPHABET = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"  # no I, O, Q
_VIN = re.compile(r"^[A-HJ-NPR-Z0-9]{17}$")
_VALUES = {
    **{str(digit): digit for digit in range(10)},
    **dict(zip("ABCDEFGH", range(1, 9), strict=True)),
    **dict(zip("JKLMN", range(1, 6), strict=True)),
    "P": 7,
    "R": 9,
    **dict(zip("STUVWXYZ", range(2, 10), strict=True)),
}
_WEIGHTS = (8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2)
# Model years cycle through these letters and digits (no I, O, Q, U, Z, 0).
_YEAR_CODES = "ABCDEFGHJKLMNPRSTVWXY123456789"
OEM_WMI = "LAP"  # the demo carmaker's identifier (region L: China)
MAX_SERIAL = 999_999


def check_digit(vin: str) -> str:
    """The check digit (position 9, "0"-"9" or "X") of a 17-character VIN; the ninth character
    itself does not count. Raises ValueError for a wrong length or a character outside the VIN
    alphabet."""
    vin = vin.upper()
    if len(vin) != VIN_LENGTH or any(char not in _VALUES for char in vin):
        raise ValueError(f"not a VIN: {vin!r}")
    remainder = sum(_VALUES[char] * weight for char, weight in zip(vin, _WEIGHTS, strict=True)) % 11
    return "X" if remainder == 10 else str(remainder)


def is_valid(vin: str) -> bool:
    """17 characters of the VIN alphabet with the right check digit."""
    return bool(_VIN.match(vin)) and check_digit(vin) == vin[8]


def model_year_code(year: int) -> str:
    """The tenth character for a model year (1980 and 2010 are "A"; the cycle is 30 years)."""
    return _YEAR_CODES[(year - 1980) % 30]


def descriptor(trim_code: str) -> str:
    """Five VIN characters standing for a trim (stable: the same trim always gets the same)."""
    digest = hashlib.sha256(trim_code.encode()).digest()
    return "".join(ALPHABET[byte % len(ALPHABET)] for byte in digest[:5])


def build_vin(*, trim_code: str, model_year: int, plant: str, serial: int, wmi: str = OEM_WMI) -> str:
    """The VIN of one vehicle; `serial` (0..999,999) must be unique per WMI, year and plant.
    Raises ValueError for a serial out of range or a plant/WMI outside the VIN alphabet."""
    if not 0 <= serial <= MAX_SERIAL:
        raise ValueError(f"serial {serial} out of range")
    body = f"{wmi}{descriptor(trim_code)}0{model_year_code(model_year)}{plant}{serial:06d}"
    if len(body) != VIN_LENGTH or any(char not in _VALUES for char in body):
        raise ValueError(f"VIN parts outside the alphabet: {body!r}")
    return body[:8] + check_digit(body) + body[9:]


def plant_and_serial(sequence: int) -> tuple[str, int]:
    """Spread a running number (e.g. an order id) over plant letters and serials, so every
    number below 33 million gets its own (plant, serial)."""
    plant_index, serial = divmod(sequence, MAX_SERIAL + 1)
    return ALPHABET[plant_index % len(ALPHABET)], serial
