"""How numbers were written: the one helper specs, generators and forensics share.

>>> decimals_of("5.10"), decimals_of(5.1), decimals_of(81.0)
(2, 1, 0)
"""


def decimals_of(value) -> int:
    """Decimals as written (``"5.10"`` -> 2; a float uses its shortest repr: 5.1 -> 1, 81.0 -> 0)."""
    text = value if isinstance(value, str) else repr(float(value))
    if text.endswith(".0") and not isinstance(value, str):
        return 0
    return len(text.split(".")[1]) if "." in text else 0
