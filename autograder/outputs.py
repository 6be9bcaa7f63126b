"""The outputs of a batch: ``grades.csv``, ``grades.json``, ``feedback/<student>.md`` and ``.html``, and the
gradebook table printed at the end."""

import csv
import dataclasses
import html
import io
import json
import os
import pathlib
import threading

from autograder import checks
from autograder.checks.statuses import meanings
from autograder.submissions import feedback_names
from autograder.untrusted import csv_cell
from autograder.verdicts import COLUMNS


def write_outputs(rows, out, seed, report=None):
    """Write ``grades.csv``, ``grades.json`` and ``feedback/<student>.md`` and ``.html`` into ``out``."""
    out = pathlib.Path(out)
    (out / "feedback").mkdir(parents=True, exist_ok=True)
    names = feedback_names(row.student for row in rows)  # two names that make one file name get distinct files
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerows([csv_cell(getattr(row, column)) for column in COLUMNS] for row in rows)
    atomic_write(out / "grades.csv", buffer.getvalue())
    notebooks = {}
    for row in rows:
        entry = notebooks.setdefault((row.student, row.notebook), {
            "student": row.student, "notebook": row.notebook, "score": 0, "max_score": 0, "notes": list(row.notes),
            "seed": row.seed, "feedback": f"feedback/{names[row.student]}.md"})
        entry["score"] = round(entry["score"] + row.score, 4)
        entry["max_score"] += row.max_score
    payload = {"seed": seed, "statuses": meanings(), "rows": [dataclasses.asdict(row) for row in rows],
               "notebooks": list(notebooks.values())}
    if report is not None:
        payload["sandbox"] = {key: sorted(value) if isinstance(value, set) else value for key, value in report.items()}
    atomic_write(out / "grades.json", json.dumps(payload, indent=1) + "\n")
    by_student = {}
    for row in rows:
        by_student.setdefault(row.student, []).append(row)
    for student, student_rows in by_student.items():
        atomic_write(out / "feedback" / f"{names[student]}.md", feedback_markdown(student, student_rows))
        atomic_write(out / "feedback" / f"{names[student]}.html", feedback_html(student, student_rows))


def _by_notebook(rows):
    grouped = {}
    for row in rows:
        grouped.setdefault(row.notebook, []).append(row)
    return grouped


def _title(exercise):
    try:
        return checks.find_exercise(exercise)[1].title
    except ValueError:
        return ""


def feedback_markdown(student, rows):
    lines = [f"# Feedback for {student}", ""]
    for notebook, notebook_rows in _by_notebook(rows).items():
        total = sum(row.score for row in notebook_rows)
        maximum = sum(row.max_score for row in notebook_rows)
        lines += [f"## {notebook}: {total:g} / {maximum:g}", ""]
        if notebook_rows[0].notes:
            lines += ["Notes:", *(f"- {note}" for note in notebook_rows[0].notes), ""]
        lines += ["| exercise | score | status | feedback |", "|---|---|---|---|"]
        for row in notebook_rows:
            message = row.message.replace("|", "\\|").replace("\n", " ") or "correct"
            lines.append(f"| {row.exercise or '-'} | {row.score:g} / {row.max_score:g} | {row.status} | {message} |")
        lines.append("")
    return "\n".join(lines)


def feedback_html(student, rows):
    """The same feedback as :func:`feedback_markdown`, as a standalone HTML page (hints on their own line)."""
    e = html.escape
    parts = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
             f"<title>Feedback for {e(student)}</title>",
             "<style>body{font-family:sans-serif;max-width:60em;margin:2em auto}table{border-collapse:collapse;"
             "width:100%}td,th{border:1px solid #ccc;padding:.3em .5em;vertical-align:top;text-align:left}"
             ".passed{background:#e8f6e8}.partial{background:#fff6d8}.hint{color:#555;font-style:italic}"
             "</style></head><body>", f"<h1>Feedback for {e(student)}</h1>"]
    for notebook, notebook_rows in _by_notebook(rows).items():
        total = sum(row.score for row in notebook_rows)
        maximum = sum(row.max_score for row in notebook_rows)
        parts.append(f"<h2>{e(notebook)}: {total:g} / {maximum:g}</h2>")
        if notebook_rows[0].notes:
            parts.append("<ul>" + "".join(f"<li>{e(note)}</li>" for note in notebook_rows[0].notes) + "</ul>")
        parts.append("<table><tr><th>exercise</th><th>score</th><th>status</th><th>feedback</th></tr>")
        for row in notebook_rows:
            text, _, hint = (row.message or "correct").partition(" Hint: ")
            feedback = e(text) + (f'<div class="hint">Hint: {e(hint)}</div>' if hint else "")
            title = _title(row.exercise) if row.exercise else ""
            parts.append(f'<tr class="{e(row.status)}"><td>{e(row.exercise or "-")}'
                         f'{"<br><small>" + e(title) + "</small>" if title else ""}</td>'
                         f"<td>{row.score:g} / {row.max_score:g}</td><td>{e(row.status)}</td><td>{feedback}</td></tr>")
        parts.append("</table>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def atomic_write(path, text):
    path = pathlib.Path(path)
    partial = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.partial")
    partial.write_text(text, encoding="utf-8")
    partial.replace(path)


def gradebook_table(rows):
    totals = {}
    for row in rows:
        key = (row.student, row.notebook)
        score, maximum, statuses = totals.get(key, (0, 0, []))
        totals[key] = (score + row.score, maximum + row.max_score, statuses + [row.status])
    lines = [f"{'student':<16} {'notebook':<24} {'score':>9}  statuses"]
    for (student, notebook), (score, maximum, statuses) in totals.items():
        counts = ", ".join(f"{statuses.count(s)} {s}" for s in dict.fromkeys(statuses))
        lines.append(f"{student:<16} {notebook:<24} {score:>4g} / {maximum:<3g}  {counts}")
    return "\n".join(lines)
