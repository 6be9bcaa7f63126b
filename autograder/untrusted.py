"""Text and statuses from the learner's kernel are data: the grader decides every status and frames every quote.

A kernel can write any probe result it likes. :func:`kernel_outcome` maps the status it reports to the grader's
own status by a fixed table (a reported ``memory-limit`` is only "your code raised MemoryError": the grader reports
``memory-limit`` only when the kernel's cgroup says so) and words the message itself; the kernel's text appears
only after the grader's words, through :func:`learner_text`: one line, printable, length-limited, with no verdict
tag (``[PASS]``) and nothing a spreadsheet would run. :func:`csv_cell` neutralises every cell of ``grades.csv``.
"""

import re

MAX_TEXT = 300
MAX_MESSAGE = 2000
_VERDICT_TAG = re.compile(r"\[\s*(pass|fail|ok)[^\]]{0,20}\]", re.IGNORECASE)
_FORMULA_START = ("=", "+", "-", "@")


def csv_cell(value):
    """``value`` for a spreadsheet: text that would start a formula (also after spaces or tabs) gets a ``'``."""
    if isinstance(value, str) and (value.lstrip(" \t\r\n").startswith(_FORMULA_START) or value[:1] in ("\t", "\r")):
        return "'" + value
    return value


def one_line(text, limit=MAX_MESSAGE):
    """``text`` on one line of printable characters, at most ``limit`` of them, verdict tags made plain words."""
    text = " ".join("".join(ch if ch.isprintable() else " " for ch in str(text)).split())
    text = _VERDICT_TAG.sub(lambda match: match.group(1).upper(), text)
    return text if len(text) <= limit else text[:limit - 3] + "..."


def learner_text(text, limit=MAX_TEXT):
    """Text from the learner's kernel, fit to quote after the grader's own words."""
    text = one_line(text, limit)
    while text.startswith(_FORMULA_START):
        text = text[1:].lstrip()
    return text


def kernel_outcome(exercise, result):
    """``(status, message)`` the grader gives a probe result whose status is not ``ok`` (the kernel's claim)."""
    status, text = result.get("status"), learner_text(result.get("message", ""))
    symbol = f"`{exercise.symbol}`"
    if status == "not-implemented":
        return "not-implemented", f"{symbol} still raises NotImplementedError: replace the stub with your code"
    if status == "missing":
        return "missing", f"{symbol} is not defined after your cells ran: define it in the answer cell, by this name"
    if status == "failed":
        return "failed", f"the check stopped at your answer: {text}"
    if status == "memory-limit":
        return "error", f"calling your answer raised MemoryError ({text})"
    return "error", f"calling your answer failed: {text}"


def hidden_result(result):
    """A hidden probe's result with the kernel's text made safe (its status is judged by the exercise)."""
    if not isinstance(result, dict) or result.get("status") == "ok":
        return result
    status = result.get("status")
    if status == "memory-limit":
        return {"status": "error", "message": "MemoryError"}
    return {"status": status, "message": learner_text(result.get("message", ""), 200)}
