"""How numbers are written: decimals as printed (specs, generators, forensics) and numbers without padding
(report tables, figure coordinates).

>>> decimals_of("5.10"), decimals_of(5.1), decimals_of(81.0)
(2, 1, 0)
"""


def decimals_of(value) -> int:
    """Decimals as written (``"5.10"`` -> 2; a float uses its shortest repr: 5.1 -> 1, 81.0 -> 0)."""
    text = value if isinstance(value, str) else repr(float(value))
    if text.endswith(".0") and not isinstance(value, str):
        return 0
    return len(text.split(".")[1]) if "." in text else 0


def plain_number(value: float, places: int) -> str:
    """``value`` at most ``places`` decimals, without trailing zeros or a sign on zero: 140, 0.2542, -0.7, 0.

    >>> plain_number(140.0, 4), plain_number(0.25420, 4), plain_number(-0.7, 4), plain_number(-0.001, 2)
    ('140', '0.2542', '-0.7', '0')
    """
    text = f"{value:.{places}f}"
    text = text.rstrip("0").rstrip(".") if "." in text else text
    return "0" if text in ("-0", "") else text
